"""The current compiled spec of a worker process, replaced atomically when the file changes.

    holder = SpecHolder(Path("hospital.yaml"), {"max_body_bytes": 65536}, state_dir=None)
    holder.add_listener(lambda spec: ...)     # called with each new Spec, after the swap
    holder.start_watching(poll_seconds=2.0)   # a daemon thread: mtime polls and signals
    signal.signal(signal.SIGHUP, lambda *_: holder.request_reload())
    spec = holder.spec                        # read once per request, use that one

A reload reads the file once, compiles the new Spec from those bytes, and only then replaces
the reference: requests in flight keep the Spec they started with (Specs are immutable), new
ones get the new one, none sees a half-built state. A file that does not compile is logged
with every problem the compiler found, counted, and otherwise ignored: the old Spec stays.

What triggers a reload:

- the file's identity changes (mtime, size, inode: an editor's or a deploy's atomic rename
  is caught too), checked every poll_seconds by the watcher thread;
- SIGHUP to the worker process, through request_reload() (the signal handler only sets an
  event; the compile runs on the watcher thread, not inside the handler);
- HUP to the gunicorn master starts new workers, which load the file when they boot.

The last good copy: with a state_dir, each Spec that compiled is also written there (atomic
rename). A worker that boots while the file is broken (after a HUP to the master, or when
gunicorn replaces a crashed worker) loads that copy instead of failing to start, and says so
in the log. Without a state_dir a broken file at boot is fatal, as it should be on the very
first start.

Thread safety: `spec` is one attribute read; swaps happen on the watcher thread, each under a
lock so a signal and a poll cannot compile twice at once.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import specgate

logger = logging.getLogger("specgate_gateway.spec")

Stamp = Tuple[int, int, int, int]
Listener = Callable[[specgate.Spec], None]
ReloadObserver = Callable[[str, str], None]  # (trigger, outcome)


class SpecHolder:
    """See the module documentation."""

    def __init__(self, path: Path, options: Dict[str, Any], *,
                 state_dir: Optional[Path] = None) -> None:
        self.path = Path(path)
        self._options = dict(options)
        self._state_dir = Path(state_dir) if state_dir else None
        self._lock = threading.Lock()
        self._listeners: List[Listener] = []
        self._observers: List[ReloadObserver] = []
        self._wake = threading.Event()
        self._forced = False
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.loaded_from = str(self.path)
        self.generation = 1
        self.spec, self._stamp = self._load_at_boot()

    # ----------------------------------------------------------- public

    def add_listener(self, listener: Listener) -> None:
        """listener(spec) runs on the reloading thread after each successful swap."""
        self._listeners.append(listener)

    def add_reload_observer(self, observer: ReloadObserver) -> None:
        """observer(trigger, outcome) after each reload attempt: trigger "mtime" or "signal",
        outcome "ok" or "failed" (for metrics)."""
        self._observers.append(observer)

    def request_reload(self) -> None:
        """Asks the watcher thread to reload now, changed or not. Safe in a signal handler."""
        self._forced = True
        self._wake.set()

    def check(self) -> bool:
        """Reloads when the file's identity changed since the last attempt; True if swapped."""
        stamp = _stamp(self.path)
        if stamp is None or stamp == self._stamp:
            return False
        return self.reload("mtime")

    def reload(self, trigger: str) -> bool:
        """Compiles the file and swaps it in; on failure logs, keeps the old Spec, returns False."""
        with self._lock:
            stamp = _stamp(self.path)
            try:
                data = self.path.read_bytes()
                spec = self._compile(data)
            except (OSError, specgate.SpecError, ValueError) as error:
                # Remember the broken file's stamp: it is reported once, not at every poll.
                self._stamp = stamp
                logger.error("spec reload (%s) failed, keeping the previous spec: %s",
                             trigger, _one_line(error),
                             extra={"event": "spec_reload", "trigger": trigger,
                                    "outcome": "failed", "spec_path": str(self.path)})
                self._observe(trigger, "failed")
                return False
            self.spec = spec
            self._stamp = stamp
            self.loaded_from = str(self.path)
            self.generation += 1
            self._save_last_good(data)
        logger.warning("spec reloaded (%s): %s, %d operations", trigger, self.path,
                       len(spec.operations),
                       extra={"event": "spec_reload", "trigger": trigger, "outcome": "ok",
                              "spec_path": str(self.path), "generation": self.generation})
        for listener in self._listeners:
            listener(spec)
        self._observe(trigger, "ok")
        return True

    def start_watching(self, poll_seconds: float) -> None:
        """Starts the daemon thread that serves request_reload() and, when poll_seconds > 0,
        polls the file. Call once, in the worker process."""
        if self._thread is not None:
            return
        interval = poll_seconds if poll_seconds > 0 else None
        self._thread = threading.Thread(target=self._watch, args=(interval,),
                                        name="spec-watcher", daemon=True)
        self._thread.start()

    def stop_watching(self) -> None:
        self._stop.set()
        self._wake.set()

    # ----------------------------------------------------------- internals

    def _watch(self, interval: Optional[float]) -> None:
        while not self._stop.is_set():
            self._wake.wait(interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._forced:
                    self._forced = False
                    self.reload("signal")
                else:
                    self.check()
            except Exception:  # the watcher must survive anything a reload throws
                logger.exception("spec watcher: unexpected error")

    def _compile(self, data: bytes) -> specgate.Spec:
        return specgate.Spec.from_text(data, base_uri=str(self.path.resolve()), **self._options)

    def _load_at_boot(self) -> Tuple[specgate.Spec, Optional[Stamp]]:
        stamp = _stamp(self.path)
        try:
            data = self.path.read_bytes()
            spec = self._compile(data)
        except (OSError, specgate.SpecError, ValueError) as error:
            fallback = self._last_good_path()
            if fallback is None or not fallback.exists():
                raise
            logger.error("spec %s does not load (%s); serving the last good copy %s",
                         self.path, _one_line(error), fallback,
                         extra={"event": "spec_fallback", "spec_path": str(self.path)})
            spec = self._compile(fallback.read_bytes())
            self.loaded_from = str(fallback)
            return spec, stamp
        self._save_last_good(data)
        return spec, stamp

    def _last_good_path(self) -> Optional[Path]:
        if self._state_dir is None:
            return None
        return self._state_dir / f"last-good-{self.path.name}"

    def _save_last_good(self, data: bytes) -> None:
        target = self._last_good_path()
        if target is None:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.read_bytes() == data:
                return
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".spec-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)  # several workers may race here; rename is atomic
        except OSError as error:
            logger.warning("could not keep a copy of the spec in %s: %s", target.parent, error)

    def _observe(self, trigger: str, outcome: str) -> None:
        for observer in self._observers:
            observer(trigger, outcome)


def _stamp(path: Path) -> Optional[Stamp]:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def _one_line(error: BaseException) -> str:
    text = " | ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return text[:2000]
