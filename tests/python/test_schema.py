"""specgate.Schema: compile options, dialects, resources, errors and instance forms."""

from __future__ import annotations

import json
import math

import pytest

import specgate

PERSON = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def person() -> specgate.Schema:
    return specgate.Schema(PERSON)


@pytest.mark.parametrize("source", [PERSON, json.dumps(PERSON), json.dumps(PERSON).encode(),
                                    bytearray(json.dumps(PERSON).encode())],
                         ids=["dict", "str", "bytes", "bytearray"])
def test_schema_sources(source):
    schema = specgate.Schema(source)
    assert schema.is_valid(b'{"name": "Ada"}')
    assert not schema.is_valid(b'{"age": 3}')
    assert schema.dialect == "2020-12"


def test_boolean_schemas():
    assert specgate.Schema(True).is_valid(b"[1, 2]")
    assert not specgate.Schema(False).is_valid(b"1")
    assert specgate.Schema("true").is_valid(b"null")


@pytest.mark.parametrize("make", [bytes, bytearray, memoryview, lambda b: b.decode()],
                         ids=["bytes", "bytearray", "memoryview", "str"])
def test_instance_forms(person, make):
    assert person.is_valid(make(b'{"name": "Ada", "age": 36, "tags": ["x"]}'))
    assert not person.is_valid(make(b'{"name": "Ada", "age": -1}'))
    assert person.iter_errors(make(b'{"name": "Ada"}')) == []
    assert len(person.iter_errors(make(b'{"name": "", "age": -1, "x": 1}'))) == 3


def test_malformed_json_is_invalid(person):
    assert not person.is_valid(b'{"name": ')
    (error,) = person.iter_errors(b'{"name": ')
    assert error.keyword == "json"
    assert not person.is_valid(b"")
    assert not person.is_valid(b'{"name": "Ada"} trailing')


def test_instance_type_errors(person):
    with pytest.raises(TypeError):
        person.is_valid({"name": "Ada"})  # objects go through is_valid_object
    with pytest.raises(TypeError):
        person.is_valid(None)
    with pytest.raises(TypeError):
        person.is_valid()  # type: ignore[call-arg]
    assert person.is_valid(instance=b'{"name": "Ada"}')


def test_errors_describe_the_failure(person):
    errors = person.iter_errors(b'{"name": "", "age": -1, "tags": [1]}')
    by_pointer = {e.instance_pointer: e for e in errors}
    assert set(by_pointer) == {"/name", "/age", "/tags/0"}
    assert by_pointer["/age"].keyword == "minimum"
    assert by_pointer["/age"].schema_pointer.endswith("/properties/age/minimum")
    assert by_pointer["/age"].pointer == "/age"
    assert by_pointer["/tags/0"].keyword == "type"
    assert all(isinstance(e, specgate.InstanceError) and e.message for e in errors)
    assert "/age" in repr(by_pointer["/age"])


def test_validate_raises_validation_error(person):
    person.validate(b'{"name": "Ada"}')
    with pytest.raises(specgate.ValidationError) as info:
        person.validate(b'{"age": -1}')
    error = info.value
    assert isinstance(error, ValueError)
    assert {e.keyword for e in error.errors} == {"required", "minimum"}
    assert "(and 1 more error)" in str(error)
    with pytest.raises(specgate.ValidationError):
        person.validate_object({"age": "x"})
    person.validate_object({"name": "Ada"})


def test_max_errors():
    schema = specgate.Schema({"items": {"type": "string"}}, max_errors=3)
    assert schema.max_errors == 3
    assert len(schema.iter_errors(json.dumps(list(range(10))))) == 3
    assert len(specgate.Schema({"items": {"type": "string"}}).iter_errors(
        json.dumps(list(range(10))))) == 10


# ------------------------------------------------------------------ Python values


