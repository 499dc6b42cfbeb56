#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (fuzz/<target>_fuzzer.cc).

Two uses:

  fuzz/make_corpus.py --in-tree
      Rewrites the committed seeds in fuzz/corpus/<target>/: the small hand-written seeds
      below (seed-*) and seeds derived from this repository's tests/data (td-*). Files named
      regression-* are findings kept by hand and are never touched.

  fuzz/make_corpus.py OUT_DIR [--shared DIR]
      Writes OUT_DIR/<target>/ for a fuzzing run (fuzz/run.sh does this): the committed
      seeds, plus seeds derived at run time from the shared reference data (../shared, or
      $SPECGATE_SHARED, or --shared): every schema and instance of the JSON-Schema-Test-Suite
      and the real-world specs that are small enough. Nothing from the shared data is ever
      written into the repository.

Every seed file is named by a hash of its content, so reruns are stable and duplicates merge.
Only the standard library is used.
"""

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
SOURCE_DIR = FUZZ_DIR.parent
CORPUS_DIR = FUZZ_DIR / "corpus"
TARGETS = ("schema_compile", "instance_validate", "spec_load", "route_match", "request_validate",
           "access_log")

# Specs larger than this are not used as seeds: libFuzzer mutates small inputs far faster.
MAX_SHARED_SPEC_BYTES = 32 * 1024

# ------------------------------------------------------------------ hand-written seeds

SCHEMA_SEEDS = [
    '{}',
    'true',
    'false',
    '{"type": "integer", "minimum": 1, "maximum": 10, "multipleOf": 2}',
    '{"type": ["string", "null"], "minLength": 1, "maxLength": 3, "pattern": "^\\\\p{L}+$"}',
    '{"pattern": "(a+)+$"}',
    '{"pattern": "^(?:[a-z]|\\\\d){2,5}(?=x)?"}',
    '{"patternProperties": {"^x-[a-z]+$": {"type": "string"}}, "additionalProperties": false}',
    '{"$schema": "http://json-schema.org/draft-04/schema#", "id": "http://x.test/a",'
    ' "properties": {"a": {"$ref": "#"}}, "exclusiveMinimum": true, "minimum": 0}',
    '{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"a": {"$ref":'
    ' "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"}',
    '{"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}',
    '{"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}},'
    ' "$ref": "#/$defs/n"}',
    '{"$id": "https://x.test/root", "$dynamicAnchor": "meta", "items": {"$dynamicRef": "#meta"}}',
    '{"$schema": "https://json-schema.org/draft/2019-09/schema", "$recursiveAnchor": true,'
    ' "additionalProperties": {"$recursiveRef": "#"}}',
    '{"$id": "https://x.test/s", "$anchor": "top", "properties": {"a": {"$ref": "#top"},'
    ' "b": {"$ref": "s#/properties/a"}, "c": {"$ref": "https://x.test/s#top"}}}',
    '{"$ref": "http://unknown.test/schema.json"}',
    '{"$ref": "#/definitions/missing"}',
    '{"$ref": "#/%25escaped/~0tilde~1slash"}',
    '{"allOf": [{"type": "object"}], "anyOf": [{"required": ["a"]}, {"required": ["b"]}],'
    ' "oneOf": [{"minProperties": 1}, {"maxProperties": 0}], "not": {"const": {}}}',
    '{"if": {"properties": {"t": {"const": 1}}}, "then": {"required": ["x"]},'
    ' "else": {"required": ["y"]}}',
    '{"type": "array", "prefixItems": [{"type": "integer"}], "items": false,'
    ' "contains": {"type": "string"}, "minContains": 0, "maxContains": 2, "uniqueItems": true}',
    '{"items": [{}, {}], "additionalItems": {"type": "null"}}',
    '{"unevaluatedProperties": false, "properties": {"a": true},'
    ' "dependentSchemas": {"a": {"properties": {"b": true}}}}',
    '{"unevaluatedItems": {"type": "number"}, "prefixItems": [true], "allOf": [{"contains": true}]}',
    '{"dependencies": {"a": ["b"], "c": {"required": ["d"]}}, "propertyNames": {"maxLength": 3}}',
    '{"dependentRequired": {"a": ["b", "c"]}, "required": ["a"], "minProperties": 2}',
    '{"enum": [1, 1.0, "1", [1], {"1": 1}, null, true]}',
    '{"const": 12345678901234567890123}',
    '{"minimum": 1e400, "maximum": -1e400}',
    '{"multipleOf": 1e-320}',
    '{"multipleOf": 0}',
    '{"minLength": -1, "maxItems": 1.5, "required": "a", "type": "nope"}',
    '{"format": "date-time"}',
    '{"format": "email"}',
    '{"format": "idn-hostname"}',
    '{"format": "iri-reference"}',
    '{"format": "regex"}',
    '{"format": "duration"}',
    '{"contentEncoding": "base64", "contentMediaType": "application/json"}',
    '{"type": "string", "nullable": true, "discriminator": {"propertyName": "k"},'
    ' "oneOf": [{"$ref": "#/components/schemas/A"}]}',
    '{"oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}], "discriminator":'
    ' {"propertyName": "kind", "mapping": {"a": "#/$defs/A"}}, "$defs": {"A": {"properties":'
    ' {"kind": {"const": "a"}}}, "B": {"properties": {"kind": {"const": "B"}}}}}',
    '{"type": "integer", "format": "int32", "readOnly": true, "writeOnly": true}',
    '{"$schema": "https://spec.openapis.org/oas/3.1/dialect/base", "type": "object",'
    ' "properties": {"p": {"type": "string", "format": "byte"}}}',
    '{"$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true},'
    ' "$schema": "https://json-schema.org/draft/2020-12/schema"}',
    '{"properties": {"": {}, "\\u0000": {}, "\\ud83d\\ude00": {}}}',
    '{"$id": "#frag", "$ref": "#frag"}',
    '{"$id": "urn:uuid:deadbeef-1234-0000-0000-4321feebdaed", "$ref": "urn:uuid:deadbeef-1234-0000-0000-4321feebdaed"}',
    '{"not": {"not": {"not": {"not": {"not": {"type": "null"}}}}}}',
    '[1, 2',
    '{"a": 1, "a": 2}',
]

INSTANCE_SEEDS = [
    'null', 'true', 'false', '0', '-0', '1.0', '-1.5e-3', '1e400', '-1e400',
    '12345678901234567890', '-9223372036854775809', '18446744073709551616',
    '1' + '0' * 400,
    '""', '"abc"', '"\\u00e9\\ud83d\\ude00"', '"\\ud800"', '"\\udc00x"', '"a\\u0000b"',
    '"2024-02-29T23:59:60Z"', '"user@example.test"', '"::ffff:1.2.3.4"', '"http://x.test/a?b#c"',
    '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"',
    '"eyJhIjogMX0="', '"not base64!"',
    '[]', '[1, "a", true]', '[1, 1]', '[1, 1.0]', '[[1], [1.0]]', '[{"a": 1, "b": 2}, {"b": 2, "a": 1}]',
    '[' + ','.join(str(i) for i in range(40)) + ']',
    '{}', '{"a": 1}', '{"a": "x", "b": "y", "c": 1, "d": 2}', '{"x-a": "1", "x-": 2}',
    '{"a": 1, "a": 2}', '{"type": "dog", "petType": "Dog", "bark": true}',
    '{"petType": "Cat"}', '{"petType": 1}',
    '{"value": 1, "children": [{"value": 2, "children": []}, {"value": "x"}]}',
    '{"data": 1, "children": [{"data": 2, "extra": 1}]}',
    '{"id": 1, "secret": "s", "weight": 0, "petType": "x"}',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    '{"a": {"a": {"a": {"a": {"a": {"a": {}}}}}}',
    '[1, 2', '{"a" 1}', 'nul', b'"\xff"', b'"\xc0\x80"', b'"\xed\xa0\x80"', '01', '1.', '[1,]', '{"a":1,}', ' \t\n 1 \n',
]

SPEC_SEEDS = [
    # Minimal JSON 3.0 and 3.1 documents.
    '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}',
    '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}}',
    '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a/{id}": {'
    '"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],'
    ' "get": {"responses": {"200": {"description": "ok", "content": {"application/json":'
    ' {"schema": {"$ref": "#/components/schemas/A"}}}}}}}}, "components": {"schemas": {"A":'
    ' {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/A"}}}}}}',
    # $ref chains and cycles between components.
    '{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/p": {"get":'
    ' {"parameters": [{"$ref": "#/components/parameters/A"}], "responses": {"200":'
    ' {"$ref": "#/components/responses/R"}}}}}, "components": {"parameters": {"A": {"$ref":'
    ' "#/components/parameters/B"}, "B": {"$ref": "#/components/parameters/A"}}, "responses":'
    ' {"R": {"$ref": "#/components/responses/R"}}}}',
    # YAML: anchors, aliases, merge keys, tags, flow and block styles.
    'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get: &op\n'
    '      responses:\n        "200": {description: ok}\n  /b:\n    get: *op\n',
    'openapi: 3.0.3\ninfo:\n  title: t\n  version: !!str 1\nx-base: &base {type: object}\n'
    'paths:\n  /q:\n    get:\n      parameters:\n        - name: q\n          in: query\n'
    '          schema:\n            <<: *base\n            properties: {a: {type: integer}}\n'
    '          style: deepObject\n      responses: {default: {description: d}}\n',
    'openapi: 3.0.3\ninfo: {title: t, version: "1"}\nsecurity: [{k: []}]\n'
    'components:\n  securitySchemes:\n    k: {type: apiKey, in: query, name: key}\n'
    'paths:\n  "/f/{a}.{b}":\n    post:\n      parameters:\n'
    '        - {name: a, in: path, required: true, schema: {type: string}}\n'
    '        - {name: b, in: path, required: true, schema: {type: string, enum: [json]}}\n'
    '      requestBody:\n        content:\n          multipart/form-data:\n'
    '            schema: {type: object, properties: {f: {type: array, items: {type: integer}}}}\n'
    '      responses: {"2XX": {description: ok}}\n',
    'a: &a [1, 2]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n',
    'key: value\nkey: other\n',
    '--- \nopenapi: 3.0.0\n...\n---\nsecond: doc\n',
    'openapi: 3.0.0\ninfo: {title: "t\\u00e9", version: 0o17}\npaths: {"/": {}}\n',
    '{"swagger": "2.0"}',
    '[]',
    '',
]

REQUEST_SEEDS = [
    # Hostile pieces the tests/data cases do not have (see tests/hostile_test.cc).
    "GET /v1/patients/%ZZ\nAuthorization: Bearer t\n",
    "GET /v1/patients/%C0%AF\nAuthorization: Bearer t\n",
    "GET /v1/patients/1%00\nAuthorization: Bearer t\n",
    "GET /v1/patients?limit=%FF&species=dog&species=cat&filter[born_after]=2020-01-01\n"
    "Authorization: Bearer t\n",
    "GET /v1/search?q=ab&json=%7B%22a%22%3A1%7D&unknown=1\n",
    "GET /v1/search 0 q=%E2%82%AC%E2%82%AC\n",
    "GET /v1/labels/.a.b.c\n",
    "GET /v1/matrix/;coords=x,1,y,2\n",
    "GET /v1/files/abc.json?api_key=k\n",
    "GET /v1/files/abc.json\nCookie: token=abc; session=zzzz\n",
    "DELETE /v1/patients/3\nX-Api-Key: key\nAuthorization: Basic dXNlcjpwYXNz\n",
    "POST /v1/patients\nAuthorization: Bearer t\nContent-Type: application/json\n"
    "Content-Length: 99999999999\n\n",
    "POST /v1/patients\nAuthorization: Bearer t\nContent-Type: application/json\n\n"
    '{"name": "Rex", "species": "dog", "name": "Max"}',
    "POST /v1/patients\nAuthorization: Bearer t\nContent-Type: application/json\n\n"
    '{"name": "Rex", "spec',
    "POST /v1/patients\nAuthorization: Bearer t\nContent-Type: application/json; charset=utf-8\n\n"
    + "[" * 300 + "]" * 300,
    "POST /v1/patients\nAuthorization: Bearer t\n"
    "Content-Type: application/x-www-form-urlencoded\n\nname=Rex&species=dog&weight_kg=1e400",
    "POST /v1/patients/1/notes\nAuthorization: Bearer t\n"
    "Content-Type: multipart/form-data; boundary=XyZ\n\n"
    "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n"
    "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{\"author\": \"a\"}\r\n"
    "--XyZ--\r\n",
    "POST /v1/visits\nContent-Type: application/x-www-form-urlencoded\n\nroom=1&vets=1&vets=2",
    "PUT /v1/uploads\nContent-Type: image/png\n\n\x89PNG\x00\x00",
    "GET /v1/patients 200\nContent-Type: application/json\nX-Total-Count: 1\n\n"
    '[{"id": 1, "name": "Rex", "species": "dog", "owner_password": "x"}]',
    "PATCH /v1/patients/1 200\nAuthorization: Bearer t\nContent-Type: application/merge-patch+json\n\n{}",
    "GET /v1/health/\n",
    "HEAD /v2/health\n",
    "get //v1/health\n",
    "GET /v1/health?" + "&".join("p%d=%d" % (i, i) for i in range(40)) + "\n",
]

ALB_LINE = ('http 2024-05-01T10:00:00.000000Z app/lb/1 10.0.0.1:5000 10.0.1.2:80 0.001 0.002 0.000'
            ' 200 200 120 340 "GET https://api.clinic.test:443/v1/patients?limit=5 HTTP/1.1"'
            ' "curl/8" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:x "Root=1-abc" "-" "-" 0'
            ' 2024-05-01T10:00:00.000000Z "forward" "-" "-" "10.0.1.2:80" "200" "-" "-"')
CLF_LINE = '10.0.0.1 - - [01/May/2024:10:00:00 +0000] "POST /v1/patients HTTP/1.1" 201 12'
COMBINED_LINE = CLF_LINE + ' "https://ref.test/" "Mozilla/5.0"'
JSONL_LINE = ('{"method": "GET", "uri": "/v1/patients/7", "status": 200, "time": "t",'
              ' "headers": {"Authorization": "Bearer x", "X-Request-Id": ["a", "b"]}}')

# route_match_fuzzer: templates, a blank line, paths.
ROUTE_SEEDS = [
    "/pets\n/pets/{petId}\n/pets/mine\n\n/pets\n/pets/\n/pets/42\n/pets/mine\n/pets/mine/\n/pets//\n",
    "/files/{name}.{ext}\n/files/{name}\n/v{major}.{minor}/x\n\n/files/a.b.c\n/files/.x\n"
    "/files/a.\n/v1.2/x\n/v..1/x\n",
    "/{a}-{b}\n/{a}\n/{a}/{b}\n/a/{b}/c\n/a/b/{c}\n\n/x-y-z\n/-\n/a/b/c\n/a/b/d\n/a/q/c\n",
    "/repos/{owner}/{repo}/pulls/{pull_number}\n/repos/{owner}/{repo}/pulls/comments\n"
    "/repos/{owner}/{repo}\n\n/repos/octo/hello%20world/pulls/7\n/repos/o/r/pulls/comments\n"
    "/repos/o/r%2Fx\n/repos/o/r/\n",
    "/a/\n/a//b\n/{x}/\n\n/a/\n/a\n/a//b\n/b/\n/b\n/\n//\n",
    "/pets/{id}\n/pets/{name}\n/p/{\n/p/{}\n/p/{a}{b}\n/p/{a}/{a}\nnoslash\n\n/pets/1\n/p/x\n",
    "/\n/{x}\n\n/\n/\x00\n/\xff\xfe\n/%zz\n",
    # Many parameters in one segment that fails only at its end.
    "/{a}.{b}.{c}.{d}.{e}.{f}.{g}.{h}.{i}.{j}z\n\n/" + "." * 400 + "\n",
]

LOG_SEEDS = [
    ALB_LINE + "\n" + ALB_LINE.replace("limit=5", "limit=500") + "\n",
    CLF_LINE + "\n" + CLF_LINE.replace("/v1/patients", "/v1/nope") + "\n\n",
    COMBINED_LINE + "\r\n" + COMBINED_LINE.replace("POST", "DELETE") + "\r\n",
    JSONL_LINE + "\n" + '{"request": "GET /v1/health HTTP/1.1", "status": "200"}\n',
    '{"request": {"method": "PUT", "path": "https://x.test/v1/uploads?a=1"}, "response": {"status": 204}}\n',
    "garbage\n" + CLF_LINE + "\n" + "\x1b[31mred\x1b[0m\n" + "x" * 300 + "\n" + CLF_LINE,
    '10.0.0.1 - - [01/May/2024:10:00:00 +0000] "GET /v1/patients/%ZZ\\x00 HTTP/1.1" 400 -\n',
    '10.0.0.1 - - [bad date] "GET" 99999999999 -\n- - - - - - -\n',
    '{"method": "GET", "url": "/v1/search", "query": "q=%E2%82", "status": 1e400}\n',
]

# ------------------------------------------------------------------ writing


def content_name(prefix, data):
    return prefix + hashlib.sha1(data).hexdigest()[:16]


def write_seed(directory, prefix, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / content_name(prefix, data)).write_bytes(data)


def request_message(request, default_headers, response=None):
    """A tests/data request (or response) case in request_validate_fuzzer's format."""
    item = response if response is not None else request
    line = "%s %s" % (item["method"], item["target"])
    if response is not None:
        line += " %d" % response["status"]
    elif "query" in request:
        line += " 0 %s" % request["query"]
    headers = [tuple(h) for h in item.get("headers", [])]
    if response is None:
        names = {name.lower() for name, _ in headers}
        headers = [h for h in default_headers if h[0].lower() not in names] + headers
    if "content_length" in item:
        headers.append(("Content-Length", str(item["content_length"])))
    text = line + "\n" + "".join("%s: %s\n" % h for h in headers)
    body = item.get("body")
    if body is not None:
        repeat = min(int(item.get("body_repeat", 1)), 64)
        text += "\n" + body * repeat
    return text


