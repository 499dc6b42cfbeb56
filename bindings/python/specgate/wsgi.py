"""WSGI middleware that checks every request against an OpenAPI document before the
application sees it.

    import specgate.wsgi

    application = specgate.wsgi.ValidationMiddleware(application, "openapi.yaml")

A request the document does not allow is answered by the middleware itself, with an RFC 9457
problem document (`application/problem+json`) and the status the validator chose: 404 unknown
route, 405 method not allowed (with `Allow`), 401 missing credentials (with
`WWW-Authenticate`), 413 body too large, 415 unsupported media type, 400 invalid parameters or
body. A valid request reaches the application with the result in
`environ["specgate.result"]` (a `specgate.RequestResult`: operation_id, route, path_params,
parameters...) and with the body still readable from `environ["wsgi.input"]`.

What the validator sees
-----------------------

The path is the raw request target, as the client sent it, taken from `RAW_URI` (gunicorn,
Werkzeug) or `REQUEST_URI` (uWSGI, mod_wsgi) when the server provides one. Raw is what the
OpenAPI parameter styles are defined on: `/labels/.a%2Eb` is the one label "a.b" while
`/labels/.a.b` is two, a difference PATH_INFO has already decoded away. The raw path is used
only when it percent-decodes to SCRIPT_NAME + PATH_INFO, so it names the same resource the
application will route; when it does not (a proxy or a middleware rewrote the path, or the
server merged slashes), or when the server gives no raw URI, the path is SCRIPT_NAME +
PATH_INFO percent-encoded again (every byte outside the RFC 3986 path characters, `%`, `?` and
`#` included). The path includes SCRIPT_NAME: an application mounted under `/api` is described
by servers whose URLs end in `/api/...`. The query is always QUERY_STRING, which WSGI leaves
undecoded.

Headers are the environ's HTTP_* entries plus CONTENT_TYPE and CONTENT_LENGTH, handed over as
bytes (WSGI strings are latin-1 stand-ins for bytes).

The body is read before the application runs, never more than max_body_bytes + 1 bytes:

- a Content-Length above max_body_bytes is not read at all: the validator answers 413 (or an
  earlier status: 404, 405, 401) from the declared length alone;
- a Content-Length within the limit is read in full;
- without a Content-Length (chunked transfer coding, HTTP/2), the body is read up to the limit
  + 1 bytes, when the server marks the stream as ending with the body
  (`wsgi.input_terminated`, set by gunicorn and by Werkzeug for chunked requests). Otherwise
  the end of the body cannot be found safely and the request is validated as bodiless.

A body that was read is handed on as a fresh `io.BytesIO` in `wsgi.input`, with CONTENT_LENGTH
set to its length.

Shadow mode
-----------

With log_only=True nothing is rejected: each request the validator would have rejected is
logged on the "specgate" logger at WARNING, with structured fields on the record (see
log_rejection), and forwarded unchanged, body included (an oversized body the middleware began
to read is handed on whole: what was read, then the rest of the stream). Enforced rejections
are logged at INFO.

Responses
---------

validate_responses=True buffers each response of a valid request and checks it with
Spec.validate_response; a response that breaks the contract is logged at WARNING and, with
reject_invalid_responses=True (meant for test suites), replaced by a 500 problem document
listing the errors. Responses to HEAD requests are checked without their (absent) body.

Thread safety: the middleware keeps no per-request state; one instance serves any number of
threads, as the Spec it holds does.
"""

from __future__ import annotations

import http
import io
import json
import logging
import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union
from urllib.parse import quote, unquote_to_bytes

from . import RequestResult, Spec, _core

__all__ = [
    "PROBLEM_JSON",
    "RESPONSE_RESULT_KEY",
    "RESULT_KEY",
    "ValidationMiddleware",
    "contract_break_problem",
    "load_spec",
    "log_contract_break",
    "log_rejection",
    "problem_headers",
    "request_headers",
    "request_target",
]

