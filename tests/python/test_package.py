"""The package itself: exports, documentation, typing files, and stubs that match the module."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import specgate
from specgate import _core

PACKAGE = Path(specgate.__file__).parent


def test_exports():
    for name in specgate.__all__:
        assert hasattr(specgate, name), name
    assert issubclass(specgate.SpecError, ValueError)
    assert issubclass(specgate.SchemaError, ValueError)
    assert issubclass(specgate.ValidationError, ValueError)
    assert issubclass(specgate.Spec, _core.Spec)
    assert issubclass(specgate.Schema, _core.Schema)
    assert specgate.DIALECTS == ("draft4", "draft6", "draft7", "2019-09", "2020-12", "oas3.0",
                                 "oas3.1")
    assert specgate.__version__


def test_documentation_names_every_option_and_default():
    doc = specgate.__doc__
    for text in ('mode="fast"', "max_body_bytes=1048576", "ignore_trailing_slash=False",
                 "format_assertion=None", "credential_check=None", "max_depth=256",
                 "max_errors=100", "validate_request(", "validate_response(", "to_problem()",
                 "python -m specgate"):
        assert text in doc, text
    defaults = inspect.signature(specgate.Spec.from_file).parameters
    for name in ("mode", "max_body_bytes", "ignore_trailing_slash", "format_assertion",
                 "credential_check", "max_depth"):
        assert f"{name}={defaults[name].default!r}".replace("'", '"') in doc, name
    for method in (specgate.Spec.from_text, specgate.Spec.from_dict):
        assert {k: v.default for k, v in inspect.signature(method).parameters.items()
                if v.kind is v.KEYWORD_ONLY} == {
            k: v.default for k, v in defaults.items() if v.kind is v.KEYWORD_ONLY}
    assert _core.Spec.validate_request.__doc__.startswith("Validates a raw HTTP request")
    assert str(inspect.signature(specgate.Spec.validate_request)) == (
        "(self, /, method, path, query=None, headers=None, body=None, *, content_length=None)")


def test_typing_files_are_installed():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "_core.pyi").is_file()


def _stub_classes():
    tree = ast.parse((PACKAGE / "_core.pyi").read_text())
    classes = {}
    functions = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif isinstance(node, ast.FunctionDef):
            functions.add(node.name)
    return classes, functions


def test_stubs_match_the_module():
    classes, functions = _stub_classes()
    runtime_classes = {name for name, value in vars(_core).items()
                       if isinstance(value, type) and not name.startswith("_")}
    assert set(classes) == runtime_classes
    runtime_functions = {name for name, value in vars(_core).items()
                         if callable(value) and not isinstance(value, type)
                         and not name.startswith("_")}
    assert functions == runtime_functions
    for name, members in classes.items():
        runtime = {m for m in dir(getattr(_core, name)) if not m.startswith("_")}
        stubbed = {m for m in members if not m.startswith("_")}
        assert stubbed == runtime, name
