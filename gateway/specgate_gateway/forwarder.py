"""Sends a validated request to the hospital's API: pooled connections, timeouts, retries with
exponential back-off and full jitter, a circuit breaker, and one deadline over it all.

    forwarder = Forwarder(settings)
    outcome = forwarder.send("GET", "/v1/patients?limit=5", headers, body=None,
                             retry_safe=True)
    if outcome.failure:          # "upstream_timeout", "upstream_error", ... -> 502/503/504
        ...
    else:
        outcome.status, outcome.headers, outcome.body

The client is urllib3's PoolManager rather than requests: a proxy must forward bytes as they
are, and urllib3 leaves the body encoded (no transparent gzip decoding), adds no default
headers we cannot switch off, and never reads ~/.netrc or proxy variables (requests does, and
a netrc entry would replace the client's Authorization header).

What is retried
---------------

An attempt fails when the connection cannot be made (refused, connect timeout), when the
upstream drops the connection before a full answer, when it answers 5xx, or when it does not
answer within the read timeout. Which failures are retried:

- nothing reached the upstream (connection refused, connect timeout): always, any method;
- the request may have reached it (dropped connection, 5xx): only when retrying is safe,
  that is for the idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) and for a POST
  carrying an Idempotency-Key; never PATCH;
- a read timeout: never. The upstream is slow, and asking it again adds load at the worst
  moment; the client gets a 504 within read_timeout.

Before retry n (0-based) the thread sleeps uniform(0, min(cap, base * 2**n)) seconds: full
jitter, so clients that failed together do not come back together. No attempt or sleep starts
past the request's deadline. Every attempt passes through the circuit breaker: an open circuit
ends the request with a 503 at once, retries included.

Thread safety: a Forwarder is shared by the threads of one worker process; urllib3's pools
are thread-safe. Build it in the worker (after gunicorn forks), never in the master: sockets
must not be shared across processes.
"""

from __future__ import annotations

import random
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util import SKIP_HEADER

from .breaker import CircuitBreaker
from .settings import Settings

#: Methods whose repetition has the effect of one call (RFC 9110 9.2.2). PATCH is not one.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

# Failure kinds, as they appear in the access log's "reason" and in metrics labels.
UPSTREAM_UNREACHABLE = "upstream_unreachable"    # connection refused / reset while connecting
UPSTREAM_TIMEOUT = "upstream_timeout"            # connect or read timeout, or deadline spent
UPSTREAM_DISCONNECTED = "upstream_disconnected"  # dropped before a complete answer
UPSTREAM_ERROR = "upstream_error"                # answered 5xx (after retries)
BREAKER_OPEN = "breaker_open"                    # the circuit refused the call

#: The status the gateway answers for each failure kind.
FAILURE_STATUS = {
    UPSTREAM_UNREACHABLE: 502,
    UPSTREAM_DISCONNECTED: 502,
    UPSTREAM_ERROR: 502,
    UPSTREAM_TIMEOUT: 504,
    BREAKER_OPEN: 503,
}

Headers = Sequence[Tuple[str, str]]


def is_retry_safe(method: str, idempotency_key: Optional[str]) -> bool:
    """Whether a request may be sent twice: idempotent methods, and POST with a key."""
    method = method.upper()
    return method in IDEMPOTENT_METHODS or (method == "POST" and bool(idempotency_key))


def backoff_delay(retry: int, base: float, cap: float,
                  rand: Callable[[float, float], float] = random.uniform) -> float:
    """Full-jitter exponential back-off: the sleep before retry number `retry` (0-based)."""
    return rand(0.0, min(cap, base * (2 ** retry)))


