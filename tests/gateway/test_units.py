"""In-process tests of the gateway's parts: breaker, retry policy, transport rules, ALB lines,
spec holder. Fast; no gunicorn."""

from __future__ import annotations

import re
import shutil
import socket

import pytest

import gwtest  # noqa: F401  (puts gateway/ on sys.path)
from specgate_gateway import forwarder as fw
from specgate_gateway.access_log import alb_line, redact_query
from specgate_gateway.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from specgate_gateway.settings import Settings, SettingsError
from specgate_gateway.spec_holder import SpecHolder
from specgate_gateway.transport import (
    client_scheme,
    forward_headers,
    redirect_location,
    response_headers,
)
from specgate_gateway.upstream import Faults, serve

SPEC = gwtest.SPEC


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------- breaker


def test_breaker_opens_after_consecutive_failures_only():
    breaker = CircuitBreaker(3, 5.0, clock=Clock())
    for _ in range(2):
        breaker.acquire().failure()
    breaker.acquire().success()  # resets the count
    for _ in range(2):
        breaker.acquire().failure()
    assert breaker.state == CLOSED
    breaker.acquire().failure()
    assert breaker.state == OPEN
    assert breaker.acquire() is None


def test_breaker_half_open_lets_one_probe_through():
    clock = Clock()
    transitions = []
    breaker = CircuitBreaker(1, 5.0, clock=clock)
    breaker.add_listener(lambda old, new: transitions.append((old, new)))
    breaker.acquire().failure()
    assert breaker.retry_after() == pytest.approx(5.0)
    clock.now += 5.0
    assert breaker.state == HALF_OPEN
    probe = breaker.acquire()
    assert probe is not None and probe.probe
    assert breaker.acquire() is None  # one probe at a time
    probe.failure()
    assert breaker.state == OPEN  # and a new cool-down
    clock.now += 5.0
    breaker.acquire().success()
    assert breaker.state == CLOSED
    assert transitions == [(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, OPEN),
                           (OPEN, HALF_OPEN), (HALF_OPEN, CLOSED)]


def test_breaker_permit_left_unreported_counts_as_failure():
    breaker = CircuitBreaker(1, 5.0, clock=Clock())
    with breaker.acquire():
        pass
    assert breaker.state == OPEN


# ---------------------------------------------------------------------- retry policy


@pytest.mark.parametrize("method, key, safe", [
    ("GET", None, True), ("HEAD", None, True), ("PUT", None, True), ("DELETE", None, True),
    ("OPTIONS", None, True), ("PATCH", None, False), ("PATCH", "k-123456", False),
    ("POST", None, False), ("POST", "", False), ("POST", "k-123456", True),
])
def test_retry_safety(method, key, safe):
    assert fw.is_retry_safe(method, key) is safe


