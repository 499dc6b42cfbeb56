"""The gateway: a Flask app that checks each request against the hospital's OpenAPI document
with specgate.flask.SpecGate and forwards only valid ones to the hospital's API.

    gunicorn -c gateway/gunicorn.conf.py 'specgate_gateway.app:create_app()'

A request goes through, in order:

1. transport: over plain HTTP (see transport.py) it is answered 308 to https://, nothing
   else happens; the request id is taken from X-Request-Id or made;
2. SpecGate (the library's Flask extension): 404, 405, 401, 413, 415 or 400 as a problem
   document, the API never sees it;
3. the proxy view: forwarder.py sends it on (pool, timeouts, retries, circuit breaker); an
   API that cannot answer becomes a 502, 503 or 504 problem document, never a hang;
4. the API's answer is checked against the contract in log-only mode (logged and counted,
   forwarded unchanged), and goes back with HSTS and X-Request-Id added;
5. one JSON access-log line and the Prometheus metrics, for every request including the
   rejected, failed and redirected ones.

/healthz (the process is up), /readyz (ready for traffic, below) and /metrics (Prometheus)
are the gateway's own and are neither validated, redirected, logged nor counted.

Readiness: /readyz answers 200 when a spec is loaded and either this worker's circuit to the
API is not open, or it is open but a TCP connection to the API can be made now (the API is
back; the next probe will close the circuit). Otherwise 503. An API that is down therefore
takes every gateway out of the load balancer, which then answers its own 503s: say so to the
load balancer's owners, or point its health check at /healthz if an instance should stay in
rotation to answer 503 problem documents itself.

Spec reloads swap the Spec inside the SpecGate extension: init_app compiles once and keeps it
in app.extensions["specgate"] (a specgate.flask.GateState); the extension has no API to
replace it, so the gateway replaces that GateState, one dict assignment, atomic for the
requests that follow. Stateless between requests: nothing but the spec, the connection pool,
the circuit breaker and the metrics files outlives a request, so scaling out is more workers
(GATEWAY_WORKERS) and more instances behind the load balancer.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
import time
import uuid
from typing import Any, Dict, Optional

from flask import Flask, Response, g, request
from specgate.flask import EXTENSION_KEY, GateState, SpecGate
from specgate.wsgi import request_target
from werkzeug.exceptions import HTTPException

from . import metrics
from .access_log import AccessLog, error_entries, redact_query, utc_timestamp
from .breaker import OPEN, STATE_VALUES
from .forwarder import Forwarder, Outcome, is_retry_safe
from .problems import PROBLEM_JSON, problem_bytes
from .settings import Settings
from .spec_holder import SpecHolder
from .transport import (
    client_scheme,
    forward_headers,
    is_trusted,
    redirect_location,
    response_headers,
)

logger = logging.getLogger("specgate_gateway")

EXTENSION = "specgate_gateway"
INTERNAL_ENDPOINTS = ("healthz", "readyz", "metrics")
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class Gateway:
    """What one worker process keeps between requests: settings, the spec, the forwarder
    (connection pool + circuit breaker) and the access log. Shared by the worker's threads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.holder = SpecHolder(settings.spec_path, {"max_body_bytes": settings.max_body_bytes},
                                 state_dir=settings.state_dir)
        self.forwarder = Forwarder(settings)
        self.access_log = AccessLog(settings.access_log)
        self.upstream_label = settings.upstream
        self.holder.add_reload_observer(
            lambda trigger, outcome: metrics.SPEC_RELOADS.labels(trigger, outcome).inc())
        self.forwarder.breaker.add_listener(self._breaker_changed)
        metrics.BREAKER_STATE.labels(self.upstream_label).set(0)

    def _breaker_changed(self, old: str, new: str) -> None:
        metrics.BREAKER_STATE.labels(self.upstream_label).set(STATE_VALUES[new])
        metrics.BREAKER_TRANSITIONS.labels(self.upstream_label, new).inc()
        log = logger.warning if new != "closed" else logger.info
        log("circuit to %s: %s -> %s", self.upstream_label, old, new,
            extra={"event": "breaker", "upstream": self.upstream_label, "from": old,
                   "to": new})


