"""The gateway's settings: every knob, its environment variable and its default, in one place.

    settings = Settings.from_env()          # reads GATEWAY_* from os.environ
    settings = Settings.from_env({"GATEWAY_UPSTREAM": "http://10.0.0.7:8080"})

Settings are read once per worker process, when the app is created; a change needs a reload
(HUP to the gunicorn master). The spec file itself is the exception: it is watched and
swapped in place (see spec_holder).

==============================  =====================  ===========================================
variable                        default                meaning
==============================  =====================  ===========================================
GATEWAY_UPSTREAM                (required)             base URL of the hospital API,
                                                       e.g. http://10.0.0.7:8080
GATEWAY_SPEC                    <gateway>/hospital.yaml the OpenAPI document
GATEWAY_SPEC_POLL_SECONDS       2.0                    how often each worker checks the spec
                                                       file's mtime; 0: only on SIGHUP
GATEWAY_STATE_DIR               ""                     where the last spec that compiled is kept,
                                                       so a worker (re)started while the file is
                                                       broken still boots; "": no copy kept
GATEWAY_VALIDATE                1                      0: forward everything unchecked (for the
                                                       load test's baseline)
GATEWAY_VALIDATE_RESPONSES      1                      check upstream answers, log-only
GATEWAY_MAX_BODY_BYTES          1048576                larger request bodies are a 413
GATEWAY_DRAIN_BYTES             4194304                a refused body up to this size is read and
                                                       discarded after the 413, so the client's
                                                       keep-alive connection stays usable; larger
                                                       ones end the connection
GATEWAY_CONNECT_TIMEOUT         0.5                    seconds, per attempt
GATEWAY_READ_TIMEOUT            5.0                    seconds to the upstream's first byte,
                                                       per attempt
GATEWAY_DEADLINE                10.0                   seconds for all attempts and back-off
                                                       sleeps of one request together
GATEWAY_RETRIES                 2                      retries after the first attempt (retry-safe
                                                       requests only)
GATEWAY_BACKOFF_BASE            0.05                   seconds; sleep before retry n is uniform in
GATEWAY_BACKOFF_CAP             1.0                    [0, min(cap, base * 2**n)] (full jitter)
GATEWAY_BREAKER_THRESHOLD       5                      consecutive upstream failures that open the
                                                       circuit
GATEWAY_BREAKER_COOLDOWN        10.0                   seconds open before one probe is let through
GATEWAY_POOL_SIZE               16                     pooled upstream connections per worker
GATEWAY_TRUSTED_PROXIES         ""                     comma-separated addresses/CIDRs whose
                                                       X-Forwarded-Proto/-For are believed;
                                                       "": none (the header is ignored)
GATEWAY_PUBLIC_HOST             ""                     host[:port] used in HTTPS redirects; "":
                                                       the request's Host header
GATEWAY_HTTPS_PORT              443                    port put in redirects when PUBLIC_HOST is
                                                       unset
GATEWAY_HSTS                    max-age=31536000;      Strict-Transport-Security value on HTTPS
                                includeSubDomains      answers; "": none
GATEWAY_ACCESS_LOG              -                      JSON access log: a file path, or "-" for
                                                       standard output
==============================  =====================  ===========================================

Process-level settings (bind address, workers, threads, TLS files) belong to gunicorn and are
read by gateway/gunicorn.conf.py.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

#: gateway/, the folder holding this package and hospital.yaml.
GATEWAY_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = GATEWAY_DIR / "hospital.yaml"

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


class SettingsError(ValueError):
    """A GATEWAY_* variable has a value the gateway cannot use."""


@dataclass(frozen=True)
class Settings:
    upstream: str
    spec_path: Path = DEFAULT_SPEC
    spec_poll_seconds: float = 2.0
    state_dir: Optional[Path] = None
    validate: bool = True
    validate_responses: bool = True
    max_body_bytes: int = 1048576
    drain_bytes: int = 4194304
    connect_timeout: float = 0.5
    read_timeout: float = 5.0
    deadline: float = 10.0
    retries: int = 2
    backoff_base: float = 0.05
    backoff_cap: float = 1.0
    breaker_threshold: int = 5
    breaker_cooldown: float = 10.0
    pool_size: int = 16
    trusted_proxies: Tuple[Network, ...] = field(default_factory=tuple)
    public_host: str = ""
    https_port: int = 443
    hsts: str = "max-age=31536000; includeSubDomains"
    access_log: str = "-"

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Settings from GATEWAY_* variables (os.environ by default). Raises SettingsError
        naming the variable for a missing or malformed value."""
        env = os.environ if env is None else env
        reader = _Reader(env)
        upstream = reader.text("GATEWAY_UPSTREAM", "")
        if not upstream:
            raise SettingsError("GATEWAY_UPSTREAM is required (the hospital API's base URL)")
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError("GATEWAY_UPSTREAM must be an http:// or https:// URL")
        state_dir = reader.text("GATEWAY_STATE_DIR", "")
        settings = cls(
            upstream=upstream.rstrip("/"),
            spec_path=Path(reader.text("GATEWAY_SPEC", str(DEFAULT_SPEC))),
            spec_poll_seconds=reader.number("GATEWAY_SPEC_POLL_SECONDS", 2.0, minimum=0),
            state_dir=Path(state_dir) if state_dir else None,
            validate=reader.flag("GATEWAY_VALIDATE", True),
            validate_responses=reader.flag("GATEWAY_VALIDATE_RESPONSES", True),
            max_body_bytes=int(reader.number("GATEWAY_MAX_BODY_BYTES", 1048576, minimum=0)),
            drain_bytes=int(reader.number("GATEWAY_DRAIN_BYTES", 4194304, minimum=0)),
            connect_timeout=reader.number("GATEWAY_CONNECT_TIMEOUT", 0.5, minimum=0.001),
            read_timeout=reader.number("GATEWAY_READ_TIMEOUT", 5.0, minimum=0.001),
            deadline=reader.number("GATEWAY_DEADLINE", 10.0, minimum=0.001),
            retries=int(reader.number("GATEWAY_RETRIES", 2, minimum=0)),
            backoff_base=reader.number("GATEWAY_BACKOFF_BASE", 0.05, minimum=0),
            backoff_cap=reader.number("GATEWAY_BACKOFF_CAP", 1.0, minimum=0),
            breaker_threshold=int(reader.number("GATEWAY_BREAKER_THRESHOLD", 5, minimum=1)),
            breaker_cooldown=reader.number("GATEWAY_BREAKER_COOLDOWN", 10.0, minimum=0),
            pool_size=int(reader.number("GATEWAY_POOL_SIZE", 16, minimum=1)),
            trusted_proxies=reader.networks("GATEWAY_TRUSTED_PROXIES"),
            public_host=reader.text("GATEWAY_PUBLIC_HOST", ""),
            https_port=int(reader.number("GATEWAY_HTTPS_PORT", 443, minimum=1)),
            hsts=reader.text("GATEWAY_HSTS", "max-age=31536000; includeSubDomains"),
            access_log=reader.text("GATEWAY_ACCESS_LOG", "-"),
        )
        return settings


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str, default: str) -> str:
        return self._env.get(name, default).strip()

    def flag(self, name: str, default: bool) -> bool:
        value = self._env.get(name)
        if value is None or not value.strip():
            return default
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be 1 or 0, not {value!r}")

    def number(self, name: str, default: float, *, minimum: float) -> float:
        value = self._env.get(name)
        if value is None or not value.strip():
            return default
        try:
            number = float(value)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {value!r}") from None
        if number < minimum:
            raise SettingsError(f"{name} must be at least {minimum}, not {value!r}")
        return number

    def networks(self, name: str) -> Tuple[Network, ...]:
        value = self._env.get(name, "")
        networks = []
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise SettingsError(f"{name}: {item!r} is not an address or CIDR") from None
        return tuple(networks)
