"""Load test: requests per second and latency percentiles of the gateway, with and without
validation, on loopback.

    cd gateway && ../.venv/bin/python -m specgate_gateway.loadtest
    .venv/bin/python gateway/loadtest.py                   # the same, from the repository root
    options: --seconds 10 --warmup 2 --rounds 2 --processes 2 --threads 4 --workers 2
             --gateway-threads 8 --skip-direct

For each mode it starts the stand-in upstream (no faults) and a fresh gateway (gunicorn, TLS),
drives it with keep-alive HTTPS connections from several client processes (each with a few
threads, http.client: the lightest client the standard library has) for a fixed time after a
warm-up, then stops everything. The two gateway modes alternate for --rounds rounds and are
pooled, so a drift of the machine does not favour one. Modes:

- validate:    GATEWAY_VALIDATE=1, the normal gateway (request and response validation);
- no-validate: GATEWAY_VALIDATE=0, the same gateway forwarding without any check;
- upstream:    the stand-in API directly (plain HTTP, no gateway), for scale.

Every request is valid, so both gateway modes do the same forwarding work; the difference is
the price of validation. The clients share the machine with the servers: on a small machine
the numbers are the whole system's throughput, not the gateway's alone. Results go to
out/loadtest.json as well.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import ssl
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from . import report, tls
from .access_log import read_records
from .processes import Services, children
from .settings import DEFAULT_SPEC, GATEWAY_DIR

OUT = GATEWAY_DIR / "out"
TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb2FkdGVzdCJ9.bG9hZHRlc3Q"
PATIENT = json.dumps({"name": "Rex", "species": "dog", "weight_kg": 31.5,
                      "owner": {"name": "Ann Lee", "phone": "+44 7700 900123"}}).encode()

# The request mix: mostly reads, some writes, all valid.
MIX: List[Tuple[str, str, Optional[bytes]]] = (
    [("GET", f"/v1/patients/{n}", None) for n in range(1, 21)]
    + [("GET", "/v1/patients?limit=10&species=dog", None)] * 4
    + [("GET", "/v1/appointments?date=2025-01-06&limit=5", None)] * 3
    + [("GET", "/v1/patients/3/notes?limit=5", None)] * 3
    + [("POST", "/v1/patients", PATIENT)] * 4
    + [("PATCH", "/v1/patients/7", b'{"weight_kg": 12.5}')] * 2
)


def _client_thread(url: str, ca: Optional[str], deadline: float, measure_from: float,
                   offset: int, latencies: List[float], errors: List[int]) -> None:
    parts = urlsplit(url)
    context = None
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=ca)

    def connect() -> http.client.HTTPConnection:
        if context is not None:
            return http.client.HTTPSConnection(parts.hostname, parts.port, context=context,
                                               timeout=10)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    connection = connect()
    index = offset
    while True:
        started = time.perf_counter()
        if started >= deadline:
            break
        method, path, body = MIX[index % len(MIX)]
        index += 1
        headers = {"Authorization": TOKEN}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status < 500
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = connect()
        ended = time.perf_counter()
        if started >= measure_from:
            if ok:
                latencies.append(ended - started)
            else:
                errors.append(1)
    connection.close()


def _client_process(args: Tuple[str, Optional[str], float, float, int, int]) -> Dict[str, Any]:
    url, ca, deadline_in, warmup, threads, seed = args
    now = time.perf_counter()
    measure_from = now + warmup
    deadline = measure_from + deadline_in
    latencies: List[float] = []
    errors: List[int] = []
    workers = [threading.Thread(target=_client_thread,
                                args=(url, ca, deadline, measure_from, seed * 7 + i * 13,
                                      latencies, errors)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"latencies": latencies, "errors": len(errors)}


def cpu_seconds(pids: List[int]) -> float:
    """User + system CPU time consumed so far by these processes (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def drive(url: str, ca: Optional[str], seconds: float, warmup: float, processes: int,
          threads: int, server_pids: Optional[List[int]] = None) -> Dict[str, Any]:
    """Runs the clients; returns the latencies (ms) of the measured window and, given the
    servers' pids, the CPU time they spent in it: a measure that, unlike requests/s, does not
    depend on what else the machine is doing."""
    jobs = [(url, ca, seconds, warmup, threads, p) for p in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pending = pool.map_async(_client_process, jobs)
        time.sleep(warmup)
        cpu_before = cpu_seconds(server_pids or [])
        results = pending.get(seconds + warmup + 120)
        cpu_after = cpu_seconds(server_pids or [])
    latencies = [value * 1000 for result in results for value in result["latencies"]]
    errors = sum(result["errors"] for result in results)
    return {"latencies_ms": latencies, "errors": errors, "seconds": seconds,
            "server_cpu_seconds": cpu_after - cpu_before if server_pids else None}


def _combine(runs: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One mode's rounds pooled: requests/s over all measured time, percentiles over all
    requests, and each round's requests/s to show the spread."""
    ms = [value for run in runs for value in run["latencies_ms"]]
    seconds = sum(run["seconds"] for run in runs)
    combined: Dict[str, Any] = {
        "requests": len(ms), "errors": sum(run["errors"] for run in runs), "seconds": seconds,
        "rps": len(ms) / seconds,
        "rps_per_round": [round(len(run["latencies_ms"]) / run["seconds"]) for run in runs],
        "p50_ms": report.percentile(ms, 0.50), "p90_ms": report.percentile(ms, 0.90),
        "p99_ms": report.percentile(ms, 0.99), "max_ms": max(ms) if ms else None,
    }
    cpu = [run["server_cpu_seconds"] for run in runs if run.get("server_cpu_seconds")]
    if cpu and ms:
        combined["gateway_cpu_ms_per_request"] = 1000 * sum(cpu) / len(ms)
    values = [v for run in runs for v in run.get("validation_us", [])]
    combined["validation_p50_us"] = report.percentile(values, 0.5)
    combined["validation_p99_us"] = report.percentile(values, 0.99)
    statuses: Dict[str, int] = {}
    for run in runs:
        for status, count in run.get("gateway_statuses", {}).items():
            statuses[status] = statuses.get(status, 0) + count
    if statuses:
        combined["gateway_statuses"] = statuses
    return combined


def _run_gateway(out: Path, files: tls.TlsFiles, validate: bool, args: argparse.Namespace,
                 round_number: int) -> Dict[str, Any]:
    name = f"lt{round_number}-validate" if validate else f"lt{round_number}-no-validate"
    with Services() as services:
        upstream = services.upstream(out, name=f"{name}-upstream")
        gateway = services.gateway(
            out, upstream.url, tls=files, workers=args.workers, threads=args.gateway_threads,
            spec=DEFAULT_SPEC, name=name,
            env={"GATEWAY_VALIDATE": "1" if validate else "0",
                 "GATEWAY_BREAKER_THRESHOLD": "1000000"})
        result = drive(gateway.url, str(files.ca), args.seconds, args.warmup, args.processes,
                       args.threads, [gateway.pid] + children(gateway.pid))
        access_log = gateway.extra["access_log"]
    records = list(read_records(access_log))
    statuses: Dict[str, int] = {}
    for record in records:
        statuses[str(record["status"])] = statuses.get(str(record["status"]), 0) + 1
    result.update(
        validation_us=[r["validation_us"] for r in records
                       if r.get("validation_us") is not None],
        gateway_statuses=statuses)
    return result


def _run_upstream(out: Path, args: argparse.Namespace) -> Dict[str, Any]:
    with Services() as services:
        upstream = services.upstream(out, name="lt-direct-upstream")
        return drive(upstream.url, None, args.seconds, args.warmup, args.processes,
                     args.threads)


def in_process_cost(requests_per_mode: int = 1500, rounds: int = 3) -> Dict[str, float]:
    """CPU time per request of the gateway app itself, validation on and off: the Flask app
    driven by its test client in this thread, the stand-in API in other threads, timed with
    the calling thread's CPU clock. No sockets to the client, no TLS, no gunicorn: the part
    validation changes, measured in a way other load on the machine barely moves."""
    from .app import create_app
    from .settings import Settings
    from .upstream import Faults, serve

    os.environ.setdefault("GATEWAY_LOG_LEVEL", "WARNING")
    server = serve("127.0.0.1", 0, Faults())
    host, port = server.server_address[:2]
    costs: Dict[str, float] = {}
    try:
        for validate in (True, False) * rounds:
            settings = Settings.from_env({
                "GATEWAY_UPSTREAM": f"http://{host}:{port}",
                "GATEWAY_VALIDATE": str(int(validate)),
                "GATEWAY_ACCESS_LOG": os.devnull, "GATEWAY_SPEC_POLL_SECONDS": "0",
                "GATEWAY_BREAKER_THRESHOLD": "1000000"})
            app = create_app(settings)
            client = app.test_client()

            def run(count: int) -> None:
                for index in range(count):
                    method, path, body = MIX[index % len(MIX)]
                    headers = {"Authorization": TOKEN}
                    if body is not None:
                        headers["Content-Type"] = "application/json"
                    response = client.open(path, method=method, data=body, headers=headers,
                                           base_url="https://localhost")
                    assert response.status_code < 500, response.status_code

            run(300)  # warm-up
            started = time.thread_time()
            run(requests_per_mode)
            cost = (time.thread_time() - started) / requests_per_mode * 1e6
            key = "validate" if validate else "no-validate"
            costs[key] = min(cost, costs.get(key, cost))  # the least disturbed round
            app.extensions["specgate_gateway"].holder.stop_watching()
    finally:
        server.shutdown()
        server.server_close()
    return costs


def _fmt(value: Optional[float], digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Load-test the gateway with and without "
                                                 "validation (loopback, bounded in time).")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per mode")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per client process")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--gateway-threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate the two gateway modes this many times (noise)")
    parser.add_argument("--skip-direct", action="store_true",
                        help="do not measure the upstream without the gateway")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 300:
        parser.error("--seconds must be in (0, 300]")

    out: Path = args.out / "loadtest"
    out.mkdir(parents=True, exist_ok=True)
    files = tls.generate(args.out / "tls")
    print(f"load test: {args.processes} client processes x {args.threads} threads, keep-alive "
          f"HTTPS, {args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up, "
          f"{args.rounds} rounds; gateway: gunicorn {args.workers} workers x "
          f"{args.gateway_threads} threads; {multiprocessing.cpu_count()} CPUs shared by "
          f"clients and servers, load average {os.getloadavg()[0]:.1f} at start")
    runs: Dict[str, List[Dict[str, Any]]] = {"validate": [], "no-validate": []}
    for round_number in range(max(1, args.rounds)):
        # Alternate which mode goes first, so a drift of the machine hits both alike.
        order = (True, False) if round_number % 2 == 0 else (False, True)
        for validate in order:
            runs["validate" if validate else "no-validate"].append(
                _run_gateway(out, files, validate, args, round_number))
    if not args.skip_direct:
        runs["upstream"] = [_run_upstream(out, args)]
    results = {mode: _combine(mode_runs) for mode, mode_runs in runs.items()}

    header = (f"{'mode':<34}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}  req/s per round")
    print()
    print(header)
    print("-" * len(header))
    labels = {"validate": "gateway, validation on",
              "no-validate": "gateway, validation off",
              "upstream": "upstream directly (plain HTTP)"}
    for mode, result in results.items():
        print(f"{labels[mode]:<34}{result['rps']:>9.0f}{_fmt(result['p50_ms']):>9}"
              f"{_fmt(result['p90_ms']):>9}{_fmt(result['p99_ms']):>9}{result['errors']:>8}  "
              f"{result['rps_per_round']}")
    on, off = results["validate"], results["no-validate"]
    if on["p50_ms"] is not None and off["p50_ms"] is not None:
        print()
        if on.get("gateway_cpu_ms_per_request") and off.get("gateway_cpu_ms_per_request"):
            extra = on["gateway_cpu_ms_per_request"] - off["gateway_cpu_ms_per_request"]
            print(f"gateway CPU per request (gunicorn master + workers, from /proc): "
                  f"{on['gateway_cpu_ms_per_request']:.3f} ms with validation, "
                  f"{off['gateway_cpu_ms_per_request']:.3f} ms without: validation adds "
                  f"{extra * 1000:.0f} µs ({100 * extra / off['gateway_cpu_ms_per_request']:.1f}%)")
        print(f"validation costs {100 * (1 - on['rps'] / off['rps']):.1f}% of throughput; "
              f"p50 {on['p50_ms'] - off['p50_ms']:+.2f} ms, p99 {on['p99_ms'] - off['p99_ms']:+.2f}"
              f" ms")
        print(f"inside the gateway, validation (SpecGate hook) took p50 "
              f"{_fmt(on['validation_p50_us'], 0)} µs / p99 {_fmt(on['validation_p99_us'], 0)} µs"
              f" (wall clock, from the access log); statuses {on['gateway_statuses']}")
    failed = any(result["errors"] for result in results.values())
    costs = in_process_cost()
    results["in_process_cpu_us_per_request"] = costs
    print(f"gateway app alone, in process (Flask test client, thread CPU time, best of 3): "
          f"{costs['validate']:.0f} µs per request with validation, "
          f"{costs['no-validate']:.0f} µs without: validation adds "
          f"{costs['validate'] - costs['no-validate']:.0f} µs")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    (args.out / "loadtest.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {args.out / 'loadtest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
