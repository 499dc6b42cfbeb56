"""The Flask extension and the WSGI middleware behind a real gunicorn server on 127.0.0.1.

Each application in tests/python/apps/ is started once per module as a subprocess (the
running interpreter's gunicorn, one sync worker, a port the kernel picks), exercised with
http.client, and stopped at the end. Startup is bounded by START_TIMEOUT and every request by
REQUEST_TIMEOUT.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

import pytest

pytest.importorskip("gunicorn")
pytest.importorskip("flask")

APPS = Path(__file__).resolve().parent / "apps"
HOST = "127.0.0.1"
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0
LIMIT = 4096  # max_body_bytes of both applications
BEARER = {"Authorization": "Bearer token-123"}
JSON = {**BEARER, "Content-Type": "application/json"}
PATIENT = b'{"name": "Rex", "species": "dog", "weight_kg": 31.5}'
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+)")


def _gunicorn_options() -> list:
    # gunicorn 25+ opens a control socket at a fixed path under $HOME; servers started by
    # tests must not share (or leave behind) one.
    from gunicorn.config import KNOWN_SETTINGS

    flags = {flag for setting in KNOWN_SETTINGS for flag in (setting.cli or [])}
    return ["--no-control-socket"] if "--no-control-socket" in flags else []


class Server:
    """A gunicorn subprocess serving one application."""

    def __init__(self, module: str, log: Path) -> None:
        self.module = module
        self.log = log
        self.port = 0
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:0", "--workers", "1",
                   "--chdir", str(APPS), "--timeout", "30", "--graceful-timeout", "3",
                   "--log-level", "info", *_gunicorn_options(), f"{module}:app"]
        self._log_file = open(log, "wb")
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=self._log_file, stderr=subprocess.STDOUT,
                                        cwd=str(APPS),
                                        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"gunicorn exited with status {self.process.returncode}")
            if not self.port:
                found = LISTENING.search(self.log.read_bytes())
                if found:
                    self.port = int(found.group(1))
            if self.port:
                try:
                    # The port is bound before the worker has imported the application: wait
                    # for an answer, not for a connection.
                    self.request("GET", "/v1/health", timeout=2.0)
                    return
                except (OSError, http.client.HTTPException):
                    pass
            time.sleep(0.05)
        self.fail(f"gunicorn did not answer within {START_TIMEOUT} s")

    def fail(self, message: str) -> None:
        self.stop()
        pytest.fail(f"{message} ({self.module}); its log:\n"
                    + self.log.read_text(errors="replace")[-4000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()

    def connection(self, timeout: float = REQUEST_TIMEOUT) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=timeout)

    def request(self, method: str, target: str, headers: Optional[Dict[str, str]] = None,
                body=None, chunked: bool = False,
                timeout: float = REQUEST_TIMEOUT) -> Tuple[int, http.client.HTTPMessage, bytes]:
        connection = self.connection(timeout)
        try:
            connection.request(method, target, body=body, headers=headers or {},
                               encode_chunked=chunked)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module", params=["flask_app", "wsgi_app"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("gunicorn") / f"{request.param}.log"
    running = Server(request.param, log)
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


def problem(status_headers_body) -> dict:
    _, headers, body = status_headers_body
    assert headers["Content-Type"] == "application/problem+json"
    return json.loads(body)


# ------------------------------------------------------------------ valid requests


def test_valid_request(server):
    status, _, body = server.request("GET", "/v1/patients?limit=5&species=cat", BEARER)
    assert status == 200
    seen = json.loads(body)
    assert seen["operation_id"] == "listPatients"
    assert seen["parameters"]["query"] == {"limit": 5, "species": ["cat"]}


def test_valid_body_reaches_the_application(server):
    status, _, body = server.request("POST", "/v1/patients", JSON, PATIENT)
    assert status == 200
    assert json.loads(body)["body"] == PATIENT.decode()


def test_chunked_body_reaches_the_application(server):
    parts = [PATIENT[:10], PATIENT[10:]]
    status, _, body = server.request("POST", "/v1/patients", JSON, iter(parts), chunked=True)
    assert status == 200
    assert json.loads(body)["body"] == PATIENT.decode()


def test_raw_path_reaches_the_validator(server):
    # Only the raw request target (gunicorn's RAW_URI) keeps the encoded dot apart.
    status, _, body = server.request("GET", "/v1/labels/.a%2Eb.c")
    assert status == 200
    assert json.loads(body)["parameters"]["path"] == {"label": ["a.b", "c"]}


def test_percent_encoded_query(server):
    status, _, body = server.request("GET", "/v1/search?q=%C3%A9t%C3%A9")
    assert status == 200
    assert json.loads(body)["parameters"]["query"] == {"q": "été"}


# ------------------------------------------------------------------ rejections


def test_404(server):
    answer = server.request("GET", "/v1/nope", BEARER)
    assert answer[0] == 404
    assert problem(answer)["reason"] == "unknown_route"


def test_405(server):
    answer = server.request("PUT", "/v1/patients", BEARER)
    assert answer[0] == 405
    assert set(answer[1]["Allow"].split(", ")) == {"GET", "POST"}


def test_401(server):
    answer = server.request("GET", "/v1/patients")
    assert answer[0] == 401
    assert answer[1]["WWW-Authenticate"].startswith("Bearer")
    assert problem(answer)["reason"] == "unauthorized"


def test_400(server):
    answer = server.request("POST", "/v1/patients", JSON, b'{"name": "Rex", "species": "parrot"}')
    assert answer[0] == 400
    assert problem(answer)["errors"][0]["pointer"] == "/species"


def test_415(server):
    answer = server.request("POST", "/v1/patients", {**BEARER, "Content-Type": "text/csv"}, b"a")
    assert answer[0] == 415


def test_413_is_answered_before_the_body_is_sent(server):
    # Only the headers go out: the answer must come from the declared length alone.
    connection = server.connection()
    try:
        connection.putrequest("POST", "/v1/patients")
        for name, value in JSON.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(100 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        answer = (response.status, response.headers, response.read())
    finally:
        connection.close()
    assert answer[0] == 413
    assert problem(answer)["reason"] == "body_too_large"


def test_413_for_a_chunked_body(server):
    chunks = [b" " * 1024] * 5  # 5 KiB, over the 4 KiB limit, small enough to sit in buffers
    answer = server.request("POST", "/v1/patients", JSON, iter(chunks), chunked=True)
    assert answer[0] == 413
