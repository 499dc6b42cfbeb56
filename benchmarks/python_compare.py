#!/usr/bin/env python3
"""specgate from Python against the alternatives, in one process.

    .venv/bin/python benchmarks/python_compare.py            # full run (a few minutes)
    .venv/bin/python benchmarks/python_compare.py --quick    # CI: a few thousand iterations, < 30 s

Needs the package installed (pip install .) and, for the alternatives, pip install
openapi-core jsonschema-rs fastjsonschema jsonschema orjson (missing ones are skipped).

What is timed:
  requests   full request validation against tests/data/specs/clinic.yaml: a small POST with a
             JSON body and a bearer token, and a GET with a typed path parameter. specgate
             gets the raw method, path, headers and body bytes; openapi-core gets the werkzeug
             request a framework already has, wrapped the way its documentation says
             (WerkzeugOpenAPIRequest), and OpenAPI.validate_request.
  bodies     body validation from the bytes received: the parse each library needs (orjson.loads
             or json.loads) plus validation, against the clinic's Patient schema written as
             draft-07, for a small object and for an array of 200 of them. specgate reads the
             bytes itself: Schema.is_valid(bytes).
  threads    specgate throughput with 1 and 2 Python threads sharing one Spec / Schema, and
             the same for hashlib.sha256 (which releases the GIL) as a reference: what this
             machine gives two threads at all.

How: every candidate is a timeit statement; the candidates of a group run interleaved, one
timing each per round, in rounds (the order rotating), and each reports the median of its
rounds, so drift in machine load hits every candidate alike. Times are per call, including the
statement's own loop overhead (the same for all).

Targets (reported, not asserted): small POST from Python < 2 us; >= 100x faster than
openapi-core; body validation from bytes faster than jsonschema-rs + orjson.loads; 2 threads >=
1.8x the throughput of 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import threading
import time
import timeit
from pathlib import Path

import specgate

REPO = Path(__file__).resolve().parents[1]
CLINIC = REPO / "tests" / "data" / "specs" / "clinic.yaml"

TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"
POST_HEADERS = {"Host": "api.clinic.test", "Authorization": TOKEN,
                "Content-Type": "application/json", "Accept": "application/json"}
POST_BODY = b'{"name": "Rex", "species": "dog", "weight_kg": 31.5, "chip": "985112345678901"}'
# A GET of one patient: a typed path parameter and a bearer token. (The richer listPatients
# operation cannot be compared: openapi-core 0.23 fails on its deepObject parameter "filter",
# present or absent, through the werkzeug integration.)
GET_PATH = "/v1/patients/42"
GET_HEADERS = {"Host": "api.clinic.test", "Authorization": TOKEN, "Accept": "application/json"}

# The clinic's Patient schema (OpenAPI 3.0: nullable, boolean exclusiveMinimum) as draft-07, so
# every JSON Schema library validates the same thing. readOnly "id" is not required in requests.
PATIENT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["name", "species"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
        "species": {"type": "string", "enum": ["dog", "cat", "rabbit"]},
        "weight_kg": {"type": ["number", "null"], "exclusiveMinimum": 0},
        "chip": {"type": "string", "pattern": "^[0-9]{15}$"},
        "owner_password": {"type": "string"},
    },
}
PATIENTS_SCHEMA = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "array",
                   "items": {k: v for k, v in PATIENT_SCHEMA.items() if k != "$schema"}}
PATIENTS_BODY = json.dumps([json.loads(POST_BODY)] * 200).encode()


def optional_import(name):
    try:
        return __import__(name)
    except ImportError:
        return None


orjson = optional_import("orjson")
jsonschema_rs = optional_import("jsonschema_rs")
fastjsonschema = optional_import("fastjsonschema")
jsonschema = optional_import("jsonschema")
openapi_core = optional_import("openapi_core")


# The clock of the per-call timings: wall time, or with --cpu-time the thread's CPU time, which
# a loaded machine (other processes on the same cores) inflates much less.
CLOCK = time.perf_counter


class Candidate:
    def __init__(self, name: str, stmt: str, env: dict):
        self.name = name
        self.timer = timeit.Timer(stmt, globals=env, timer=CLOCK)
        self.number = 1
        self.samples: list = []

    def calibrate(self, round_seconds: float) -> None:
        self.timer.timeit(1)  # warm up, and fail early if the statement is wrong
        number, elapsed = 1, 0.0
        while True:
            elapsed = self.timer.timeit(number)
            if elapsed >= round_seconds / 4 or number >= 1 << 24:
                break
            number *= 2
        self.number = max(1, int(number * round_seconds / max(elapsed, 1e-9)))

    def sample(self) -> None:
        self.samples.append(self.timer.timeit(self.number) / self.number)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def run_group(title: str, candidates: list, rounds: int, round_seconds: float) -> dict:
    for c in candidates:
        c.calibrate(round_seconds)
    for r in range(rounds):
        shift = r % len(candidates)
        for c in candidates[shift:] + candidates[:shift]:
            c.sample()
    base = candidates[0].median
    print(f"\n{title}")
    print(f"  {'candidate':52s} {'median':>11s} {'min':>11s} {'vs first':>10s}")
    for c in candidates:
        ratio = c.median / base
        print(f"  {c.name:52s} {fmt(c.median):>11s} {fmt(min(c.samples)):>11s} {ratio:>9.1f}x")
    return {c.name: c.median for c in candidates}


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    return f"{seconds * 1e3:.2f} ms"


def request_candidates(kind: str) -> list:
    spec = specgate.Spec.from_file(CLINIC)
    env = {"spec": spec, "POST_HEADERS": POST_HEADERS, "POST_BODY": POST_BODY,
           "GET_HEADERS": GET_HEADERS, "GET_PATH": GET_PATH}
    if kind == "post":
        checks = [spec.validate_request("POST", "/v1/patients", None, POST_HEADERS, POST_BODY)]
        stmt = 'spec.validate_request("POST", "/v1/patients", None, POST_HEADERS, POST_BODY)'
    else:
        checks = [spec.validate_request("GET", GET_PATH, None, GET_HEADERS)]
        stmt = 'spec.validate_request("GET", GET_PATH, None, GET_HEADERS)'
    assert all(r.ok for r in checks), [r.to_dict() for r in checks]
    candidates = [Candidate("specgate Spec.validate_request", stmt, env)]
    if openapi_core is not None:
        from openapi_core import OpenAPI
        from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
        from werkzeug.test import EnvironBuilder

        openapi = OpenAPI.from_file_path(str(CLINIC))
        if kind == "post":
            request = EnvironBuilder(method="POST", base_url="https://api.clinic.test",
                                     path="/v1/patients", headers=POST_HEADERS,
                                     data=POST_BODY).get_request()
        else:
            request = EnvironBuilder(method="GET", base_url="https://api.clinic.test",
                                     path=GET_PATH, headers=GET_HEADERS).get_request()
        openapi.validate_request(WerkzeugOpenAPIRequest(request))  # raises when invalid
        env.update(openapi=openapi, WerkzeugOpenAPIRequest=WerkzeugOpenAPIRequest, request=request)
        candidates.append(Candidate(
            "openapi-core validate_request(WerkzeugOpenAPIRequest)",
            "openapi.validate_request(WerkzeugOpenAPIRequest(request))", env))
    return candidates


def body_candidates(schema_dict: dict, body: bytes) -> list:
    env = {"body": body, "json": json, "orjson": orjson}
    schema = specgate.Schema(schema_dict)
    assert schema.is_valid(body)
    env["schema"] = schema
    candidates = [Candidate("specgate Schema.is_valid(bytes)", "schema.is_valid(body)", env)]
    candidates.append(Candidate("specgate Schema.is_valid_object(json.loads)",
                                "schema.is_valid_object(json.loads(body))", env))
    if jsonschema_rs is not None:
        rs = jsonschema_rs.validator_for(schema_dict)
        assert rs.is_valid(json.loads(body))
        env["rs"] = rs
        if orjson is not None:
            candidates.append(Candidate("jsonschema-rs is_valid(orjson.loads)",
                                        "rs.is_valid(orjson.loads(body))", env))
        candidates.append(Candidate("jsonschema-rs is_valid(json.loads)",
                                    "rs.is_valid(json.loads(body))", env))
    if fastjsonschema is not None:
        env["fast"] = fastjsonschema.compile(schema_dict)
        loads = "orjson.loads" if orjson is not None else "json.loads"
        candidates.append(Candidate(f"fastjsonschema validate({loads})",
                                    f"fast({loads}(body))", env))
    if jsonschema is not None:
        validator_class = jsonschema.validators.validator_for(schema_dict)
        env["js"] = validator_class(schema_dict)
        loads = "orjson.loads" if orjson is not None else "json.loads"
        candidates.append(Candidate(f"jsonschema is_valid({loads})",
                                    f"js.is_valid({loads}(body))", env))
    return candidates


def thread_throughput(work, threads: int, seconds: float) -> float:
    """Calls per second of `work` (a function running n calls) over `threads` threads."""
    n = 1
    while True:
        start = time.perf_counter()
        work(n)
        if time.perf_counter() - start > seconds / 10:
            break
        n *= 2
    per_thread = max(1, int(n * 10 * (seconds / 10) / max(time.perf_counter() - start, 1e-9)))
    pool = [threading.Thread(target=work, args=(per_thread,)) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return threads * per_thread / (time.perf_counter() - start)


def run_threads(rounds: int, seconds: float) -> dict:
    spec = specgate.Spec.from_file(CLINIC)
    schema = specgate.Schema(PATIENTS_SCHEMA)

    def post(n):
        validate = spec.validate_request
        for _ in range(n):
            validate("POST", "/v1/patients", None, POST_HEADERS, POST_BODY)

    def big(n):
        is_valid = schema.is_valid
        for _ in range(n):
            is_valid(PATIENTS_BODY)

    block = b"x" * (64 << 10)

    def reference(n):
        # What this machine gives two threads at all: hashlib releases the GIL for large inputs.
        for _ in range(n):
            hashlib.sha256(block).digest()

    print(f"\nthreads (specgate, shared objects; median of {rounds} rounds, interleaved)")
    results = {}
    for name, work in (("small POST validate_request", post),
                       (f"Schema.is_valid, {len(PATIENTS_BODY) // 1024} KiB array", big),
                       ("reference: hashlib.sha256 of 64 KiB", reference)):
        one, two = [], []
        for _ in range(rounds):
            one.append(thread_throughput(work, 1, seconds))
            two.append(thread_throughput(work, 2, seconds))
        m1, m2 = statistics.median(one), statistics.median(two)
        results[name] = m2 / m1
        print(f"  {name:40s} 1 thread {m1:12,.0f}/s   2 threads {m2:12,.0f}/s   "
              f"speedup {m2 / m1:.2f}x")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a few thousand iterations per candidate, for CI (< 30 s)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time calls by the thread's CPU time instead of wall time (steadier "
                             "on a loaded machine; thread throughput stays wall time)")
    args = parser.parse_args()
    global CLOCK
    if args.cpu_time:
        CLOCK = time.thread_time
    rounds, round_seconds, thread_rounds, thread_seconds = (
        (7, 0.03, 3, 0.2) if args.quick else (15, 0.1, 7, 0.5))

    print(f"specgate {specgate.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{'%.2f %.2f %.2f' % os.getloadavg()}, "
          f"{'thread CPU time' if args.cpu_time else 'wall time'} per call")
    missing = [n for n, m in (("openapi-core", openapi_core), ("jsonschema-rs", jsonschema_rs),
                              ("fastjsonschema", fastjsonschema), ("jsonschema", jsonschema),
                              ("orjson", orjson)) if m is None]
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}")

    post = run_group("small POST, full request validation (clinic.yaml)",
                     request_candidates("post"), rounds, round_seconds)
    get = run_group("GET with a path parameter and a bearer token (clinic.yaml)",
                    request_candidates("get"), rounds, round_seconds)
    small = run_group(f"body validation from bytes, small object ({len(POST_BODY)} B)",
                      body_candidates(PATIENT_SCHEMA, POST_BODY), rounds, round_seconds)
    large = run_group(f"body validation from bytes, array of 200 ({len(PATIENTS_BODY)} B)",
                      body_candidates(PATIENTS_SCHEMA, PATIENTS_BODY), rounds, round_seconds)
    threads = run_threads(thread_rounds, thread_seconds)

    print("\ntargets (reported, not asserted)")

    def report(label: str, ok, detail: str) -> None:
        status = "n/a " if ok is None else ("met " if ok else "MISS")
        print(f"  [{status}] {label:58s} {detail}")

    sg_post = post["specgate Spec.validate_request"]
    report("small POST from Python < 2 us", sg_post < 2e-6, fmt(sg_post))
    oc = "openapi-core validate_request(WerkzeugOpenAPIRequest)"
    for label, group in (("small POST", post), ("GET", get)):
        if oc in group:
            ratio = group[oc] / group["specgate Spec.validate_request"]
            report(f">= 100x faster than openapi-core ({label})", ratio >= 100, f"{ratio:,.0f}x")
        else:
            report(f">= 100x faster than openapi-core ({label})", None, "not installed")
    rs = "jsonschema-rs is_valid(orjson.loads)"
    for label, group in (("small", small), ("array of 200", large)):
        if rs in group:
            ratio = group[rs] / group["specgate Schema.is_valid(bytes)"]
            report(f"bytes faster than jsonschema-rs + orjson.loads ({label})", ratio > 1,
                   f"{ratio:.2f}x")
        else:
            report(f"bytes faster than jsonschema-rs + orjson.loads ({label})", None,
                   "not installed")
    for name, speedup in threads.items():
        if name.startswith("reference"):
            continue
        report(f"2 threads >= 1.8x 1 thread ({name})", speedup >= 1.8, f"{speedup:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