#: The "specgate" logger: rejections (INFO), would-be rejections in shadow mode and responses
#: that break the contract (WARNING). Records carry the fields described in log_rejection.
logger = logging.getLogger("specgate")

#: environ key holding the RequestResult of the request (None for an exempt request).
RESULT_KEY = "specgate.result"
#: environ key holding the RequestResult of the response, when responses are validated.
RESPONSE_RESULT_KEY = "specgate.response_result"

PROBLEM_JSON = "application/problem+json"

StartResponse = Callable[..., Callable[[bytes], Any]]
WSGIApp = Callable[[Dict[str, Any], StartResponse], Iterable[bytes]]
SpecSource = Union[Spec, str, "os.PathLike[str]", Mapping[str, Any]]

# Path characters of RFC 3986 (pchar and "/") that stay as they are when PATH_INFO is encoded
# again; quote() keeps letters, digits and "_.-~" on its own.
_PATH_SAFE = "/!$&'()*+,;=:@"
_READ_CHUNK = 65536


# ------------------------------------------------------------------ the spec


def load_spec(source: SpecSource, **options: Any) -> Spec:
    """A compiled Spec from a Spec, a file path or a document (dict).

    options are Spec compile options (mode, max_body_bytes, ignore_trailing_slash,
    format_assertion, credential_check, max_depth, ...); None means "the library's default".
    A Spec that is already compiled keeps its own options: one given here that differs from
    them raises ValueError, rather than being silently ignored.
    """
    given = {name: value for name, value in options.items() if value is not None}
    if isinstance(source, _core.Spec):
        compiled = source.options
        for name, value in given.items():
            have = compiled.get(name)
            differs = (have is not value) if callable(value) else (have != value)
            if differs:
                raise ValueError(
                    f"specgate: the Spec was compiled with {name}={have!r}, not {value!r}; "
                    f"pass {name} to Spec.from_file() instead, or a path instead of a Spec")
        return source
    if isinstance(source, Mapping):
        return Spec.from_dict(source, **given)
    if isinstance(source, (str, os.PathLike)):
        return Spec.from_file(source, **given)
    raise TypeError("specgate: expected a Spec, a file path or a dict, "
                    f"not {type(source).__name__}")


# ------------------------------------------------------------------ the request, from the environ


def _wsgi_bytes(text: str) -> bytes:
    # WSGI "native strings" carry bytes as latin-1; a server that broke that rule gets UTF-8.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _origin_path(target: bytes) -> Optional[bytes]:
    """The path of a request target: origin form ("/a?b") or absolute form
    ("http://host/a?b"); None for the asterisk and authority forms."""
    target = target.split(b"#", 1)[0]
    path = target.split(b"?", 1)[0]
    if path.startswith(b"/"):
        return path
    scheme_end = path.find(b"://")
    if scheme_end > 0 and path[:scheme_end].isalpha():
        slash = path.find(b"/", scheme_end + 3)
        return path[slash:] if slash >= 0 else b"/"
    return None


def request_target(environ: Mapping[str, Any]) -> Tuple[bytes, Optional[bytes]]:
    """(path, query) to validate: the raw path as sent when the server provides it and it
    agrees with SCRIPT_NAME + PATH_INFO, else those encoded again; the query is QUERY_STRING
    (None when empty). See the module documentation for why."""
    routed = _wsgi_bytes(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) or b"/"
    query = _wsgi_bytes(environ.get("QUERY_STRING") or "") or None
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = _origin_path(_wsgi_bytes(raw))
        if path is not None and unquote_to_bytes(path) == routed:
            return path, query
    return quote(routed, safe=_PATH_SAFE).encode("ascii"), query


