"""Flask extension: every request is checked against an OpenAPI document before its view runs.

    from flask import Flask, g, request
    from specgate.flask import SpecGate

    app = Flask(__name__)
    app.config["SPECGATE_SPEC"] = "openapi.yaml"
    gate = SpecGate(app)                 # or gate = SpecGate(); gate.init_app(app)

    @app.post("/v1/patients")
    def create_patient():
        patient = request.get_json()     # the body is still there
        ...                              # g.specgate: the RequestResult (operation_id,
                                         # path_params, parameters...)

    @app.get("/metrics")
    @gate.exempt                         # not validated; g.specgate is None
    def metrics(): ...

A request the document does not allow never reaches its view: the extension answers with an
RFC 9457 problem document (`application/problem+json`, from RequestResult.problem_json()) and
the validator's status: 404 unknown route, 405 method not allowed (with `Allow`), 401 missing
credentials (with `WWW-Authenticate`), 413 body too large, 415 unsupported media type, 400
invalid parameters or body.

Configuration
-------------

Read by init_app, which compiles the document once:

=================================  =========  ================================================
SPECGATE_SPEC                      None       a compiled specgate.Spec, or the path of a .yaml
                                              or .json file (or a dict); required unless
                                              SpecGate(spec=...) is given, which wins
SPECGATE_MODE                      None       "fast" (first error) or "all" (every error);
                                              None: the library's default, "fast"
SPECGATE_MAX_BODY_BYTES            None       larger bodies are a 413; None: 1048576
SPECGATE_IGNORE_TRAILING_SLASH     None       True lets "/pets/" match "/pets"; None: False
SPECGATE_CREDENTIAL_CHECK          None       callable(credential) -> bool, see specgate.Spec
=================================  =========  ================================================

The four compile options apply when the extension compiles the document; a compiled Spec
keeps its own, and setting one of them to another value raises ValueError.

Read on every request, so they may be changed after init_app (in tests, say):

=================================  =========  ================================================
SPECGATE_LOG_ONLY                  False      shadow mode: nothing is rejected; each request
                                              that would have been is logged on the
                                              "specgate" logger at WARNING (fields:
                                              specgate.wsgi.log_rejection) and its view runs
                                              with the failed result in g.specgate
SPECGATE_EXEMPT                    ()         endpoint names ("health", "admin.index") or view
                                              functions that are not validated; see also the
                                              @gate.exempt decorator
SPECGATE_VALIDATE_RESPONSES        None       check each response of a valid request with
                                              Spec.validate_response; None: app.testing
=================================  =========  ================================================

The verdict is left in g.specgate_response. A response that breaks the contract is logged at
WARNING (specgate.wsgi.log_contract_break). When app.testing is true (and not in
shadow mode) it is also replaced by a 500 problem document listing the errors, so a test that
checks the status catches the break; in production it is sent unchanged, since a contract
drift should be seen in logs, not turned into an outage. Streamed responses (send_file,
generators) are not checked: that would buffer them.

The request the validator sees
------------------------------

The same as specgate.wsgi.ValidationMiddleware, whose module documentation has the details:
the raw path from RAW_URI / REQUEST_URI when the server provides one that agrees with
SCRIPT_NAME + PATH_INFO (so `/labels/.a%2Eb` keeps its encoded dot), else SCRIPT_NAME +
PATH_INFO encoded again; the query from QUERY_STRING. Routing by Flask plays no part, so a
catch-all `/<path:path>` view is validated per request path like any other.

The body is read once, before the view, with request.get_data(cache=True), so the view reads it
again from the cache (get_data, get_json, form). A Content-Length above the limit is not read:
the 413 (or an earlier 404/405/401) is decided from the declared length. A body without a
Content-Length (chunked) is read up to the limit + 1 bytes when the server terminates the
stream (`wsgi.input_terminated`) and handed to the view the same way. Flask's own
MAX_CONTENT_LENGTH still applies while reading: a body above it ends in Flask's 413.

The validation hook runs before the app's other before_request functions, and the response
check after the app's other after_request functions, so it sees the final response. Every
method is validated, OPTIONS too: a CORS preflight passes only if the document declares it.

Thread safety: a SpecGate and the Spec it holds are shared by all requests; per-request state
lives on flask.g.
"""

from __future__ import annotations

import io
import json
from typing import Any, Callable, Dict, Optional, Set, Tuple, TypeVar

from flask import Flask, Response, current_app, g, request

from . import RequestResult, Spec
from .wsgi import (
    PROBLEM_JSON,
    _EXACT,
    _NO_BODY,
    _TOO_LARGE,
    _PrefixedStream,
    _body_plan,
    _framed,
    _read_at_most,
    contract_break_problem,
    load_spec,
    log_contract_break,
    log_rejection,
    problem_headers,
    request_headers,
    request_target,
)

__all__ = ["EXTENSION_KEY", "GateState", "SpecGate", "current_result"]

#: Key of the extension's state in app.extensions.
EXTENSION_KEY = "specgate"

_DEFAULTS: Dict[str, Any] = {
    "SPECGATE_SPEC": None,
    "SPECGATE_MODE": None,
    "SPECGATE_MAX_BODY_BYTES": None,
    "SPECGATE_IGNORE_TRAILING_SLASH": None,
    "SPECGATE_CREDENTIAL_CHECK": None,
    "SPECGATE_LOG_ONLY": False,
    "SPECGATE_EXEMPT": (),
    "SPECGATE_VALIDATE_RESPONSES": None,
}

View = TypeVar("View", bound=Callable[..., Any])