def create_app(settings: Optional[Settings] = None) -> Flask:
    """The gateway app. Settings default to Settings.from_env(). Call it in the process that
    serves (a gunicorn worker; never with preload_app): it opens the spec file, the access
    log and a watcher thread."""
    settings = settings or Settings.from_env()
    _configure_logging()
    app = Flask(EXTENSION)
    app.url_map.merge_slashes = False  # "//v1//patients" is the client's to get wrong, not ours
    gateway = Gateway(settings)
    app.extensions[EXTENSION] = gateway

    if settings.validate:
        app.config["SPECGATE_EXEMPT"] = INTERNAL_ENDPOINTS
        # The gateway checks the API's answers itself (log-only, counted, with timings).
        app.config["SPECGATE_VALIDATE_RESPONSES"] = False
        gate = SpecGate(app, spec=gateway.holder.spec)

        def swap(spec: Any) -> None:
            app.extensions[EXTENSION_KEY] = GateState(gate, spec)

        gateway.holder.add_listener(swap)

    # Hook order: _arrive before the gate's hook (a plain-HTTP request is redirected, not
    # judged), _validated after it; _depart runs last among the after_request functions.
    app.before_request_funcs.setdefault(None, []).insert(0, _arrive)
    app.before_request_funcs[None].append(_validated)
    app.after_request_funcs.setdefault(None, []).append(_validated_response)
    app.after_request_funcs[None].insert(0, _depart)

    app.add_url_rule("/healthz", "healthz", _healthz, methods=["GET"])
    app.add_url_rule("/readyz", "readyz", _readyz, methods=["GET"])
    app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])
    app.add_url_rule("/", "proxy", _proxy, defaults={"path": ""}, methods=_METHODS,
                     provide_automatic_options=False, strict_slashes=False)
    app.add_url_rule("/<path:path>", "proxy", _proxy, methods=_METHODS,
                     provide_automatic_options=False, strict_slashes=False)
    app.register_error_handler(Exception, _on_error)

    gateway.holder.start_watching(settings.spec_poll_seconds)
    logger.info("gateway ready: upstream %s, spec %s (%d operations), validation %s",
                settings.upstream, gateway.holder.loaded_from,
                len(gateway.holder.spec.operations), "on" if settings.validate else "off",
                extra={"event": "start"})
    return app


def install_reload_signal(app: Flask) -> None:
    """SIGHUP to this worker process reloads the spec (gunicorn.conf.py's post_worker_init
    calls this; gunicorn leaves HUP at its default, which would kill the worker)."""
    gateway: Gateway = app.extensions[EXTENSION]
    signal.signal(signal.SIGHUP, lambda signum, frame: gateway.holder.request_reload())


def _gateway() -> Gateway:
    from flask import current_app

    return current_app.extensions[EXTENSION]


# ---------------------------------------------------------------------- hooks


def _arrive() -> Optional[Response]:
    g.started = time.perf_counter()
    g.arrived_at = time.time()
    g.internal = request.endpoint in INTERNAL_ENDPOINTS
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    gateway = _gateway()
    g.scheme = client_scheme(request.environ, gateway.settings.trusted_proxies)
    if g.internal or g.scheme == "https":
        g.validation_started = time.perf_counter()
        return None
    g.reason = "https_required"
    raw_path, query = request_target(request.environ)
    location = redirect_location(
        request.headers.get("Host"), raw_path.decode("latin-1"),
        query.decode("latin-1") if query else None,
        public_host=gateway.settings.public_host, https_port=gateway.settings.https_port)
    body = problem_bytes(308, "https_required", "this API is served over HTTPS only",
                         location=location, request_id=g.request_id)
    response = Response(body, status=308, content_type=PROBLEM_JSON)
    response.headers["Location"] = location
    return response


def _validated() -> None:
    g.validation_ended = time.perf_counter()


def _validated_response(response: Response) -> Response:
    # Runs first among after_request functions: a rejection's validation ends here.
    if "validation_ended" not in g:
        g.validation_ended = time.perf_counter()
    return response


def _proxy(path: str) -> Response:
    gateway = _gateway()
    settings = gateway.settings
    environ = request.environ
    method = request.method
    raw_path, query = request_target(environ)
    target = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")

    headers = forward_headers(request.headers.items())
    remote = environ.get("REMOTE_ADDR", "")
    previous = request.headers.get("X-Forwarded-For")
    if previous and is_trusted(remote, settings.trusted_proxies):
        headers.append(("X-Forwarded-For", f"{previous}, {remote}"))
    else:
        headers.append(("X-Forwarded-For", remote))
    headers.append(("X-Forwarded-Proto", g.scheme))
    if request.headers.get("Host"):
        headers.append(("X-Forwarded-Host", request.headers["Host"]))
    headers.append(("X-Request-Id", g.request_id))

    body = None
    if request.content_length is not None or "chunked" in request.headers.get(
            "Transfer-Encoding", "").lower():
        body = request.get_data(cache=True)
    g.bytes_in = len(body) if body else 0

    retry_safe = is_retry_safe(method, request.headers.get("Idempotency-Key"))
    outcome = gateway.forwarder.send(method, target, headers, body, retry_safe=retry_safe)
    g.outcome = outcome
    if outcome.failure:
        g.reason = outcome.failure
        extra: Dict[str, Any] = {"request_id": g.request_id}
        if outcome.upstream_status:
            extra["upstream_status"] = outcome.upstream_status
        if outcome.attempts:
            extra["attempts"] = outcome.attempts
        response = Response(problem_bytes(outcome.status, outcome.failure, outcome.detail,
                                          **extra),
                            status=outcome.status, content_type=PROBLEM_JSON)
        if outcome.retry_after:
            response.headers["Retry-After"] = str(max(1, int(outcome.retry_after + 0.999)))
        return response

    _check_contract(gateway, method, target, outcome)
    response = Response(outcome.body, status=outcome.status)
    response.headers.pop("Content-Type", None)  # the API's own, or none at all
    for name, value in response_headers(outcome.headers):
        response.headers.add(name, value)
    return response