def request_headers(environ: Mapping[str, Any]) -> List[Tuple[bytes, bytes]]:
    """The request's headers as (name, value) bytes pairs, from HTTP_* plus CONTENT_TYPE and
    CONTENT_LENGTH. Names come back upper-case with "-" (HTTP names are case-insensitive)."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            # Some servers repeat the two CGI headers as HTTP_*; count them once.
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if not value:  # CGI sets them to "" when the request has none
                continue
            name = key
        else:
            continue
        headers.append((name.replace("_", "-").encode("latin-1"), _wsgi_bytes(str(value))))
    return headers


# ------------------------------------------------------------------ the body

# How a body is to be read: not at all, declared too large, exactly n bytes, or up to the end
# of a stream that the server terminates.
_NO_BODY, _TOO_LARGE, _EXACT, _TO_END = range(4)


def _body_plan(environ: Mapping[str, Any], limit: int) -> Tuple[int, Optional[int]]:
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    declared = environ.get("CONTENT_LENGTH")
    if declared and not chunked:  # Transfer-Encoding overrides Content-Length (RFC 9112 6.3)
        declared = declared.strip()
        if not (declared.isascii() and declared.isdigit()):
            return _NO_BODY, None  # servers refuse these; never guess where such a body ends
        length = int(declared)
        return (_TOO_LARGE if length > limit else _EXACT), length
    if environ.get("wsgi.input_terminated"):
        return _TO_END, None
    return _NO_BODY, None


def _framed(environ: Mapping[str, Any]) -> bool:
    """Whether the request announced a body (Content-Length or Transfer-Encoding): an empty
    body read from an unannounced one is no body at all."""
    return bool(environ.get("CONTENT_LENGTH") or environ.get("HTTP_TRANSFER_ENCODING"))


def _read_at_most(stream: Any, size: int) -> bytes:
    parts = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


class _PrefixedStream:
    """A wsgi.input that yields bytes already read from a stream, then the rest of it: what
    shadow mode hands on after reading part of an oversized body."""

    def __init__(self, prefix: bytes, stream: Any) -> None:
        self._prefix = io.BytesIO(prefix)
        self._stream = stream

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            # Sized reads only: PEP 3333 does not promise read() without an argument.
            rest = iter(lambda: self._stream.read(_READ_CHUNK), b"")
            return self._prefix.read() + b"".join(rest)
        data = self._prefix.read(size)
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data

    def readline(self, size: Optional[int] = -1) -> bytes:
        line = self._prefix.readline(-1 if size is None else size)
        if line.endswith(b"\n") or (size is not None and 0 <= size <= len(line)):
            return line
        rest = -1 if size is None or size < 0 else size - len(line)
        return line + self._stream.readline(rest)

    def readlines(self, hint: int = -1) -> List[bytes]:
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def _read_body(environ: Dict[str, Any], limit: int) -> Tuple[Optional[bytes], Optional[int], Any]:
    """(body, declared length, replacement input stream or None), reading at most limit + 1
    bytes. The replacement holds the whole body: a BytesIO, or a _PrefixedStream when the
    body turned out larger than the limit."""
    plan, length = _body_plan(environ, limit)
    if plan == _NO_BODY or plan == _TOO_LARGE:
        return None, length, None
    stream = environ.get("wsgi.input")
    if stream is None:
        stream = io.BytesIO()
    data = _read_at_most(stream, length if plan == _EXACT else limit + 1)
    if len(data) > limit:
        return data, length, _PrefixedStream(data, stream)
    if not data and not _framed(environ):
        return None, None, None  # nothing announced, nothing sent: no body, stream untouched
    return data, length, io.BytesIO(data)


# ------------------------------------------------------------------ answers and log records


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def problem_headers(result: RequestResult) -> List[Tuple[str, str]]:
    """The headers a rejection carries besides Content-Type: Allow on a 405 and
    WWW-Authenticate on a 401."""
    headers = []
    if result.status == 405 and result.allow:
        headers.append(("Allow", ", ".join(result.allow)))
    if result.status == 401 and result.www_authenticate:
        headers.append(("WWW-Authenticate", result.www_authenticate))
    return headers


def contract_break_problem(response_result: RequestResult, response_status: int) -> Dict[str, Any]:
    """The 500 problem document that replaces a response breaking the contract: the
    validator's document with status 500 and the status the application answered."""
    problem = response_result.to_problem()
    detail = problem.get("detail")
    problem.update(
        title="Internal Server Error",
        status=500,
        detail=("the response does not match the API description"
                + (f": {detail}" if detail else "")),
        response_status=response_status,
    )
    return problem


