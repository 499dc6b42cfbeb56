"""HTTPS only (redirect, HSTS, X-Forwarded-Proto) and what reaches the API: the Authorization
header byte for byte, no hop-by-hop headers."""

from __future__ import annotations

import uuid

import requests

from gwtest import AUTH, TOKEN


def _plain_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def test_plain_http_is_redirected_to_https(services, out_dir, main_gateway, upstream):
    redirect = services.redirect(out_dir, https_port=int(main_gateway.url.rsplit(":", 1)[1]))
    try:
        before = upstream.count()
        response = _plain_session().post(redirect.url + "/v1/patients?limit=5", json={},
                                         headers=AUTH, allow_redirects=False, timeout=5)
        assert response.status_code == 308
        assert response.headers["Location"] == (
            f"https://127.0.0.1:{main_gateway.service.port}/v1/patients?limit=5")
        assert "Strict-Transport-Security" not in response.headers  # RFC 6797 7.2
        assert response.json()["reason"] == "https_required"
        assert upstream.count() == before

        # A client that follows it lands on the gateway, over TLS, and is served.
        session = main_gateway.session()
        followed = session.get(redirect.url + "/v1/hospital", timeout=5)
        assert followed.status_code == 200
        assert followed.url.startswith("https://")
        assert [r.status_code for r in followed.history] == [308]
    finally:
        redirect.stop()


def test_https_answers_carry_hsts(main_gateway, client, upstream):
    for path, headers in (("/v1/hospital", {}), ("/v1/nowhere", AUTH), ("/v1/staff", {})):
        response = client.get(main_gateway.url + path, headers=headers, timeout=5)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"), path


def test_forwarded_proto_is_ignored_unless_trusted(main_gateway, client, upstream):
    # The main gateway trusts no proxy: a client claiming "http" over TLS is still on TLS.
    response = client.get(main_gateway.url + "/v1/hospital",
                          headers={"X-Forwarded-Proto": "http"}, allow_redirects=False,
                          timeout=5)
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_behind_load_balancer_forwarded_proto_decides(edge_gateway, upstream):
    session = _plain_session()
    url = edge_gateway.url + "/v1/patients/3?x=1"

    # The load balancer received HTTPS: served, with HSTS for the client's HTTPS connection.
    served = session.get(url, headers={**AUTH, "X-Forwarded-Proto": "https"},
                         allow_redirects=False, timeout=5)
    assert served.status_code == 200
    assert "Strict-Transport-Security" in served.headers

    # The load balancer received plain HTTP, or the header is missing: redirected.
    for headers in ({"X-Forwarded-Proto": "http"}, {}):
        redirected = session.get(url, headers={**AUTH, **headers}, allow_redirects=False,
                                 timeout=5)
        assert redirected.status_code == 308
        assert redirected.headers["Location"] == "https://api.hospital.example/v1/patients/3?x=1"
        assert "Strict-Transport-Security" not in redirected.headers

    # Proxies that append: the last value, written by the proxy we trust, wins.
    spoofed = session.get(url, headers={**AUTH, "X-Forwarded-Proto": "https, http"},
                          allow_redirects=False, timeout=5)
    assert spoofed.status_code == 308

    # Health checks from the load balancer are never redirected.
    assert session.get(edge_gateway.url + "/healthz", timeout=5).status_code == 200


def test_authorization_reaches_upstream_unchanged(main_gateway, client, upstream):
    request_id = f"auth-{uuid.uuid4().hex[:12]}"
    response = client.get(main_gateway.url + "/v1/patients/7",
                          headers={**AUTH, "X-Request-Id": request_id}, timeout=5)
    assert response.status_code == 200
    received = upstream.received(request_id)
    assert received is not None
    authorizations = [v for k, v in received["headers"] if k.lower() == "authorization"]
    assert authorizations == [TOKEN]


def test_hop_by_hop_headers_are_not_forwarded(main_gateway, client, upstream):
    request_id = f"hop-{uuid.uuid4().hex[:12]}"
    response = client.get(main_gateway.url + "/v1/patients/8", headers={
        **AUTH, "X-Request-Id": request_id,
        "Connection": "keep-alive, X-Private-Hop",
        "X-Private-Hop": "secret",
        "Keep-Alive": "timeout=5",
        "Proxy-Authorization": "Basic cHJveHk6cHJveHk=",
        "TE": "trailers",
        "X-Forwarded-For": "203.0.113.9",
        "X-Clinic-Trace": "end-to-end",
    }, timeout=5)
    assert response.status_code == 200
    received = {k.lower(): v for k, v in upstream.received(request_id)["headers"]}
    for hop in ("x-private-hop", "keep-alive", "proxy-authorization", "te"):
        assert hop not in received, hop
    assert received.get("connection", "keep-alive").lower() == "keep-alive"  # the pool's own
    assert received["x-clinic-trace"] == "end-to-end"
    # The client's X-Forwarded-For is not believed (no trusted proxy): replaced by its address.
    assert received["x-forwarded-for"] == "127.0.0.1"
    assert received["x-forwarded-proto"] == "https"
    assert received["x-request-id"] == request_id
    assert received["host"] == upstream.url.split("://", 1)[1]
