"""Every Spec option, as a keyword argument of the factories."""

from __future__ import annotations

import base64
import threading

import pytest

import specgate
from conftest import BEARER, CLINIC, PATIENT, POST_HEADERS

BAD_QUERY = "/v1/patients?limit=0&species=parrot"
BAD_HEADERS = {**BEARER, "X-Request-Id": "nope"}


def load(**options) -> specgate.Spec:
    return specgate.Spec.from_file(CLINIC, **options)


def test_mode_fast_is_the_default():
    result = load().validate_request("GET", BAD_QUERY, headers=BAD_HEADERS)
    assert result.status == 400 and len(result.errors) == 1


def test_mode_all_collects_every_error():
    result = load(mode="all").validate_request("GET", BAD_QUERY, headers=BAD_HEADERS)
    assert result.status == 400
    assert {e.name for e in result.errors} == {"limit", "species", "X-Request-Id"}


def test_max_errors_caps_mode_all():
    result = load(mode="all", max_errors=2).validate_request("GET", BAD_QUERY, headers=BAD_HEADERS)
    assert result.status == 400 and len(result.errors) == 2


def test_max_body_bytes():
    small = load(max_body_bytes=10)
    assert small.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                  body=PATIENT).status == 413
    assert small.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                  content_length=11).status == 413
    default = load()
    assert default.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                    content_length=1048576, body=PATIENT).ok
    assert default.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                    content_length=1048577).status == 413
    big = b'{"name": "Rex", "species": "dog"' + b" " * (1 << 20) + b"}"
    assert default.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                    body=big).status == 413
    assert load(max_body_bytes=2 << 20).validate_request(
        "POST", "/v1/patients", headers=POST_HEADERS, body=big).ok


def test_ignore_trailing_slash():
    assert load().validate_request("GET", "/v1/health/").status == 404
    assert load(ignore_trailing_slash=True).validate_request("GET", "/v1/health/").ok


def test_format_assertion():
    # The OpenAPI dialects assert formats by default.
    assert load().validate_request("GET", "/v1/patients", headers=BAD_HEADERS).status == 400
    assert load(format_assertion=True).validate_request(
        "GET", "/v1/patients", headers=BAD_HEADERS).status == 400
    assert load(format_assertion=False).validate_request(
        "GET", "/v1/patients", headers=BAD_HEADERS).ok


def test_max_depth():
    nested = b'{"name": "Rex", "species": "dog", "x": ' + b"[" * 20 + b"]" * 20 + b"}"
    # Over the depth limit is a JSON error before the schema (which forbids "x") is consulted.
    result = load(max_depth=10).validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                                 body=nested)
    assert result.status == 400 and result.errors[0].keyword == "json"
    result = load().validate_request("POST", "/v1/patients", headers=POST_HEADERS, body=nested)
    assert result.status == 400 and result.errors[0].keyword == "additionalProperties"


def test_request_limits():
    headers = [("A", "1"), ("B", "2"), ("C", "3")]
    assert load(max_headers=2).validate_request("GET", "/v1/health", headers=headers).status == 400
    assert load(max_headers=3).validate_request("GET", "/v1/health", headers=headers).ok
    long_value = [("X-Long", "v" * 1000)]
    assert load(max_header_bytes=100).validate_request(
        "GET", "/v1/health", headers=long_value).status == 400
    query = "/v1/patients?" + "&".join(f"p{i}=1" for i in range(20))
    few = load(max_query_parameters=10)
    assert few.validate_request("GET", query, headers=BEARER).status == 400
    assert load().validate_request("GET", query, headers=BEARER).ok


# ------------------------------------------------------------------ credential_check


def test_credential_check_sees_the_credential():
    seen = []

    def check(credential):
        seen.append((credential.scheme, credential.type, credential.http_scheme, credential.value))
        assert "token-123" not in repr(credential)  # a repr never shows the secret
        return credential.value == "token-123"

    spec = load(credential_check=check)
    assert spec.validate_request("GET", "/v1/patients", headers=BEARER).ok
    assert seen == [("bearer", "http", "bearer", "token-123")]
    rejected = spec.validate_request("GET", "/v1/patients",
                                     headers={"Authorization": "Bearer other"})
    assert rejected.status == 401 and rejected.reason == "unauthorized"
    assert "other" not in rejected.problem_json().decode()