def _text(value: Union[str, bytes]) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _log_fields(result: RequestResult, method: str, path: Union[str, bytes]) -> Dict[str, Any]:
    return {
        "specgate_method": method,
        "specgate_path": _text(path),
        "specgate_status": result.status,
        "specgate_reason": result.reason,
        "specgate_operation_id": result.operation_id,
        "specgate_route": result.route,
        "specgate_errors": [
            {"location": e.location, "name": e.name, "pointer": e.pointer,
             "keyword": e.keyword, "schema_pointer": e.schema_pointer, "message": e.message}
            for e in result.errors
        ],
    }


def log_rejection(result: RequestResult, method: str, path: Union[str, bytes], *,
                  shadow: bool) -> None:
    """Logs a rejected request on the "specgate" logger: WARNING in shadow mode (it was let
    through), INFO otherwise. The record carries specgate_method, specgate_path (no query: it
    may hold an API key), specgate_status, specgate_reason, specgate_operation_id,
    specgate_route, specgate_errors (a list of dicts) and specgate_shadow. No header, query or
    body value is logged."""
    level = logging.WARNING if shadow else logging.INFO
    if not logger.isEnabledFor(level):
        return
    fields = _log_fields(result, method, path)
    fields["specgate_shadow"] = shadow
    logger.log(level, "%s %s %s %s (%s)%s", "would reject" if shadow else "rejected",
               method, fields["specgate_path"], result.status, result.reason,
               _first_error(result), extra=fields)


def log_contract_break(response_result: RequestResult, method: str, path: Union[str, bytes],
                       response_status: int, *, enforced: bool) -> None:
    """Logs a response that breaks the contract, at WARNING, with the fields of log_rejection
    (specgate_status is the validator's 502) plus specgate_response_status and
    specgate_enforced (whether the response was replaced by a 500)."""
    if not logger.isEnabledFor(logging.WARNING):
        return
    fields = _log_fields(response_result, method, path)
    fields["specgate_response_status"] = response_status
    fields["specgate_enforced"] = enforced
    logger.warning("response %s to %s %s breaks the contract%s", response_status, method,
                   fields["specgate_path"], _first_error(response_result), extra=fields)


def _first_error(result: RequestResult) -> str:
    errors = result.errors
    if not errors:
        return ""
    first = errors[0]
    where = f"{first.location} {first.name}".strip()
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f": {where}: {first.message}{more}"


# ------------------------------------------------------------------ the middleware


