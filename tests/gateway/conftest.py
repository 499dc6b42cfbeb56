"""Fixtures for the gateway's tests: real processes on loopback, real TLS.

    .venv/bin/python -m pytest tests/gateway -q

Three gateways are started once per session (gunicorn, gateway/gunicorn.conf.py), all in
front of one stand-in upstream (specgate_gateway.upstream) whose faults each test sets and
resets through its admin endpoints:

- main: TLS, 2 workers, short timeouts, a breaker threshold no test reaches (so failures in
  one test cannot open a circuit for the next), spec reloaded only on SIGHUP;
- edge: plain HTTP as behind a TLS-terminating load balancer, X-Forwarded-Proto trusted from
  127.0.0.1, spec polled every 0.2 s;
- breaker: TLS, 2 workers, a circuit that opens after 3 failures and cools down in 1 s.

Clients are requests sessions with trust_env off: requests lets REQUESTS_CA_BUNDLE and
CURL_CA_BUNDLE replace a session's verify=, which would drop the test CA.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
import requests

from gwtest import SPEC, Gateway, Upstream
from specgate_gateway import tls
from specgate_gateway.processes import Service, Services

MAIN_ENV = {
    "GATEWAY_CONNECT_TIMEOUT": "0.3",
    "GATEWAY_READ_TIMEOUT": "0.5",
    "GATEWAY_DEADLINE": "3",
    "GATEWAY_RETRIES": "2",
    "GATEWAY_BACKOFF_BASE": "0.01",
    "GATEWAY_BACKOFF_CAP": "0.05",
    "GATEWAY_BREAKER_THRESHOLD": "1000",
    "GATEWAY_MAX_BODY_BYTES": "65536",
    "GATEWAY_SPEC_POLL_SECONDS": "0",
}


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gateway")


@pytest.fixture(scope="session")
def tls_files(out_dir: Path) -> tls.TlsFiles:
    return tls.generate(out_dir / "tls")


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    with Services() as started:
        yield started


@pytest.fixture(scope="session")
def upstream_service(services: Services, out_dir: Path) -> Service:
    return services.upstream(out_dir, seed=11)


@pytest.fixture()
def upstream(upstream_service: Service) -> Iterator[Upstream]:
    admin = Upstream(upstream_service)
    admin.heal()
    yield admin
    admin.heal()


def _spec_copy(out_dir: Path, name: str) -> Path:
    target = out_dir / name
    shutil.copyfile(SPEC, target)
    return target


@pytest.fixture(scope="session")
def main_gateway(services: Services, out_dir: Path, upstream_service: Service,
                 tls_files: tls.TlsFiles) -> Gateway:
    spec = _spec_copy(out_dir, "main-hospital.yaml")
    service = services.gateway(out_dir, upstream_service.url, tls=tls_files, workers=2,
                               threads=4, spec=spec, env=MAIN_ENV, name="main")
    return Gateway(service, tls_files.ca, spec)


@pytest.fixture(scope="session")
def edge_gateway(services: Services, out_dir: Path, upstream_service: Service) -> Gateway:
    spec = _spec_copy(out_dir, "edge-hospital.yaml")
    env = dict(MAIN_ENV, GATEWAY_TRUSTED_PROXIES="127.0.0.1/32",
               GATEWAY_SPEC_POLL_SECONDS="0.2", GATEWAY_PUBLIC_HOST="api.hospital.example")
    service = services.gateway(out_dir, upstream_service.url, tls=None, workers=1, threads=4,
                               spec=spec, env=env, name="edge")
    return Gateway(service, None, spec)


@pytest.fixture(scope="session")
def breaker_gateway(services: Services, out_dir: Path, upstream_service: Service,
                    tls_files: tls.TlsFiles) -> Gateway:
    env = dict(MAIN_ENV, GATEWAY_BREAKER_THRESHOLD="3", GATEWAY_BREAKER_COOLDOWN="1.0")
    service = services.gateway(out_dir, upstream_service.url, tls=tls_files, workers=2,
                               threads=4, spec=SPEC, env=env, name="breaker")
    return Gateway(service, tls_files.ca, SPEC)


@pytest.fixture()
def client(main_gateway: Gateway) -> Iterator[requests.Session]:
    session = main_gateway.session()
    yield session
    session.close()
