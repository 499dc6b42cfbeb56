"""HTTPS only: which scheme the client used, where to send a plain-HTTP client, and which of
the request's headers go on to the API.

The client's scheme is the scheme of the connection gunicorn accepted (wsgi.url_scheme:
"https" on the TLS listener), unless the peer is a trusted proxy (GATEWAY_TRUSTED_PROXIES):
then its X-Forwarded-Proto says how the client reached the proxy. With several values
("https, http", proxies appending) the last one is taken: it was written by the proxy that
talks to us, the one we trust; earlier values may come from the client. gunicorn's own
handling of the header is switched off (secure_scheme_headers = {} in gunicorn.conf.py) so
this is the one place that decides.

Behind the hospital's load balancer, two set-ups work:

- the load balancer passes TLS through, or re-encrypts, to the gateway's TLS port: nothing to
  configure; X-Forwarded-Proto is ignored;
- the load balancer terminates TLS and forwards plain HTTP: run the gateway with
  GATEWAY_TLS=off and GATEWAY_TRUSTED_PROXIES set to the load balancer's subnet. Requests the
  load balancer received over HTTPS are served; those it received over plain HTTP (or that
  come from anyone else without TLS) get the redirect.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

from .settings import Network

#: Hop-by-hop headers (RFC 9110 7.6.1), plus those the gateway sets itself.
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "transfer-encoding", "upgrade",
})
# Expect: the gateway has read the body already; a 100-continue dance upstream is pointless.
_SET_BY_GATEWAY = frozenset({"host", "content-length", "expect", "x-forwarded-for",
                             "x-forwarded-proto", "x-forwarded-host", "x-request-id"})

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]{2,45}\]$")


def is_trusted(remote_addr: Optional[str], proxies: Sequence[Network]) -> bool:
    if not proxies or not remote_addr:
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def client_scheme(environ: Mapping[str, object], proxies: Sequence[Network]) -> str:
    """"https" or "http": how the client reached us (or the trusted proxy in front)."""
    scheme = str(environ.get("wsgi.url_scheme", "http")).lower()
    if is_trusted(environ.get("REMOTE_ADDR"), proxies):  # type: ignore[arg-type]
        forwarded = str(environ.get("HTTP_X_FORWARDED_PROTO", "")).strip()
        if forwarded:
            scheme = forwarded.split(",")[-1].strip().lower()
    return scheme


def redirect_location(host_header: Optional[str], raw_path: str, query: Optional[str], *,
                      public_host: str = "", https_port: int = 443) -> str:
    """The https:// URL a plain-HTTP request is sent to. The host is GATEWAY_PUBLIC_HOST when
    set; else the request's Host without its port (a malformed Host gives "localhost"), with
    https_port unless it is 443."""
    if public_host:
        authority = public_host
    else:
        host = (host_header or "").strip()
        if host.startswith("["):
            host = host[: host.find("]") + 1] if "]" in host else ""
        else:
            host = host.split(":", 1)[0]
        if not _HOST.match(host):
            host = "localhost"
        authority = host if https_port == 443 else f"{host}:{https_port}"
    path = raw_path if raw_path.startswith("/") else "/" + raw_path
    path = quote(path, safe="/%!$&'()*+,;=:@-._~")
    return f"https://{authority}{path}" + (f"?{query}" if query else "")


def forward_headers(headers: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The request headers that go on to the API: all but the hop-by-hop ones, those the
    Connection header names, and those the gateway sets itself. Authorization is among those
    kept, byte for byte."""
    headers = list(headers)
    named = set()
    for name, value in headers:
        if name.lower() == "connection":
            named.update(token.strip().lower() for token in value.split(",") if token.strip())
    dropped = HOP_BY_HOP | _SET_BY_GATEWAY | named
    return [(name, value) for name, value in headers if name.lower() not in dropped]


def response_headers(headers: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The API's response headers that go back to the client: all but hop-by-hop ones and
    Content-Length (set again for the body we send)."""
    headers = list(headers)
    named = set()
    for name, value in headers:
        if name.lower() == "connection":
            named.update(token.strip().lower() for token in value.split(",") if token.strip())
    # Server and Date: gunicorn writes its own; HSTS: the gateway decides it.
    dropped = HOP_BY_HOP | named | {"content-length", "strict-transport-security", "server", "date"}
    return [(name, value) for name, value in headers if name.lower() not in dropped]
