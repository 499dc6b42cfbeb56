"""A plain WSGI application behind specgate.wsgi.ValidationMiddleware, served by gunicorn in
test_gunicorn.py. It answers with what the middleware decided and the body it could still
read."""

import json
from pathlib import Path

from specgate.wsgi import ValidationMiddleware

CLINIC = Path(__file__).resolve().parents[2] / "data" / "specs" / "clinic.yaml"


def echo(environ, start_response):
    result = environ["specgate.result"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    payload = json.dumps({"operation_id": result.operation_id, "parameters": result.parameters,
                          "body": body.decode("utf-8")}).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(payload)))])
    return [payload]


app = ValidationMiddleware(echo, CLINIC, max_body_bytes=4096)
