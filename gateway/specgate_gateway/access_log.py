"""The access log: one JSON object per line per request, and its AWS ALB rendering.

    log = AccessLog("-")                # or a file path; opened O_APPEND
    log.write({"request_id": "...", ...})
    alb_line(record)                   # the same request as an ALB access-log entry

Fields of a record (absent values are null):

    ts                  ISO 8601 UTC time the request arrived, microseconds
    request_id          X-Request-Id as received (when well-formed), else generated
    client              "address:port" of the peer (the load balancer, behind one)
    scheme, host        the scheme the client used (see https.py) and the Host header
    method, path        as received; path percent-encoded as sent
    query               the raw query, values of credential-like names replaced by REDACTED
    route, operation_id the matched path template and operationId (null: no route)
    status              what the gateway answered
    outcome             "forwarded" (the API answered), "rejected" (the contract refused it),
                        "failed" (the API could not answer: 502/503/504), "redirected" (plain
                        HTTP), "error" (a bug in the gateway: 500)
    reason              rejection reason, failure kind, "https_required" or "gateway_error";
                        null when forwarded
    errors              up to 5 validation errors: location, name, keyword, message (messages
                        never echo a submitted value)
    validation_us       wall-clock time of request validation (the SpecGate hook: headers
                        collected, body read, validate_request); under load it includes
                        waiting for the GIL and for a CPU
    upstream_ms         time waiting for the API, all attempts
    total_ms            time in the gateway
    attempts, retries   upstream attempts, and those beyond the first
    upstream_status     the API's last status (also when it became a 502)
    contract_break      whether the API's answer broke the contract (null: not checked)
    contract_errors     up to 5 of those errors: pointer, keyword, message
    bytes_in, bytes_out body sizes
    user_agent          as received
    worker, spec_generation  the worker pid and how many specs it has loaded

Writes: each line is one os.write on a descriptor opened with O_APPEND, so lines from the
threads and worker processes sharing the file never interleave. Thread safety: free.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional

# Query parameter names whose values never reach the log.
_SECRET_NAMES = frozenset({
    "access_token", "api_key", "apikey", "auth", "authorization", "code", "key", "password",
    "secret", "session", "sig", "signature", "token",
})

MAX_LOGGED_ERRORS = 5


class AccessLog:
    """Appends JSON lines to a file, or to standard output for "-"."""

    def __init__(self, destination: str) -> None:
        if destination in ("", "-"):
            self._fd = 1
            self._owned = False
        else:
            self._fd = os.open(destination, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            self._owned = True

    def write(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str)
        os.write(self._fd, line.encode("utf-8", "replace") + b"\n")

    def close(self) -> None:
        if self._owned:
            os.close(self._fd)
            self._owned = False


def utc_timestamp(epoch_seconds: float) -> str:
    """2024-05-01T12:00:00.123456Z"""
    moment = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def redact_query(query: Optional[str]) -> Optional[str]:
    """The raw query with the values of credential-like parameters replaced by REDACTED."""
    if not query:
        return None
    parts = []
    for item in query.split("&"):
        name, sep, _ = item.partition("=")
        if sep and name.lower() in _SECRET_NAMES:
            item = f"{name}=REDACTED"
        parts.append(item)
    return "&".join(parts)


def error_entries(errors: Iterable[Any], *, response: bool = False) -> List[Dict[str, str]]:
    """Up to MAX_LOGGED_ERRORS errors of a RequestResult as small dicts."""
    entries = []
    for error in errors:
        if len(entries) == MAX_LOGGED_ERRORS:
            break
        if response:
            entries.append({"location": error.location, "pointer": error.pointer,
                            "keyword": error.keyword, "message": error.message})
        else:
            entries.append({"location": error.location, "name": error.name,
                            "keyword": error.keyword, "message": error.message})
    return entries


def read_records(path: str) -> Iterator[Dict[str, Any]]:
    """The records of a JSON-lines access log; lines that are not JSON objects are skipped
    (the log may share standard output with other messages)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "request_id" in record and "status" in record:
                yield record


# ---------------------------------------------------------------------- ALB


def _alb_quoted(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code > 0x7E:
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8"))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _seconds(ms: Optional[float]) -> str:
    return "-1" if ms is None else f"{ms / 1000.0:.3f}"


def alb_line(record: Mapping[str, Any], *, target: str = "-",
             load_balancer: str = "app/hospital-gateway/0000000000000000") -> str:
    """The record as an AWS Application Load Balancer access-log entry (AWS's field order),
    so tools that read ALB logs, `specgate replay` among them, read the gateway's log too.

    elb_status_code is the gateway's answer, target_status_code the API's ("-" when the
    request never reached it); request_processing_time is validation, target_processing_time
    the upstream wait (-1 when not forwarded), response_processing_time the rest."""
    scheme = record.get("scheme") or "https"
    host = record.get("host") or "localhost"
    path = record.get("path") or "/"
    query = record.get("query")
    url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    version = record.get("http_version") or "HTTP/1.1"
    request_line = f"{record.get('method', '-')} {url} {version}"

    validation_ms = (record.get("validation_us") or 0) / 1000.0
    upstream_ms = record.get("upstream_ms")
    total_ms = record.get("total_ms") or 0.0
    response_ms = max(0.0, total_ms - validation_ms - (upstream_ms or 0.0))
    forwarded = upstream_ms is not None
    upstream_status = record.get("upstream_status")
    ts = record.get("ts") or utc_timestamp(0)
    fields = [
        "https" if scheme == "https" else "http",
        ts,
        load_balancer,
        record.get("client") or "-",
        target if forwarded else "-",
        _seconds(validation_ms),
        _seconds(upstream_ms) if forwarded else "-1",
        _seconds(response_ms),
        str(record.get("status", "-")),
        str(upstream_status) if upstream_status else "-",
        str(record.get("bytes_in") or 0),
        str(record.get("bytes_out") or 0),
        _alb_quoted(request_line),
        _alb_quoted(record.get("user_agent") or "-"),
        "ECDHE-RSA-AES128-GCM-SHA256" if scheme == "https" else "-",
        "TLSv1.3" if scheme == "https" else "-",
        "arn:aws:elasticloadbalancing:local:000000000000:targetgroup/hospital-api/0",
        _alb_quoted(f"Self={record.get('request_id', '-')}"),
        _alb_quoted(host.split(":")[0]),
        _alb_quoted("-"),
        "0",
        ts,
        _alb_quoted("forward" if forwarded else "fixed-response"),
        _alb_quoted("-"),
        _alb_quoted(record.get("reason") or "-"),
        _alb_quoted(target if forwarded else "-"),
        _alb_quoted(str(upstream_status) if upstream_status else "-"),
        _alb_quoted("-"),
        _alb_quoted("-"),
    ]
    return " ".join(fields)