def test_backoff_is_full_jitter_capped():
    highest = lambda low, high: high  # noqa: E731
    assert [fw.backoff_delay(n, 0.1, 1.0, highest) for n in range(6)] == [
        0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert fw.backoff_delay(3, 0.1, 1.0, lambda low, high: low) == 0.0


@pytest.fixture()
def in_process_upstream():
    server = serve("127.0.0.1", 0, Faults())
    yield server
    server.shutdown()
    server.server_close()


def _settings(url: str, **changes) -> Settings:
    env = {"GATEWAY_UPSTREAM": url, "GATEWAY_BACKOFF_BASE": "0.001",
           "GATEWAY_BACKOFF_CAP": "0.002", "GATEWAY_READ_TIMEOUT": "0.3"}
    env.update(changes)
    return Settings.from_env(env)


def test_forwarder_retries_then_answers(in_process_upstream):
    host, port = in_process_upstream.server_address[:2]
    forwarder = fw.Forwarder(_settings(f"http://{host}:{port}"))
    in_process_upstream.faults.update({"fail_next": 2, "fail_mode": "error"})
    outcome = forwarder.send("GET", "/v1/hospital", [], None, retry_safe=True)
    assert outcome.failure is None and outcome.status == 200 and outcome.attempts == 3
    assert b"Riverside" in outcome.body


def test_forwarder_unreachable_upstream_is_retried_for_any_method():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    forwarder = fw.Forwarder(_settings(f"http://127.0.0.1:{port}"))
    outcome = forwarder.send("POST", "/v1/patients", [], b"{}", retry_safe=False)
    assert outcome.failure == fw.UPSTREAM_UNREACHABLE and outcome.status == 502
    assert outcome.attempts == 3
    assert forwarder.probe() is False


def test_forwarder_stops_at_open_breaker(in_process_upstream):
    host, port = in_process_upstream.server_address[:2]
    forwarder = fw.Forwarder(_settings(f"http://{host}:{port}", GATEWAY_BREAKER_THRESHOLD="2"))
    in_process_upstream.faults.update({"error_rate": 1.0})
    outcome = forwarder.send("GET", "/v1/hospital", [], None, retry_safe=True)
    assert outcome.failure == fw.BREAKER_OPEN and outcome.status == 503
    assert outcome.attempts == 2 and outcome.retry_after > 0


def test_forwarder_keeps_body_encoded(in_process_upstream):
    host, port = in_process_upstream.server_address[:2]
    forwarder = fw.Forwarder(_settings(f"http://{host}:{port}"))
    outcome = forwarder.send("GET", "/v1/patients/1", [("Authorization", "Bearer x")], None,
                             retry_safe=True)
    assert outcome.status == 200
    assert ("Content-Type", "application/json") in outcome.headers


# ---------------------------------------------------------------------- transport


def test_client_scheme_trusts_forwarded_proto_only_from_trusted_peers():
    proxies = Settings.from_env({"GATEWAY_UPSTREAM": "http://x",
                                 "GATEWAY_TRUSTED_PROXIES": "10.0.0.0/8"}).trusted_proxies
    environ = {"wsgi.url_scheme": "http", "REMOTE_ADDR": "10.1.2.3",
               "HTTP_X_FORWARDED_PROTO": "https"}
    assert client_scheme(environ, proxies) == "https"
    assert client_scheme(dict(environ, REMOTE_ADDR="192.0.2.1"), proxies) == "http"
    assert client_scheme(environ, ()) == "http"
    assert client_scheme(dict(environ, HTTP_X_FORWARDED_PROTO="https,http"), proxies) == "http"
    assert client_scheme({"wsgi.url_scheme": "https", "REMOTE_ADDR": "192.0.2.1",
                          "HTTP_X_FORWARDED_PROTO": "http"}, proxies) == "https"


def test_redirect_location():
    assert redirect_location("api.example:80", "/v1/a b", "x=1") == (
        "https://api.example/v1/a%20b?x=1")
    assert redirect_location("api.example", "/v1", None, https_port=8443) == (
        "https://api.example:8443/v1")
    assert redirect_location("evil.example/../x", "/v1", None) == "https://localhost/v1"
    assert redirect_location("anything", "/v1", None, public_host="api.hospital.example") == (
        "https://api.hospital.example/v1")
    assert redirect_location("[::1]:8080", "/", None) == "https://[::1]/"


def test_forward_headers_drop_hop_by_hop_and_keep_authorization():
    headers = [("Authorization", "Bearer a.b.c"), ("Connection", "close, X-Secret"),
               ("X-Secret", "1"), ("Keep-Alive", "5"), ("Transfer-Encoding", "chunked"),
               ("Host", "gw"), ("Content-Length", "3"), ("X-Forwarded-For", "1.2.3.4"),
               ("Accept", "application/json"), ("Proxy-Authorization", "Basic x")]
    assert forward_headers(headers) == [("Authorization", "Bearer a.b.c"),
                                        ("Accept", "application/json")]
    assert response_headers([("Content-Type", "application/json"), ("Content-Length", "2"),
                             ("Connection", "keep-alive"), ("Set-Cookie", "a=1"),
                             ("Set-Cookie", "b=2")]) == [
        ("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]


# ---------------------------------------------------------------------- logs and settings


def test_redact_query():
    assert redact_query("limit=5&token=abc&Password=x&q=rex") == (
        "limit=5&token=REDACTED&Password=REDACTED&q=rex")
    assert redact_query("") is None


def test_alb_line_has_alb_field_order():
    record = {"ts": "2025-01-06T09:00:00.123456Z", "request_id": "abc", "client": "10.0.0.9:5123",
              "scheme": "https", "host": "api.hospital.example", "method": "GET",
              "path": "/v1/patients/3", "query": "limit=5", "status": 502,
              "reason": "upstream_error", "validation_us": 40, "upstream_ms": 12.5,
              "total_ms": 14.0, "upstream_status": 500, "bytes_in": 0, "bytes_out": 120,
              "user_agent": 'clinic "app"'}
    line = alb_line(record, target="10.0.0.7:8080")
    fields = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', line)
    assert fields[0] == "https" and fields[1] == record["ts"]
    assert fields[3] == "10.0.0.9:5123" and fields[4] == "10.0.0.7:8080"
    assert fields[5:8] == ["0.000", "0.013", "0.001"]
    assert fields[8:10] == ["502", "500"]
    assert fields[12] == '"GET https://api.hospital.example/v1/patients/3?limit=5 HTTP/1.1"'
    assert fields[13] == '"clinic \\"app\\""'
    assert len(fields) == 29

    rejected = dict(record, status=404, upstream_ms=None, upstream_status=None)
    fields = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', alb_line(rejected))
    assert fields[4] == "-" and fields[6] == "-1" and fields[9] == "-"


def test_settings_reject_bad_values():
    with pytest.raises(SettingsError, match="GATEWAY_UPSTREAM"):
        Settings.from_env({})
    with pytest.raises(SettingsError, match="GATEWAY_RETRIES"):
        Settings.from_env({"GATEWAY_UPSTREAM": "http://x", "GATEWAY_RETRIES": "many"})
    with pytest.raises(SettingsError, match="GATEWAY_TRUSTED_PROXIES"):
        Settings.from_env({"GATEWAY_UPSTREAM": "http://x", "GATEWAY_TRUSTED_PROXIES": "lb"})


# ---------------------------------------------------------------------- spec holder


def test_spec_holder_swaps_good_and_keeps_old_on_broken(tmp_path):
    spec = tmp_path / "hospital.yaml"
    shutil.copyfile(SPEC, spec)
    holder = SpecHolder(spec, {}, state_dir=tmp_path / "state")
    seen = []
    outcomes = []
    holder.add_listener(seen.append)
    holder.add_reload_observer(lambda trigger, outcome: outcomes.append((trigger, outcome)))
    first = holder.spec

    assert holder.check() is False  # unchanged
    spec.write_text(SPEC.read_text().replace("version: 1.4.0", "version: 1.5.0"))
    assert holder.check() is True and holder.spec is not first and seen == [holder.spec]

    current = holder.spec
    spec.write_text("openapi: 3.1.0\npaths: 3\n")
    assert holder.check() is False and holder.spec is current
    assert holder.check() is False  # the same broken file is not tried again
    assert outcomes == [("mtime", "ok"), ("mtime", "failed")]

    # A new process while the file is broken boots on the last good copy.
    booted = SpecHolder(spec, {}, state_dir=tmp_path / "state")
    assert booted.loaded_from.endswith("last-good-hospital.yaml")
    assert len(booted.spec.operations) == len(current.operations)
    with pytest.raises(Exception):
        SpecHolder(spec, {}, state_dir=None)
