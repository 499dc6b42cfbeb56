"""Spec.from_file / from_text / from_dict, SpecError and the Spec's own properties."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import yaml

import specgate
from conftest import BEARER, BROKEN, CLINIC, SPECS

PETS_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def test_from_file_yaml(clinic):
    assert isinstance(clinic, specgate.Spec)
    assert clinic.openapi_version == "3.0.3"
    assert clinic.dialect == "oas3.0"
    assert clinic.memory_bytes > 0
    ids = {op.operation_id for op in clinic.operations}
    assert {"health", "listPatients", "createPatient", "getPatient"} <= ids
    health = next(op for op in clinic.operations if op.operation_id == "health")
    assert (health.method, health.path) == ("get", "/health")
    assert not health.secured and not health.has_body
    create = next(op for op in clinic.operations if op.operation_id == "createPatient")
    assert create.method == "post" and create.has_body and create.secured
    assert "createPatient" in repr(create)
    assert "OpenAPI 3.0.3" in repr(clinic)


def test_from_file_accepts_path_objects_and_json(tmp_path: Path):
    path = tmp_path / "pets.json"
    path.write_text(json.dumps(PETS_31))
    spec = specgate.Spec.from_file(path)  # a pathlib.Path
    assert spec.openapi_version == "3.1.0"
    assert spec.dialect == "oas3.1"
    assert specgate.Spec.from_file(str(path)).validate_request("GET", "/pets/3").ok
    result = spec.validate_request("GET", "/pets/0")
    assert result.status == 400 and result.errors[0].keyword == "minimum"


def test_from_file_yml_extension(tmp_path: Path):
    path = tmp_path / "pets.yml"
    path.write_text(yaml.safe_dump(PETS_31))
    assert specgate.Spec.from_file(path).validate_request("GET", "/pets/1").operation_id == "getPet"


def test_from_file_split_spec_resolves_relative_refs():
    main = SPECS / "split" / "main.yaml"
    if not main.exists():
        pytest.skip("tests/data/specs/split/main.yaml not present")
    spec = specgate.Spec.from_file(main)
    assert spec.operations


def test_from_text_str_and_bytes(clinic_text):
    for text in (clinic_text, clinic_text.encode("utf-8"), bytearray(clinic_text.encode())):
        spec = specgate.Spec.from_text(text)
        assert spec.validate_request("GET", "/v1/health").operation_id == "health"


def test_from_text_json():
    spec = specgate.Spec.from_text(json.dumps(PETS_31))
    assert spec.validate_request("GET", "/pets/2").ok


def test_from_text_base_uri_resolves_relative_refs():
    main = SPECS / "split" / "main.yaml"
    text = main.read_text()
    spec = specgate.Spec.from_text(text, base_uri=str(main))
    assert spec.operations
    with pytest.raises(specgate.SpecError) as no_base:
        specgate.Spec.from_text(text)
    assert "cannot resolve reference" in no_base.value.problems[0].message
    with pytest.raises(specgate.SpecError):
        specgate.Spec.from_text(text, base_uri=str(main), load_external_files=False)


def test_error_schema_pointers(clinic):
    result = clinic.validate_request("GET", "/v1/patients?limit=0", headers=BEARER)
    assert result.errors[0].schema_pointer.endswith(
        "/paths/~1patients/get/parameters/0/schema/minimum")


def test_from_dict():
    spec = specgate.Spec.from_dict(PETS_31)
    assert spec.validate_request("GET", "/pets/5").path_params == {"id": 5}
    clinic = specgate.Spec.from_dict(yaml.safe_load(CLINIC.read_text()))
    assert clinic.validate_request("GET", "/v1/health").ok


def test_from_dict_rejects_non_json_values():
    with pytest.raises(TypeError):
        specgate.Spec.from_dict({"openapi": "3.1.0", "info": object()})
    with pytest.raises(TypeError):
        specgate.Spec.from_dict({1: "non-string key"})
    with pytest.raises(TypeError):
        specgate.Spec.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]
    cyclic: dict = {"openapi": "3.1.0"}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError):
        specgate.Spec.from_dict(cyclic)


def test_spec_error_lists_every_problem_with_positions():
    with pytest.raises(specgate.SpecError) as info:
        specgate.Spec.from_file(BROKEN)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, specgate.SchemaError)  # as in C++: SpecError derives SchemaError
    problems = error.problems
    assert len(problems) == 5
    assert all(isinstance(p, specgate.Problem) for p in problems)
    assert all(p.line > 0 and p.column > 0 for p in problems)
    messages = " | ".join(p.message for p in problems)
    assert 'needs "name" and "in"' in messages
    assert 'no security scheme named "nobody"' in messages
    assert "look-behind" in messages
    assert "cannot resolve reference" in messages
    by_line = {p.line: p for p in problems}
    assert by_line[8].pointer == "/paths/~1a~1{id}/get/parameters/1"
    assert by_line[8].column == 11
    assert by_line[22].pointer == "/paths/~1b/post/security/0/nobody"
    text = str(error)
    assert text.startswith("invalid spec: 5 problems")
    for p in problems:
        assert str(p) in text
    assert "8:11: /paths/~1a~1{id}/get/parameters/1: " in text


def test_spec_error_from_text_and_dict():
    broken = BROKEN.read_text()
    with pytest.raises(specgate.SpecError) as from_text:
        specgate.Spec.from_text(broken)
    assert len(from_text.value.problems) == 5
    with pytest.raises(specgate.SpecError) as from_dict:
        specgate.Spec.from_dict(yaml.safe_load(broken))
    assert len(from_dict.value.problems) == 5
    assert all(p.line == 0 for p in from_dict.value.problems)  # no source positions


def test_spec_error_for_unreadable_and_malformed_input(tmp_path: Path):
    with pytest.raises(specgate.SpecError) as missing:
        specgate.Spec.from_file(tmp_path / "nope.yaml")
    assert "cannot open" in missing.value.problems[0].message
    with pytest.raises(specgate.SpecError) as malformed:
        specgate.Spec.from_text("{ not json: [")
    assert malformed.value.problems
    with pytest.raises(specgate.SpecError) as not_an_object:
        specgate.Spec.from_text("- a\n- b\n")
    assert not_an_object.value.problems[0].message == "an OpenAPI document must be an object"
    with pytest.raises(specgate.SpecError) as swagger:
        specgate.Spec.from_text('swagger: "2.0"\n')
    assert "OpenAPI 3" in swagger.value.problems[0].message
    with pytest.raises(specgate.SpecError):
        specgate.Spec.from_text(b"")


def test_spec_error_is_picklable():
    with pytest.raises(specgate.SpecError) as info:
        specgate.Spec.from_file(BROKEN)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.problems == info.value.problems
    assert str(copy) == str(info.value)


def test_spec_limits_at_load():
    with pytest.raises(specgate.SpecError):
        specgate.Spec.from_file(CLINIC, max_spec_bytes=100)


def test_spec_cannot_be_constructed_directly():
    with pytest.raises(TypeError):
        specgate.Spec()
    with pytest.raises(TypeError):
        specgate.Spec(0, str(CLINIC))


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        specgate.Spec.from_file(CLINIC, colour="blue")  # type: ignore[call-arg]


def test_bad_option_values():
    with pytest.raises(ValueError):
        specgate.Spec.from_file(CLINIC, mode="thorough")
    with pytest.raises(TypeError):
        specgate.Spec.from_file(CLINIC, credential_check=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        specgate.Spec.from_file(CLINIC, max_body_bytes=-1)


def test_options_are_reported():
    check = lambda credential: True  # noqa: E731
    spec = specgate.Spec.from_file(CLINIC, mode="all", max_body_bytes=10,
                                   ignore_trailing_slash=True, format_assertion=False,
                                   credential_check=check, max_depth=7)
    assert spec.options == {
        "mode": "all", "max_body_bytes": 10, "ignore_trailing_slash": True,
        "format_assertion": False, "credential_check": check, "max_depth": 7,
        "max_errors": 100, "max_headers": 256, "max_header_bytes": 65536,
        "max_query_parameters": 1024,
    }
    defaults = specgate.Spec.from_file(CLINIC).options
    assert defaults["mode"] == "fast"
    assert defaults["max_body_bytes"] == 1048576
    assert defaults["ignore_trailing_slash"] is False
    assert defaults["format_assertion"] is None
    assert defaults["credential_check"] is None
    assert defaults["max_depth"] == 256


def test_spec_is_immutable(clinic):
    with pytest.raises(AttributeError):
        clinic.mode = "all"  # type: ignore[attr-defined]


def test_from_dict_accepts_any_mapping():
    from types import MappingProxyType

    spec = specgate.Spec.from_dict(MappingProxyType(PETS_31))
    assert spec.validate_request("GET", "/pets/1").ok
