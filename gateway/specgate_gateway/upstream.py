"""A stand-in for the hospital's API server: the operations of hospital.yaml on in-memory data,
on a real socket, misbehaving on demand.

    python -m specgate_gateway.upstream --port 8081 --error-rate 0.15 --slow-rate 0.05 \
        --slow-delay 2 --drop-rate 0.02 --break-rate 0.03 --seed 7

It prints "upstream listening on http://HOST:PORT" once ready (--port 0 picks a free port).

Faults, for requests to the API (paths under /v1):

======  ==============================================  ===========================
fault   what happens                                    rate flag (env variable)
======  ==============================================  ===========================
error   answers 500 with a problem document             --error-rate (UPSTREAM_ERROR_RATE)
slow    waits --slow-delay seconds, then answers        --slow-rate (UPSTREAM_SLOW_RATE)
drop    reads the request, closes the connection        --drop-rate (UPSTREAM_DROP_RATE)
        without a byte of answer
break   answers, but off-contract: a field of the       --break-rate (UPSTREAM_BREAK_RATE)
        wrong type, or 200 where 204 is promised
======  ==============================================  ===========================

A request may force one with the header `X-Upstream-Fault: error|slow|drop|break|none`
(`X-Upstream-Delay: SECONDS` for slow), which the gateway forwards like any other header.

Admin endpoints (not part of the API, not behind the gateway):

- GET  /__admin/stats: {"requests": n, "by_route": {"GET /v1/patients": n}, "faults": {...},
  "injected": {"error": n, ...}}
- GET  /__admin/requests/<request id>: the headers the API received with that X-Request-Id
  (Authorization included, verbatim: this is a test fixture, never a real server)
- POST /__admin/faults: JSON with any of error_rate, slow_rate, slow_delay, drop_rate,
  break_rate, and fail_next + fail_mode ("error", "drop", "slow": the next N requests fail so)
- POST /__admin/reset: zero the counters and forget recorded requests (faults stay)

Idempotency: a POST with an Idempotency-Key is executed once; repeating the key repeats the
first answer, so a gateway retry never books an appointment twice.

Thread safety: one ThreadingHTTPServer thread per connection; the data, the counters and the
random generator sit behind one lock (a stand-in, not a database).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter, OrderedDict
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

FAULTS = ("error", "slow", "drop", "break")
_RECORDED_REQUESTS = 5000
_IDEMPOTENCY_KEYS = 5000


class Faults:
    """Fault rates and forced failures; draws are serialised so a seed makes runs repeatable."""

    def __init__(self, error_rate: float = 0.0, slow_rate: float = 0.0, slow_delay: float = 1.0,
                 drop_rate: float = 0.0, break_rate: float = 0.0, seed: Optional[int] = None):
        self.error_rate = error_rate
        self.slow_rate = slow_rate
        self.slow_delay = slow_delay
        self.drop_rate = drop_rate
        self.break_rate = break_rate
        self.fail_next = 0
        self.fail_mode = "error"
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def update(self, changes: Dict[str, Any]) -> None:
        with self._lock:
            for name in ("error_rate", "slow_rate", "slow_delay", "drop_rate", "break_rate"):
                if name in changes:
                    setattr(self, name, float(changes[name]))
            if "fail_next" in changes:
                self.fail_next = int(changes["fail_next"])
            if "fail_mode" in changes:
                if changes["fail_mode"] not in FAULTS:
                    raise ValueError(f"fail_mode must be one of {FAULTS}")
                self.fail_mode = changes["fail_mode"]

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {"error_rate": self.error_rate, "slow_rate": self.slow_rate,
                    "slow_delay": self.slow_delay, "drop_rate": self.drop_rate,
                    "break_rate": self.break_rate, "fail_next": self.fail_next,
                    "fail_mode": self.fail_mode}

    def draw(self) -> Optional[str]:
        """The fault for the next request, or None."""
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return self.fail_mode
            roll = self._rng.random()
            for fault, rate in (("error", self.error_rate), ("drop", self.drop_rate),
                                ("slow", self.slow_rate), ("break", self.break_rate)):
                if roll < rate:
                    return fault
                roll -= rate
            return None


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """The hospital's data, seeded with a few staff, patients, notes and appointments."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hospital = {
            "name": "Riverside Veterinary Hospital",
            "address": {"street": "12 Mill Lane", "city": "Riverside", "postal_code": "RV1 2AB",
                        "country": "GB"},
            "phone": "+44 20 7946 0000",
            "emergency_phone": "+44 20 7946 0999",
            "timezone": "Europe/London",
            "opening_hours": (
                [{"day": day, "opens": "08:00", "closes": "19:00"}
                 for day in ("mon", "tue", "wed", "thu", "fri")]
                + [{"day": "sat", "opens": "09:00", "closes": "13:00"}]),
        }
        roles = ["veterinarian", "veterinarian", "nurse", "technician", "receptionist"]
        names = ["Dr. Ada Brook", "Dr. Sam Okafor", "Lee Park", "Rita Mendes", "Tom Hale"]
        self.staff: Dict[int, Dict[str, Any]] = {}
        for index, (name, role) in enumerate(zip(names, roles), start=1):
            self.staff[index] = {"id": index, "name": name, "role": role,
                                 "email": f"staff{index}@riverside.example",
                                 "phone": f"+44 20 7946 01{index:02d}",
                                 "hired_on": f"20{15 + index}-03-01", "active": True}
        species = ["dog", "cat", "rabbit", "dog", "cat", "ferret", "bird", "dog"]
        pets = ["Rex", "Mittens", "Clover", "Bella", "Shadow", "Ziggy", "Kiwi", "Max"]
        self.patients: Dict[int, Dict[str, Any]] = {}
        self.notes: Dict[int, Dict[int, Dict[str, Any]]] = {}
        for index in range(1, 41):
            self.patients[index] = {
                "id": index, "name": pets[index % len(pets)],
                "species": species[index % len(species)],
                "sex": "unknown", "weight_kg": round(2.5 + index * 0.7, 1),
                "birth_date": f"20{10 + index % 14:02d}-0{1 + index % 9}-15",
                "owner": {"name": f"Owner {index}", "phone": f"+44 7700 900{index:03d}"},
                "created_at": "2024-01-01T09:00:00Z",
            }
            self.notes[index] = {
                1: {"id": 1, "patient_id": index, "author_id": 1, "category": "exam",
                    "text": "Annual check-up. Healthy.", "created_at": "2024-02-01T10:00:00Z"},
            }
        self.next_patient = 41
        self.next_staff = 6
        self.next_note = 2
        self.appointments: Dict[str, Dict[str, Any]] = {}
        start = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
        for index in range(1, 21):
            appointment_id = str(uuid.UUID(int=index))
            self.appointments[appointment_id] = {
                "id": appointment_id, "patient_id": index, "vet_id": 1 + index % 2,
                "starts_at": (start + timedelta(minutes=30 * index)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"),
                "duration_minutes": 30, "reason": "Vaccination", "status": "scheduled",
            }


class Recorder:
    """What the API received: counts and, per X-Request-Id, the headers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.by_route: Counter = Counter()
        self.injected: Counter = Counter()
        self.recent: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()

    def record(self, method: str, path: str, headers: List[Tuple[str, str]]) -> None:
        request_id = next((v for k, v in headers if k.lower() == "x-request-id"), None)
        with self.lock:
            self.requests += 1
            self.by_route[f"{method} {_route_key(path)}"] += 1
            if request_id:
                entry = self.recent.setdefault(request_id, {"method": method, "path": path,
                                                            "headers": [], "count": 0})
                entry["headers"] = headers
                entry["count"] += 1
                self.recent.move_to_end(request_id)
                while len(self.recent) > _RECORDED_REQUESTS:
                    self.recent.popitem(last=False)

    def reset(self) -> None:
        with self.lock:
            self.requests = 0
            self.by_route.clear()
            self.injected.clear()
            self.recent.clear()


def _route_key(path: str) -> str:
    path = path.split("?", 1)[0]
    path = re.sub(r"/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}", "/{uuid}", path)
    return re.sub(r"/\d+", "/{id}", path)


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


# ---------------------------------------------------------------------- the API


class HospitalApi:
    """The operations; each takes (match, query, body) and returns (status, document, headers)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.idempotent: "OrderedDict[str, Tuple[int, Any, Dict[str, str]]]" = OrderedDict()
        p = r"(?P<patient>\d+)"
        self.routes: List[Tuple[str, "re.Pattern[str]", Callable[..., Any]]] = [
            ("GET", re.compile(r"^/v1/hospital$"), self.get_hospital),
            ("PATCH", re.compile(r"^/v1/hospital$"), self.patch_hospital),
            ("GET", re.compile(r"^/v1/staff$"), self.list_staff),
            ("POST", re.compile(r"^/v1/staff$"), self.create_staff),
            ("GET", re.compile(r"^/v1/staff/(?P<id>\d+)$"), self.get_staff),
            ("PATCH", re.compile(r"^/v1/staff/(?P<id>\d+)$"), self.patch_staff),
            ("DELETE", re.compile(r"^/v1/staff/(?P<id>\d+)$"), self.delete_staff),
            ("GET", re.compile(r"^/v1/patients$"), self.list_patients),
            ("POST", re.compile(r"^/v1/patients$"), self.create_patient),
            ("GET", re.compile(rf"^/v1/patients/{p}$"), self.get_patient),
            ("PATCH", re.compile(rf"^/v1/patients/{p}$"), self.patch_patient),
            ("DELETE", re.compile(rf"^/v1/patients/{p}$"), self.delete_patient),
            ("GET", re.compile(rf"^/v1/patients/{p}/notes$"), self.list_notes),
            ("POST", re.compile(rf"^/v1/patients/{p}/notes$"), self.create_note),
            ("GET", re.compile(rf"^/v1/patients/{p}/notes/(?P<note>\d+)$"), self.get_note),
            ("PATCH", re.compile(rf"^/v1/patients/{p}/notes/(?P<note>\d+)$"), self.patch_note),
            ("DELETE", re.compile(rf"^/v1/patients/{p}/notes/(?P<note>\d+)$"),
             self.delete_note),
            ("GET", re.compile(r"^/v1/appointments$"), self.list_appointments),
            ("POST", re.compile(r"^/v1/appointments$"), self.create_appointment),
            ("GET", re.compile(r"^/v1/appointments/(?P<id>[0-9a-fA-F-]{36})$"),
             self.get_appointment),
            ("PATCH", re.compile(r"^/v1/appointments/(?P<id>[0-9a-fA-F-]{36})$"),
             self.patch_appointment),
            ("DELETE", re.compile(r"^/v1/appointments/(?P<id>[0-9a-fA-F-]{36})$"),
             self.delete_appointment),
        ]

    def public(self, method: str, path: str) -> bool:
        return method == "GET" and path == "/v1/hospital"

    def dispatch(self, method: str, path: str, query: Dict[str, List[str]], body: Any,
                 idempotency_key: Optional[str]) -> Tuple[int, Any, Dict[str, str]]:
        allowed = []
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if not match:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            if method == "POST" and idempotency_key:
                with self.store.lock:
                    if idempotency_key in self.idempotent:
                        status, document, headers = self.idempotent[idempotency_key]
                        return status, copy.deepcopy(document), dict(headers)
            with self.store.lock:
                answer = handler(match, query, body)
                if method == "POST" and idempotency_key:
                    self.idempotent[idempotency_key] = copy.deepcopy(answer)
                    while len(self.idempotent) > _IDEMPOTENCY_KEYS:
                        self.idempotent.popitem(last=False)
            return answer
        if allowed:
            raise ApiError(405, "method not allowed")
        raise ApiError(404, "no such resource")

    # -- helpers

    @staticmethod
    def _page(items: List[Dict[str, Any]], query: Dict[str, List[str]]) -> Dict[str, Any]:
        limit = _int(query, "limit", 20)
        offset = _int(query, "offset", 0)
        return {"items": copy.deepcopy(items[offset:offset + limit]), "total": len(items),
                "limit": limit, "offset": offset}

    @staticmethod
    def _body(body: Any) -> Dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError(400, "a JSON object is required")
        return body

    def _patient(self, match: "re.Match[str]") -> Dict[str, Any]:
        patient = self.store.patients.get(int(match.group("patient")))
        if patient is None:
            raise ApiError(404, "no such patient")
        return patient

    # -- hospital

    def get_hospital(self, match, query, body):
        return 200, copy.deepcopy(self.store.hospital), {}

    def patch_hospital(self, match, query, body):
        self.store.hospital.update(self._body(body))
        return 200, copy.deepcopy(self.store.hospital), {}

    # -- staff

    def list_staff(self, match, query, body):
        items = list(self.store.staff.values())
        role = query.get("role", [None])[0]
        if role:
            items = [s for s in items if s["role"] == role]
        return 200, self._page(items, query), {}

    def create_staff(self, match, query, body):
        member = dict(self._body(body))
        member.update(id=self.store.next_staff, active=True)
        self.store.staff[member["id"]] = member
        self.store.next_staff += 1
        return 201, copy.deepcopy(member), {"Location": f"/v1/staff/{member['id']}"}

    def _staff(self, match):
        member = self.store.staff.get(int(match.group("id")))
        if member is None:
            raise ApiError(404, "no such staff member")
        return member

    def get_staff(self, match, query, body):
        return 200, copy.deepcopy(self._staff(match)), {}

    def patch_staff(self, match, query, body):
        member = self._staff(match)
        member.update(self._body(body))
        return 200, copy.deepcopy(member), {}

    def delete_staff(self, match, query, body):
        member = self._staff(match)
        del self.store.staff[member["id"]]
        return 204, None, {}

    # -- patients

    def list_patients(self, match, query, body):
        items = list(self.store.patients.values())
        species = query.get("species", [None])[0]
        if species:
            items = [p for p in items if p["species"] == species]
        text = (query.get("q", [""])[0] or "").lower()
        if text:
            items = [p for p in items
                     if text in p["name"].lower() or text in p["owner"]["name"].lower()]
        return 200, self._page(items, query), {}

    def create_patient(self, match, query, body):
        patient = dict(self._body(body))
        patient.update(id=self.store.next_patient, created_at=_now())
        self.store.patients[patient["id"]] = patient
        self.store.notes[patient["id"]] = {}
        self.store.next_patient += 1
        return 201, copy.deepcopy(patient), {"Location": f"/v1/patients/{patient['id']}"}

    def get_patient(self, match, query, body):
        return 200, copy.deepcopy(self._patient(match)), {}

    def patch_patient(self, match, query, body):
        patient = self._patient(match)
        patient.update(self._body(body))
        return 200, copy.deepcopy(patient), {}

    def delete_patient(self, match, query, body):
        patient = self._patient(match)
        del self.store.patients[patient["id"]]
        self.store.notes.pop(patient["id"], None)
        return 204, None, {}

    # -- notes

    def list_notes(self, match, query, body):
        patient = self._patient(match)
        items = sorted(self.store.notes.get(patient["id"], {}).values(),
                       key=lambda n: n["created_at"], reverse=True)
        category = query.get("category", [None])[0]
        if category:
            items = [n for n in items if n["category"] == category]
        return 200, self._page(items, query), {}

    def create_note(self, match, query, body):
        patient = self._patient(match)
        note = dict(self._body(body))
        note.update(id=self.store.next_note, patient_id=patient["id"], created_at=_now())
        self.store.next_note += 1
        self.store.notes.setdefault(patient["id"], {})[note["id"]] = note
        return 201, copy.deepcopy(note), {
            "Location": f"/v1/patients/{patient['id']}/notes/{note['id']}"}

    def _note(self, match):
        notes = self.store.notes.get(self._patient(match)["id"], {})
        note = notes.get(int(match.group("note")))
        if note is None:
            raise ApiError(404, "no such note")
        return notes, note

    def get_note(self, match, query, body):
        return 200, copy.deepcopy(self._note(match)[1]), {}

    def patch_note(self, match, query, body):
        _, note = self._note(match)
        note.update(self._body(body))
        note["updated_at"] = _now()
        return 200, copy.deepcopy(note), {}

    def delete_note(self, match, query, body):
        notes, note = self._note(match)
        del notes[note["id"]]
        return 204, None, {}

    # -- appointments

    def list_appointments(self, match, query, body):
        items = sorted(self.store.appointments.values(), key=lambda a: a["starts_at"])
        day = query.get("date", [None])[0]
        if day:
            items = [a for a in items if a["starts_at"].startswith(day)]
        status = query.get("status", [None])[0]
        if status:
            items = [a for a in items if a["status"] == status]
        vet = query.get("vet_id", [None])[0]
        if vet:
            items = [a for a in items if str(a["vet_id"]) == vet]
        return 200, self._page(items, query), {}

    def create_appointment(self, match, query, body):
        appointment = dict(self._body(body))
        clash = any(a["vet_id"] == appointment.get("vet_id")
                    and a["starts_at"] == appointment.get("starts_at")
                    and a["status"] == "scheduled"
                    for a in self.store.appointments.values())
        if clash:
            raise ApiError(409, "the vet is already booked at that time")
        appointment.update(id=str(uuid.uuid4()), status="scheduled")
        self.store.appointments[appointment["id"]] = appointment
        return 201, copy.deepcopy(appointment), {
            "Location": f"/v1/appointments/{appointment['id']}"}

    def _appointment(self, match):
        appointment = self.store.appointments.get(match.group("id").lower())
        if appointment is None:
            raise ApiError(404, "no such appointment")
        return appointment

    def get_appointment(self, match, query, body):
        return 200, copy.deepcopy(self._appointment(match)), {}

    def patch_appointment(self, match, query, body):
        appointment = self._appointment(match)
        appointment.update(self._body(body))
        return 200, copy.deepcopy(appointment), {}

    def delete_appointment(self, match, query, body):
        appointment = self._appointment(match)
        del self.store.appointments[appointment["id"]]
        return 204, None, {}


def _int(query: Dict[str, List[str]], name: str, default: int) -> int:
    try:
        return max(0, int(query.get(name, [default])[0]))
    except (TypeError, ValueError):
        return default


def break_contract(status: int, document: Any) -> Tuple[int, Any]:
    """The same answer with one field of the wrong type (or 200 where 204 is promised)."""
    if document is None:
        return 200, {"deleted": "yes"}
    target = document
    if isinstance(document, dict) and document.get("items"):
        target = document["items"][0]
    if isinstance(target, dict):
        for name in ("id", "name", "status", "title"):
            if name in target:
                value = target[name]
                target[name] = str(value) if isinstance(value, int) else 12345
                return status, document
    return status, {"unexpected": True}


# ---------------------------------------------------------------------- HTTP


class UpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], faults: Faults, verbose: bool = False):
        self.faults = faults
        self.store = Store()
        self.api = HospitalApi(self.store)
        self.recorder = Recorder()
        self.verbose = verbose
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hospital-api-standin/1.0"
    # Headers and body leave in two writes; with Nagle's algorithm the second waits for the
    # peer's delayed ACK (40 ms on Linux) on every keep-alive answer.
    disable_nagle_algorithm = True
    server: UpstreamServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length and length.isdigit():
            return self.rfile.read(int(length))
        return b""

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        raw = self._read_body()
        if path.startswith("/__admin/"):
            self._admin(path, raw)
            return

        headers = list(self.headers.items())
        self.server.recorder.record(self.command, self.path, headers)
        forced = (self.headers.get("X-Upstream-Fault") or "").strip().lower()
        fault = forced if forced in FAULTS else (None if forced == "none"
                                                 else self.server.faults.draw())
        if fault:
            with self.server.recorder.lock:
                self.server.recorder.injected[fault] += 1
        if fault == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault == "slow":
            delay = self.headers.get("X-Upstream-Delay")
            try:
                seconds = float(delay) if delay else self.server.faults.slow_delay
            except ValueError:
                seconds = self.server.faults.slow_delay
            time.sleep(min(max(seconds, 0.0), 60.0))
        if fault == "error":
            self._send(500, {"type": "about:blank", "title": "Internal Server Error",
                             "status": 500, "detail": "injected failure"},
                       problem=True)
            return

        api = self.server.api
        authorization = self.headers.get("Authorization", "")
        if not api.public(self.command, path) and not authorization.startswith("Bearer "):
            self._send(401, _problem(401, "a bearer token is required"), problem=True,
                       extra={"WWW-Authenticate": "Bearer"})
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._send(400, _problem(400, "the body is not JSON"), problem=True)
            return
        try:
            status, document, extra = api.dispatch(
                self.command if self.command != "HEAD" else "GET", path,
                parse_qs(parts.query), body, self.headers.get("Idempotency-Key"))
        except ApiError as error:
            status, document, extra = error.status, _problem(error.status, error.detail), {}
            if fault == "break":
                status, document = break_contract(status, document)
            self._send(status, document, problem=True, extra=extra)
            return
        if fault == "break":
            status, document = break_contract(status, document)
        self._send(status, document, extra=extra)

    def _admin(self, path: str, raw: bytes) -> None:
        server = self.server
        if path == "/__admin/stats" and self.command == "GET":
            with server.recorder.lock:
                stats = {"requests": server.recorder.requests,
                         "by_route": dict(server.recorder.by_route),
                         "injected": dict(server.recorder.injected),
                         "faults": server.faults.snapshot()}
            self._send(200, stats)
        elif path.startswith("/__admin/requests/") and self.command == "GET":
            request_id = path[len("/__admin/requests/"):]
            with server.recorder.lock:
                entry = copy.deepcopy(server.recorder.recent.get(request_id))
            if entry is None:
                self._send(404, _problem(404, "no request with that id"), problem=True)
            else:
                self._send(200, entry)
        elif path == "/__admin/faults" and self.command == "POST":
            try:
                server.faults.update(json.loads(raw or b"{}"))
            except (ValueError, TypeError) as error:
                self._send(400, _problem(400, str(error)), problem=True)
                return
            self._send(200, server.faults.snapshot())
        elif path == "/__admin/reset" and self.command == "POST":
            server.recorder.reset()
            self._send(200, {"reset": True})
        else:
            self._send(404, _problem(404, "no such admin endpoint"), problem=True)

    def _send(self, status: int, document: Any, *, problem: bool = False,
              extra: Optional[Dict[str, str]] = None) -> None:
        body = b"" if document is None else json.dumps(document).encode("utf-8")
        try:
            self.send_response(status)
            if document is not None:
                self.send_header("Content-Type",
                                 "application/problem+json" if problem else "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the gateway gave up on a slow answer


def _problem(status: int, detail: str) -> Dict[str, Any]:
    return {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail}


def serve(host: str, port: int, faults: Faults, verbose: bool = False) -> UpstreamServer:
    """A running server (its own thread); .shutdown() stops it. For tests in one process."""
    server = UpstreamServer((host, port), faults, verbose)
    threading.Thread(target=server.serve_forever, name="upstream", daemon=True).start()
    return server


def main(argv: Optional[List[str]] = None) -> int:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=env.get("UPSTREAM_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("UPSTREAM_PORT", "8081")))
    parser.add_argument("--error-rate", type=float,
                        default=float(env.get("UPSTREAM_ERROR_RATE", "0")))
    parser.add_argument("--slow-rate", type=float,
                        default=float(env.get("UPSTREAM_SLOW_RATE", "0")))
    parser.add_argument("--slow-delay", type=float,
                        default=float(env.get("UPSTREAM_SLOW_DELAY", "2")))
    parser.add_argument("--drop-rate", type=float,
                        default=float(env.get("UPSTREAM_DROP_RATE", "0")))
    parser.add_argument("--break-rate", type=float,
                        default=float(env.get("UPSTREAM_BREAK_RATE", "0")))
    parser.add_argument("--seed", type=int,
                        default=int(env["UPSTREAM_SEED"]) if env.get("UPSTREAM_SEED") else None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    faults = Faults(args.error_rate, args.slow_rate, args.slow_delay, args.drop_rate,
                    args.break_rate, args.seed)
    server = UpstreamServer((args.host, args.port), faults, args.verbose)
    host, port = server.server_address[:2]
    print(f"upstream listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
