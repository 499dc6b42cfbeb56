"""Upgrades without downtime: the spec swapped in place (SIGHUP to the workers, or a changed
file), a broken spec refused, and gunicorn's graceful reload (HUP to the master), all under a
steady stream of requests that must see no failure."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from typing import Dict, List

import requests

from gwtest import AUTH, SPEC, wait_until
from specgate_gateway.processes import children

# The stream's requests are valid under every spec these tests install.
STREAM_PATHS = ["/v1/patients/3", "/v1/hospital", "/v1/patients?limit=10", "/v1/staff/2"]


class Stream:
    """Threads sending valid requests back to back on keep-alive connections until stop()."""

    def __init__(self, gateway, threads: int = 3) -> None:
        self.gateway = gateway
        self.statuses: Counter = Counter()
        self.errors: List[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def __enter__(self) -> "Stream":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _run(self, index: int) -> None:
        session = self.gateway.session()
        n = index
        while not self._stop.is_set():
            path = STREAM_PATHS[n % len(STREAM_PATHS)]
            n += 1
            try:
                response = session.get(self.gateway.url + path, headers=AUTH, timeout=10)
                with self._lock:
                    self.statuses[response.status_code] += 1
            except requests.RequestException as error:
                with self._lock:
                    self.errors.append(repr(error))

    def assert_clean(self, minimum: int) -> None:
        total = sum(self.statuses.values())
        assert not self.errors, self.errors[:3]
        assert set(self.statuses) == {200}, self.statuses
        assert total >= minimum, f"only {total} requests in the stream"


def _set_limit_maximum(path, maximum: int) -> None:
    text = SPEC.read_text()
    old = "schema: {type: integer, minimum: 1, maximum: 100, default: 20}"
    assert old in text
    path.write_text(text.replace(old, old.replace("maximum: 100", f"maximum: {maximum}")))


def _limit_status(gateway, limit: int) -> int:
    session = gateway.session()
    response = session.get(f"{gateway.url}/v1/patients?limit={limit}",
                           headers={**AUTH, "Connection": "close"}, timeout=5)
    session.close()
    return response.status_code


def _generations(gateway, workers: List[int], tries: int = 60) -> Dict[int, int]:
    """spec_generation of each worker, from /readyz on fresh connections."""
    seen: Dict[int, int] = {}
    for _ in range(tries):
        session = gateway.session()
        body = session.get(gateway.url + "/readyz", headers={"Connection": "close"},
                           timeout=5).json()
        session.close()
        seen[body["pid"]] = body["spec_generation"]
        if set(workers) <= set(seen):
            break
    return seen


def _reload_workers(gateway, generation_at_least: int) -> None:
    workers = children(gateway.service.pid)
    assert len(workers) == 2
    for pid in workers:
        os.kill(pid, signal.SIGHUP)
    assert wait_until(lambda: all(g >= generation_at_least
                                  for g in _generations(gateway, workers).values()),
                      timeout=10, interval=0.1)


def test_sighup_swaps_spec_under_load(main_gateway, upstream):
    assert _limit_status(main_gateway, 80) == 200
    start = _generations(main_gateway, children(main_gateway.service.pid))
    with Stream(main_gateway) as stream:
        time.sleep(0.3)
        _set_limit_maximum(main_gateway.spec, 50)
        _reload_workers(main_gateway, max(start.values()) + 1)
        assert all(_limit_status(main_gateway, 80) == 400 for _ in range(6))
        assert _limit_status(main_gateway, 50) == 200

        # A spec that does not compile is refused; the one in force stays.
        main_gateway.spec.write_text("openapi: 3.1.0\npaths: [not, a, map]\n")
        for pid in children(main_gateway.service.pid):
            os.kill(pid, signal.SIGHUP)
        assert wait_until(lambda: main_gateway.event_log.read_text().count(
            "spec reload (signal) failed") >= 2, timeout=10)
        assert all(_limit_status(main_gateway, 80) == 400 for _ in range(6))

        _set_limit_maximum(main_gateway.spec, 100)
        _reload_workers(main_gateway, max(start.values()) + 2)
        assert _limit_status(main_gateway, 80) == 200
        time.sleep(0.2)
    stream.assert_clean(minimum=20)
    metrics = main_gateway.metrics()
    assert 'gateway_spec_reloads_total{outcome="ok",trigger="signal"}' in metrics
    assert 'gateway_spec_reloads_total{outcome="failed",trigger="signal"}' in metrics


def test_changed_file_is_picked_up_without_signal(edge_gateway, upstream):
    def status(limit: int) -> int:
        session = requests.Session()
        session.trust_env = False
        return session.get(f"{edge_gateway.url}/v1/patients?limit={limit}",
                           headers={**AUTH, "X-Forwarded-Proto": "https"}, timeout=5).status_code

    assert status(80) == 200
    try:
        _set_limit_maximum(edge_gateway.spec, 50)
        assert wait_until(lambda: status(80) == 400, timeout=5)
        # A half-written or broken file is logged once and ignored.
        edge_gateway.spec.write_text("openapi: 3.1.0\ninfo: {title: x\n")
        assert wait_until(lambda: "spec reload (mtime) failed" in
                          edge_gateway.event_log.read_text(), timeout=5)
        assert status(80) == 400 and status(50) == 200
    finally:
        _set_limit_maximum(edge_gateway.spec, 100)
    assert wait_until(lambda: status(80) == 200, timeout=5)


def test_graceful_reload_drops_nothing(main_gateway, upstream):
    master = main_gateway.service.pid
    old_workers = set(children(master))
    assert len(old_workers) == 2
    with Stream(main_gateway, threads=4) as stream:
        time.sleep(0.5)
        os.kill(master, signal.SIGHUP)
        assert wait_until(lambda: len(children(master)) == 2
                          and not old_workers & set(children(master)), timeout=20,
                          interval=0.1)
        time.sleep(0.5)  # keep streaming to the new workers
    stream.assert_clean(minimum=40)


def test_workers_started_while_spec_is_broken_use_last_good_copy(main_gateway, upstream):
    master = main_gateway.service.pid
    old_workers = set(children(master))
    original = main_gateway.spec.read_text()
    try:
        main_gateway.spec.write_text("openapi: 3.1.0\npaths: 12\n")
        with Stream(main_gateway, threads=2) as stream:
            os.kill(master, signal.SIGHUP)
            assert wait_until(lambda: len(children(master)) == 2
                              and not old_workers & set(children(master)), timeout=20,
                              interval=0.1)
            time.sleep(0.3)
        stream.assert_clean(minimum=10)
        assert "serving the last good copy" in main_gateway.event_log.read_text()
        session = main_gateway.session()
        ready = session.get(main_gateway.url + "/readyz", timeout=5).json()
        assert ready["ready"] and ready["spec"].endswith("last-good-main-hospital.yaml")
    finally:
        main_gateway.spec.write_text(original)
        _reload_workers(main_gateway, 2)
