"""No memory growth over 100,000 calls: Python allocations (tracemalloc) and the process's
resident set (VmRSS in /proc/self/status, which also sees C++ allocations), each within a
tolerance. A leak of one small object per call would exceed both."""

from __future__ import annotations

import gc
import os
import tracemalloc

import pytest

import specgate
from conftest import BEARER, PATIENT, POST_HEADERS

CALLS = 100_000
TRACED_TOLERANCE = 256 << 10  # bytes of Python allocations
RSS_TOLERANCE = 4 << 20       # a leak of 40 bytes a call would be 4 MB


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc/self/status")
def test_no_growth_over_100000_calls(clinic):
    schema = specgate.Schema({"type": "object", "required": ["a"],
                              "properties": {"a": {"type": "integer"}}})
    bad_body = b'{"name": "", "species": "parrot"}'
    bad_headers = [("Authorization", "Bearer t"), ("X-Request-Id", "nope")]
    bytearray_body = bytearray(PATIENT)

    def one_round(i: int) -> None:
        kind = i % 8
        if kind == 0:
            assert clinic.validate_request("POST", "/v1/patients", None, POST_HEADERS, PATIENT).ok
        elif kind == 1:
            r = clinic.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                        body=memoryview(bytearray_body))
            assert r.ok
        elif kind == 2:
            r = clinic.validate_request("POST", "/v1/patients", headers=POST_HEADERS, body=bad_body)
            assert r.status == 400 and r.errors and r.to_problem()["status"] == 400
        elif kind == 3:
            r = clinic.validate_request("GET", "/v1/patients?limit=5&species=cat",
                                        headers=bad_headers)
            assert r.status == 400 and r.parameters["query"] == {"limit": 5, "species": ["cat"]}
        elif kind == 4:
            r = clinic.validate_request("GET", "/v1/nowhere")
            assert r.status == 404 and r.to_dict()["status"] == 404
        elif kind == 5:
            r = clinic.validate_response("GET", "/v1/patients", 200,
                                         {"Content-Type": "application/json"}, "[]")
            assert r.status == 502 and r.errors
        elif kind == 6:
            assert schema.is_valid(b'{"a": 1}') and not schema.is_valid(b'{"a": "x"}')
            assert schema.iter_errors(b"{}")[0].keyword == "required"
        else:
            assert schema.is_valid_object({"a": i}) and not schema.is_valid_object({"b": [i]})
            try:
                schema.validate(b"[]")
            except specgate.ValidationError:
                pass

    for i in range(10_000):  # warm up: thread-local scratch, caches, pymalloc arenas
        one_round(i)
    gc.collect()
    tracemalloc.start()
    try:
        traced_before, _ = tracemalloc.get_traced_memory()
        rss_before = rss_bytes()
        for i in range(CALLS):
            one_round(i)
        gc.collect()
        traced_after, _ = tracemalloc.get_traced_memory()
        rss_after = rss_bytes()
    finally:
        tracemalloc.stop()
    traced_growth = traced_after - traced_before
    rss_growth = rss_after - rss_before
    print(f"\n{CALLS} calls: traced growth {traced_growth} B, RSS growth {rss_growth} B")
    assert traced_growth < TRACED_TOLERANCE
    assert rss_growth < RSS_TOLERANCE


def test_spec_and_schema_objects_are_freed():
    gc.collect()
    rss_before = rss_bytes()
    for _ in range(200):
        spec = specgate.Spec.from_text(
            b'{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": '
            b'{"get": {"responses": {"200": {"description": "ok"}}}}}}',
            credential_check=lambda c: True)
        spec.validate_request("GET", "/a")
        schema = specgate.Schema({"type": "string", "pattern": "^[a-z]+$"})
        schema.is_valid(b'"abc"')
        del spec, schema
    gc.collect()
    assert rss_bytes() - rss_before < RSS_TOLERANCE
