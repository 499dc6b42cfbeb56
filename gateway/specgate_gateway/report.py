"""What the demo shows: a summary of the gateway's access log (and its /metrics), as a text
table, as an HTML page with inline SVG charts, and as an AWS ALB log for `specgate replay`.

    records = list(access_log.read_records("out/demo-access.jsonl"))
    summary = summarize(records)
    print(text_table(summary))
    write_html("out/report.html", summary, records, replay_text="...")

No charting library: the charts are a few SVG rectangles, written here.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from .access_log import alb_line

REJECTION_ORDER = ["unknown_route", "method_not_allowed", "unauthorized", "body_too_large",
                   "unsupported_media_type", "invalid_request"]
FAILURE_ORDER = ["upstream_error", "upstream_disconnected", "upstream_unreachable",
                 "breaker_open", "upstream_timeout"]
FAILURE_LABEL = {
    "upstream_error": "502 API answered 5xx (after retries)",
    "upstream_disconnected": "502 API dropped the connection",
    "upstream_unreachable": "502 API unreachable",
    "breaker_open": "503 circuit open",
    "upstream_timeout": "504 API too slow",
}
REJECTION_STATUS = {"unknown_route": 404, "method_not_allowed": 405, "unauthorized": 401,
                    "body_too_large": 413, "unsupported_media_type": 415,
                    "invalid_request": 400}


def percentile(values: Sequence[float], fraction: float) -> Optional[float]:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Summary:
    total: int = 0
    outcomes: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    rejections: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    forwarded_2xx: int = 0
    forwarded_4xx: int = 0
    retried_requests: int = 0
    retries: int = 0
    retried_then_answered: int = 0
    contract_breaks: int = 0
    validation_us: List[int] = field(default_factory=list)
    upstream_ms: List[float] = field(default_factory=list)
    total_ms: List[float] = field(default_factory=list)
    top_failing: List[Tuple[Tuple[str, str, str, int], int]] = field(default_factory=list)
    first_ts: str = ""
    last_ts: str = ""


def _pattern(record: Mapping[str, Any]) -> str:
    if record.get("route"):
        return record["route"]
    # No route matched: the path with ids collapsed, so /v1/owners/3 and /v1/owners/7 group.
    path = record.get("path") or "/"
    path = re.sub(r"/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}(?=/|$)", "/{uuid}", path)
    return re.sub(r"/\d+(?=/|$)", "/{n}", path)


def summarize(records: Iterable[Mapping[str, Any]], top: int = 12) -> Summary:
    summary = Summary()
    failing: Counter = Counter()
    for record in records:
        summary.total += 1
        outcome = record.get("outcome") or "error"
        status = int(record.get("status") or 0)
        summary.outcomes[outcome] += 1
        summary.statuses[status] += 1
        if outcome == "rejected":
            summary.rejections[record.get("reason")] += 1
        elif outcome == "failed":
            summary.failures[record.get("reason")] += 1
        elif outcome == "forwarded":
            if status < 400:
                summary.forwarded_2xx += 1
            else:
                summary.forwarded_4xx += 1
        if record.get("retries"):
            summary.retried_requests += 1
            summary.retries += int(record["retries"])
            if outcome == "forwarded":
                summary.retried_then_answered += 1
        if record.get("contract_break"):
            summary.contract_breaks += 1
        if record.get("validation_us") is not None:
            summary.validation_us.append(int(record["validation_us"]))
        if record.get("upstream_ms") is not None:
            summary.upstream_ms.append(float(record["upstream_ms"]))
        summary.total_ms.append(float(record.get("total_ms") or 0.0))
        if outcome in ("rejected", "failed"):
            failing[(record.get("method", "-"), _pattern(record), record.get("reason") or "-",
                     status)] += 1
        ts = record.get("ts") or ""
        if ts and (not summary.first_ts or ts < summary.first_ts):
            summary.first_ts = ts
        if ts > summary.last_ts:
            summary.last_ts = ts
    summary.top_failing = failing.most_common(top)
    return summary


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    -"


def _fmt(value: Optional[float], unit: str, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f} {unit}"


def text_table(summary: Summary, extra_lines: Sequence[str] = ()) -> str:
    """The summary as a fixed-width table for the terminal."""
    total = summary.total
    rows: List[Tuple[str, str, str]] = []
    forwarded = summary.outcomes["forwarded"]
    rows.append(("forwarded, answered by the API", str(forwarded), _share(forwarded, total)))
    rows.append(("  2xx/3xx  |  4xx from the API", f"{summary.forwarded_2xx} | "
                 f"{summary.forwarded_4xx}", ""))
    rejected = summary.outcomes["rejected"]
    rows.append(("rejected by the contract (never reached the API)", str(rejected),
                 _share(rejected, total)))
    for reason in REJECTION_ORDER + sorted(set(summary.rejections) - set(REJECTION_ORDER)):
        if summary.rejections[reason]:
            rows.append((f"  {REJECTION_STATUS.get(reason, '')} {reason}",
                         str(summary.rejections[reason]), _share(summary.rejections[reason],
                                                                 total)))
    failed = summary.outcomes["failed"]
    rows.append(("failed upstream, answered by the gateway", str(failed), _share(failed, total)))
    for reason in FAILURE_ORDER + sorted(set(summary.failures) - set(FAILURE_ORDER)):
        if summary.failures[reason]:
            rows.append((f"  {FAILURE_LABEL.get(reason, reason)}", str(summary.failures[reason]),
                         _share(summary.failures[reason], total)))
    for name in ("redirected", "error"):
        if summary.outcomes[name]:
            rows.append((name, str(summary.outcomes[name]), _share(summary.outcomes[name], total)))
    rows.append(("total", str(total), ""))

    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{'outcome':<{width}}{'requests':>10}  {'share':>6}", "-" * (width + 18)]
    for label, count, share in rows:
        lines.append(f"{label:<{width}}{count:>10}  {share:>6}")
    lines.append("")
    lines.append(f"retried: {summary.retried_requests} requests ({summary.retries} retries), "
                 f"{summary.retried_then_answered} of them then answered by the API")
    lines.append(f"502 / 503 / 504 answered by the gateway: {summary.statuses[502]} / "
                 f"{summary.statuses[503]} / {summary.statuses[504]}")
    lines.append(f"contract breaks in the API's answers (logged, counted, forwarded): "
                 f"{summary.contract_breaks}")
    lines.append(
        "latency added by validation (SpecGate hook: headers, body, validate): "
        f"p50 {_fmt(percentile(summary.validation_us, 0.5), 'µs', 0)}, "
        f"p99 {_fmt(percentile(summary.validation_us, 0.99), 'µs', 0)}")
    lines.append(
        f"time waiting for the API: p50 {_fmt(percentile(summary.upstream_ms, 0.5), 'ms')}, "
        f"p99 {_fmt(percentile(summary.upstream_ms, 0.99), 'ms')}; in the gateway overall: "
        f"p50 {_fmt(percentile(summary.total_ms, 0.5), 'ms')}, "
        f"p99 {_fmt(percentile(summary.total_ms, 0.99), 'ms')}")
    lines.extend(extra_lines)
    if summary.top_failing:
        lines.append("")
        lines.append("which requests fail, and why (top groups):")
        for (method, pattern, reason, status), count in summary.top_failing:
            lines.append(f"  {count:>5}  {status}  {method:<7} {pattern:<40} {reason}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- ALB


def write_alb_log(path: str, records: Iterable[Mapping[str, Any]], target: str) -> int:
    count = 0
    with open(path, "w", encoding="ascii", errors="backslashreplace") as handle:
        for record in records:
            handle.write(alb_line(record, target=target) + "\n")
            count += 1
    return count


# ---------------------------------------------------------------------- HTML / SVG

_SERIES = [
    ("forwarded 2xx", "#2e7d32"),
    ("forwarded 4xx", "#8bc34a"),
    ("rejected", "#ffb300"),
    ("502", "#e53935"),
    ("503", "#8e24aa"),
    ("504", "#1e88e5"),
]


def _series_of(record: Mapping[str, Any]) -> Optional[str]:
    outcome = record.get("outcome")
    status = int(record.get("status") or 0)
    if outcome == "forwarded":
        return "forwarded 2xx" if status < 400 else "forwarded 4xx"
    if outcome == "rejected":
        return "rejected"
    if status in (502, 503, 504):
        return str(status)
    return None


def _seconds_of(ts: str) -> Optional[float]:
    match = re.match(r"^(\d{4}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d(?:\.\d+)?)Z$", ts or "")
    if not match:
        return None
    return int(match.group(2)) * 3600 + int(match.group(3)) * 60 + float(match.group(4))


def timeline_svg(records: Sequence[Mapping[str, Any]], width: int = 860,
                 height: int = 280) -> str:
    """Stacked bars: requests per time slice by outcome."""
    times = [(_seconds_of(r.get("ts", "")), _series_of(r)) for r in records]
    times = [(t, s) for t, s in times if t is not None and s is not None]
    if not times:
        return "<p>(no data)</p>"
    start = min(t for t, _ in times)
    span = max(t for t, _ in times) - start
    slices = max(1, min(60, int(span / 0.5) + 1))
    step = max(span / slices, 1e-3) if span else 1.0
    buckets: List[Counter] = [Counter() for _ in range(slices)]
    for t, series in times:
        index = min(slices - 1, int((t - start) / step))
        buckets[index][series] += 1
    peak = max(sum(b.values()) for b in buckets) or 1
    left, bottom, top, right = 48, 30, 24, 150
    plot_w = width - left - right
    plot_h = height - bottom - top
    bar_w = plot_w / slices
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="requests over time by outcome">']
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{value:.0f}</text>')
    for index, bucket in enumerate(buckets):
        y = top + plot_h
        for series, colour in _SERIES:
            count = bucket[series]
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(f'<rect x="{left + index * bar_w + 1:.1f}" y="{y:.1f}" '
                         f'width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{html.escape(series)}: {count}</title></rect>')
    for tick in range(0, 6):
        x = left + plot_w * tick / 5
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">'
                     f'{span * tick / 5:.1f}s</text>')
    for index, (series, colour) in enumerate(_SERIES):
        y = top + 14 + index * 18
        parts.append(f'<rect x="{width - right + 14}" y="{y - 10}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{width - right + 32}" y="{y}" font-size="12">'
                     f'{html.escape(series)}</text>')
    parts.append(f'<text x="{left}" y="12" font-size="11">requests per {step:.2f} s'
                 f'</text></svg>')
    return "".join(parts)


def bars_svg(items: Sequence[Tuple[str, int]], colour: str = "#ffb300", width: int = 860) -> str:
    """Horizontal bars, one per (label, value)."""
    if not items:
        return "<p>(none)</p>"
    row = 22
    label_w = 330
    height = row * len(items) + 8
    peak = max(value for _, value in items) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">']
    for index, (label, value) in enumerate(items):
        y = 4 + index * row
        w = (width - label_w - 60) * value / peak
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" font-size="12" text-anchor="end">'
                     f'{html.escape(label)}</text><rect x="{label_w}" y="{y + 2}" '
                     f'width="{max(w, 1):.1f}" height="{row - 6}" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(values: Sequence[float], unit: str, width: int = 860, bins: int = 30) -> str:
    """A histogram on a log axis (latencies spread over decades)."""
    positive = [v for v in values if v > 0]
    if not positive:
        return "<p>(no data)</p>"
    low = math.log10(min(positive))
    high = math.log10(max(positive))
    if high - low < 1e-9:
        high = low + 1
    counts = [0] * bins
    for value in positive:
        index = min(bins - 1, int((math.log10(value) - low) / (high - low) * bins))
        counts[index] += 1
    height, left, bottom = 200, 40, 28
    plot_w, plot_h = width - left - 50, height - bottom - 10
    peak = max(counts) or 1
    bar_w = plot_w / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">']
    for index, count in enumerate(counts):
        h = plot_h * count / peak
        lo = 10 ** (low + (high - low) * index / bins)
        hi = 10 ** (low + (high - low) * (index + 1) / bins)
        parts.append(f'<rect x="{left + index * bar_w + 1:.1f}" y="{10 + plot_h - h:.1f}" '
                     f'width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" fill="#5c6bc0">'
                     f'<title>{lo:.0f}-{hi:.0f} {unit}: {count}</title></rect>')
    for tick in range(0, 6):
        value = 10 ** (low + (high - low) * tick / 5)
        x = left + plot_w * tick / 5
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle">'
                     f'{value:.0f} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(path: str, summary: Summary, records: Sequence[Mapping[str, Any]], *,
               title: str, table: str, replay_text: Optional[str] = None,
               notes: Sequence[str] = ()) -> None:
    rejection_items = [(f"{REJECTION_STATUS.get(k, '')} {k}", v)
                       for k, v in summary.rejections.most_common()]
    failure_items = [(FAILURE_LABEL.get(k, k), v) for k, v in summary.failures.most_common()]
    failing_rows = "".join(
        f"<tr><td>{count}</td><td>{status}</td><td>{html.escape(method)}</td>"
        f"<td><code>{html.escape(pattern)}</code></td><td>{html.escape(reason)}</td></tr>"
        for (method, pattern, reason, status), count in summary.top_failing)
    replay_block = (f"<h2>specgate replay of the ALB-format log</h2><pre>"
                    f"{html.escape(replay_text)}</pre>" if replay_text else "")
    notes_block = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 900px; color: #222; }}
pre {{ background: #f6f8fa; padding: 1em; overflow-x: auto; font-size: 12px; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 2px 10px; border-bottom: 1px solid #eee;
 text-align: left; font-size: 13px; }}
h2 {{ margin-top: 1.6em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<ul>{notes_block}</ul>
<h2>Summary</h2><pre>{html.escape(table)}</pre>
<h2>Requests over time, by outcome</h2>{timeline_svg(records)}
<h2>Rejected by the contract, by reason</h2>{bars_svg(rejection_items)}
<h2>Failed upstream, answered by the gateway</h2>{bars_svg(failure_items, "#e53935")}
<h2>Latency added by validation</h2>{histogram_svg(summary.validation_us, "µs")}
<h2>Which requests fail, and why</h2>
<table><tr><th>requests</th><th>status</th><th>method</th><th>route or path</th>
<th>reason</th></tr>{failing_rows}</table>
{replay_block}
</body></html>
"""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
