"""Spec.validate_request / validate_response: argument forms and the result object."""

from __future__ import annotations

import array
import gc
import json

import pytest

import specgate
from conftest import BEARER, CLINIC, PATIENT, POST_HEADERS


def post(spec, body, headers=POST_HEADERS, **kwargs):
    return spec.validate_request("POST", "/v1/patients", headers=headers, body=body, **kwargs)


# ------------------------------------------------------------------ bodies


@pytest.mark.parametrize("make", [
    bytes, bytearray, memoryview, lambda b: b.decode("utf-8"),
    lambda b: memoryview(bytearray(b)), lambda b: memoryview(b"xx" + b + b"yy")[2:-2],
], ids=["bytes", "bytearray", "memoryview", "str", "memoryview-of-bytearray", "memoryview-slice"])
def test_body_types(clinic, make):
    assert post(clinic, make(PATIENT)).ok
    invalid = post(clinic, make(b'{"name": "Rex", "species": "parrot"}'))
    assert invalid.status == 400
    assert invalid.errors[0].pointer == "/species"


def test_str_body_is_utf8(clinic):
    assert post(clinic, '{"name": "Rüdiger ☃", "species": "cat"}').ok
    # maxLength counts characters, not bytes: 40 snowmen are 120 bytes but 40 characters.
    assert post(clinic, '{"name": "' + "☃" * 40 + '", "species": "cat"}').ok
    assert post(clinic, '{"name": "' + "☃" * 41 + '", "species": "cat"}').status == 400


def test_numbers_that_crashed_rapidjson_are_plain_zeros(clinic):
    # "0." and 375 zeros read out of bounds in RapidJSON 1.1.0's strtod (docs/hardening.md,
    # bug 10): a worker crash from one request body. Now it is the number 0.
    zeros = "0." + "0" * 375
    result = post(clinic, '{"name": "Rex", "species": "dog", "weight_kg": %s}' % zeros)
    assert result.status in (200, 400)
    assert all(error.keyword != "json" for error in result.errors)
    schema = specgate.Schema('{"const": 0}')
    assert schema.is_valid(zeros)
    assert schema.is_valid("-" + zeros)


def test_bytearray_is_not_resized_during_validation(clinic):
    body = bytearray(PATIENT)
    assert post(clinic, body).ok
    body.extend(b" ")  # the buffer was released after the call
    assert post(clinic, body).ok


def test_non_contiguous_buffer_is_rejected(clinic):
    with pytest.raises((BufferError, TypeError, ValueError)):
        post(clinic, memoryview(PATIENT)[::2])


def test_other_body_types_are_rejected(clinic):
    for body in (42, {"name": "Rex"}, ["x"]):
        with pytest.raises(TypeError):
            post(clinic, body)


def test_array_buffer_body(clinic):
    # Any exporter of the buffer protocol: here an array of bytes.
    assert post(clinic, array.array("b", PATIENT)).ok


def test_body_none_versus_empty(clinic):
    missing = post(clinic, None)
    assert missing.status == 400 and missing.errors[0].keyword == "required"
    empty = post(clinic, b"")
    assert empty.status == 400
    assert clinic.validate_request("GET", "/v1/health").ok  # no body, none declared
    assert clinic.validate_request("GET", "/v1/health", headers={"Content-Type": "text/plain"},
                                   body=b"x").status == 415


def test_content_length(clinic):
    result = clinic.validate_request("POST", "/v1/patients", headers=POST_HEADERS,
                                     content_length=5_000_000)
    assert result.status == 413 and result.reason == "body_too_large"
    with pytest.raises(ValueError):
        clinic.validate_request("POST", "/v1/patients", content_length=-1)
    with pytest.raises(TypeError):
        clinic.validate_request("POST", "/v1/patients", content_length="10")
    with pytest.raises(TypeError):
        clinic.validate_request("POST", "/v1/patients", None, None, None, 10)  # keyword only


# ------------------------------------------------------------------ headers


class MultiHeaders:
    """A werkzeug-like mapping: several values per name, items() yields every pair."""

    def __init__(self, pairs):
        self._pairs = list(pairs)

    def items(self):
        return iter(self._pairs)

    def __iter__(self):
        return iter(self._pairs)