def _check_contract(gateway: Gateway, method: str, target: str, outcome: Outcome) -> None:
    """Log-only response validation: a break is logged and counted, the answer still goes out."""
    result = g.get("specgate")
    if not gateway.settings.validate_responses or result is None:
        return
    encoding = next((v for k, v in outcome.headers if k.lower() == "content-encoding"), "")
    if encoding and encoding.lower() != "identity":
        return  # the body is compressed and we do not decode it: not checked (null in the log)
    started = time.perf_counter()
    verdict = gateway.holder.spec.validate_response(method, target, outcome.status,
                                                    outcome.headers, outcome.body)
    g.response_validation_us = int((time.perf_counter() - started) * 1e6)
    g.contract_break = not verdict.ok
    if verdict.ok:
        return
    g.contract_errors = error_entries(verdict.errors, response=True)
    metrics.CONTRACT_BREAKS.labels(metrics.route_label(result.route), str(outcome.status)).inc()
    first = g.contract_errors[0] if g.contract_errors else {}
    logger.warning("contract break: %s %s answered %s: %s %s", method, result.route,
                   outcome.status, first.get("pointer", ""), first.get("message", ""),
                   extra={"event": "contract_break", "request_id": g.request_id,
                          "route": result.route, "status": outcome.status,
                          "errors": g.contract_errors})


def _depart(response: Response) -> Response:
    gateway = _gateway()
    if g.get("scheme") == "https" and gateway.settings.hsts:
        response.headers["Strict-Transport-Security"] = gateway.settings.hsts
    if g.get("internal"):
        return response
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    try:
        _record(gateway, response, request_id)
    except Exception:  # the answer must go out even if the log or a metric fails
        logger.exception("could not record the request")
    _drain_later(response, gateway.settings.drain_bytes)
    return response


