"""Prometheus metrics, aggregated across gunicorn's worker processes.

prometheus_client's multiprocess mode: each worker writes its samples to memory-mapped files
in $PROMETHEUS_MULTIPROC_DIR, and /metrics (answered by any worker) reads them all. The
variable must be set before prometheus_client is first imported in a worker; gunicorn.conf.py
sets it in the master, empties the folder when the master starts, and marks dead workers so
their live gauges disappear. Without the variable (a single process, e.g. Flask's dev
server) the default registry is used.

Metrics (label values are bounded: route templates, never raw paths; methods outside the
usual set become "OTHER"):

gateway_requests_total{route,method,status,reason}     counter; reason: "forwarded", a
                                                        rejection reason ("unknown_route", ...),
                                                        an upstream failure ("upstream_timeout",
                                                        ...), "https_required", "gateway_error"
gateway_request_duration_seconds{route}                 histogram, whole request in the gateway
gateway_validation_duration_seconds                     histogram, request validation
gateway_upstream_duration_seconds{route}                histogram, all attempts of a request
gateway_upstream_retries_total{route}                   counter, attempts beyond the first
gateway_contract_breaks_total{route,status}             counter, upstream answers off-contract
gateway_breaker_state{upstream}                         gauge, worst over live workers:
                                                        0 closed, 1 half-open, 2 open
gateway_breaker_transitions_total{upstream,to}          counter
gateway_spec_reloads_total{trigger,outcome}             counter
"""

from __future__ import annotations

import os
from typing import Tuple

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as _DEFAULT_REGISTRY

UNMATCHED_ROUTE = "(unmatched)"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0)
_VALIDATION_BUCKETS = (5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2)

REQUESTS = Counter("gateway_requests_total", "Requests answered by the gateway.",
                   ["route", "method", "status", "reason"])
REQUEST_SECONDS = Histogram("gateway_request_duration_seconds",
                            "Time from the request's arrival to the gateway's answer.",
                            ["route"], buckets=_LATENCY_BUCKETS)
VALIDATION_SECONDS = Histogram("gateway_validation_duration_seconds",
                               "Time spent validating a request (body read included).",
                               buckets=_VALIDATION_BUCKETS)
UPSTREAM_SECONDS = Histogram("gateway_upstream_duration_seconds",
                             "Time spent waiting for the upstream, all attempts of a request.",
                             ["route"], buckets=_LATENCY_BUCKETS)
RETRIES = Counter("gateway_upstream_retries_total", "Upstream attempts beyond the first.",
                  ["route"])
CONTRACT_BREAKS = Counter("gateway_contract_breaks_total",
                          "Upstream answers that break the OpenAPI contract (forwarded anyway).",
                          ["route", "status"])
BREAKER_STATE = Gauge("gateway_breaker_state",
                      "Circuit breaker state, worst over live workers: 0 closed, 1 half-open, "
                      "2 open.", ["upstream"], multiprocess_mode="livemax")
BREAKER_TRANSITIONS = Counter("gateway_breaker_transitions_total",
                              "Circuit breaker state changes.", ["upstream", "to"])
SPEC_RELOADS = Counter("gateway_spec_reloads_total", "Spec reload attempts.",
                       ["trigger", "outcome"])


def route_label(route: str) -> str:
    return route or UNMATCHED_ROUTE


def method_label(method: str) -> str:
    return method if method in _METHODS else "OTHER"


def render() -> Tuple[bytes, str]:
    """(body, content type) of the exposition for /metrics, across all workers."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(_DEFAULT_REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """For gunicorn's child_exit hook: drops the live gauges of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
