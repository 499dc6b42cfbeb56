"""The data-driven request and response cases of tests/data/requests/*.json, through Python.

The same files drive the C++ suite (tests/openapi_cases_test.cc); here each case goes through
Spec.validate_request / validate_response, so the binding's conversion of methods, targets,
headers, bodies, options and results is checked against what the C++ layer is known to return.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

import specgate
from conftest import DATA, SPECS, load_json

CASE_FILES = sorted((DATA / "requests").glob("*.json"))


def _cases():
    for path in CASE_FILES:
        document = load_json(path)
        for index, case in enumerate(document["cases"]):
            yield pytest.param(path.name, document, case, id=f"{path.stem}/{index}:{case['name']}")


@lru_cache(maxsize=None)
def _spec(name: str, options: str) -> specgate.Spec:
    return specgate.Spec.from_file(SPECS / name, **json.loads(options))


def _run(document, case) -> specgate.RequestResult:
    options = json.dumps(case.get("options", {}), sort_keys=True)
    spec = _spec(document["spec"], options)
    is_response = "response" in case
    message = case["response"] if is_response else case["request"]
    headers = [] if is_response else [tuple(p) for p in document.get("default_headers", [])]
    headers += [tuple(p) for p in message.get("headers", [])]
    body = None
    if "body" in message:
        body = message["body"].encode("utf-8")
    elif "body_repeat" in message:
        repeat = message["body_repeat"]
        body = (repeat["prefix"] * repeat["count"] + repeat["suffix"] * repeat["count"]).encode()
    if is_response:
        return spec.validate_response(message["method"], message["target"], message["status"],
                                      headers, body)
    return spec.validate_request(message["method"], message["target"], message.get("query"),
                                 headers, body, content_length=message.get("content_length"))


@pytest.mark.parametrize("file_name, document, case", list(_cases()))
def test_case(file_name, document, case):
    result = _run(document, case)
    expect = case["expect"]
    context = result.to_dict()
    if "status" in expect:
        assert result.status == expect["status"], context
        assert result.ok == (expect["status"] == 200)
        assert bool(result) == result.ok
    if "reason" in expect:
        assert result.reason == expect["reason"], context
    if "operation_id" in expect:
        assert result.operation_id == expect["operation_id"], context
    if "route" in expect:
        assert result.route == expect["route"], context
    if "allow" in expect:
        assert sorted(result.allow) == sorted(expect["allow"]), context  # order unspecified
    if "www_authenticate" in expect:
        assert result.www_authenticate == expect["www_authenticate"], context
    for part in expect.get("www_authenticate_contains", []):
        assert part in result.www_authenticate, context
    if "error_count" in expect:
        assert len(result.errors) == expect["error_count"], context
    for wanted in expect.get("errors", []):
        assert any(all(getattr(e, key) == value for key, value in wanted.items())
                   for e in result.errors), (wanted, context)
    if "parameters" in expect:
        assert result.parameters_decoded
        for group, values in expect["parameters"].items():
            for name, value in values.items():
                actual = result.parameters[group][name]
                assert actual == value and type(actual) is type(value), (group, name, context)
    for text in expect.get("problem_excludes", []):
        assert text not in json.dumps(result.to_problem())
        assert text.encode() not in result.json()
        assert all(text not in e.message for e in result.errors)
    # The renderings agree with the attributes.
    assert context["status"] == result.status
    assert context["reason"] == result.reason
    assert len(context["errors"]) == len(result.errors)
    for rendered, error in zip(context["errors"], result.errors):
        assert rendered["location"] == error.location
        assert rendered["keyword"] == error.keyword
        assert rendered["pointer"] == error.pointer
        assert rendered.get("name", "") == error.name
        assert rendered.get("schema_pointer", "") == error.schema_pointer
        assert rendered["message"] == error.message
    problem = result.to_problem()
    assert problem["status"] == result.status
    assert json.loads(result.problem_json()) == problem


def test_case_files_found():
    assert len(CASE_FILES) >= 6