def in_tree_seeds():
    """(target, prefix, bytes) for every committed seed."""
    for seed in SCHEMA_SEEDS:
        yield "schema_compile", "seed-", seed
    for seed in INSTANCE_SEEDS:
        yield "instance_validate", "seed-", seed
    for seed in SPEC_SEEDS:
        yield "spec_load", "seed-", seed
    for seed in REQUEST_SEEDS:
        yield "request_validate", "seed-", seed
    for seed in ROUTE_SEEDS:
        yield "route_match", "seed-", seed
    for seed in LOG_SEEDS:
        yield "access_log", "seed-", seed
    # gzip: whole, two members back to back, and cut short.
    packed = gzip.compress(LOG_SEEDS[0].encode(), mtime=0)
    yield "access_log", "seed-", packed
    yield "access_log", "seed-", packed + gzip.compress(LOG_SEEDS[1].encode(), mtime=0)
    yield "access_log", "seed-", packed[: len(packed) // 2]
    for path in sorted((SOURCE_DIR / "tests" / "data" / "logs").glob("*")):
        if path.is_file() and path.stat().st_size <= 64 * 1024:
            yield "access_log", "td-", path.read_bytes()
    specs = SOURCE_DIR / "tests" / "data" / "specs"
    for path in sorted(specs.rglob("*")):
        if path.is_file():
            yield "spec_load", "td-", path.read_bytes()
    for path in sorted((SOURCE_DIR / "tests" / "data" / "requests").glob("*.json")):
        document = json.loads(path.read_text())
        if document.get("spec") != "clinic.yaml":
            continue
        defaults = [tuple(h) for h in document.get("default_headers", [])]
        for case in document["cases"]:
            if "request" in case:
                yield "request_validate", "td-", request_message(case["request"], defaults)
            if "response" in case:
                yield "request_validate", "td-", request_message(None, defaults,
                                                                 case["response"])


def find_shared(explicit):
    if explicit:
        return Path(explicit)
    env = os.environ.get("SPECGATE_SHARED")
    return Path(env) if env else SOURCE_DIR.parent / "shared"


def shared_seeds(shared):
    """(target, prefix, bytes) derived from the shared reference data, if it is there."""
    suite = shared / "JSON-Schema-Test-Suite" / "tests"
    if suite.is_dir():
        for path in sorted(suite.rglob("*.json")):
            try:
                groups = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            for group in groups:
                yield "schema_compile", "suite-", json.dumps(group["schema"])
                for test in group.get("tests", []):
                    yield "instance_validate", "suite-", json.dumps(test["data"])
    specs = shared / "specs"
    if specs.is_dir():
        for path in sorted(specs.iterdir()):
            if path.suffix in (".json", ".yaml", ".yml") and path.stat().st_size <= MAX_SHARED_SPEC_BYTES:
                yield "spec_load", "shared-", path.read_bytes()
            if path.suffix == ".json":
                for seed in route_seeds_from_spec(path):
                    yield "route_match", "shared-", seed


def route_seeds_from_spec(path):
    """route_match seeds from a JSON spec's path templates: 64 templates per seed (as many as
    the fuzzer reads), each followed by a path made from it and one a segment longer (the fuzzer reads 32)."""
    try:
        templates = sorted(json.loads(path.read_text()).get("paths", {}))
    except (OSError, ValueError, AttributeError):
        return
    for start in range(0, len(templates), 64):
        chunk = templates[start:start + 64]
        paths = []
        for template in chunk:
            concrete = "".join("x" if i % 2 else part
                               for i, part in enumerate(template.replace("}", "{").split("{")))
            paths += [concrete, concrete + "/y"]
        yield "\n".join(chunk) + "\n\n" + "\n".join(paths[:32]) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", help="corpus directory to fill for a fuzzing run")
    parser.add_argument("--in-tree", action="store_true",
                        help="rewrite the committed seeds in fuzz/corpus/")
    parser.add_argument("--shared", help="the shared reference data (default ../shared)")
    args = parser.parse_args()
    if args.in_tree == bool(args.out):
        parser.error("give either --in-tree or an output directory")

    if args.in_tree:
        for target in TARGETS:
            directory = CORPUS_DIR / target
            directory.mkdir(parents=True, exist_ok=True)
            for old in directory.iterdir():
                if old.name.startswith(("seed-", "td-")):
                    old.unlink()
        count = 0
        for target, prefix, data in in_tree_seeds():
            write_seed(CORPUS_DIR / target, prefix, data)
            count += 1
        print("make_corpus: wrote %d committed seeds under %s" % (count, CORPUS_DIR))
        return 0

    out = Path(args.out)
    counts = {}
    for target in TARGETS:
        source = CORPUS_DIR / target
        if source.is_dir():
            # regression-* inputs are replayed by ctest; a finding that is still open would stop
            # every fuzzing run at its first input, so runs start from the seeds only.
            shutil.copytree(source, out / target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("regression-*"))
        counts[target] = len(list((out / target).iterdir())) if (out / target).is_dir() else 0
    shared = find_shared(args.shared)
    for target, prefix, data in shared_seeds(shared):
        write_seed(out / target, prefix, data)
    for target in TARGETS:
        total = len(list((out / target).iterdir())) if (out / target).is_dir() else 0
        print("make_corpus: %-18s %6d seeds (%d committed)" % (target, total, counts[target]))
    if not (shared / "JSON-Schema-Test-Suite").is_dir():
        print("make_corpus: no shared data at %s; committed seeds only" % shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
