"""The binding against the shared reference data: the official JSON-Schema-Test-Suite (every
case, required, optional and format (asserted), through both is_valid(text) and
is_valid_object(value)) and the real-world specs. Skips when ../shared is absent (fails under
CI=true); see conftest.find_shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import specgate
from conftest import find_shared, require_shared

DRAFTS = {"draft4": "draft4", "draft6": "draft6", "draft7": "draft7",
          "draft2019-09": "2019-09", "draft2020-12": "2020-12"}
REMOTES_BASE = "http://localhost:1234/"


def _suite_files():
    shared = find_shared()
    if shared is None:
        return [pytest.param(None, None, id="shared-data-missing")]
    tests = shared / "JSON-Schema-Test-Suite" / "tests"
    params = []
    for folder, dialect in DRAFTS.items():
        for path in sorted((tests / folder).rglob("*.json")):
            name = path.relative_to(tests / folder).as_posix()
            params.append(pytest.param(path, dialect, id=f"{folder}/{name}"))
    return params


def _spec_files():
    shared = find_shared()
    if shared is None:
        return [pytest.param(None, id="shared-data-missing")]
    return [pytest.param(p, id=p.name) for p in sorted((shared / "specs").iterdir())
            if p.suffix in (".json", ".yaml", ".yml")]


_resources_cache = {}


def _resources(shared: Path) -> dict:
    """The suite's remotes (as served from localhost:1234) and the metaschemas, by URI."""
    if "all" not in _resources_cache:
        resources = {}
        remotes = shared / "JSON-Schema-Test-Suite" / "remotes"
        for path in sorted(remotes.rglob("*")):
            if path.is_file():
                resources[REMOTES_BASE + path.relative_to(remotes).as_posix()] = path.read_bytes()
        for path in sorted((shared / "metaschemas").rglob("*")):
            is_vocabulary = path.parent.name == "vocabularies"
            if not path.is_file() or not (path.suffix == ".json" or
                                          (is_vocabulary and not path.suffix)):
                continue
            text = path.read_bytes()
            document = json.loads(text)
            uri = document.get("$id") or document.get("id") if isinstance(document, dict) else None
            if uri:
                resources[uri.rstrip("#")] = text
        _resources_cache["all"] = resources
    return _resources_cache["all"]


def _needs_resources(schema) -> bool:
    text = json.dumps(schema)
    return "localhost:1234" in text or "json-schema.org" in text or "$schema" in text


@pytest.mark.parametrize("path, dialect", _suite_files())
def test_json_schema_suite(path, dialect):
    shared = require_shared()
    failures = []
    count = 0
    # The suite's format tests expect formats asserted; the dialects only annotate by default.
    format_assertion = True if "format" in path.parent.parts[-1:] else None
    for group in json.loads(path.read_text(encoding="utf-8")):
        resources = _resources(shared) if _needs_resources(group["schema"]) else None
        schema = specgate.Schema(group["schema"], dialect=dialect, resources=resources,
                                 format_assertion=format_assertion)
        for case in group["tests"]:
            count += 1
            text = json.dumps(case["data"])
            as_text = schema.is_valid(text.encode())
            as_object = schema.is_valid_object(case["data"])
            if as_text != case["valid"] or as_object != case["valid"]:
                failures.append(f"{group['description']} / {case['description']}: expected "
                                f"{case['valid']}, text {as_text}, object {as_object}")
            # The exhaustive mode agrees with the fast mode.
            assert (schema.iter_errors(text) == []) == as_text, case["description"]
    assert count > 0
    assert failures == []


@pytest.mark.parametrize("path", _spec_files())
def test_real_world_spec_loads(path):
    require_shared()
    spec = specgate.Spec.from_file(path)
    assert spec.operations or "webhook" in path.name, path.name  # webhooks only: no paths
    assert spec.openapi_version.startswith("3.")
    again = specgate.Spec.from_text(path.read_bytes(), base_uri=str(path))
    assert len(again.operations) == len(spec.operations)
    # Every operation's own path routes to it (parameters may then fail validation).
    for op in spec.operations[:50]:
        target = op.path.replace("{", "").replace("}", "")
        result = spec.validate_request(op.method.upper(), target)
        assert result.status != 405, (op, result.to_dict())
