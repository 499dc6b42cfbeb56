"""A circuit breaker for one upstream: closed, open, half-open.

    breaker = CircuitBreaker(failure_threshold=5, cooldown=10.0)
    permit = breaker.acquire()
    if permit is None:                     # open: answer 503 with Retry-After
        return unavailable(breaker.retry_after())
    try:
        answer = call_upstream()
    except UpstreamFailure:
        permit.failure()
        raise
    permit.success() if answer.status < 500 else permit.failure()

- closed: every call goes through; `failure_threshold` consecutive failures open the circuit.
  A success resets the count.
- open: calls are refused at once (the caller answers 503) until `cooldown` seconds passed.
- half-open: one probe call goes through, the others are refused; its success closes the
  circuit, its failure opens it again for another cool-down.

Consecutive failures rather than a failure rate over a window: at the 10-20% failure rates
the hospital's API shows, five failures in a row are rare (0.15^5 < 1e-4) while an outage
opens the circuit within five calls, and the rule needs no clock or window to test.

A permit that is dropped without success() or failure() (a bug, or an exception nobody
expected) counts as a failure when released through `with`; use it as a context manager or
call one of the two in a finally.

Thread safety: one breaker is shared by the threads of a worker process; its state sits behind
a lock held for a few instructions. Each gunicorn worker process has its own breaker, so with
N workers an outage is noticed after up to N * failure_threshold failed calls, and each worker
probes on its own after the cool-down: the hospital's server sees at most N probes at once.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, List, Optional

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"

#: Numeric values for the breaker-state gauge: the larger, the worse.
STATE_VALUES = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}

Listener = Callable[[str, str], None]


class CircuitBreaker:
    """See the module documentation. `clock` is injectable for tests (seconds, monotonic)."""

    def __init__(self, failure_threshold: int = 5, cooldown: float = 10.0, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False
        self._listeners: List[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        """listener(old_state, new_state), called after each transition, outside the lock."""
        self._listeners.append(listener)

    @property
    def state(self) -> str:
        """The state as of now: an open circuit past its cool-down reads as half-open."""
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self._cooldown:
                return HALF_OPEN
            return self._state

    def retry_after(self) -> float:
        """Seconds until an open circuit lets a probe through (0 when not open)."""
        with self._lock:
            if self._state != OPEN:
                return 0.0
            return max(0.0, self._cooldown - (self._clock() - self._opened_at))

    def acquire(self) -> Optional["Permit"]:
        """A permit for one call, or None when the circuit refuses it."""
        transition = None
        with self._lock:
            if self._state == OPEN:
                if self._clock() - self._opened_at < self._cooldown:
                    return None
                transition = (OPEN, HALF_OPEN)
                self._state = HALF_OPEN
                self._probe_out = False
            if self._state == HALF_OPEN:
                if self._probe_out:
                    return None
                self._probe_out = True
                permit = Permit(self, probe=True)
            else:
                permit = Permit(self, probe=False)
        if transition:
            self._notify(*transition)
        return permit

    # ----------------------------------------------------------- called by Permit

    def _record(self, permit: "Permit", ok: bool) -> None:
        transition = None
        with self._lock:
            if permit.probe:
                self._probe_out = False
                if self._state == HALF_OPEN:
                    if ok:
                        transition = (HALF_OPEN, CLOSED)
                        self._state = CLOSED
                        self._failures = 0
                    else:
                        transition = (HALF_OPEN, OPEN)
                        self._state = OPEN
                        self._opened_at = self._clock()
            elif self._state == CLOSED:
                if ok:
                    self._failures = 0
                else:
                    self._failures += 1
                    if self._failures >= self._threshold:
                        transition = (CLOSED, OPEN)
                        self._state = OPEN
                        self._opened_at = self._clock()
            # A call let through while closed that ends after the circuit opened tells nothing
            # new: the circuit's fate is the probe's.
        if transition:
            self._notify(*transition)

    def _notify(self, old: str, new: str) -> None:
        for listener in self._listeners:
            listener(old, new)


class Permit:
    """Leave to make one call; report how it went exactly once."""

    __slots__ = ("_breaker", "probe", "_done")

    def __init__(self, breaker: CircuitBreaker, probe: bool) -> None:
        self._breaker = breaker
        self.probe = probe
        self._done = False

    def success(self) -> None:
        self._finish(True)

    def failure(self) -> None:
        self._finish(False)

    def _finish(self, ok: bool) -> None:
        if self._done:
            return
        self._done = True
        self._breaker._record(self, ok)

    def __enter__(self) -> "Permit":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._finish(False)
