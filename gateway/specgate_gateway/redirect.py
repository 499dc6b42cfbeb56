"""The plain-HTTP listener: answers every request with a 308 to the same URL over https://.

    python -m specgate_gateway.redirect --port 8080 --https-port 8443 [--public-host HOST]

gunicorn applies its TLS settings to every address it binds, so the plain port cannot be a
second bind of the gateway; this small separate process owns it instead. It reads no body,
validates nothing and forwards nothing: 308 (not 301) keeps the method and body when the
client follows it. No HSTS header here: RFC 6797 forbids it over plain HTTP; the HTTPS
answers carry it. It prints "redirect listening on http://HOST:PORT" once ready.

Behind a load balancer that has its own HTTP-to-HTTPS redirect rule (an ALB listener rule),
this process is not needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List, Optional
from urllib.parse import urlsplit

from .problems import PROBLEM_JSON, problem_bytes
from .transport import redirect_location


class RedirectServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: Any, https_port: int, public_host: str = "") -> None:
        self.https_port = https_port
        self.public_host = public_host
        super().__init__(address, RedirectHandler)


class RedirectHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hospital-gateway"
    disable_nagle_algorithm = True
    server: RedirectServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        location = redirect_location(self.headers.get("Host"), parts.path or "/",
                                     parts.query or None, public_host=self.server.public_host,
                                     https_port=self.server.https_port)
        body = problem_bytes(308, "https_required", "this API is served over HTTPS only",
                             location=location)
        self.send_response(308)
        self.send_header("Location", location)
        self.send_header("Content-Type", PROBLEM_JSON)
        self.send_header("Content-Length", str(len(body)))
        # The body, if any, is not read: close rather than guess where the next request starts.
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = do_GET


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Redirect plain HTTP to HTTPS (308).")
    parser.add_argument("--host", default=os.environ.get("REDIRECT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("REDIRECT_PORT", "8080")))
    parser.add_argument("--https-port", type=int,
                        default=int(os.environ.get("GATEWAY_HTTPS_PORT", "443")))
    parser.add_argument("--public-host", default=os.environ.get("GATEWAY_PUBLIC_HOST", ""))
    args = parser.parse_args(argv)
    server = RedirectServer((args.host, args.port), args.https_port, args.public_host)
    host, port = server.server_address[:2]
    print(f"redirect listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