@dataclass
class Outcome:
    """How forwarding one request ended.

    failure is None when the upstream answered with a status below 500; status, headers and
    body are then its answer. Otherwise failure is one of the kinds above (a 5xx that retries
    did not cure is UPSTREAM_ERROR) and status is the gateway's (FAILURE_STATUS).
    upstream_status is the last status the upstream sent, even on failure (the 500 behind our
    502), None when it never answered.
    """

    failure: Optional[str] = None
    status: int = 0
    headers: List[Tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    upstream_status: Optional[int] = None
    attempts: int = 0
    upstream_seconds: float = 0.0
    retry_after: float = 0.0
    detail: str = ""

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


class Forwarder:
    """One upstream: its connection pool and its circuit breaker. See the module docs."""

    def __init__(self, settings: Settings, breaker: Optional[CircuitBreaker] = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 rand: Callable[[float, float], float] = random.uniform) -> None:
        self._settings = settings
        self._base = settings.upstream
        self.breaker = breaker or CircuitBreaker(settings.breaker_threshold,
                                                 settings.breaker_cooldown)
        self._sleep = sleep
        self._rand = rand
        # block=False: a burst beyond pool_size opens extra connections rather than queueing
        # behind the pool; they are closed instead of returned when the pool is full.
        self._pool = urllib3.PoolManager(num_pools=4, maxsize=settings.pool_size, block=False,
                                         retries=False)

    def send(self, method: str, target: str, headers: Headers, body: Optional[bytes], *,
             retry_safe: bool) -> Outcome:
        """Forwards one request. target: the raw path and query, as the client sent them."""
        settings = self._settings
        outcome = Outcome()
        deadline = time.monotonic() + settings.deadline
        url = self._base + target
        send_headers = urllib3.HTTPHeaderDict()
        for name, value in headers:
            send_headers.add(name, value)
        if "user-agent" not in send_headers:
            send_headers["User-Agent"] = SKIP_HEADER  # forward the client's, or none

        retry = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _fail(outcome, UPSTREAM_TIMEOUT, "the request's deadline passed")
            permit = self.breaker.acquire()
            if permit is None:
                outcome.retry_after = self.breaker.retry_after()
                return _fail(outcome, BREAKER_OPEN, "the circuit to the upstream is open")
            timeout = urllib3.Timeout(connect=min(settings.connect_timeout, remaining),
                                      read=min(settings.read_timeout, remaining))
            outcome.attempts += 1
            started = time.monotonic()
            kind = None
            try:
                response = self._pool.urlopen(
                    method, url, body=body, headers=send_headers, timeout=timeout,
                    retries=False, redirect=False, preload_content=True,
                    decode_content=False, assert_same_host=False)
            except NewConnectionError:  # a ConnectTimeoutError subclass: test it first
                kind, retryable = UPSTREAM_UNREACHABLE, True
                detail = "the connection to the upstream was refused"
            except ConnectTimeoutError:
                kind, retryable = UPSTREAM_TIMEOUT, True
                detail = f"no connection to the upstream within {timeout.connect_timeout} s"
            except ReadTimeoutError:
                kind, retryable = UPSTREAM_TIMEOUT, False
                detail = f"the upstream did not answer within {timeout.read_timeout} s"
            except (ProtocolError, HTTPError, OSError):
                kind, retryable = UPSTREAM_DISCONNECTED, retry_safe
                detail = "the upstream closed the connection without a complete answer"
            except BaseException:
                permit.failure()
                raise
            finally:
                outcome.upstream_seconds += time.monotonic() - started

            if kind is None:
                outcome.upstream_status = response.status
                if response.status < 500:
                    permit.success()
                    outcome.failure = None
                    outcome.status = response.status
                    outcome.headers = list(response.headers.items())
                    outcome.body = response.data
                    return outcome
                kind, retryable = UPSTREAM_ERROR, retry_safe
                detail = f"the upstream answered {response.status}"
            permit.failure()

            if not retryable or retry >= settings.retries:
                return _fail(outcome, kind, detail)
            pause = backoff_delay(retry, settings.backoff_base, settings.backoff_cap, self._rand)
            if time.monotonic() + pause >= deadline:
                return _fail(outcome, kind, detail)
            self._sleep(pause)
            retry += 1

    def probe(self, timeout: float = 0.25) -> bool:
        """Whether a TCP connection to the upstream can be made now (for /readyz)."""
        parts = urlsplit(self._base)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname, port), timeout=timeout):
                return True
        except OSError:
            return False

    def close(self) -> None:
        self._pool.clear()


def _fail(outcome: Outcome, kind: str, detail: str) -> Outcome:
    outcome.failure = kind
    outcome.status = FAILURE_STATUS[kind]
    outcome.detail = detail
    return outcome