def test_is_valid_object(person):
    assert person.is_valid_object({"name": "Ada", "age": 36, "tags": ["a", "b"]})
    assert person.is_valid_object({"name": "Ada", "tags": ("a", "b")})  # tuples are arrays
    assert not person.is_valid_object({"name": "Ada", "age": 36.5})
    assert not person.is_valid_object({"name": "Ada", "age": True})  # bool is not an integer
    assert not person.is_valid_object({"name": 1})
    assert not person.is_valid_object(["name"])
    assert person.iter_errors_object({"name": "Ada"}) == []
    assert [e.keyword for e in person.iter_errors_object({})] == ["required"]


@pytest.mark.parametrize("value, schema, expected", [
    (None, {"type": "null"}, True),
    (True, {"type": "boolean"}, True),
    (False, {"const": False}, True),
    (0, {"const": False}, False),
    (1.0, {"type": "integer"}, True),
    (2 ** 63, {"type": "integer", "minimum": 0}, True),
    (-(2 ** 63), {"type": "integer", "maximum": 0}, True),
    (2 ** 70, {"type": "number", "minimum": 2 ** 69}, True),
    (-(2 ** 70), {"type": "number", "maximum": 0}, True),
    ("☃", {"type": "string", "maxLength": 1}, True),
    ({"a": {"b": [1, {"c": None}]}}, {"properties": {"a": {"properties": {"b": {"minItems": 2}}}}},
     True),
], ids=lambda v: repr(v)[:20])
def test_object_conversion(value, schema, expected):
    compiled = specgate.Schema(schema)
    assert compiled.is_valid_object(value) is expected
    assert compiled.is_valid(json.dumps(value)) is expected


def test_object_conversion_errors(person):
    with pytest.raises(ValueError):
        person.is_valid_object({"name": "Ada", "age": math.nan})
    with pytest.raises(ValueError):
        person.is_valid_object({"name": "Ada", "age": math.inf})
    with pytest.raises(TypeError):
        person.is_valid_object({"name": {"a", "b"}})
    with pytest.raises(TypeError):
        person.is_valid_object({1: "x"})
    with pytest.raises(TypeError):
        person.is_valid_object(b"bytes are not JSON values")
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError):
        person.is_valid_object(cycle)
    with pytest.raises(ValueError):
        person.iter_errors_object(cycle)


def test_max_depth():
    schema = specgate.Schema({}, max_depth=5)
    assert schema.max_depth == 5
    assert schema.is_valid(b"[[[[1]]]]")
    assert not schema.is_valid(b"[[[[[[[[1]]]]]]]]")
    assert schema.iter_errors(b"[[[[[[[[1]]]]]]]]")[0].keyword == "json"
    assert schema.is_valid_object([[[[1]]]])
    with pytest.raises(ValueError):
        schema.is_valid_object([[[[[[[[1]]]]]]]])


# ------------------------------------------------------------------ dialects


def test_dialect_from_schema_keyword():
    draft7 = specgate.Schema({"$schema": "http://json-schema.org/draft-07/schema#",
                              "items": [{"type": "integer"}]})
    assert draft7.dialect == "draft7"
    assert not draft7.is_valid(b'["x"]')  # items as an array is positional in draft 7


@pytest.mark.parametrize("dialect", specgate.DIALECTS)
def test_dialect_names(dialect):
    assert specgate.Schema({"type": "integer"}, dialect=dialect).dialect == dialect


def test_dialect_semantics():
    exclusive = {"minimum": 0, "exclusiveMinimum": True}
    assert not specgate.Schema(exclusive, dialect="draft4").is_valid(b"0")
    assert specgate.Schema(exclusive, dialect="draft4").is_valid(b"1")
    assert not specgate.Schema(exclusive, dialect="oas3.0").is_valid(b"0")
    with pytest.raises(specgate.SchemaError):
        specgate.Schema(exclusive, dialect="2020-12")  # exclusiveMinimum must be a number
    nullable = {"type": "string", "nullable": True}
    assert specgate.Schema(nullable, dialect="oas3.0").is_valid(b"null")
    assert not specgate.Schema(nullable, dialect="2020-12").is_valid(b"null")
    prefix = {"prefixItems": [{"type": "integer"}], "items": False}
    assert specgate.Schema(prefix).is_valid(b"[1]")
    assert not specgate.Schema(prefix).is_valid(b"[1, 2]")
    # $schema wins over the dialect argument, which only sets the default.
    assert specgate.Schema({"$schema": "http://json-schema.org/draft-04/schema#"},
                           dialect="2020-12").dialect == "draft4"