class ValidationMiddleware:
    """Wraps a WSGI application; see the module documentation.

    ValidationMiddleware(app, spec, *, mode=None, max_body_bytes=None,
                         ignore_trailing_slash=None, format_assertion=None,
                         credential_check=None, max_depth=None, log_only=False,
                         exempt=None, validate_responses=False,
                         reject_invalid_responses=False)

    spec: a compiled Spec, a path to a .yaml/.json file, or a dict. The compile options
        (None: the library's defaults: mode "fast", max_body_bytes 1048576, ...) apply when
        the spec is compiled here; a compiled Spec must not be given different ones.
    log_only: shadow mode: forward every request, log those that would be rejected.
    exempt: callable(environ) -> bool; true skips validation (environ["specgate.result"] is
        then None), e.g. lambda environ: environ["PATH_INFO"].startswith("/static/").
    validate_responses: check the responses to valid requests (buffers each response).
    reject_invalid_responses: answer 500 instead of a response breaking the contract.

    Safe to share across threads; the `spec` attribute is the compiled Spec.
    """

    def __init__(
        self,
        app: WSGIApp,
        spec: SpecSource,
        *,
        mode: Optional[str] = None,
        max_body_bytes: Optional[int] = None,
        ignore_trailing_slash: Optional[bool] = None,
        format_assertion: Optional[bool] = None,
        credential_check: Optional[Callable[[Any], bool]] = None,
        max_depth: Optional[int] = None,
        log_only: bool = False,
        exempt: Optional[Callable[[Dict[str, Any]], bool]] = None,
        validate_responses: bool = False,
        reject_invalid_responses: bool = False,
    ) -> None:
        self.app = app
        self.spec = load_spec(spec, mode=mode, max_body_bytes=max_body_bytes,
                              ignore_trailing_slash=ignore_trailing_slash,
                              format_assertion=format_assertion,
                              credential_check=credential_check, max_depth=max_depth)
        self.log_only = log_only
        self.exempt = exempt
        self.validate_responses = validate_responses
        self.reject_invalid_responses = reject_invalid_responses
        self._limit = int(self.spec.options["max_body_bytes"])

    def __call__(self, environ: Dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.exempt is not None and self.exempt(environ):
            environ[RESULT_KEY] = None
            return self.app(environ, start_response)

        method = environ.get("REQUEST_METHOD", "GET")
        path, query = request_target(environ)
        body, declared, replacement = _read_body(environ, self._limit)
        result = self.spec.validate_request(method, path, query, request_headers(environ), body,
                                            content_length=declared)
        if replacement is not None:
            environ["wsgi.input"] = replacement
            if isinstance(replacement, io.BytesIO):
                environ["CONTENT_LENGTH"] = str(len(body))
        environ[RESULT_KEY] = result

        if not result.ok:
            log_rejection(result, method, path, shadow=self.log_only)
            if not self.log_only:
                return self._answer(start_response, result.status, result.problem_json(),
                                    problem_headers(result))
        elif self.validate_responses:
            return self._call_validating(environ, start_response, method, path)
        return self.app(environ, start_response)

    @staticmethod
    def _answer(start_response: StartResponse, status: int, body: bytes,
                headers: List[Tuple[str, str]]) -> List[bytes]:
        start_response(_status_line(status), [
            ("Content-Type", PROBLEM_JSON), ("Content-Length", str(len(body))), *headers])
        return [body]

    def _call_validating(self, environ: Dict[str, Any], start_response: StartResponse,
                         method: str, path: bytes) -> List[bytes]:
        started: List[Any] = []
        chunks: List[bytes] = []

        def capture(status: str, headers: List[Tuple[str, str]], exc_info: Any = None):
            # Nothing is sent before the whole response is buffered, so a second call (an
            # error page after an exception) simply replaces the first.
            started[:] = [status, headers, exc_info]
            return chunks.append

        app_iter = self.app(environ, capture)
        try:
            for chunk in app_iter:
                chunks.append(chunk)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        if not started:
            raise RuntimeError("the WSGI application returned without calling start_response")
        status_line, headers, exc_info = started
        body = b"".join(chunks)
        status = int(status_line.split(None, 1)[0])

        # A HEAD response has no body to check; its headers and status still count.
        checked_body = None if method.upper() == "HEAD" else body
        verdict = self.spec.validate_response(method, path, status, headers, checked_body)
        environ[RESPONSE_RESULT_KEY] = verdict
        if not verdict.ok:
            enforce = self.reject_invalid_responses and not self.log_only
            log_contract_break(verdict, method, path, status, enforced=enforce)
            if enforce:
                problem = json.dumps(contract_break_problem(verdict, status)).encode("utf-8")
                return self._answer(start_response, 500, problem, [])
        start_response(status_line, headers, exc_info)
        return [body]
