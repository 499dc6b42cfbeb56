"""RFC 9457 problem documents for the answers the gateway makes itself (502, 503, 504, 500,
and the plain-HTTP redirect's body). Rejections by the contract use the library's own
document (RequestResult.problem_json), which has the same shape: type, title, status, detail,
plus "reason" and, here, "request_id"."""

from __future__ import annotations

import http
import json
from typing import Any, Dict

PROBLEM_JSON = "application/problem+json"


def problem(status: int, reason: str, detail: str, **extra: Any) -> Dict[str, Any]:
    try:
        title = http.HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    document: Dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                                "detail": detail, "reason": reason}
    document.update(extra)
    return document


def problem_bytes(status: int, reason: str, detail: str, **extra: Any) -> bytes:
    return json.dumps(problem(status, reason, detail, **extra),
                      separators=(",", ":")).encode("utf-8")