def _drain_later(response: Response, limit: int) -> None:
    """Reads what is left of a refused request body once the 413 is sent.

    A 413 is decided from Content-Length without reading the body (or after reading just past
    the limit). gunicorn then answers "Connection: keep-alive" but, finding more than 64 KiB of
    body left, closes the connection instead of reading it: the client's next request on it
    fails with "connection closed without response". Reading and discarding up to `limit`
    bytes keeps the connection usable; a larger body ends the connection, which is the point
    of refusing it. Other answers leave no unread body: the gate or the proxy read it whole.
    """
    if response.status_code != 413 or limit <= 0:
        return
    declared = request.content_length
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not (declared or chunked) or (declared and declared > limit):
        return
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return

    def drain() -> None:
        remaining = limit
        try:
            while remaining > 0:
                chunk = stream.read(min(65536, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
        except Exception:  # the client went away: no connection left to keep usable
            return

    response.call_on_close(drain)


def _record(gateway: Gateway, response: Response, request_id: str) -> None:
    now = time.perf_counter()
    started = g.get("started", now)
    result = g.get("specgate")
    outcome: Optional[Outcome] = g.get("outcome")
    status = response.status_code

    validation_us = None
    if result is not None and "validation_started" in g:
        validation_us = int((g.get("validation_ended", now) - g.validation_started) * 1e6)

    reason = g.get("reason")
    if status == 308 and reason == "https_required":
        outcome_name = "redirected"
    elif result is not None and not result.ok:
        outcome_name, reason = "rejected", result.reason
    elif outcome is not None and outcome.failure:
        outcome_name = "failed"
    elif outcome is not None:
        outcome_name, reason = "forwarded", None
    else:
        outcome_name, reason = "error", reason or "gateway_error"

    route = result.route if result is not None and result.route else None
    total_s = now - started
    upstream_s = outcome.upstream_seconds if outcome is not None and outcome.attempts else None
    raw_path, query = request_target(request.environ)

    route_label = metrics.route_label(route or "")
    metrics.REQUESTS.labels(route_label, metrics.method_label(request.method), str(status),
                            reason or "forwarded").inc()
    metrics.REQUEST_SECONDS.labels(route_label).observe(total_s)
    if validation_us is not None:
        metrics.VALIDATION_SECONDS.observe(validation_us / 1e6)
    if upstream_s is not None:
        metrics.UPSTREAM_SECONDS.labels(route_label).observe(upstream_s)
    if outcome is not None and outcome.retries:
        metrics.RETRIES.labels(route_label).inc(outcome.retries)

    record: Dict[str, Any] = {
        "ts": utc_timestamp(g.get("arrived_at", time.time())),
        "request_id": request_id,
        "client": _client(request.environ),
        "scheme": g.get("scheme"),
        "host": request.headers.get("Host"),
        "method": request.method,
        "path": raw_path.decode("latin-1"),
        "query": redact_query(query.decode("latin-1") if query else None),
        "http_version": request.environ.get("SERVER_PROTOCOL"),
        "route": route,
        "operation_id": (result.operation_id or None) if result is not None else None,
        "status": status,
        "outcome": outcome_name,
        "reason": reason,
        "errors": (error_entries(result.errors)
                   if result is not None and not result.ok else None),
        "validation_us": validation_us,
        "response_validation_us": g.get("response_validation_us"),
        "upstream_ms": round(upstream_s * 1000, 3) if upstream_s is not None else None,
        "total_ms": round(total_s * 1000, 3),
        "attempts": outcome.attempts if outcome is not None else 0,
        "retries": outcome.retries if outcome is not None else 0,
        "upstream_status": outcome.upstream_status if outcome is not None else None,
        "contract_break": g.get("contract_break"),
        "contract_errors": g.get("contract_errors"),
        "bytes_in": g.get("bytes_in", request.content_length or 0),
        "bytes_out": response.calculate_content_length() or 0,
        "user_agent": request.headers.get("User-Agent"),
        "worker": os.getpid(),
        "spec_generation": gateway.holder.generation,
    }
    gateway.access_log.write(record)


def _client(environ: Dict[str, Any]) -> str:
    address = environ.get("REMOTE_ADDR") or "-"
    port = environ.get("REMOTE_PORT")
    return f"{address}:{port}" if port else address


def _on_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        # Only reachable with validation off (the contract answers these first) or for the
        # gateway's own endpoints.
        status = error.code or 500
        reason = {404: "unknown_route", 405: "method_not_allowed"}.get(status, "http_error")
        g.reason = reason
        return Response(problem_bytes(status, reason, error.description or "",
                                      request_id=g.get("request_id")),
                        status=status, content_type=PROBLEM_JSON)
    g.reason = "gateway_error"
    logger.exception("unhandled error in the gateway",
                     extra={"event": "gateway_error", "request_id": g.get("request_id")})
    return Response(problem_bytes(500, "gateway_error", "the gateway failed to handle the "
                                  "request; it has been logged", request_id=g.get("request_id")),
                    status=500, content_type=PROBLEM_JSON)


# ---------------------------------------------------------------------- own endpoints


def _healthz() -> Response:
    return Response(json.dumps({"status": "ok", "pid": os.getpid()}), status=200,
                    content_type="application/json")


def _readyz() -> Response:
    gateway = _gateway()
    state = gateway.forwarder.breaker.state
    reachable = None
    if state == OPEN:
        reachable = gateway.forwarder.probe()
    ready = gateway.holder.spec is not None and (state != OPEN or bool(reachable))
    body = {"ready": ready, "pid": os.getpid(), "spec": gateway.holder.loaded_from,
            "spec_generation": gateway.holder.generation, "breaker": state,
            "upstream_reachable": reachable}
    return Response(json.dumps(body), status=200 if ready else 503,
                    content_type="application/json")


def _metrics() -> Response:
    body, content_type = metrics.render()
    return Response(body, status=200, content_type=content_type)


# ---------------------------------------------------------------------- logging


class JsonFormatter(logging.Formatter):
    """Event log lines as JSON (stderr), with the structured fields passed in `extra`."""

    _STANDARD = (set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)
                 | {"message", "asctime"})

    def format(self, record: logging.LogRecord) -> str:
        document: Dict[str, Any] = {
            "ts": utc_timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "worker": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


def _configure_logging() -> None:
    for name in ("specgate_gateway",):
        log = logging.getLogger(name)
        if not log.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonFormatter())
            log.addHandler(handler)
            log.setLevel(os.environ.get("GATEWAY_LOG_LEVEL", "INFO").upper())
            log.propagate = False