@pytest.mark.parametrize("headers", [
    POST_HEADERS,
    list(POST_HEADERS.items()),
    tuple(POST_HEADERS.items()),
    [list(p) for p in POST_HEADERS.items()],
    MultiHeaders(POST_HEADERS.items()),
    {k.encode(): v.encode() for k, v in POST_HEADERS.items()},
    [(k.lower(), v) for k, v in POST_HEADERS.items()],
], ids=["dict", "list", "tuple", "lists", "mapping-items", "bytes", "lowercase"])
def test_header_forms(clinic, headers):
    assert post(clinic, PATIENT, headers=headers).ok


def test_header_generator_and_repeated_names(clinic):
    pairs = ((k, v) for k, v in POST_HEADERS.items())
    assert post(clinic, PATIENT, headers=pairs).ok
    # Cookies: several Cookie headers, parameters found across them.
    result = clinic.validate_request("GET", "/v1/patients", headers=MultiHeaders(
        [("Authorization", "Bearer t"), ("Cookie", "theme=dark"), ("Cookie", "session=abcd1234")]))
    assert result.ok, result.to_dict()


def test_many_headers(clinic):
    headers = [(f"X-Extra-{i}", "v") for i in range(100)] + list(POST_HEADERS.items())
    assert post(clinic, PATIENT, headers=headers).ok


def test_bad_headers(clinic):
    for headers in (["Authorization"], [("a", "b", "c")], [("a", 1)], 42, [(None, "x")]):
        with pytest.raises(TypeError):
            post(clinic, PATIENT, headers=headers)


# ------------------------------------------------------------------ method, path, query


def test_method_path_query_forms(clinic):
    assert clinic.validate_request(b"GET", b"/v1/health").ok
    assert clinic.validate_request("get", "/v1/health").ok
    with_query = clinic.validate_request("GET", "/v1/patients?limit=7", headers=BEARER)
    separate = clinic.validate_request("GET", "/v1/patients", "limit=7", BEARER)
    keyword = clinic.validate_request("GET", "/v1/patients", query=b"limit=7", headers=BEARER)
    for result in (with_query, separate, keyword):
        assert result.ok and result.query_params == {"limit": 7}


def test_argument_errors(clinic):
    with pytest.raises(TypeError, match="missing required argument 'path'"):
        clinic.validate_request("GET")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        clinic.validate_request("GET", "/", colour=1)
    with pytest.raises(TypeError, match="multiple values for argument 'path'"):
        clinic.validate_request("GET", "/", path="/")
    with pytest.raises(TypeError, match="at most 5 positional"):
        clinic.validate_request("GET", "/", None, None, None, None)
    with pytest.raises(TypeError):
        clinic.validate_request(None, "/")
    with pytest.raises(TypeError):
        clinic.validate_request("GET", 42)
    # Every argument by keyword.
    assert clinic.validate_request(method="GET", path="/v1/health", query=None, headers=None,
                                   body=None, content_length=None).ok


# ------------------------------------------------------------------ results


def test_ok_result(clinic):
    result = post(clinic, PATIENT)
    assert result.ok is True and bool(result) is True
    assert result.status == 200
    assert result.reason == "none"
    assert result.errors == []
    assert result.operation_id == "createPatient"
    assert result.route == "/patients"
    assert result.method == "post"
    assert result.allow == []
    assert result.www_authenticate == ""
    assert result.parameters == {"path": {}, "query": {}, "header": {}, "cookie": {}}
    assert result.path_params == {} and result.query_params == {}
    assert result.parameters_decoded
    assert "200" in repr(result) and "createPatient" in repr(result)


def test_result_types():
    assert specgate.RequestResult.__name__ == "RequestResult"
    with pytest.raises(TypeError):
        specgate.RequestResult()


def test_error_result(clinic):
    result = clinic.validate_request("GET", "/v1/patients/0", headers=BEARER)
    assert not result and result.status == 400 and result.reason == "invalid_request"
    (error,) = result.errors
    assert isinstance(error, specgate.RequestError)
    assert error.location == "path"
    assert error.name == "patientId"
    assert error.pointer == ""
    assert error.keyword == "minimum"
    assert error.schema_pointer.endswith("/schema/minimum")
    assert error.message
    assert "patientId" in repr(error)
    assert result.path_params == {"patientId": 0}
    problem = result.to_problem()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Bad Request"
    assert problem["status"] == 400
    assert 'path parameter "patientId"' in problem["detail"]
    assert problem["errors"][0]["keyword"] == "minimum"
    assert json.loads(result.problem_json()) == problem
    full = result.to_dict()
    assert full["parameters"]["path"] == {"patientId": 0}
    assert json.loads(result.json()) == full


