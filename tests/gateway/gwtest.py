"""Constants and helpers shared by the gateway tests (fixtures are in conftest.py). A module
name of its own, so that running tests/python and tests/gateway together cannot mix up two
conftest modules."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

REPO = Path(__file__).resolve().parents[2]
GATEWAY_DIR = REPO / "gateway"
if str(GATEWAY_DIR) not in sys.path:
    sys.path.insert(0, str(GATEWAY_DIR))

from specgate_gateway.processes import Service  # noqa: E402

SPEC = GATEWAY_DIR / "hospital.yaml"
TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2ZXQtNyJ9.c2lnbmF0dXJl-_~+/=="
AUTH = {"Authorization": TOKEN}
JSON_AUTH = {"Authorization": TOKEN, "Content-Type": "application/json"}
NEW_PATIENT = {"name": "Rex", "species": "dog",
               "owner": {"name": "Ann Lee", "phone": "+44 7700 900123"}}


class Upstream:
    """The stand-in's admin endpoints."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.url = service.url
        self.session = requests.Session()
        self.session.trust_env = False

    def stats(self) -> Dict[str, Any]:
        return self.session.get(self.url + "/__admin/stats", timeout=5).json()

    def count(self) -> int:
        return int(self.stats()["requests"])

    def faults(self, **changes: Any) -> Dict[str, Any]:
        response = self.session.post(self.url + "/__admin/faults", json=changes, timeout=5)
        response.raise_for_status()
        return response.json()

    def heal(self) -> None:
        self.faults(error_rate=0, slow_rate=0, drop_rate=0, break_rate=0, fail_next=0)

    def received(self, request_id: str) -> Optional[Dict[str, Any]]:
        response = self.session.get(f"{self.url}/__admin/requests/{request_id}", timeout=5)
        return response.json() if response.status_code == 200 else None


class Gateway:
    def __init__(self, service: Service, ca: Optional[Path], spec: Path) -> None:
        self.service = service
        self.url = service.url
        self.ca = ca
        self.spec = spec
        self.access_log = Path(service.extra["access_log"])
        self.event_log = service.log_path

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca) if self.ca else True
        return session

    def log_records(self) -> List[Dict[str, Any]]:
        records = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        return records

    def log_record(self, request_id: str) -> Dict[str, Any]:
        matches = [r for r in self.log_records() if r["request_id"] == request_id]
        assert len(matches) == 1, f"{len(matches)} access-log lines for {request_id}"
        return matches[0]

    def metrics(self) -> str:
        return self.session().get(self.url + "/metrics", timeout=5).text


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.05) -> bool:
    """Polls predicate() until true or timeout; bounded, for state other processes change."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