def test_unknown_dialect():
    with pytest.raises(ValueError, match="unknown dialect"):
        specgate.Schema({}, dialect="draft3000")


# ------------------------------------------------------------------ formats


def test_format_assertion():
    email = {"type": "string", "format": "email"}
    assert specgate.Schema(email).is_valid(b'"nope"')  # annotation only in 2020-12
    assert not specgate.Schema(email, format_assertion=True).is_valid(b'"nope"')
    assert specgate.Schema(email, format_assertion=True).is_valid(b'"a@example.com"')
    assert not specgate.Schema(email, dialect="oas3.1").is_valid(b'"nope"')  # asserted
    assert specgate.Schema(email, dialect="oas3.1", format_assertion=False).is_valid(b'"nope"')


# ------------------------------------------------------------------ resources


DEFS = {"$id": "https://example.test/defs.json",
        "$defs": {"positive": {"type": "integer", "minimum": 1}}}


@pytest.mark.parametrize("document", [DEFS, json.dumps(DEFS), json.dumps(DEFS).encode()],
                         ids=["dict", "str", "bytes"])
def test_resources(document):
    schema = specgate.Schema({"items": {"$ref": "https://example.test/defs.json#/$defs/positive"}},
                             resources={"https://example.test/defs.json": document})
    assert schema.is_valid(b"[1, 2]")
    assert not schema.is_valid(b"[0]")
    (error,) = schema.iter_errors(b"[0]")
    assert error.instance_pointer == "/0" and error.keyword == "minimum"


def test_relative_ref_with_base_uri():
    schema = specgate.Schema({"$ref": "defs.json#/$defs/positive"},
                             base_uri="https://example.test/root.json",
                             resources={"https://example.test/defs.json": DEFS})
    assert schema.is_valid(b"3") and not schema.is_valid(b"-3")


def test_missing_resource_is_a_schema_error():
    with pytest.raises(specgate.SchemaError) as info:
        specgate.Schema({"$ref": "https://example.test/missing.json"})
    assert info.value.problems
    assert "missing.json" in str(info.value)


def test_bad_resources():
    with pytest.raises(specgate.SchemaError):
        specgate.Schema({}, resources={"https://example.test/x.json": "{not json"})
    with pytest.raises(TypeError):
        specgate.Schema({}, resources=["https://example.test/x.json"])
    with pytest.raises(TypeError):
        specgate.Schema({}, resources={"https://example.test/x.json": object()})


# ------------------------------------------------------------------ bad schemas


def test_schema_error_lists_every_problem():
    bad = {"properties": {"a": {"type": "integr"}, "b": {"minimum": "x"},
                          "c": {"pattern": "(?<=x)y"}}}
    with pytest.raises(specgate.SchemaError) as info:
        specgate.Schema(bad)
    error = info.value
    assert isinstance(error, ValueError) and not isinstance(error, specgate.SpecError)
    pointers = {p.pointer.split("#")[-1] for p in error.problems}
    assert pointers == {"/properties/a/type", "/properties/b/minimum", "/properties/c/pattern"}
    assert str(error).startswith("invalid schema: 3 problems")


def test_schema_error_positions_from_text():
    with pytest.raises(specgate.SchemaError) as info:
        specgate.Schema('{\n  "type": "integr"\n}')
    (problem,) = info.value.problems
    assert problem.message
    with pytest.raises(specgate.SchemaError):
        specgate.Schema("{not json")


def test_schema_type_errors():
    for source in (42, None, ["type"], 1.5):
        with pytest.raises(TypeError):
            specgate.Schema(source)  # type: ignore[arg-type]


def test_schema_repr_and_subclass():
    schema = specgate.Schema({"type": "integer"}, dialect="draft7")
    assert repr(schema) == "<specgate.Schema dialect='draft7'>"
    assert isinstance(schema, specgate._core.Schema)
