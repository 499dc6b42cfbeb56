"""Python threads share one Spec / Schema and validate in parallel (the GIL is released while C++
validates). Correctness is asserted; the speedup is measured and printed, never asserted (run
with -s to see it; benchmarks/python_compare.py reports it too)."""

from __future__ import annotations

import json
import threading
import time

import specgate
from conftest import BEARER, PATIENT, POST_HEADERS

ROUNDS = 3000


def _run_threads(targets):
    errors = []

    def guard(target):
        try:
            target()
        except BaseException as e:  # noqa: BLE001 - reported to the main thread
            errors.append(e)

    threads = [threading.Thread(target=guard, args=(t,)) for t in targets]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - start
    assert not any(t.is_alive() for t in threads), "a validating thread did not finish"
    if errors:
        raise errors[0]
    return elapsed


def test_two_threads_share_a_spec(clinic):
    done = {"post": 0, "get": 0}

    def posts():
        for i in range(ROUNDS):
            body = PATIENT if i % 2 == 0 else b'{"name": "Rex", "species": "parrot"}'
            result = clinic.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                             body=body)
            if i % 2 == 0:
                assert result.ok and result.operation_id == "createPatient", result.to_dict()
            else:
                assert result.status == 400 and result.errors[0].pointer == "/species"
            done["post"] += 1

    def gets():
        for i in range(ROUNDS):
            result = clinic.validate_request("GET", f"/v1/patients/{i + 1}", headers=BEARER)
            assert result.ok and result.path_params == {"patientId": i + 1}, result.to_dict()
            done["get"] += 1

    _run_threads([posts, gets])
    assert done == {"post": ROUNDS, "get": ROUNDS}


def test_two_threads_share_a_schema():
    schema = specgate.Schema({"type": "array", "items": {"type": "integer", "minimum": 0}})
    valid = json.dumps(list(range(200))).encode()
    invalid = json.dumps(list(range(199)) + [-1]).encode()

    def check(text, expected, pointer):
        def run():
            for _ in range(ROUNDS // 3):
                assert schema.is_valid(text) is expected
                assert schema.is_valid_object(json.loads(text)) is expected
                errors = schema.iter_errors(text)
                assert [e.instance_pointer for e in errors] == pointer
        return run

    _run_threads([check(valid, True, []), check(invalid, False, ["/199"])])


def _throughput(clinic, threads: int, per_thread: int) -> float:
    def work():
        validate = clinic.validate_request
        for _ in range(per_thread):
            validate("POST", "/v1/patients", None, POST_HEADERS, PATIENT)

    elapsed = _run_threads([work] * threads)
    return threads * per_thread / elapsed


def test_parallel_speedup_is_measured(clinic):
    per_thread = 20000
    _throughput(clinic, 1, 2000)  # warm up
    one = _throughput(clinic, 1, per_thread)
    two = _throughput(clinic, 2, per_thread)
    print(f"\nsmall POST: 1 thread {one:,.0f}/s, 2 threads {two:,.0f}/s, speedup {two / one:.2f}x")
    assert one > 0 and two > 0
