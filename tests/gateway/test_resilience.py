"""An upstream that fails: retries for what is safe to repeat, 502/503/504 problem documents
for the rest, a circuit breaker, and no request left without an answer."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter

import requests

from gwtest import AUTH, NEW_PATIENT, wait_until


def _rid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_get_is_retried_until_it_succeeds(main_gateway, client, upstream):
    upstream.faults(fail_next=2, fail_mode="error")
    before = upstream.count()
    request_id = _rid("retry")
    response = client.get(main_gateway.url + "/v1/patients/2",
                          headers={**AUTH, "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 200
    assert upstream.count() == before + 3
    record = main_gateway.log_record(request_id)
    assert record["attempts"] == 3 and record["retries"] == 2
    assert record["outcome"] == "forwarded" and record["upstream_status"] == 200


def test_get_failing_every_attempt_is_502(main_gateway, client, upstream):
    upstream.faults(fail_next=3, fail_mode="error")
    request_id = _rid("exhaust")
    response = client.get(main_gateway.url + "/v1/staff",
                          headers={**AUTH, "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 502
    problem = response.json()
    assert problem["reason"] == "upstream_error" and problem["upstream_status"] == 500
    assert problem["request_id"] == request_id
    record = main_gateway.log_record(request_id)
    assert record["outcome"] == "failed" and record["attempts"] == 3
    assert record["upstream_status"] == 500


def test_post_without_idempotency_key_is_not_retried(main_gateway, client, upstream):
    upstream.faults(fail_next=1, fail_mode="error")
    before = upstream.count()
    response = client.post(main_gateway.url + "/v1/patients", json=NEW_PATIENT, headers=AUTH,
                           timeout=5)
    assert response.status_code == 502
    assert response.json()["attempts"] == 1
    assert upstream.count() == before + 1


def test_post_with_idempotency_key_is_retried_once_executed(main_gateway, client, upstream):
    upstream.faults(fail_next=1, fail_mode="drop")
    before = upstream.count()
    request_id = _rid("idem")
    response = client.post(main_gateway.url + "/v1/patients", json=NEW_PATIENT,
                           headers={**AUTH, "Idempotency-Key": uuid.uuid4().hex,
                                    "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 201
    assert upstream.count() == before + 2
    assert main_gateway.log_record(request_id)["retries"] == 1


def test_patch_is_never_retried(main_gateway, client, upstream):
    upstream.faults(fail_next=1, fail_mode="error")
    before = upstream.count()
    response = client.patch(main_gateway.url + "/v1/patients/4", json={"weight_kg": 5.5},
                            headers=AUTH, timeout=5)
    assert response.status_code == 502
    assert upstream.count() == before + 1


def test_dropped_connection_is_502(main_gateway, client, upstream):
    request_id = _rid("drop")
    response = client.get(main_gateway.url + "/v1/patients/5",
                          headers={**AUTH, "X-Upstream-Fault": "drop", "X-Request-Id": request_id},
                          timeout=5)
    assert response.status_code == 502
    assert response.json()["reason"] == "upstream_disconnected"
    record = main_gateway.log_record(request_id)
    assert record["attempts"] == 3 and record["upstream_status"] is None


def test_dropped_connection_of_post_is_502_without_retry(main_gateway, client, upstream):
    upstream.faults(fail_next=1, fail_mode="drop")
    before = upstream.count()
    response = client.post(main_gateway.url + "/v1/patients", json=NEW_PATIENT, headers=AUTH,
                           timeout=5)
    assert response.status_code == 502
    assert response.json()["reason"] == "upstream_disconnected"
    assert upstream.count() == before + 1


def test_slow_upstream_is_504_not_a_hang(main_gateway, client, upstream):
    before = upstream.count()
    request_id = _rid("slow")
    started = time.monotonic()
    response = client.get(main_gateway.url + "/v1/patients/6",
                          headers={**AUTH, "X-Upstream-Fault": "slow", "X-Upstream-Delay": "2",
                                   "X-Request-Id": request_id}, timeout=10)
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["reason"] == "upstream_timeout"
    assert elapsed < 1.5, f"the 504 took {elapsed:.2f} s (read timeout 0.5 s)"
    assert upstream.count() == before + 1, "a timed-out request must not be retried"
    record = main_gateway.log_record(request_id)
    assert 450 <= record["upstream_ms"] < 1500


def test_unreachable_upstream_is_502(tmp_path, services, tls_files):
    # Nothing listens on the port of a socket that was bound and closed.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    service = services.gateway(tmp_path, f"http://127.0.0.1:{dead_port}", tls=tls_files,
                               workers=1, threads=2,
                               env={"GATEWAY_BACKOFF_BASE": "0.01", "GATEWAY_BACKOFF_CAP": "0.02"},
                               name="dead")
    try:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(tls_files.ca)
        # POST without a key too: nothing reached the upstream, so retrying is safe.
        response = session.post(service.url + "/v1/patients", json=NEW_PATIENT, headers=AUTH,
                                timeout=5)
        assert response.status_code == 502
        assert response.json()["reason"] == "upstream_unreachable"
        assert response.json()["attempts"] == 3
        ready = session.get(service.url + "/readyz", timeout=5)
        assert ready.status_code == 200  # breaker (threshold 5) not open yet
    finally:
        service.stop()


def test_every_request_is_answered_under_injected_failures(main_gateway, upstream):
    upstream.faults(error_rate=0.25, drop_rate=0.05, slow_rate=0.03, slow_delay=0.8)
    total = 160
    statuses: Counter = Counter()
    errors = []
    request_ids = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        session = main_gateway.session()
        for n in range(index, total, 8):
            request_id = f"load-{uuid.uuid4().hex[:12]}"
            if n % 4 == 0:
                call = ("POST", "/v1/patients", NEW_PATIENT)
            elif n % 4 == 1:
                call = ("GET", "/v1/owners/1", None)   # rejected by the contract
            else:
                call = ("GET", f"/v1/patients/{1 + n % 30}", None)
            try:
                response = session.request(call[0], main_gateway.url + call[1], json=call[2],
                                           headers={**AUTH, "X-Request-Id": request_id},
                                           timeout=10)
                with lock:
                    statuses[response.status_code] += 1
                    request_ids.append(request_id)
            except requests.RequestException as error:
                with lock:
                    errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors[:3]
    assert sum(statuses.values()) == total
    assert set(statuses) <= {200, 201, 404, 502, 504}, statuses
    assert statuses[200] + statuses[201] > total // 3, statuses  # retries cure most failures
    logged = {r["request_id"]: r for r in main_gateway.log_records()
              if r["request_id"].startswith("load-")}
    assert all(rid in logged for rid in request_ids), "every request has its log line"
    retried = [r for r in logged.values() if r["retries"] > 0]
    assert retried, "with 25% errors some GETs must have been retried"


def _open_circuits(gateway, upstream, limit: int = 40):
    """Sends failing requests on fresh connections (spread over the workers) until five in a
    row are refused by open circuits. Returns the statuses seen."""
    upstream.faults(error_rate=1.0)
    seen = []
    refused_in_row = 0
    for _ in range(limit):
        session = gateway.session()
        response = session.get(gateway.url + "/v1/patients/1",
                               headers={**AUTH, "Connection": "close"}, timeout=5)
        session.close()
        seen.append(response.status_code)
        refused_in_row = refused_in_row + 1 if response.status_code == 503 else 0
        if refused_in_row >= 5:
            break
    return seen


def test_breaker_opens_refuses_fast_and_recovers(breaker_gateway, upstream):
    seen = _open_circuits(breaker_gateway, upstream)
    assert seen[-5:] == [503] * 5, seen
    assert set(seen) <= {502, 503}, seen

    # Open: nothing reaches the upstream, answers are immediate, with Retry-After.
    before = upstream.count()
    session = breaker_gateway.session()
    started = time.monotonic()
    refused = session.get(breaker_gateway.url + "/v1/patients/1", headers=AUTH, timeout=5)
    assert refused.status_code == 503 and time.monotonic() - started < 0.5
    assert refused.json()["reason"] == "breaker_open"
    assert int(refused.headers["Retry-After"]) >= 1
    assert upstream.count() == before
    metrics = breaker_gateway.metrics()
    assert re.search(r'gateway_breaker_state\{upstream="[^"]+"\} 2\.0', metrics), metrics
    assert 'to="open"' in metrics

    ready = session.get(breaker_gateway.url + "/readyz", timeout=5)
    assert ready.json()["breaker"] in ("open", "half_open")

    # The API recovers: after the cool-down a probe closes the circuit of each worker.
    upstream.heal()

    def all_ok() -> bool:
        fresh = breaker_gateway.session()
        statuses = [fresh.get(breaker_gateway.url + "/v1/patients/1",
                              headers={**AUTH, "Connection": "close"}, timeout=5).status_code
                    for _ in range(6)]
        fresh.close()
        return statuses == [200] * 6

    # Six answers of 200 can all come from a worker whose circuit never opened, so wait for
    # the opened one to take its probe and close too.
    def recovered() -> bool:
        return all_ok() and 'to="closed"' in breaker_gateway.metrics()

    assert wait_until(recovered, timeout=15, interval=0.3), breaker_gateway.metrics()