def test_route_errors(clinic):
    unknown = clinic.validate_request("GET", "/nowhere")
    assert unknown.status == 404 and unknown.reason == "unknown_route"
    assert unknown.errors[0].location == "route"
    assert unknown.operation_id == "" and unknown.route == ""
    assert not unknown.parameters_decoded
    assert unknown.parameters == {"path": {}, "query": {}, "header": {}, "cookie": {}}
    assert "parameters" not in unknown.to_dict()
    wrong_method = clinic.validate_request("PUT", "/v1/patients")
    assert wrong_method.status == 405 and sorted(wrong_method.allow) == ["GET", "POST"]


def test_unauthorized(clinic):
    result = clinic.validate_request("GET", "/v1/patients")
    assert result.status == 401 and result.reason == "unauthorized"
    assert result.www_authenticate == 'Bearer realm="api"'
    assert result.errors[0].location == "security"


def test_typed_parameters(clinic):
    result = clinic.validate_request(
        "GET", "/v1/patients?limit=10&species=dog&species=cat&near=1.5%202.5&verbose=true"
               "&filter[weight_min]=3.5",
        headers={**BEARER, "X-Request-Id": "6f1c1d2e-8b0a-4c3e-9f5d-2a7b8c9d0e1f",
                 "Cookie": "session=abcd1234"})
    assert result.ok, result.to_dict()
    assert result.parameters == {
        "path": {},
        "query": {"limit": 10, "species": ["dog", "cat"], "near": [1.5, 2.5], "verbose": True,
                  "filter": {"weight_min": 3.5}},
        "header": {"X-Request-Id": "6f1c1d2e-8b0a-4c3e-9f5d-2a7b8c9d0e1f"},
        "cookie": {"session": "abcd1234"},
    }
    assert result.parameters is result.parameters  # built once, on first read
    assert result.query_params["limit"] == 10


def test_results_are_independent_of_later_calls(clinic):
    # The thread's C++ validator is reused by the next call; each Python result has its copy.
    first = clinic.validate_request("GET", "/v1/patients/5", headers=BEARER)
    second = clinic.validate_request("GET", "/v1/patients/abc", headers=BEARER)
    third = clinic.validate_request("GET", "/v1/nowhere")
    assert first.ok and first.path_params == {"patientId": 5}
    assert second.status == 400 and second.errors[0].keyword == "type"
    assert third.status == 404
    assert first.operation_id == "getPatient" and second.operation_id == "getPatient"


def test_result_outlives_its_spec():
    spec = specgate.Spec.from_file(CLINIC)
    result = spec.validate_request("GET", "/v1/patients/0", headers=BEARER)
    del spec
    gc.collect()
    # route and operation_id are views into the compiled spec, which the result keeps alive.
    assert result.route == "/patients/{patientId}"
    assert result.operation_id == "getPatient"
    assert result.to_problem()["route"] == "/patients/{patientId}"


def test_errors_list_is_a_copy(clinic):
    result = clinic.validate_request("GET", "/nowhere")
    errors = result.errors
    errors.clear()
    assert len(result.errors) == 1


def test_invalid_utf8_in_parameters_is_replaced(clinic):
    result = clinic.validate_request("GET", "/v1/search?q=%FF%FE", headers=BEARER)
    # Whatever the C++ layer decides, reading the result never raises.
    result.parameters
    result.to_dict()
    result.errors


# ------------------------------------------------------------------ responses


def test_validate_response(clinic):
    ok = clinic.validate_response("GET", "/v1/patients", 200,
                                  {"Content-Type": "application/json", "X-Total-Count": "1"},
                                  b'[{"id": 1, "name": "Rex", "species": "dog"}]')
    assert ok.ok and ok.operation_id == "listPatients"
    bad = clinic.validate_response("GET", "/v1/patients", 200,
                                   headers=[("Content-Type", "application/json")], body="[]")
    assert bad.status == 502 and bad.reason == "invalid_response"
    assert bad.errors[0].name == "X-Total-Count"
    as_keywords = clinic.validate_response(method="POST", path="/v1/patients", status=500)
    assert as_keywords.status == 502
    with pytest.raises(TypeError):
        clinic.validate_response("GET", "/v1/patients")
    with pytest.raises(TypeError):
        clinic.validate_response("GET", "/v1/patients", "200")
    with pytest.raises(ValueError):
        clinic.validate_response("GET", "/v1/patients", 42)
