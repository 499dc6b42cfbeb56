"""specgate.wsgi.ValidationMiddleware in front of a plain WSGI application, driven in process
(every exchange also passes through wsgiref.validate, which checks both sides keep PEP 3333)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote_to_bytes
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

import specgate
from specgate.wsgi import (
    RESPONSE_RESULT_KEY,
    RESULT_KEY,
    ValidationMiddleware,
    _PrefixedStream,
    load_spec,
    request_headers,
    request_target,
)

CLINIC = Path(__file__).resolve().parents[1] / "data" / "specs" / "clinic.yaml"
BEARER = "Bearer token-123"
PATIENT = b'{"name": "Rex", "species": "dog", "weight_kg": 31.5}'
LIMIT = 64  # max_body_bytes of the middleware under test, small to keep bodies small


@pytest.fixture(scope="module")
def clinic() -> specgate.Spec:
    return specgate.Spec.from_file(CLINIC, max_body_bytes=LIMIT)


class GuardedStream(io.RawIOBase):
    """An input stream of `size` bytes that fails the test when read past `allowed` bytes."""

    def __init__(self, size: int, allowed: int) -> None:
        self.size = size
        self.allowed = allowed
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.position)
        if self.position + n > self.allowed:
            raise AssertionError(f"read past byte {self.allowed} of the request body")
        buffer[:n] = b"x" * n
        self.position += n
        return n


class Recorder:
    """A WSGI application that reads its whole body and answers with what it saw."""

    def __init__(self, status: str = "200 OK", headers: Optional[List[Tuple[str, str]]] = None,
                 body: bytes = b"", use_write: bool = False) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.use_write = use_write
        self.calls: List[Dict[str, Any]] = []

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        if length:
            received = stream.read(int(length))
        else:  # PEP 3333 wants a size on every read
            parts = iter(lambda: stream.read(4096), b"")
            received = b"".join(parts)
        self.calls.append({"result": environ.get(RESULT_KEY), "body": received,
                           "content_length": length})
        headers = self.headers if self.headers is not None else [
            ("Content-Type", "text/plain"), ("Content-Length", str(len(self.body)))]
        write = start_response(self.status, headers)
        if self.use_write:
            write(self.body)
            return []
        return [self.body]


def call(app, method: str = "GET", target: str = "/v1/health", headers=(), body: bytes = b"",
         stream=None, declared: Optional[int] = None, check: bool = True,
         **environ_extra) -> Tuple[int, Dict[str, str], bytes, Dict[str, Any]]:
    """One request through app; returns (status, headers, body, environ)."""
    path, _, query = target.partition("?")
    environ: Dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "RAW_URI": target,
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
    }
    if stream is None and body:
        environ["CONTENT_LENGTH"] = str(len(body))
    if declared is not None:
        environ["CONTENT_LENGTH"] = str(declared)
    for name, value in headers:
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    environ.update(environ_extra)
    setup_testing_defaults(environ)

    seen: Dict[str, Any] = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(response_headers)
        return lambda data: None

    wrapped = validator(app) if check else app
    iterable = wrapped(environ, start_response)
    try:
        data = b"".join(iterable)
    finally:
        if hasattr(iterable, "close"):
            iterable.close()
    return seen["status"], seen["headers"], data, environ


def gate(clinic, inner=None, **options):
    inner = inner if inner is not None else Recorder()
    return ValidationMiddleware(validator(inner), clinic, **options), inner


POST = [("Authorization", BEARER), ("Content-Type", "application/json")]


# ------------------------------------------------------------------ valid requests


def test_valid_request_reaches_app_with_body_and_result(clinic):
    app, inner = gate(clinic)
    status, _, _, environ = call(app, "POST", "/v1/patients", POST, PATIENT)
    assert status == 200
    [seen] = inner.calls
    assert seen["body"] == PATIENT
    assert seen["content_length"] == str(len(PATIENT))
    result = seen["result"]
    assert result.ok and result.operation_id == "createPatient"
    assert environ[RESULT_KEY] is result


def test_typed_parameters_are_in_the_result(clinic):
    app, inner = gate(clinic)
    status, *_ = call(app, "GET", "/v1/patients/42?x=1", [("Authorization", BEARER)])
    assert status == 200
    result = inner.calls[0]["result"]
    assert result.route == "/patients/{patientId}"
    assert result.path_params == {"patientId": 42}


def test_bodiless_request_leaves_stream_alone(clinic):
    app, inner = gate(clinic)
    stream = GuardedStream(size=10, allowed=10)
    status, *_ = call(app, "GET", "/v1/health", stream=stream)
    assert status == 200
    assert stream.position == 10  # read by the application, not by the middleware
    assert inner.calls[0]["body"] == b"x" * 10


# ------------------------------------------------------------------ rejections


def problem(body: bytes) -> Dict[str, Any]:
    return json.loads(body)


@pytest.mark.parametrize("method, target, headers, body, status, reason", [
    ("GET", "/v1/nope", [], b"", 404, "unknown_route"),
    ("GET", "/v3/health", [], b"", 404, "unknown_route"),
    ("PUT", "/v1/patients", [], b"", 405, "method_not_allowed"),
    ("GET", "/v1/patients", [], b"", 401, "unauthorized"),
    ("POST", "/v1/patients", [("Authorization", BEARER), ("Content-Type", "text/csv")], b"a,b",
     415, "unsupported_media_type"),
    ("POST", "/v1/patients", POST, b'{"name": "Rex", "species": "parrot"}', 400,
     "invalid_request"),
    ("GET", "/v1/patients/0", [("Authorization", BEARER)], b"", 400, "invalid_request"),
    ("GET", "/v1/search?q=a", [], b"", 400, "invalid_request"),
])
def test_rejections_are_problem_documents(clinic, method, target, headers, body, status, reason):
    app, inner = gate(clinic)
    got, response_headers, data, _ = call(app, method, target, headers, body)
    assert got == status
    assert response_headers["Content-Type"] == "application/problem+json"
    assert int(response_headers["Content-Length"]) == len(data)
    document = problem(data)
    assert document["status"] == status and document["reason"] == reason
    assert document["errors"]
    assert inner.calls == []


def test_405_carries_allow(clinic):
    app, _ = gate(clinic)
    status, headers, data, _ = call(app, "PUT", "/v1/patients/7")
    assert status == 405
    assert set(headers["Allow"].split(", ")) == {"GET", "PATCH", "DELETE"}
    assert set(problem(data)["allow"]) == {"GET", "PATCH", "DELETE"}


def test_401_carries_www_authenticate(clinic):
    app, _ = gate(clinic)
    status, headers, _, _ = call(app, "GET", "/v1/patients")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Bearer")


def test_400_lists_the_error(clinic):
    app, _ = gate(clinic)
    _, _, data, _ = call(app, "POST", "/v1/patients", POST, b'{"name": "Rex", "species": "parrot"}')
    [error] = problem(data)["errors"]
    assert error["location"] == "body" and error["pointer"] == "/species"
    assert error["keyword"] == "enum"


def test_oversized_declared_body_is_413_without_reading_it(clinic):
    app, inner = gate(clinic)
    stream = GuardedStream(size=10_000_000, allowed=0)
    status, headers, data, _ = call(app, "POST", "/v1/patients", POST, stream=stream,
                                    declared=10_000_000)
    assert status == 413
    assert problem(data)["reason"] == "body_too_large"
    assert stream.position == 0
    assert inner.calls == []


def test_oversized_declared_body_on_unknown_route_is_404(clinic):
    app, _ = gate(clinic)
    stream = GuardedStream(size=10_000, allowed=0)
    status, *_ = call(app, "POST", "/v1/unknown", POST, stream=stream, declared=10_000)
    assert status == 404


def test_oversized_body_is_413(clinic):
    app, _ = gate(clinic)
    status, *_ = call(app, "POST", "/v1/patients", POST, b" " * (LIMIT + 1))
    assert status == 413


def test_body_at_the_limit_is_read(clinic):
    app, inner = gate(clinic)
    body = PATIENT.ljust(LIMIT)
    assert len(body) == LIMIT
    status, *_ = call(app, "POST", "/v1/patients", POST, body)
    assert status == 200
    assert inner.calls[0]["body"] == body


# ------------------------------------------------------------------ chunked bodies

CHUNKED = POST + [("Transfer-Encoding", "chunked")]


def test_chunked_body_is_read_and_handed_on(clinic):
    app, inner = gate(clinic)
    status, _, _, environ = call(app, "POST", "/v1/patients", CHUNKED, stream=io.BytesIO(PATIENT),
                                 **{"wsgi.input_terminated": True})
    assert status == 200
    assert inner.calls[0]["body"] == PATIENT
    assert environ["CONTENT_LENGTH"] == str(len(PATIENT))


def test_oversized_chunked_body_is_read_only_to_the_limit(clinic):
    app, inner = gate(clinic)
    stream = GuardedStream(size=10_000_000, allowed=LIMIT + 1)
    status, *_ = call(app, "POST", "/v1/patients", CHUNKED, stream=stream,
                      **{"wsgi.input_terminated": True})
    assert status == 413
    assert stream.position == LIMIT + 1
    assert inner.calls == []


def test_chunked_body_without_a_terminated_stream_is_not_read(clinic):
    # Without wsgi.input_terminated the end of a chunked body cannot be found safely.
    app, _ = gate(clinic)
    stream = GuardedStream(size=100, allowed=0)
    status, _, data, _ = call(app, "POST", "/v1/patients", CHUNKED, stream=stream)
    assert status == 400
    assert problem(data)["errors"][0]["keyword"] == "required"


def test_unannounced_empty_body_is_no_body(clinic):
    # gunicorn terminates every stream; a GET with neither Content-Length nor
    # Transfer-Encoding has no body, and an empty read must not turn into one.
    app, inner = gate(clinic)
    status, _, _, environ = call(app, "GET", "/v1/health", stream=io.BytesIO(),
                                 **{"wsgi.input_terminated": True})
    assert status == 200
    assert "CONTENT_LENGTH" not in environ or environ["CONTENT_LENGTH"] == ""


# ------------------------------------------------------------------ shadow mode


def test_shadow_mode_forwards_and_logs(clinic, caplog):
    app, inner = gate(clinic, log_only=True)
    with caplog.at_level(logging.INFO, logger="specgate"):
        status, *_ = call(app, "GET", "/v1/patients?limit=0&api_key=s3cret",
                          [("Authorization", "Basic czNjcmV0")])
    assert status == 200
    [seen] = inner.calls
    assert not seen["result"].ok and seen["result"].status == 401
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.specgate_shadow is True
    assert record.specgate_status == 401
    assert record.specgate_reason == "unauthorized"
    assert record.specgate_operation_id == "listPatients"
    assert record.specgate_path == "/v1/patients"
    assert record.specgate_errors[0]["location"] == "security"
    text = record.getMessage() + json.dumps(record.specgate_errors)
    assert "s3cret" not in text and "czNjcmV0" not in text


def test_shadow_mode_forwards_an_oversized_declared_body_untouched(clinic):
    app, inner = gate(clinic, log_only=True)
    status, *_ = call(app, "POST", "/v1/patients", POST, b"y" * (LIMIT * 3), declared=LIMIT * 3)
    assert status == 200
    assert inner.calls[0]["body"] == b"y" * (LIMIT * 3)
    assert inner.calls[0]["result"].status == 413


def test_shadow_mode_hands_on_a_whole_oversized_chunked_body(clinic):
    app, inner = gate(clinic, log_only=True)
    body = bytes(range(256)) * 2
    status, *_ = call(app, "POST", "/v1/patients", CHUNKED, stream=io.BytesIO(body),
                      **{"wsgi.input_terminated": True})
    assert status == 200
    assert inner.calls[0]["body"] == body
    assert inner.calls[0]["result"].status == 413


def test_enforced_rejections_log_at_info(clinic, caplog):
    app, _ = gate(clinic)
    with caplog.at_level(logging.INFO, logger="specgate"):
        call(app, "GET", "/v1/nope")
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert record.specgate_shadow is False and record.specgate_status == 404


# ------------------------------------------------------------------ options


def test_exempt_skips_validation(clinic):
    app, inner = gate(clinic, exempt=lambda environ: environ["PATH_INFO"].startswith("/static/"))
    status, _, _, environ = call(app, "GET", "/static/app.js")
    assert status == 200
    assert environ[RESULT_KEY] is None
    status, *_ = call(app, "GET", "/v1/nope")
    assert status == 404


def test_spec_path_and_compile_options():
    app = ValidationMiddleware(Recorder(), str(CLINIC), max_body_bytes=10, mode="all",
                               ignore_trailing_slash=True)
    assert app.spec.options["max_body_bytes"] == 10
    assert call(app, "GET", "/v1/health/")[0] == 200
    assert call(app, "POST", "/v1/patients", POST, PATIENT)[0] == 413
    _, _, data, _ = call(app, "GET", "/v1/patients?limit=0&species=parrot",
                         [("Authorization", BEARER)])
    assert len(problem(data)["errors"]) == 2


def test_credential_check():
    app = ValidationMiddleware(Recorder(), CLINIC,
                               credential_check=lambda credential: credential.value == "good")
    assert call(app, "GET", "/v1/patients", [("Authorization", "Bearer good")])[0] == 200
    assert call(app, "GET", "/v1/patients", [("Authorization", "Bearer bad")])[0] == 401


def test_compiled_spec_with_other_options_is_refused(clinic):
    with pytest.raises(ValueError, match="max_body_bytes"):
        ValidationMiddleware(Recorder(), clinic, max_body_bytes=100)
    assert ValidationMiddleware(Recorder(), clinic, max_body_bytes=LIMIT).spec is clinic


def test_load_spec_sources(clinic):
    assert load_spec(clinic) is clinic
    assert load_spec(CLINIC).operations
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}
    assert load_spec(document).validate_request("GET", "/a").ok
    with pytest.raises(TypeError):
        load_spec(42)
    with pytest.raises(specgate.SpecError):
        load_spec(CLINIC.parent / "broken.yaml")


# ------------------------------------------------------------------ responses


LIST_OK = [("Content-Type", "application/json"), ("X-Total-Count", "1")]
ONE = b'[{"id": 1, "name": "Rex", "species": "dog"}]'


def test_valid_response_passes_unchanged(clinic):
    inner = Recorder(headers=LIST_OK + [("Content-Length", str(len(ONE)))], body=ONE)
    app, _ = gate(clinic, inner, validate_responses=True, reject_invalid_responses=True)
    status, headers, data, environ = call(app, "GET", "/v1/patients", [("Authorization", BEARER)])
    assert (status, data) == (200, ONE)
    assert headers["X-Total-Count"] == "1"
    assert environ[RESPONSE_RESULT_KEY].ok


def test_response_breaking_the_contract_is_logged(clinic, caplog):
    inner = Recorder(headers=[("Content-Type", "application/json")], body=b"[]")
    app, _ = gate(clinic, inner, validate_responses=True)
    with caplog.at_level(logging.WARNING, logger="specgate"):
        status, _, data, _ = call(app, "GET", "/v1/patients", [("Authorization", BEARER)])
    assert (status, data) == (200, b"[]")
    [record] = caplog.records
    assert record.specgate_response_status == 200
    assert record.specgate_enforced is False
    assert record.specgate_errors[0]["name"] == "X-Total-Count"


def test_response_breaking_the_contract_is_replaced_when_rejecting(clinic):
    inner = Recorder(headers=[("Content-Type", "application/json")], body=b"[]", use_write=True)
    app, _ = gate(clinic, inner, validate_responses=True, reject_invalid_responses=True)
    status, headers, data, _ = call(app, "GET", "/v1/patients", [("Authorization", BEARER)])
    assert status == 500
    assert headers["Content-Type"] == "application/problem+json"
    document = problem(data)
    assert document["status"] == 500 and document["response_status"] == 200
    assert document["errors"][0]["name"] == "X-Total-Count"


def test_response_to_head_is_checked_without_a_body(clinic):
    inner = Recorder(headers=LIST_OK, body=b"")
    app, _ = gate(clinic, inner, validate_responses=True, reject_invalid_responses=True)
    status, *_ = call(app, "HEAD", "/v1/patients", [("Authorization", BEARER)])
    assert status == 200


def test_responses_are_not_checked_by_default(clinic):
    inner = Recorder(headers=[("Content-Type", "text/html")], body=b"<p>")
    app, _ = gate(clinic, inner)
    status, _, _, environ = call(app, "GET", "/v1/patients", [("Authorization", BEARER)])
    assert status == 200 and RESPONSE_RESULT_KEY not in environ


# ------------------------------------------------------------------ what the validator sees


def target_of(**environ) -> Tuple[bytes, Optional[bytes]]:
    base = {"SCRIPT_NAME": "", "PATH_INFO": "/", "QUERY_STRING": ""}
    base.update(environ)
    return request_target(base)


def test_raw_uri_is_preferred():
    assert target_of(PATH_INFO="/v1/labels/.a.b", RAW_URI="/v1/labels/.a%2Eb?x=1",
                     QUERY_STRING="x=1") == (b"/v1/labels/.a%2Eb", b"x=1")
    assert target_of(PATH_INFO="/a/b", REQUEST_URI="/a%2Fb") == (b"/a%2Fb", None)


def test_raw_uri_in_absolute_form():
    assert target_of(PATH_INFO="/v1/x", RAW_URI="http://api.clinic.test/v1/x?y")[0] == b"/v1/x"
    assert target_of(PATH_INFO="/", RAW_URI="https://h")[0] == b"/"


def test_raw_uri_that_disagrees_with_path_info_is_not_used():
    # A middleware rewrote PATH_INFO: validate what the application will route.
    assert target_of(PATH_INFO="/v2/x", RAW_URI="/v1/x")[0] == b"/v2/x"
    assert target_of(PATH_INFO="/a/b", RAW_URI="/a//b")[0] == b"/a/b"
    assert target_of(PATH_INFO="/", RAW_URI="*")[0] == b"/"


def test_path_info_is_encoded_again():
    # PATH_INFO holds decoded bytes as latin-1: "?", "#", "%", space and UTF-8 bytes must
    # come back percent-encoded, sub-delimiters stay as they are.
    path_info = "/a?b#c%d e;f=g,h/é".encode("utf-8").decode("latin-1")
    assert target_of(PATH_INFO=path_info)[0] == b"/a%3Fb%23c%25d%20e;f=g,h/%C3%A9"


def test_script_name_is_part_of_the_path():
    assert target_of(SCRIPT_NAME="/api", PATH_INFO="/v1/x", RAW_URI="/api/v1/x")[0] == b"/api/v1/x"
    assert target_of(SCRIPT_NAME="/api", PATH_INFO="")[0] == b"/api"
    assert target_of(PATH_INFO="")[0] == b"/"


def test_request_headers_from_the_environ():
    headers = dict(request_headers({
        "HTTP_AUTHORIZATION": "Bearer t", "HTTP_X_REQUEST_ID": "caf\xe9",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "", "HTTP_CONTENT_TYPE": "dup",
        "PATH_INFO": "/", "wsgi.input": None,
    }))
    assert headers == {b"AUTHORIZATION": b"Bearer t", b"X-REQUEST-ID": b"caf\xe9",
                       b"CONTENT-TYPE": b"application/json"}


def test_prefixed_stream_reads_like_a_file():
    def make():
        return _PrefixedStream(b"ab\ncd", io.BytesIO(b"ef\ngh\n"))
    assert make().read() == b"ab\ncdef\ngh\n"
    assert make().read(4) == b"ab\nc"
    stream = make()
    assert [stream.readline(), stream.readline(), stream.readline(), stream.readline()] == [
        b"ab\n", b"cdef\n", b"gh\n", b""]
    assert list(make()) == [b"ab\n", b"cdef\n", b"gh\n"]
    assert make().readlines() == [b"ab\n", b"cdef\n", b"gh\n"]
    assert make().readline(2) == b"ab"
    stream = make()
    stream.read(3)
    assert stream.readline(3) == b"cde"
