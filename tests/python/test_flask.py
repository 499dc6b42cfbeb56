"""specgate.flask.SpecGate end to end through Flask's test client, against the clinic spec
(tests/data/specs/clinic.yaml: paths under /v1 and /v2, bearer token required by default)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

flask = pytest.importorskip("flask")
from flask import Flask, g, jsonify, request  # noqa: E402

import specgate  # noqa: E402
from specgate.flask import EXTENSION_KEY, SpecGate, current_result  # noqa: E402

CLINIC = Path(__file__).resolve().parents[1] / "data" / "specs" / "clinic.yaml"
BEARER = {"Authorization": "Bearer token-123"}
PATIENT = {"name": "Rex", "species": "dog", "weight_kg": 31.5}
REX = {"id": 1, "name": "Rex", "species": "dog"}


def build(config=None, gate=None, testing=False):
    """The clinic API in Flask, with views that report what they received."""
    app = Flask(__name__)
    app.testing = testing
    app.config["SPECGATE_SPEC"] = str(CLINIC)
    app.config.update(config or {})
    gate = gate if gate is not None else SpecGate()
    gate.init_app(app)

    @app.get("/v1/health")
    def health():
        return "ok", 200, {"Content-Type": "text/plain"}

    @app.get("/v1/patients")
    def list_patients():
        # A contract break on request: ?break=1 leaves out the required X-Total-Count.
        headers = {} if request.args.get("break") else {"X-Total-Count": "1"}
        return jsonify([REX]), 200, headers

    @app.post("/v1/patients")
    def create_patient():
        result = g.specgate
        body = request.get_data()
        return jsonify({
            "operation_id": result.operation_id if result is not None else None,
            "ok": result.ok if result is not None else None,
            "raw": body.decode("latin-1"),
            "json": request.get_json(silent=True),
            "form": request.form.to_dict(),
        }), 201

    @app.get("/v1/patients/<int:patient_id>")
    def get_patient(patient_id):
        result = current_result()
        return jsonify(REX), 200, {"X-Path-Params": json.dumps(result.path_params)}

    @app.post("/v1/visits")
    def add_visit():
        return jsonify(form=request.form.to_dict(flat=False), params=g.specgate.parameters), 201

    @app.get("/v1/labels/<label>")
    def labels(label):
        return jsonify(g.specgate.path_params)

    @app.get("/metrics")
    @gate.exempt
    def metrics():
        return jsonify(result=repr(g.specgate))

    @app.get("/internal")
    def internal():
        return "internal"

    return app, gate


@pytest.fixture()
def app():
    return build()[0]


@pytest.fixture()
def client(app):
    return app.test_client()


def problem(response):
    assert response.mimetype == "application/problem+json"
    return json.loads(response.get_data())


# ------------------------------------------------------------------ every status


def test_valid_request_reaches_the_view_with_the_result(client):
    response = client.post("/v1/patients", json=PATIENT, headers=BEARER)
    assert response.status_code == 201
    seen = response.get_json()
    assert seen["operation_id"] == "createPatient" and seen["ok"] is True
    assert seen["json"] == PATIENT  # the body is still readable after validation


def test_result_is_on_g_and_current_result(client):
    response = client.get("/v1/patients/42", headers=BEARER)
    assert response.status_code == 200
    assert json.loads(response.headers["X-Path-Params"]) == {"patientId": 42}


def test_404(client):
    response = client.get("/v1/nope", headers=BEARER)
    assert response.status_code == 404
    assert problem(response)["reason"] == "unknown_route"


def test_404_for_a_path_flask_routes_but_the_spec_does_not(client):
    response = client.get("/internal")
    assert response.status_code == 404
    assert problem(response)["reason"] == "unknown_route"


def test_405_with_allow(client):
    response = client.put("/v1/patients", headers=BEARER)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert problem(response)["reason"] == "method_not_allowed"


def test_401_with_www_authenticate(client):
    response = client.get("/v1/patients")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert problem(response)["reason"] == "unauthorized"


def test_413():
    app, _ = build({"SPECGATE_MAX_BODY_BYTES": 32})
    response = app.test_client().post("/v1/patients", json=PATIENT, headers=BEARER)
    assert response.status_code == 413
    assert problem(response)["reason"] == "body_too_large"


class GuardedStream(io.RawIOBase):
    """A seekable input stream of `size` bytes (the test client measures it by seeking)
    that fails the test when read at all."""

    def __init__(self, size):
        self.size = size
        self.position = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        self.position = {0: 0, 1: self.position, 2: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        raise AssertionError("the request body was read")


def test_413_from_the_declared_length_without_reading():
    app, _ = build()
    response = app.test_client().post(
        "/v1/patients", input_stream=GuardedStream(50_000_000),
        headers={**BEARER, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert problem(response)["reason"] == "body_too_large"


def test_415(client):
    response = client.post("/v1/patients", data="a,b",
                           headers={**BEARER, "Content-Type": "text/csv"})
    assert response.status_code == 415
    assert problem(response)["reason"] == "unsupported_media_type"


def test_400_with_the_errors(client):
    response = client.post("/v1/patients", json={"name": "Rex", "species": "parrot"},
                           headers=BEARER)
    assert response.status_code == 400
    document = problem(response)
    assert document["status"] == 400 and document["reason"] == "invalid_request"
    [error] = document["errors"]
    assert (error["location"], error["pointer"], error["keyword"]) == ("body", "/species", "enum")


def test_400_for_a_parameter(client):
    response = client.get("/v1/patients/0", headers=BEARER)
    assert response.status_code == 400
    assert problem(response)["errors"][0]["name"] == "patientId"


# ------------------------------------------------------------------ the body


def test_form_body_is_parsed_by_the_view(client):
    response = client.post("/v1/visits", data={"room": "3", "vets": ["1", "2"]})
    assert response.status_code == 201
    seen = response.get_json()
    assert seen["form"] == {"room": ["3"], "vets": ["1", "2"]}


def test_raw_body_is_readable_by_the_view(client):
    body = b'{"name": "Rex",   "species": "cat"}'
    response = client.post("/v1/patients", data=body,
                           headers={**BEARER, "Content-Type": "application/json"})
    assert response.status_code == 201
    assert response.get_json()["raw"] == body.decode()


CHUNKED = {**BEARER, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
# As a server passes a chunked request: no Content-Length (the test client would set one),
# and a stream that ends with the body.
TERMINATED = {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""}


def test_chunked_body_is_validated_and_readable():
    app, _ = build()
    body = json.dumps(PATIENT).encode()
    response = app.test_client().post("/v1/patients", input_stream=io.BytesIO(body),
                                      headers=CHUNKED, environ_overrides=TERMINATED)
    assert response.status_code == 201
    assert response.get_json()["json"] == PATIENT


def test_oversized_chunked_body_is_413():
    app, _ = build({"SPECGATE_MAX_BODY_BYTES": 16})
    response = app.test_client().post("/v1/patients", input_stream=io.BytesIO(b" " * 1000),
                                      headers=CHUNKED, environ_overrides=TERMINATED)
    assert response.status_code == 413


def test_shadow_mode_hands_the_whole_oversized_chunked_body_to_the_view():
    app, _ = build({"SPECGATE_MAX_BODY_BYTES": 16, "SPECGATE_LOG_ONLY": True})
    body = json.dumps(PATIENT).encode()
    response = app.test_client().post("/v1/patients", input_stream=io.BytesIO(body),
                                      headers=CHUNKED, environ_overrides=TERMINATED)
    assert response.status_code == 201
    assert response.get_json()["json"] == PATIENT
    assert response.get_json()["ok"] is False


# ------------------------------------------------------------------ the raw path


def test_raw_path_keeps_percent_encoding(client):
    # In a label-style array "." separates items; an encoded dot does not.
    assert client.get("/v1/labels/.a%2Eb").get_json() == {"label": ["a.b"]}
    assert client.get("/v1/labels/.a.b").get_json() == {"label": ["a", "b"]}


def test_without_a_raw_uri_path_info_is_used(client):
    response = client.get("/v1/labels/.a%2Eb", environ_overrides={"RAW_URI": "", "REQUEST_URI": ""})
    assert response.get_json() == {"label": ["a", "b"]}


def test_raw_uri_that_disagrees_with_path_info_is_ignored(client):
    response = client.get("/v1/labels/.a.b", environ_overrides={"RAW_URI": "/v1/nope",
                                                                "REQUEST_URI": "/v1/nope"})
    assert response.status_code == 200


def test_catch_all_route():
    app = Flask(__name__)
    app.config["SPECGATE_SPEC"] = str(CLINIC)
    SpecGate(app)

    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def anything(path):
        return jsonify(path=path, operation_id=g.specgate.operation_id,
                       params=g.specgate.parameters, body=request.get_data(as_text=True))

    client = app.test_client()
    response = client.get("/v1/patients/7?limit=3", headers=BEARER)
    assert response.status_code == 200
    assert response.get_json()["operation_id"] == "getPatient"
    assert response.get_json()["params"]["path"] == {"patientId": 7}
    response = client.get("/v2/patients?limit=3&species=cat", headers=BEARER)
    assert response.get_json()["params"]["query"] == {"limit": 3, "species": ["cat"]}
    response = client.post("/v1/patients/7/notes", data="hello",
                           headers={**BEARER, "Content-Type": "text/plain"})
    assert response.get_json()["body"] == "hello"
    assert client.get("/v1/whatever/else").status_code == 404
    assert client.delete("/v1/health").status_code == 405


# ------------------------------------------------------------------ init_app and configuration


def test_init_app_pattern_serves_several_apps():
    gate = SpecGate()
    first, _ = build(gate=gate)
    second, _ = build({"SPECGATE_MODE": "all"}, gate=gate)
    assert first.extensions[EXTENSION_KEY].gate is gate
    assert second.extensions[EXTENSION_KEY].spec.options["mode"] == "all"
    assert first.extensions[EXTENSION_KEY].spec.options["mode"] == "fast"
    assert first.test_client().get("/v1/health").status_code == 200
    # The decorator registered on the shared gate applies to both applications.
    assert second.test_client().get("/metrics").status_code == 200


def test_constructor_with_app():
    app = Flask(__name__)
    app.config["SPECGATE_SPEC"] = str(CLINIC)
    gate = SpecGate(app)

    @app.get("/v1/health")
    def health():
        return "ok"

    assert app.extensions["specgate"].gate is gate
    assert app.test_client().get("/v1/health").status_code == 200


def test_config_defaults_are_documented_names():
    app, _ = build()
    for name, value in {"SPECGATE_MODE": None, "SPECGATE_MAX_BODY_BYTES": None,
                        "SPECGATE_IGNORE_TRAILING_SLASH": None, "SPECGATE_LOG_ONLY": False,
                        "SPECGATE_EXEMPT": (), "SPECGATE_VALIDATE_RESPONSES": None,
                        "SPECGATE_CREDENTIAL_CHECK": None}.items():
        assert app.config[name] == value, name
    assert app.extensions["specgate"].spec.options["max_body_bytes"] == 1048576


def test_mode_all_reports_every_error():
    app, _ = build({"SPECGATE_MODE": "all"})
    response = app.test_client().get("/v1/patients?limit=0&species=parrot", headers=BEARER)
    assert len(problem(response)["errors"]) == 2


def test_ignore_trailing_slash():
    def status(**config):
        app = Flask(__name__)
        app.config.update(SPECGATE_SPEC=str(CLINIC), **config)
        SpecGate(app)
        app.add_url_rule("/<path:path>", view_func=lambda path: "ok")
        return app.test_client().get("/v1/health/").status_code

    assert status(SPECGATE_IGNORE_TRAILING_SLASH=True) == 200
    assert status() == 404


def test_credential_check():
    app, _ = build({"SPECGATE_CREDENTIAL_CHECK": lambda credential: credential.value == "good"})
    client = app.test_client()
    assert client.get("/v1/patients", headers={"Authorization": "Bearer good"}).status_code == 200
    assert client.get("/v1/patients", headers={"Authorization": "Bearer bad"}).status_code == 401


def test_spec_object_in_config():
    spec = specgate.Spec.from_file(CLINIC, max_body_bytes=10)
    app, _ = build({"SPECGATE_SPEC": spec})
    assert app.extensions["specgate"].spec is spec
    response = app.test_client().post("/v1/patients", json=PATIENT, headers=BEARER)
    assert response.status_code == 413


def test_spec_argument_wins_over_config():
    spec = specgate.Spec.from_file(CLINIC)
    app, _ = build({"SPECGATE_SPEC": "/nonexistent.yaml"}, gate=SpecGate(spec=spec))
    assert app.extensions["specgate"].spec is spec


def test_compiled_spec_with_other_options_is_refused():
    spec = specgate.Spec.from_file(CLINIC)
    with pytest.raises(ValueError, match="mode"):
        build({"SPECGATE_SPEC": spec, "SPECGATE_MODE": "all"})


def test_missing_spec_is_an_error():
    with pytest.raises(RuntimeError, match="SPECGATE_SPEC"):
        SpecGate(Flask(__name__))


def test_invalid_spec_is_an_error():
    with pytest.raises(specgate.SpecError):
        build({"SPECGATE_SPEC": str(CLINIC.parent / "broken.yaml")})


# ------------------------------------------------------------------ exemptions


def test_exempt_decorator(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.get_json() == {"result": "None"}


def test_exempt_by_endpoint_name(app):
    app.config["SPECGATE_EXEMPT"] = ["internal"]
    assert app.test_client().get("/internal").get_data() == b"internal"


def test_exempt_by_view_function(app):
    app.config["SPECGATE_EXEMPT"] = [app.view_functions["internal"]]
    assert app.test_client().get("/internal").status_code == 200


def test_exempt_endpoint_is_only_that_endpoint(app):
    app.config["SPECGATE_EXEMPT"] = "internal"
    assert app.test_client().get("/v1/patients").status_code == 401


# ------------------------------------------------------------------ shadow mode


def test_shadow_mode_forwards_and_logs(app, caplog):
    app.config["SPECGATE_LOG_ONLY"] = True
    with caplog.at_level(logging.INFO, logger="specgate"):
        response = app.test_client().post(
            "/v1/patients?api_key=s3cret", json={"name": "Rex", "species": "parrot"},
            headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 201
    seen = response.get_json()
    assert seen["ok"] is False and seen["json"]["species"] == "parrot"
    [record] = caplog.records
    assert record.name == "specgate" and record.levelno == logging.WARNING
    assert record.specgate_shadow is True
    assert record.specgate_status == 400
    assert record.specgate_reason == "invalid_request"
    assert record.specgate_method == "POST"
    assert record.specgate_path == "/v1/patients"
    assert record.specgate_operation_id == "createPatient"
    assert record.specgate_errors[0]["pointer"] == "/species"
    logged = record.getMessage() + json.dumps(record.specgate_errors)
    assert "s3cret" not in logged


def test_shadow_mode_forwards_unknown_routes(app, caplog):
    app.config["SPECGATE_LOG_ONLY"] = True
    with caplog.at_level(logging.WARNING, logger="specgate"):
        response = app.test_client().get("/internal")
    assert response.status_code == 200
    assert caplog.records[0].specgate_status == 404


def test_enforced_rejections_log_at_info(client, caplog):
    with caplog.at_level(logging.INFO, logger="specgate"):
        client.get("/v1/patients")
    [record] = caplog.records
    assert record.levelno == logging.INFO and record.specgate_shadow is False


# ------------------------------------------------------------------ responses


def test_response_validation_is_on_when_testing(caplog):
    app, _ = build(testing=True)
    client = app.test_client()
    assert client.get("/v1/patients", headers=BEARER).status_code == 200
    with caplog.at_level(logging.WARNING, logger="specgate"):
        response = client.get("/v1/patients?break=1", headers=BEARER)
    assert response.status_code == 500
    document = problem(response)
    assert document["status"] == 500 and document["response_status"] == 200
    assert document["errors"][0]["name"] == "X-Total-Count"
    [record] = caplog.records
    assert record.specgate_enforced is True and record.specgate_response_status == 200


def test_valid_responses_pass_when_testing():
    app, _ = build(testing=True)
    client = app.test_client()
    assert client.get("/v1/health").status_code == 200
    assert client.get("/v1/patients/3", headers=BEARER).status_code == 200


def test_body_outside_the_response_schema_is_500_when_testing():
    # create_patient answers with a report of what it saw, not the Patient the spec promises.
    app, _ = build(testing=True)
    response = app.test_client().post("/v1/patients", json=PATIENT, headers=BEARER)
    assert response.status_code == 500
    errors = problem(response)["errors"]
    assert errors[0]["location"] == "body"


def test_response_validation_is_off_outside_testing(caplog):
    app, _ = build()
    with caplog.at_level(logging.WARNING, logger="specgate"):
        response = app.test_client().get("/v1/patients?break=1", headers=BEARER)
    assert response.status_code == 200
    assert caplog.records == []


def test_response_validation_outside_testing_only_logs(caplog):
    app, _ = build({"SPECGATE_VALIDATE_RESPONSES": True})
    with caplog.at_level(logging.WARNING, logger="specgate"):
        response = app.test_client().get("/v1/patients?break=1", headers=BEARER)
    assert response.status_code == 200 and response.get_json() == [REX]
    [record] = caplog.records
    assert record.specgate_enforced is False


def test_response_validation_can_be_turned_off_in_testing():
    app, _ = build({"SPECGATE_VALIDATE_RESPONSES": False}, testing=True)
    assert app.test_client().get("/v1/patients?break=1", headers=BEARER).status_code == 200


def test_rejected_requests_are_not_response_checked():
    app, _ = build(testing=True)
    response = app.test_client().get("/v1/patients")
    assert response.status_code == 401


# ------------------------------------------------------------------ hook order


def test_gate_runs_before_the_apps_other_hooks():
    app = Flask(__name__)
    seen = []

    @app.before_request
    def earlier():
        seen.append(g.get("specgate"))

    app.config["SPECGATE_SPEC"] = str(CLINIC)
    SpecGate(app)

    @app.get("/v1/health")
    def health():
        return "ok"

    app.test_client().get("/v1/health")
    assert len(seen) == 1 and seen[0] is not None and seen[0].ok
    assert app.test_client().get("/v1/nope").status_code == 404
    assert len(seen) == 1  # refused before the app's own hook ran