class GateState:
    """What init_app stores in app.extensions["specgate"]: the gate and the compiled spec."""

    __slots__ = ("gate", "spec", "max_body_bytes")

    def __init__(self, gate: "SpecGate", spec: Spec) -> None:
        self.gate = gate
        self.spec = spec
        self.max_body_bytes = int(spec.options["max_body_bytes"])


def current_result() -> Optional[RequestResult]:
    """The RequestResult of the current request (g.specgate): None when the endpoint is
    exempt or the extension did not run. Needs an application context."""
    return g.get("specgate")


class SpecGate:
    """The Flask extension; see the module documentation.

    SpecGate(app=None, spec=None): spec (a Spec, a path or a dict) overrides SPECGATE_SPEC.
    One SpecGate may serve several applications through init_app; each gets its own compiled
    spec in app.extensions["specgate"] (a GateState).
    """

    def __init__(self, app: Optional[Flask] = None, spec: Any = None) -> None:
        self._spec_source = spec
        self._exempt_views: Set[Callable[..., Any]] = set()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Compiles the spec from app.config and installs the hooks. Raises RuntimeError
        without a spec, specgate.SpecError for an invalid one."""
        config = app.config
        for name, default in _DEFAULTS.items():
            config.setdefault(name, default)
        source = self._spec_source if self._spec_source is not None else config["SPECGATE_SPEC"]
        if source is None:
            raise RuntimeError("specgate: set app.config['SPECGATE_SPEC'] (a Spec or a file "
                               "path) or pass SpecGate(spec=...)")
        spec = load_spec(source, mode=config["SPECGATE_MODE"],
                         max_body_bytes=config["SPECGATE_MAX_BODY_BYTES"],
                         ignore_trailing_slash=config["SPECGATE_IGNORE_TRAILING_SLASH"],
                         credential_check=config["SPECGATE_CREDENTIAL_CHECK"])
        app.extensions[EXTENSION_KEY] = GateState(self, spec)
        # First among the app's before_request functions (nothing should read the body or do
        # work for a request about to be refused), last among its after_request functions
        # (which run in reverse order), to check the response the client will get.
        app.before_request_funcs.setdefault(None, []).insert(0, self._before_request)
        app.after_request_funcs.setdefault(None, []).insert(0, self._after_request)

    def exempt(self, view: View) -> View:
        """Decorator: requests routed to this view are not validated (g.specgate is None).
        Place it above or below @app.route."""
        self._exempt_views.add(view)
        return view

    # -------------------------------------------------------------- hooks

    def _is_exempt(self, exempt: Any) -> bool:
        endpoint = request.endpoint
        if endpoint is None:
            return False  # Flask found no view: validate, so the client gets the problem
        view = current_app.view_functions.get(endpoint)
        if view is not None and view in self._exempt_views:
            return True
        if isinstance(exempt, str):
            exempt = (exempt,)
        return any(item == endpoint or (view is not None and item is view) for item in exempt)

    def _before_request(self) -> Optional[Response]:
        state: GateState = current_app.extensions[EXTENSION_KEY]
        config = current_app.config
        g.specgate = None
        if self._is_exempt(config["SPECGATE_EXEMPT"]):
            return None

        environ = request.environ
        method = request.method
        path, query = request_target(environ)
        body, declared = _read_body(state.max_body_bytes)
        result = state.spec.validate_request(method, path, query, request_headers(environ),
                                             body, content_length=declared)
        g.specgate = result
        if result.ok:
            return None
        shadow = bool(config["SPECGATE_LOG_ONLY"])
        log_rejection(result, method, path, shadow=shadow)
        if shadow:
            return None
        response = current_app.response_class(result.problem_json(), status=result.status,
                                              content_type=PROBLEM_JSON)
        for name, value in problem_headers(result):
            response.headers[name] = value
        return response

    def _after_request(self, response: Response) -> Response:
        result = g.get("specgate")
        if result is None or not result.ok:
            return response
        config = current_app.config
        enabled = config["SPECGATE_VALIDATE_RESPONSES"]
        if enabled is None:
            enabled = current_app.testing
        if not enabled or response.is_streamed:
            return response

        state: GateState = current_app.extensions[EXTENSION_KEY]
        method = request.method
        path, _ = request_target(request.environ)
        status = response.status_code
        verdict = state.spec.validate_response(method, path, status,
                                               list(response.headers.items()),
                                               response.get_data())
        g.specgate_response = verdict
        if verdict.ok:
            return response
        enforce = current_app.testing and not config["SPECGATE_LOG_ONLY"]
        log_contract_break(verdict, method, path, status, enforced=enforce)
        if not enforce:
            return response
        return current_app.response_class(
            json.dumps(contract_break_problem(verdict, status)), status=500,
            content_type=PROBLEM_JSON)


def _read_body(limit: int) -> Tuple[Optional[bytes], Optional[int]]:
    """(body, declared length) of the current request, reading at most limit + 1 bytes and
    leaving the whole body readable by the view."""
    environ = request.environ
    plan, length = _body_plan(environ, limit)
    if plan == _NO_BODY or plan == _TOO_LARGE:
        return None, length
    if plan == _EXACT:
        return request.get_data(cache=True), length
    # No Content-Length, and the server ends the stream with the body: read a bounded prefix.
    stream = request.stream
    data = _read_at_most(stream, limit + 1)
    if len(data) > limit:
        # Over the limit: the validator answers 413; in shadow mode the view still gets all.
        request.stream = _PrefixedStream(data, stream)
        return data, None
    request.stream = io.BytesIO(data)
    request.get_data(cache=True)
    if not data and not _framed(environ):
        return None, None
    return data, None
