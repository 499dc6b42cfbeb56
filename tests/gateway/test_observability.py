"""What the gateway tells its operators: JSON access-log lines, Prometheus metrics across
workers, health and readiness, contract breaks of the API's answers."""

from __future__ import annotations

import re
import uuid

from gwtest import AUTH

LOG_FIELDS = {
    "ts", "request_id", "client", "scheme", "host", "method", "path", "query", "http_version",
    "route", "operation_id", "status", "outcome", "reason", "errors", "validation_us",
    "response_validation_us", "upstream_ms", "total_ms", "attempts", "retries",
    "upstream_status", "contract_break", "contract_errors", "bytes_in", "bytes_out",
    "user_agent", "worker", "spec_generation",
}


def _metric(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, value = line.rsplit(" ", 1)
        sample_labels = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if all(sample_labels.get(k) == v for k, v in labels.items()):
            total += float(value)
    return total


def test_access_log_line_has_every_field(main_gateway, client, upstream):
    request_id = f"fields-{uuid.uuid4().hex[:12]}"
    response = client.get(main_gateway.url + "/v1/patients/9/notes?category=exam",
                          headers={**AUTH, "X-Request-Id": request_id,
                                   "User-Agent": "clinic-app/2.1"}, timeout=5)
    assert response.status_code == 200
    record = main_gateway.log_record(request_id)
    assert set(record) == LOG_FIELDS
    assert record["route"] == "/patients/{patientId}/notes"
    assert record["operation_id"] == "listNotes"
    assert record["path"] == "/v1/patients/9/notes" and record["query"] == "category=exam"
    assert record["scheme"] == "https" and record["user_agent"] == "clinic-app/2.1"
    assert record["validation_us"] >= 0 and record["upstream_ms"] > 0
    assert record["total_ms"] >= record["upstream_ms"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", record["ts"])


def test_request_id_is_generated_when_absent_or_malformed(main_gateway, client, upstream):
    response = client.get(main_gateway.url + "/v1/hospital",
                          headers={"X-Request-Id": "bad id with spaces"}, timeout=5)
    generated = response.headers["X-Request-Id"]
    assert re.match(r"^[0-9a-f]{32}$", generated)
    assert main_gateway.log_record(generated)["status"] == 200


def test_contract_break_is_logged_counted_and_forwarded(main_gateway, client, upstream):
    before = _metric(main_gateway.metrics(), "gateway_contract_breaks_total",
                     route="/patients/{patientId}")
    request_id = f"break-{uuid.uuid4().hex[:12]}"
    response = client.get(main_gateway.url + "/v1/patients/10",
                          headers={**AUTH, "X-Upstream-Fault": "break",
                                   "X-Request-Id": request_id}, timeout=5)
    # Log-only: the client gets the API's answer as it was.
    assert response.status_code == 200
    assert response.json()["id"] == "10"
    record = main_gateway.log_record(request_id)
    assert record["contract_break"] is True
    assert record["contract_errors"][0]["pointer"] == "/id"
    assert "integer" in record["contract_errors"][0]["message"]
    after = _metric(main_gateway.metrics(), "gateway_contract_breaks_total",
                    route="/patients/{patientId}", status="200")
    assert after >= before + 1
    assert "contract break" in main_gateway.event_log.read_text()


def test_metrics_aggregate_workers(main_gateway, upstream):
    # Fresh connections spread over both workers; /metrics, answered by either, counts all.
    marker_route = "/staff/{staffId}"
    before = _metric(main_gateway.metrics(), "gateway_requests_total", route=marker_route,
                     status="200")
    sent = []
    workers = set()
    while len(sent) < 40 and (len(workers) < 2 or len(sent) < 10):
        request_id = f"spread-{uuid.uuid4().hex[:12]}"
        session = main_gateway.session()
        response = session.get(main_gateway.url + "/v1/staff/1",
                               headers={**AUTH, "Connection": "close",
                                        "X-Request-Id": request_id}, timeout=5)
        session.close()
        assert response.status_code == 200
        sent.append(request_id)
        workers.add(main_gateway.log_record(request_id)["worker"])
    assert len(workers) == 2, "40 new connections all went to one worker"
    assert _metric(main_gateway.metrics(), "gateway_requests_total", route=marker_route,
                   status="200", method="GET", reason="forwarded") == before + len(sent)


def test_metrics_have_reasons_latencies_and_breaker(main_gateway, client, upstream):
    client.get(main_gateway.url + "/v1/unknown", headers=AUTH, timeout=5)
    client.get(main_gateway.url + "/v1/patients", timeout=5)
    text = main_gateway.metrics()
    assert _metric(text, "gateway_requests_total", route="(unmatched)", status="404",
                   reason="unknown_route") >= 1
    assert _metric(text, "gateway_requests_total", route="/patients", status="401",
                   reason="unauthorized") >= 1
    assert _metric(text, "gateway_validation_duration_seconds_count") >= 2
    assert _metric(text, "gateway_request_duration_seconds_count", route="/patients") >= 1
    assert "gateway_upstream_duration_seconds_bucket" in text
    assert re.search(r'gateway_breaker_state\{upstream="http://127\.0\.0\.1:\d+"\} 0\.0', text)


def test_health_and_readiness(main_gateway, client, upstream):
    health = client.get(main_gateway.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    ready = client.get(main_gateway.url + "/readyz", timeout=5)
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True and body["breaker"] == "closed"
    assert body["spec"].endswith(".yaml")
    # The gateway's own endpoints are not in the access log.
    assert not [r for r in main_gateway.log_records() if r["path"] in ("/healthz", "/readyz")]