def test_credential_check_api_key_and_basic():
    seen = []

    def check(credential):
        seen.append((credential.scheme, credential.type, credential.http_scheme, credential.value))
        return True

    spec = load(credential_check=check)
    basic = base64.b64encode(b"user:pass").decode()
    result = spec.validate_request("DELETE", "/v1/patients/1",
                                   headers={"X-Api-Key": "k-1", "Authorization": f"Basic {basic}"})
    assert result.ok
    assert ("apiKeyHeader", "apiKey", "", "k-1") in seen
    assert ("basic", "http", "basic", basic) in seen
    seen.clear()
    assert spec.validate_request("GET", "/v1/files/a.json?api_key=secret").ok
    assert seen == [("apiKeyQuery", "apiKey", "", "secret")]


def test_credential_check_not_called_without_security():
    calls = []
    spec = load(credential_check=lambda c: calls.append(c) or True)
    assert spec.validate_request("GET", "/v1/health").ok
    assert calls == []


def test_credential_check_that_raises_rejects():
    def check(credential):
        raise RuntimeError(f"lookup failed for {credential.value}")

    spec = load(credential_check=check)
    for _ in range(3):
        result = spec.validate_request("GET", "/v1/patients", headers=BEARER)
        assert result.status == 401
        assert "token-123" not in result.problem_json().decode()
    # The interpreter carries no pending exception afterwards.
    assert spec.validate_request("GET", "/v1/health").ok


def test_credential_check_result_truthiness():
    class NoTruth:
        def __bool__(self):
            raise ValueError("no truth value")

    assert load(credential_check=lambda c: 1).validate_request(
        "GET", "/v1/patients", headers=BEARER).ok
    assert load(credential_check=lambda c: None).validate_request(
        "GET", "/v1/patients", headers=BEARER).status == 401
    assert load(credential_check=lambda c: NoTruth()).validate_request(
        "GET", "/v1/patients", headers=BEARER).status == 401


def test_credential_check_with_wrong_signature_rejects():
    spec = load(credential_check=lambda: True)  # takes no argument: a TypeError when called
    assert spec.validate_request("GET", "/v1/patients", headers=BEARER).status == 401


def test_credential_check_may_validate_reentrantly():
    inner = load()
    inner_results = []

    def check(credential):
        # A nested validation on the same thread, during the outer one.
        inner_results.append(inner.validate_request("GET", "/v1/patients/0", headers=BEARER))
        return True

    outer = load(credential_check=check)
    result = outer.validate_request("POST", "/v1/patients", headers=POST_HEADERS, body=PATIENT)
    assert result.ok and result.operation_id == "createPatient"
    assert inner_results[0].status == 400 and inner_results[0].path_params == {"patientId": 0}


def test_credential_check_from_threads():
    lock = threading.Lock()
    count = [0]

    def check(credential):
        with lock:
            count[0] += 1
        return credential.value.startswith("good")

    spec = load(credential_check=check)
    failures = []

    def work(token, expected):
        for _ in range(300):
            status = spec.validate_request("GET", "/v1/patients",
                                           headers={"Authorization": f"Bearer {token}"}).status
            if status != expected:
                failures.append(status)

    threads = [threading.Thread(target=work, args=("good-1", 200)),
               threading.Thread(target=work, args=("bad-2", 401))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert count[0] == 600


def test_spec_with_credential_check_is_collected():
    import gc
    import weakref

    class Check:
        def __call__(self, credential):
            return True

    check = Check()
    ref = weakref.ref(check)
    spec = load(credential_check=check)
    del check
    assert ref() is not None
    del spec
    gc.collect()
    assert ref() is None


def test_keyboard_interrupt_in_credential_check_propagates():
    def check(credential):
        raise KeyboardInterrupt

    spec = load(credential_check=check)
    with pytest.raises(KeyboardInterrupt):
        spec.validate_request("GET", "/v1/patients", headers=BEARER)
    # Nothing is left pending for the next call.
    assert spec.validate_request("GET", "/v1/health").ok


def test_interpreter_exits_cleanly_with_a_credential_check(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(
        "import specgate, threading\n"
        "HEADERS = {'Authorization': 'Bearer t'}\n"
        f"spec = specgate.Spec.from_file({str(CLINIC)!r}, credential_check=lambda c: True)\n"
        "def work():\n"
        "    for _ in range(100):\n"
        "        spec.validate_request('GET', '/v1/patients', headers=HEADERS)\n"
        "threads = [threading.Thread(target=work) for _ in range(2)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "result = spec.validate_request('GET', '/v1/patients', headers=HEADERS)\n"
        "print(result.status)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"200\n"
