"""The demo: the hospital's traffic through the gateway, and what the gateway saw.

    cd gateway && ../.venv/bin/python -m specgate_gateway.demo      # or: python gateway/demo.py
    options: --requests 1500 --rate 120 --threads 10 --max-seconds 120 --seed 7 --no-outage

On loopback only, it

1. generates a throwaway CA and certificate (out/tls/), starts the stand-in hospital API
   (12% 500s, 2% dropped connections, 4% slow answers, 3% off-contract answers), the gateway
   under gunicorn with TLS (2 workers) and the plain-HTTP redirect listener, each on a free
   port;
2. sends a mix of traffic from a few threads: valid calls of every resource, and the
   hospital's real-life mistakes (unknown routes, wrong methods, missing credentials, bad
   bodies, bad parameters, wrong media types, oversized bodies, plain HTTP), on a schedule
   (120 requests/s). At 40% of the run the API fails completely for 0.8 s, so the circuit
   breakers open, refuse fast, probe and close again;
3. stops everything it started (also on Ctrl-C or an error);
4. prints a summary from the gateway's JSON access log and /metrics, writes out/report.html
   (inline SVG charts), the access log in AWS ALB format (out/demo-access-alb.log), and
   runs `specgate replay hospital.yaml out/demo-access-alb.log` on it when the replay
   command exists: which requests fail, and why.

Outputs are under gateway/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import requests

from . import report, tls
from .access_log import read_records
from .processes import Services
from .settings import DEFAULT_SPEC, GATEWAY_DIR

OUT = GATEWAY_DIR / "out"
TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmcm9udC1kZXNrIn0.ZGVtby1zaWduYXR1cmU"

GATEWAY_ENV = {
    "GATEWAY_CONNECT_TIMEOUT": "0.3",
    "GATEWAY_READ_TIMEOUT": "1.0",
    "GATEWAY_DEADLINE": "4",
    "GATEWAY_RETRIES": "2",
    "GATEWAY_BACKOFF_BASE": "0.02",
    "GATEWAY_BACKOFF_CAP": "0.2",
    "GATEWAY_BREAKER_THRESHOLD": "5",
    "GATEWAY_BREAKER_COOLDOWN": "1.0",
    "GATEWAY_MAX_BODY_BYTES": "65536",
}
UPSTREAM_FAULTS = {"error_rate": 0.12, "drop_rate": 0.02, "slow_rate": 0.04, "slow_delay": 1.5,
                   "break_rate": 0.03}

Call = Tuple[str, str, Dict[str, str], Optional[bytes]]  # method, path, headers, body


# ---------------------------------------------------------------------- the traffic

def _auth(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    headers = {"Authorization": TOKEN}
    headers.update(extra or {})
    return headers


def _json(document: object) -> bytes:
    return json.dumps(document).encode("utf-8")


def _patient(rng: random.Random) -> Dict[str, object]:
    return {"name": rng.choice(["Rex", "Luna", "Milo", "Poppy", "Nala"]),
            "species": rng.choice(["dog", "cat", "rabbit", "ferret"]),
            "weight_kg": round(rng.uniform(0.5, 40), 1),
            "owner": {"name": "Jo Rivera", "phone": "+44 7700 900456"}}


JSON_HEADERS = {"Content-Type": "application/json"}


def _valid(rng: random.Random) -> Call:
    pid = rng.randint(1, 40)
    choice = rng.random()
    if choice < 0.18:
        return ("GET", f"/v1/patients?limit={rng.randint(1, 50)}&species="
                f"{rng.choice(['dog', 'cat'])}", _auth(), None)
    if choice < 0.36:
        return ("GET", f"/v1/patients/{pid}", _auth(), None)
    if choice < 0.46:
        return ("GET", f"/v1/patients/{pid}/notes?limit=10", _auth(), None)
    if choice < 0.54:
        return ("GET", "/v1/staff?role=veterinarian", _auth(), None)
    if choice < 0.62:
        return ("GET", f"/v1/appointments?date=2025-01-06&limit={rng.randint(5, 20)}",
                _auth(), None)
    if choice < 0.68:
        return ("GET", f"/v1/appointments/{uuid.UUID(int=rng.randint(1, 20))}", _auth(), None)
    if choice < 0.73:
        return ("GET", "/v1/hospital", {}, None)
    if choice < 0.82:
        # Half of the new patients come with an Idempotency-Key: those may be retried.
        extra = dict(JSON_HEADERS)
        if rng.random() < 0.5:
            extra["Idempotency-Key"] = uuid.uuid4().hex
        return ("POST", "/v1/patients", _auth(extra), _json(_patient(rng)))
    if choice < 0.88:
        return ("POST", f"/v1/patients/{pid}/notes", _auth(JSON_HEADERS),
                _json({"author_id": rng.randint(1, 3), "category": "treatment",
                       "text": "Given 10 mg meloxicam; recheck in a week."}))
    if choice < 0.93:
        return ("PATCH", f"/v1/patients/{pid}", _auth(JSON_HEADERS),
                _json({"weight_kg": round(rng.uniform(1, 40), 1)}))
    if choice < 0.97:
        minute = rng.choice(["00", "15", "30", "45"])
        return ("POST", "/v1/appointments", _auth({**JSON_HEADERS,
                                                   "Idempotency-Key": uuid.uuid4().hex}),
                _json({"patient_id": pid, "vet_id": rng.randint(1, 2),
                       "starts_at": f"2025-02-{rng.randint(10, 28)}T{rng.randint(9, 17):02d}:"
                                    f"{minute}:00Z", "duration_minutes": 30}))
    return ("DELETE", f"/v1/patients/{pid}/notes/1", _auth(), None)


def _unknown_route(rng: random.Random) -> Call:
    return rng.choice([
        ("GET", f"/v1/owners/{rng.randint(1, 99)}", _auth(), None),
        ("GET", f"/v1/patient/{rng.randint(1, 40)}", _auth(), None),
        ("GET", "/api/v2/patients", _auth(), None),
        ("POST", "/v1/bookings", _auth(JSON_HEADERS), b"{}"),
        ("GET", f"/v1/patients/{rng.randint(1, 40)}/vaccinations", _auth(), None),
    ])


def _wrong_method(rng: random.Random) -> Call:
    return rng.choice([
        ("DELETE", "/v1/hospital", _auth(), None),
        ("PUT", f"/v1/patients/{rng.randint(1, 40)}", _auth(JSON_HEADERS), b'{"name": "Rex"}'),
        ("POST", f"/v1/staff/{rng.randint(1, 5)}", _auth(JSON_HEADERS), b"{}"),
    ])


def _no_credentials(rng: random.Random) -> Call:
    return rng.choice([
        ("GET", "/v1/patients", {}, None),
        ("GET", f"/v1/patients/{rng.randint(1, 40)}/notes", {}, None),
        ("POST", "/v1/appointments", dict(JSON_HEADERS), b"{}"),
        ("GET", "/v1/staff", {"Authorization": "Token abc123"}, None),
    ])


def _bad_body(rng: random.Random) -> Call:
    bad = rng.choice([
        ("/v1/patients", {"name": "Rex", "species": "dragon",
                          "owner": {"name": "A", "phone": "+44 7700 900001"}}),
        ("/v1/patients", {"name": "Rex", "species": "dog"}),
        ("/v1/patients", {"name": "Rex", "species": "dog", "colour": "brown",
                          "owner": {"name": "A", "phone": "+44 7700 900001"}}),
        ("/v1/appointments", {"patient_id": 3, "vet_id": 1, "starts_at": "2025-02-11 10:00",
                              "duration_minutes": 30}),
        ("/v1/appointments", {"patient_id": 3, "vet_id": 1, "starts_at": "2025-02-11T10:00:00Z",
                              "duration_minutes": 7}),
        ("/v1/staff", {"name": "New Nurse", "role": "nurse", "email": "not-an-email"}),
        ("/v1/patients/3/notes", {"author_id": 1, "category": "exam", "text": ""}),
    ])
    return ("POST", bad[0], _auth(JSON_HEADERS), _json(bad[1]))


def _bad_parameters(rng: random.Random) -> Call:
    return rng.choice([
        ("GET", "/v1/patients?limit=500", _auth(), None),
        ("GET", "/v1/patients?limit=0", _auth(), None),
        ("GET", "/v1/patients/rex", _auth(), None),
        ("GET", "/v1/appointments/12345", _auth(), None),
        ("GET", "/v1/appointments?date=06-01-2025", _auth(), None),
        ("GET", "/v1/patients/3/notes?since=yesterday", _auth(), None),
        ("GET", "/v1/staff?role=surgeon", _auth(), None),
    ])


def _wrong_media_type(rng: random.Random) -> Call:
    return rng.choice([
        ("POST", "/v1/patients", _auth({"Content-Type": "text/plain"}), b"Rex, dog"),
        ("POST", "/v1/patients/3/notes",
         _auth({"Content-Type": "application/x-www-form-urlencoded"}), b"text=hello"),
    ])


def _too_large(rng: random.Random) -> Call:
    return ("POST", "/v1/patients/3/notes", _auth(JSON_HEADERS),
            _json({"author_id": 1, "category": "lab_result", "text": "x" * 80000}))


MIX: List[Tuple[str, float, Callable[[random.Random], Call]]] = [
    ("valid", 0.62, _valid),
    ("unknown route", 0.08, _unknown_route),
    ("wrong method", 0.05, _wrong_method),
    ("no credentials", 0.07, _no_credentials),
    ("bad body", 0.07, _bad_body),
    ("bad parameters", 0.07, _bad_parameters),
    ("wrong media type", 0.025, _wrong_media_type),
    ("too large", 0.005, _too_large),
]
PLAIN_HTTP_SHARE = 0.01
OUTAGE_SECONDS = 0.8


@dataclass
class Sent:
    category: str
    status: Optional[int]
    seconds: float
    request_id: str
    error: Optional[str] = None


class Traffic:
    """Client threads sharing a request budget and a time limit."""

    def __init__(self, gateway_url: str, redirect_url: str, ca: Path, total: int,
                 threads: int, rate: float, max_seconds: float, seed: int) -> None:
        self.gateway_url = gateway_url
        self.redirect_url = redirect_url
        self.ca = ca
        self.total = total
        self.threads = threads
        self.rate = rate
        self.started = time.monotonic()
        self.deadline = self.started + max_seconds
        self.seed = seed
        self.sent: List[Sent] = []
        self.redirected: List[Sent] = []
        self._next = 0
        self._lock = threading.Lock()

    def progress(self) -> int:
        with self._lock:
            return self._next

    def _claim(self) -> Optional[int]:
        """The next request's number, after waiting for its slot in the schedule."""
        with self._lock:
            if self._next >= self.total or time.monotonic() > self.deadline:
                return None
            self._next += 1
            number = self._next - 1
        # Requests arrive on a schedule (rate per second), not as fast as answers come back:
        # real clients do not send more because the gateway answers 503 quickly.
        due = self.started + number / self.rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        return number

    def run(self) -> None:
        workers = [threading.Thread(target=self._worker, args=(i,), name=f"client-{i}")
                   for i in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _worker(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify=
        session.verify = str(self.ca)
        plain = requests.Session()
        plain.trust_env = False
        categories = [c for c, _, _ in MIX]
        weights = [w for _, w, _ in MIX]
        makers = {c: m for c, _, m in MIX}
        while self._claim() is not None:
            if rng.random() < PLAIN_HTTP_SHARE:
                self._send(plain, "plain http", ("GET", "/v1/hospital", {}, None),
                           self.redirect_url, self.redirected)
                continue
            category = rng.choices(categories, weights)[0]
            self._send(session, category, makers[category](rng), self.gateway_url, self.sent)

    def _send(self, session: requests.Session, category: str, call: Call, base: str,
              into: List[Sent]) -> None:
        method, path, headers, body = call
        request_id = f"demo-{uuid.uuid4().hex[:16]}"
        headers = dict(headers, **{"X-Request-Id": request_id,
                                   "User-Agent": "hospital-frontdesk/3.2"})
        started = time.monotonic()
        try:
            response = session.request(method, base + path, headers=headers, data=body,
                                       timeout=15, allow_redirects=False)
            entry = Sent(category, response.status_code, time.monotonic() - started, request_id)
        except requests.RequestException as error:
            entry = Sent(category, None, time.monotonic() - started, request_id,
                         f"{type(error).__name__}: {error}"[:400])
        with self._lock:
            into.append(entry)


def _outage(upstream_admin: str, traffic: Traffic, at: int, seconds: float,
            stop: threading.Event) -> None:
    """Makes the API fail every request for `seconds` once `at` requests were sent."""
    session = requests.Session()
    session.trust_env = False
    while not stop.is_set() and traffic.progress() < at:
        time.sleep(0.05)
    if stop.is_set():
        return
    session.post(upstream_admin + "/__admin/faults", json={"error_rate": 1.0}, timeout=5)
    stop.wait(seconds)
    session.post(upstream_admin + "/__admin/faults", json={"error_rate": UPSTREAM_FAULTS[
        "error_rate"]}, timeout=5)


# ---------------------------------------------------------------------- replay

def find_replay() -> Optional[List[str]]:
    """The command that runs `specgate replay`, or None when no installed specgate has it."""
    candidates = [[sys.executable, "-m", "specgate"],
                  [str(GATEWAY_DIR.parent / "build" / "specgate")]]
    for command in candidates:
        try:
            probe = subprocess.run(command + ["replay"], capture_output=True, text=True,
                                   timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if "specgate replay SPEC LOG" in probe.stdout + probe.stderr:
            return command
    return None


def run_replay(spec: Path, log: Path, json_out: Path) -> Optional[str]:
    command = find_replay()
    if command is None:
        return None
    done = subprocess.run(command + ["replay", str(spec), str(log), "--format", "alb",
                                     "--json", str(json_out)],
                          capture_output=True, text=True, timeout=120)
    shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command))
    return (f"$ {shown} replay {spec.name} {log.name} --format alb\n"
            f"{done.stdout}{done.stderr}").rstrip()


# ---------------------------------------------------------------------- main

def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run the specgate gateway demo on loopback.")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--rate", type=float, default=120.0,
                        help="requests per second the clients aim at")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-outage", action="store_true",
                        help=f"no {OUTAGE_SECONDS} s total failure of the API mid-run")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in ("demo", "demo.runtime"):
        shutil.rmtree(out / name, ignore_errors=True)
    run_dir = out / "demo"
    run_dir.mkdir()
    files = tls.generate(out / "tls")

    print(f"specgate gateway demo: {args.requests} requests at {args.rate:.0f}/s from "
          f"{args.threads} client threads, loopback only; output in {out}")
    stop_outage = threading.Event()
    started = time.monotonic()
    with Services() as services:
        try:
            upstream = services.upstream(run_dir, seed=args.seed, **UPSTREAM_FAULTS)
            gateway = services.gateway(run_dir, upstream.url, tls=files, workers=2, threads=8,
                                       spec=DEFAULT_SPEC, env=GATEWAY_ENV, name="gateway")
            redirect = services.redirect(run_dir, https_port=gateway.port)
            print(f"  upstream  {upstream.url}  (faults: {UPSTREAM_FAULTS})")
            print(f"  gateway   {gateway.url}  (gunicorn, 2 workers x 8 threads, TLS)")
            print(f"  redirect  {redirect.url}  -> https")

            traffic = Traffic(gateway.url, redirect.url, files.ca, args.requests, args.threads,
                              args.rate, args.max_seconds, args.seed)
            outage = None
            if not args.no_outage:
                outage = threading.Thread(
                    target=_outage, daemon=True,
                    args=(upstream.url, traffic, int(args.requests * 0.4), OUTAGE_SECONDS,
                          stop_outage))
                outage.start()
            traffic.run()
            stop_outage.set()
            if outage is not None:
                outage.join(10)
            session = requests.Session()
            session.trust_env = False
            metrics_text = session.get(gateway.url + "/metrics", verify=str(files.ca),
                                       timeout=5).text
            upstream_stats = session.get(upstream.url + "/__admin/stats", timeout=5).json()
        except KeyboardInterrupt:
            print("interrupted: stopping everything", file=sys.stderr)
            return 130
        finally:
            stop_outage.set()
            services.stop()
    elapsed = time.monotonic() - started

    access_log = Path(gateway.extra["access_log"])
    records = [r for r in read_records(str(access_log))]
    summary = report.summarize(records)
    (out / "demo-metrics.txt").write_text(metrics_text)
    shutil.copyfile(access_log, out / "demo-access.jsonl")
    alb_path = out / "demo-access-alb.log"
    target = upstream.url.split("://", 1)[1]
    report.write_alb_log(str(alb_path), records, target)

    sent_ids = {s.request_id for s in traffic.sent}
    logged_ids = {r["request_id"] for r in records}
    answered = [s for s in traffic.sent if s.status is not None]
    lost = [s for s in traffic.sent if s.status is None]
    metric_total = sum(float(line.rsplit(" ", 1)[1]) for line in metrics_text.splitlines()
                       if line.startswith("gateway_requests_total{"))
    contract_metric = sum(float(line.rsplit(" ", 1)[1]) for line in metrics_text.splitlines()
                          if line.startswith("gateway_contract_breaks_total{"))
    by_category = Counter(s.category for s in traffic.sent)
    extra = [
        f"client side: {len(traffic.sent)} sent to the gateway, {len(answered)} answered, "
        f"{len(lost)} without an answer; {len(sent_ids - logged_ids)} missing from the log",
        f"plain HTTP: {len(traffic.redirected)} requests, answered "
        f"{dict(Counter(s.status for s in traffic.redirected))} by the redirect listener",
        f"/metrics: gateway_requests_total = {metric_total:.0f}, "
        f"gateway_contract_breaks_total = {contract_metric:.0f}; the API received "
        f"{upstream_stats['requests']} requests (retries included), faults injected "
        f"{upstream_stats['injected']}",
        "traffic sent by category: " + ", ".join(f"{k} {v}" for k, v in by_category.items()),
    ]
    for entry in lost[:10]:
        extra.append(f"  NO ANSWER: {entry.category} {entry.request_id}: {entry.error}")
    table = report.text_table(summary, extra)
    print()
    print(f"{len(records)} requests through the gateway in {elapsed:.1f} s "
          f"(start-up and shut-down included)")
    print(table)

    replay_text = run_replay(DEFAULT_SPEC, alb_path, out / "demo-replay.json")
    if replay_text:
        (out / "demo-replay.txt").write_text(replay_text + "\n")
        print()
        print(replay_text)
    else:
        print("\n(specgate replay is not available in this build: skipped)")

    html_path = out / "report.html"
    report.write_html(str(html_path), summary, records, title="specgate gateway demo",
                      table=table, replay_text=replay_text, notes=[
                          f"{len(records)} requests at {args.rate:.0f}/s from {args.threads} "
                          f"client threads, {elapsed:.1f} s in all",
                          f"upstream faults: {UPSTREAM_FAULTS}"
                          + ("" if args.no_outage else
                             f"; plus a {OUTAGE_SECONDS} s total outage at 40% of the run"),
                          "gateway: gunicorn, 2 workers x 8 threads, TLS, read timeout 1 s, "
                          "2 retries, breaker 5 failures / 1 s cool-down",
                      ])
    print(f"\nwrote {html_path}, {out / 'demo-access.jsonl'}, {alb_path}, "
          f"{out / 'demo-metrics.txt'}")
    return 1 if lost or (sent_ids - logged_ids) else 0


if __name__ == "__main__":
    sys.exit(main())
