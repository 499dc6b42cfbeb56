"""Start and stop the pieces on loopback: the stand-in upstream, the gateway under gunicorn,
the plain-HTTP redirect listener. Used by the demo, the load test and the tests.

    with Services() as services:                       # stops everything on exit, errors too
        upstream = services.upstream(out_dir, error_rate=0.1)
        gateway = services.gateway(out_dir, upstream.url, tls=tls_files, workers=2)
        ...

Every process gets its own session (process group) and is stopped through it: TERM (gunicorn
finishes requests in flight), then KILL after a grace period. Only the groups started here are
signalled. Ports are chosen by the OS (port 0) and read back from each process's first log
line, so there is no window in which another process could take them.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from .settings import GATEWAY_DIR
from .tls import TlsFiles


class ServiceError(RuntimeError):
    """A process did not start; the message ends with the tail of its log."""


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path
    extra: Dict[str, str] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 10.0) -> Optional[int]:
        """TERM to the process group, KILL after `grace` seconds. Returns the exit status."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        else:
            # The leader is gone; children it left behind would still hold the group.
            _signal_group(self.process.pid, signal.SIGKILL)
        return self.process.returncode

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # the group this module created, whose id is the leader's pid
    except (ProcessLookupError, PermissionError):
        pass


def children(pid: int) -> List[int]:
    """Pids of the processes whose parent is pid (gunicorn's workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry))
    return sorted(found)


def _python() -> str:
    return sys.executable


def _wait_for(service: Service, pattern: "re.Pattern[str]", timeout: float,
              count: int = 1) -> "re.Match[str]":
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = service.log_path.read_text(errors="replace") if service.log_path.exists() else ""
        matches = list(pattern.finditer(text))
        if len(matches) >= count:
            return matches[0]
        if not service.running():
            break
        time.sleep(0.05)
    service.stop(2)
    raise ServiceError(f"{service.name} did not start within {timeout} s; log:\n"
                       f"{service.log_tail()}")


class Services:
    """Starts services and stops all of them, in reverse order, on stop() or leaving `with`."""

    def __init__(self) -> None:
        self.started: List[Service] = []

    def __enter__(self) -> "Services":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        while self.started:
            self.started.pop().stop()

    def _spawn(self, name: str, argv: List[str], log_path: Path,
               env: Optional[Dict[str, str]] = None) -> Service:
        log_path = log_path.resolve()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                argv, cwd=str(GATEWAY_DIR), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        service = Service(name, process, "", log_path)
        self.started.append(service)
        return service

    def upstream(self, out_dir: Path, *, error_rate: float = 0.0, slow_rate: float = 0.0,
                 slow_delay: float = 2.0, drop_rate: float = 0.0, break_rate: float = 0.0,
                 seed: Optional[int] = None, name: str = "upstream") -> Service:
        argv = [_python(), "-m", "specgate_gateway.upstream", "--host", "127.0.0.1",
                "--port", "0", "--error-rate", str(error_rate), "--slow-rate", str(slow_rate),
                "--slow-delay", str(slow_delay), "--drop-rate", str(drop_rate),
                "--break-rate", str(break_rate)]
        if seed is not None:
            argv += ["--seed", str(seed)]
        service = self._spawn(name, argv, Path(out_dir) / f"{name}.log")
        match = _wait_for(service, re.compile(r"upstream listening on (http://\S+)"), 15)
        service.url = match.group(1)
        return service

    def redirect(self, out_dir: Path, https_port: int, name: str = "redirect") -> Service:
        argv = [_python(), "-m", "specgate_gateway.redirect", "--host", "127.0.0.1",
                "--port", "0", "--https-port", str(https_port)]
        service = self._spawn(name, argv, Path(out_dir) / f"{name}.log")
        match = _wait_for(service, re.compile(r"redirect listening on (http://\S+)"), 15)
        service.url = match.group(1)
        return service

    def gateway(self, out_dir: Path, upstream_url: str, *, tls: Optional[TlsFiles],
                workers: int = 2, threads: int = 8, spec: Optional[Path] = None,
                env: Optional[Dict[str, str]] = None, name: str = "gateway",
                timeout: float = 30.0) -> Service:
        """gunicorn with gateway/gunicorn.conf.py on 127.0.0.1:<free port>; returns once every
        worker has loaded the app. The access log is OUT_DIR/<name>.access.jsonl."""
        out_dir = Path(out_dir).resolve()  # the children run in gateway/, not in our cwd
        runtime = out_dir / f"{name}.runtime"
        access_log = out_dir / f"{name}.access.jsonl"
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("GATEWAY_", "PROMETHEUS_"))}
        environment.update({
            "GATEWAY_UPSTREAM": upstream_url,
            "GATEWAY_BIND": "127.0.0.1:0",
            "GATEWAY_WORKERS": str(workers),
            "GATEWAY_THREADS": str(threads),
            "GATEWAY_RUNTIME_DIR": str(runtime),
            "GATEWAY_ACCESS_LOG": str(access_log),
            "GATEWAY_GUNICORN_LOGLEVEL": "info",
            "PYTHONUNBUFFERED": "1",
        })
        if spec is not None:
            environment["GATEWAY_SPEC"] = str(Path(spec).resolve())
        if tls is None:
            environment["GATEWAY_TLS"] = "off"
        else:
            environment["GATEWAY_CERTFILE"] = str(Path(tls.cert).resolve())
            environment["GATEWAY_KEYFILE"] = str(Path(tls.key).resolve())
        environment.update(env or {})
        argv = [_python(), "-m", "gunicorn", "-c", str(GATEWAY_DIR / "gunicorn.conf.py")]
        service = self._spawn(name, argv, out_dir / f"{name}.log", environment)
        match = _wait_for(service, re.compile(r"Listening at: (https?://[0-9.]+:\d+)"), timeout)
        service.url = match.group(1)
        _wait_for(service, re.compile(r'"event": "start"'), timeout, count=workers)
        service.extra["access_log"] = str(access_log)
        service.extra["runtime"] = str(runtime)
        return service
