"""Requests the contract refuses are answered by the gateway, never reach the API, and are
logged and counted with their reason."""

from __future__ import annotations

import json
import uuid

import pytest

from gwtest import AUTH, JSON_AUTH, NEW_PATIENT

CASES = [
    pytest.param("GET", "/v1/owners/3", AUTH, None, 404, "unknown_route", id="404-unknown-route"),
    pytest.param("GET", "/patients/3", AUTH, None, 404, "unknown_route", id="404-no-base-path"),
    pytest.param("DELETE", "/v1/hospital", AUTH, None, 405, "method_not_allowed",
                 id="405-wrong-method"),
    pytest.param("PUT", "/v1/patients/3", JSON_AUTH, b"{}", 405, "method_not_allowed",
                 id="405-put"),
    pytest.param("GET", "/v1/patients", {}, None, 401, "unauthorized", id="401-no-credentials"),
    pytest.param("GET", "/v1/patients", {"Authorization": "Basic dmV0OnNlY3JldA=="}, None, 401,
                 "unauthorized", id="401-wrong-scheme"),
    pytest.param("GET", "/v1/patients?limit=500", AUTH, None, 400, "invalid_request",
                 id="400-query-out-of-range"),
    pytest.param("GET", "/v1/patients/rex", AUTH, None, 400, "invalid_request",
                 id="400-path-type"),
    pytest.param("GET", "/v1/appointments/42", AUTH, None, 400, "invalid_request",
                 id="400-path-uuid-format"),
    pytest.param("GET", "/v1/appointments?date=tomorrow", AUTH, None, 400, "invalid_request",
                 id="400-query-date-format"),
    pytest.param("POST", "/v1/patients", JSON_AUTH, b'{"name": "Rex", "species": "dragon", '
                 b'"owner": {"name": "A", "phone": "+44 7700 900123"}}', 400, "invalid_request",
                 id="400-body-enum"),
    pytest.param("POST", "/v1/patients", JSON_AUTH, b'{"name": "Rex"}', 400, "invalid_request",
                 id="400-body-required"),
    pytest.param("POST", "/v1/patients", JSON_AUTH, b'{"name": "Rex", "species": "dog", '
                 b'"owner": {"name": "A", "phone": "+44 7700 900123"}, "colour": "red"}', 400,
                 "invalid_request", id="400-body-unknown-property"),
    pytest.param("POST", "/v1/patients", JSON_AUTH, b'{"name": ', 400, "invalid_request",
                 id="400-body-not-json"),
    pytest.param("POST", "/v1/patients", {**AUTH, "Content-Type": "text/plain"}, b"Rex, dog",
                 415, "unsupported_media_type", id="415-media-type"),
    pytest.param("POST", "/v1/patients", JSON_AUTH, b'{"name": "' + b"x" * 70000 + b'"}', 413,
                 "body_too_large", id="413-body-too-large"),
]


@pytest.mark.parametrize("method, path, headers, body, status, reason", CASES)
def test_rejected_by_gateway_not_forwarded(main_gateway, client, upstream, method, path,
                                           headers, body, status, reason):
    before = upstream.count()
    request_id = f"reject-{uuid.uuid4().hex[:12]}"
    response = client.request(method, main_gateway.url + path, data=body,
                              headers={**headers, "X-Request-Id": request_id}, timeout=5)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["reason"] == reason
    assert response.headers["X-Request-Id"] == request_id
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    if status == 405:
        assert response.headers["Allow"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert upstream.count() == before, "a rejected request reached the upstream"

    record = main_gateway.log_record(request_id)
    assert record["outcome"] == "rejected"
    assert record["reason"] == reason
    assert record["status"] == status
    assert record["attempts"] == 0 and record["upstream_ms"] is None
    assert isinstance(record["validation_us"], int) and record["validation_us"] >= 0
    assert record["errors"] and all("message" in e for e in record["errors"])
    # No credential in the log line, whatever the request carried.
    assert "eyJhbGciOi" not in json.dumps(record) and "dmV0OnNlY3JldA" not in json.dumps(record)


def test_valid_request_is_forwarded(main_gateway, client, upstream):
    before = upstream.count()
    request_id = f"ok-{uuid.uuid4().hex[:12]}"
    response = client.post(main_gateway.url + "/v1/patients", json=NEW_PATIENT,
                           headers={**AUTH, "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Rex"
    assert response.headers["Location"].startswith("/v1/patients/")
    assert upstream.count() == before + 1

    record = main_gateway.log_record(request_id)
    assert record["outcome"] == "forwarded" and record["reason"] is None
    assert record["route"] == "/patients" and record["operation_id"] == "createPatient"
    assert record["upstream_status"] == 201 and record["attempts"] == 1
    assert record["contract_break"] is False


def test_public_operation_needs_no_credentials(main_gateway, client, upstream):
    response = client.get(main_gateway.url + "/v1/hospital", timeout=5)
    assert response.status_code == 200
    assert response.json()["address"]["country"] == "GB"


def test_credential_in_query_is_redacted_in_log(main_gateway, client, upstream):
    request_id = f"redact-{uuid.uuid4().hex[:12]}"
    response = client.get(main_gateway.url + "/v1/patients?limit=5&access_token=hunter2",
                          headers={**AUTH, "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 200
    record = main_gateway.log_record(request_id)
    assert record["query"] == "limit=5&access_token=REDACTED"


def test_connection_stays_usable_after_413(main_gateway, client, upstream):
    # The refused body is read and discarded after the answer: the client's keep-alive
    # connection, which gunicorn announced as reusable, must serve the next request.
    for size in (70000, 300000, 70000, 300000, 1500000, 70000):
        refused = client.post(main_gateway.url + "/v1/patients/3/notes",
                              data=b'{"text": "' + b"x" * size + b'"}', headers=JSON_AUTH,
                              timeout=5)
        assert refused.status_code == 413
        assert client.get(main_gateway.url + "/v1/hospital", timeout=5).status_code == 200
