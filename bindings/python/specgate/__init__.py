"""specgate: OpenAPI 3.0/3.1 request validation and JSON Schema validation, compiled.

An OpenAPI document (or a JSON Schema) is compiled once, in C++, into an immutable object;
validating a request or an instance then takes microseconds. All validation logic is the C++
library's; this package converts arguments and results.

Requests
--------

    import specgate

    spec = specgate.Spec.from_file("clinic.yaml")          # raises specgate.SpecError
    r = spec.validate_request(
        "POST", "/v1/patients",
        headers={"Authorization": "Bearer abc", "Content-Type": "application/json"},
        body=b'{"name": "Rex", "species": "dog"}',
    )
    if not r.ok:
        send(r.status, r.to_problem())                     # RFC 9457 problem document

`validate_request(method, path, query=None, headers=None, body=None, *, content_length=None)`

- path: the raw request path as sent, percent-encoded, possibly with "?query" (then leave
  query as None); query: the raw query string, when the path has none.
- headers: a dict, any mapping with items() (several values per name are fine), or
  (name, value) pairs; names and values str (sent as UTF-8) or bytes (sent as they are).
  Cookies go in the Cookie header.
- body: bytes, bytearray, memoryview (any buffer) or str, read in place without a copy;
  None when the request has no body.
- content_length: the declared Content-Length, when known before the body is read: more than
  max_body_bytes is a 413 without reading the body.

The result: `ok`, `status` (200, or by precedence 404 unknown route, 405 method not allowed,
401 missing credentials, 413 body too large, 415 unsupported media type, 400 invalid
parameters or body), `reason` ("unknown_route", "method_not_allowed", "unauthorized",
"body_too_large", "unsupported_media_type", "invalid_request"), `errors` (each with location
"route"/"security"/"path"/"query"/"header"/"cookie"/"body", name, pointer, keyword,
schema_pointer, message; messages never echo a credential), `operation_id`, `route`,
`method`, `path_params`, `parameters` (decoded and typed: {"path", "query", "header",
"cookie"}), `allow` (405), `www_authenticate` (401), `to_problem()`, `to_dict()`.

`validate_response(method, path, status, headers=None, body=None)` checks an upstream's
answer to a request: status 200 when it keeps the contract, 502 when not.

Spec options
------------

Keyword arguments of Spec.from_file, Spec.from_text and Spec.from_dict, with their defaults:

- mode="fast": stop at the first error; "all" collects every error (up to max_errors).
- max_body_bytes=1048576: larger bodies (or a larger content_length) are a 413.
- ignore_trailing_slash=False: True lets "/pets/" match "/pets" and back.
- format_assertion=None: formats are asserted (the OpenAPI dialects' default); False makes
  `format` an annotation only; True forces assertion.
- credential_check=None: a callable(credential) -> bool run for each credential that is
  present and well-formed (credential.scheme, .type, .http_scheme, .value); False rejects it
  (401). It runs with the GIL held, from the validating thread. A callback that raises an
  Exception rejects the credential; the exception is discarded, since it could carry the
  credential (KeyboardInterrupt and SystemExit propagate from validate_request).
- max_depth=256: deepest JSON nesting accepted in bodies and parameters.
- max_errors=100: errors kept in mode "all".
- max_headers=256, max_header_bytes=65536, max_query_parameters=1024: request limits (400).
- load_external_files=True: relative `$ref`s to other files are read (file-based specs).
- max_spec_bytes=67108864: larger documents are refused.
- max_ref_depth=64: `$ref` hops followed for one parameter or response.

JSON Schema
-----------

    schema = specgate.Schema({"type": "object", "required": ["id"]})
    schema.is_valid(b'{"id": 1}')            # JSON text: bytes, bytearray, memoryview or str
    schema.is_valid_object({"id": 1})        # a Python value
    schema.validate(b"{}")                   # raises specgate.ValidationError (.errors)
    schema.iter_errors(b"{}")                # every error, a list of InstanceError

`Schema(schema, dialect=None, resources=None, format_assertion=None, *, base_uri=None,
max_depth=256, max_errors=1000)`: schema is a dict, a bool or JSON text; dialect ("draft4",
"draft6", "draft7", "2019-09", "2020-12", "oas3.0", "oas3.1") is the dialect of a schema
without `$schema` (default 2020-12); resources maps URIs to documents (dict, str or bytes)
that `$ref` may point to; format_assertion None follows the dialect, True/False force it.
An uncompilable schema raises specgate.SchemaError listing every problem.

Threads
-------

Spec and Schema objects are immutable and may be shared by threads freely. The GIL is
released while C++ validates, so Python threads validate in parallel.

Command line
------------

`python -m specgate lint SPEC`, `routes SPEC`, `validate SPEC --method M --path P ...`: the
same program as the `specgate` executable.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional, Union

from . import _core
from ._core import Credential, InstanceError, Operation, RequestError, RequestResult
from ._errors import Problem, SchemaError, SpecError, ValidationError

__all__ = [
    "Credential",
    "InstanceError",
    "Operation",
    "Problem",
    "RequestError",
    "RequestResult",
    "Schema",
    "SchemaError",
    "Spec",
    "SpecError",
    "ValidationError",
    "DIALECTS",
]

__version__ = "0.1.0"

#: The dialect names Schema accepts.
DIALECTS = tuple(_core.dialect_names())

Buffer = Union[bytes, bytearray, memoryview, str]
CredentialCheck = Callable[[Credential], bool]


class Spec(_core.Spec):
    """A compiled OpenAPI 3.0/3.1 document with its request options.

    Immutable and safe to share across threads. Build one with from_file, from_text or
    from_dict; see the package documentation for the options. Methods:

    validate_request(method, path, query=None, headers=None, body=None, *,
                     content_length=None) -> RequestResult
    validate_response(method, path, status, headers=None, body=None) -> RequestResult

    Properties: openapi_version, dialect, operations (list of Operation), memory_bytes,
    options (dict).
    """

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use Spec.from_file(), Spec.from_text() or Spec.from_dict()")

    @classmethod
    def _compile(cls, kind: int, source: Any, base_uri: Optional[str],
                 options: Dict[str, Any]) -> "Spec":
        spec = cls.__new__(cls)
        _core.Spec.__init__(spec, kind, source, base_uri, **options)
        return spec

    @classmethod
    def from_file(
        cls,
        path: "Union[str, os.PathLike[str]]",
        *,
        mode: str = "fast",
        max_body_bytes: int = 1048576,
        ignore_trailing_slash: bool = False,
        format_assertion: Optional[bool] = None,
        credential_check: Optional[CredentialCheck] = None,
        max_depth: int = 256,
        max_errors: int = 100,
        max_headers: int = 256,
        max_header_bytes: int = 65536,
        max_query_parameters: int = 1024,
        load_external_files: bool = True,
        max_spec_bytes: int = 67108864,
        max_ref_depth: int = 64,
    ) -> "Spec":
        """Loads and compiles a .json, .yaml or .yml file; relative `$ref`s to other files
        resolve against it. Raises SpecError listing every problem (with lines and columns)."""
        return cls._compile(_core.SOURCE_FILE, os.fspath(path), None, dict(
            mode=mode, max_body_bytes=max_body_bytes,
            ignore_trailing_slash=ignore_trailing_slash, format_assertion=format_assertion,
            credential_check=credential_check, max_depth=max_depth, max_errors=max_errors,
            max_headers=max_headers, max_header_bytes=max_header_bytes,
            max_query_parameters=max_query_parameters, load_external_files=load_external_files,
            max_spec_bytes=max_spec_bytes, max_ref_depth=max_ref_depth))

    @classmethod
    def from_text(
        cls,
        text: Union[str, bytes, bytearray, memoryview],
        base_uri: Optional[str] = None,
        *,
        mode: str = "fast",
        max_body_bytes: int = 1048576,
        ignore_trailing_slash: bool = False,
        format_assertion: Optional[bool] = None,
        credential_check: Optional[CredentialCheck] = None,
        max_depth: int = 256,
        max_errors: int = 100,
        max_headers: int = 256,
        max_header_bytes: int = 65536,
        max_query_parameters: int = 1024,
        load_external_files: bool = True,
        max_spec_bytes: int = 67108864,
        max_ref_depth: int = 64,
    ) -> "Spec":
        """Compiles JSON or YAML text (str or bytes). base_uri: where the document lives (a
        file path or URI), for relative `$ref`s. Raises SpecError listing every problem."""
        return cls._compile(_core.SOURCE_TEXT, text, base_uri, dict(
            mode=mode, max_body_bytes=max_body_bytes,
            ignore_trailing_slash=ignore_trailing_slash, format_assertion=format_assertion,
            credential_check=credential_check, max_depth=max_depth, max_errors=max_errors,
            max_headers=max_headers, max_header_bytes=max_header_bytes,
            max_query_parameters=max_query_parameters, load_external_files=load_external_files,
            max_spec_bytes=max_spec_bytes, max_ref_depth=max_ref_depth))

    @classmethod
    def from_dict(
        cls,
        document: Mapping[str, Any],
        base_uri: Optional[str] = None,
        *,
        mode: str = "fast",
        max_body_bytes: int = 1048576,
        ignore_trailing_slash: bool = False,
        format_assertion: Optional[bool] = None,
        credential_check: Optional[CredentialCheck] = None,
        max_depth: int = 256,
        max_errors: int = 100,
        max_headers: int = 256,
        max_header_bytes: int = 65536,
        max_query_parameters: int = 1024,
        load_external_files: bool = True,
        max_spec_bytes: int = 67108864,
        max_ref_depth: int = 64,
    ) -> "Spec":
        """Compiles a document given as Python values (dicts, lists, str, int, float, bool,
        None), e.g. from yaml.safe_load or json.load. Problems carry no line numbers.
        Raises SpecError listing every problem."""
        if not isinstance(document, dict) and isinstance(document, Mapping):
            document = dict(document)
        return cls._compile(_core.SOURCE_OBJECT, document, base_uri, dict(
            mode=mode, max_body_bytes=max_body_bytes,
            ignore_trailing_slash=ignore_trailing_slash, format_assertion=format_assertion,
            credential_check=credential_check, max_depth=max_depth, max_errors=max_errors,
            max_headers=max_headers, max_header_bytes=max_header_bytes,
            max_query_parameters=max_query_parameters, load_external_files=load_external_files,
            max_spec_bytes=max_spec_bytes, max_ref_depth=max_ref_depth))

    def __repr__(self) -> str:
        return (f"<specgate.Spec OpenAPI {self.openapi_version}, "
                f"{len(self.operations)} operations, mode={self.options['mode']!r}>")


class Schema(_core.Schema):
    """A compiled JSON Schema: immutable, safe to share across threads.

    Schema(schema, dialect=None, resources=None, format_assertion=None, *, base_uri=None,
           max_depth=256, max_errors=1000)

    schema: a dict, a bool, or JSON text (str or bytes).
    dialect: the dialect of a schema that has no `$schema`: "draft4", "draft6", "draft7",
        "2019-09", "2020-12" (the default), "oas3.0" or "oas3.1".
    resources: {uri: document} for `$ref`s to other documents (dict, or JSON text as str or
        bytes); the engine never reads files or the network.
    format_assertion: None follows the dialect (annotation only, except the OpenAPI
        dialects); True or False forces it.
    base_uri: the retrieval URI of the schema, for relative `$id`s and `$ref`s.
    max_depth: deepest instance nesting accepted; max_errors: errors kept by iter_errors.

    Raises SchemaError listing every problem.

    Instances are JSON text (bytes, bytearray, memoryview or str), read in place: is_valid,
    validate, iter_errors. Python values go through is_valid_object, validate_object and
    iter_errors_object, converted in C++.
    """

    __slots__ = ()

    def __init__(
        self,
        schema: Union[Mapping[str, Any], bool, str, bytes],
        dialect: Optional[str] = None,
        resources: Optional[Mapping[str, Union[Mapping[str, Any], bool, str, bytes]]] = None,
        format_assertion: Optional[bool] = None,
        *,
        base_uri: Optional[str] = None,
        max_depth: int = 256,
        max_errors: int = 1000,
    ) -> None:
        super().__init__(schema, dialect, resources, format_assertion, base_uri=base_uri,
                         max_depth=max_depth, max_errors=max_errors)

    def validate(self, instance: Buffer) -> None:
        """Raises ValidationError, with every error in .errors, when the JSON text is invalid."""
        if not self.is_valid(instance):
            raise ValidationError(self.iter_errors(instance))

    def validate_object(self, instance: Any) -> None:
        """Raises ValidationError, with every error in .errors, when the Python value is invalid."""
        if not self.is_valid_object(instance):
            raise ValidationError(self.iter_errors_object(instance))

    def __repr__(self) -> str:
        return f"<specgate.Schema dialect={self.dialect!r}>"
