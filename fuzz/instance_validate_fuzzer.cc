// Fuzz target: validation of arbitrary instance text against a fixed set of compiled schemas
// shaped like the JSON-Schema-Test-Suite's (every keyword family, every dialect).
//
// Input: the instance as JSON text (any bytes).
//
// Invariants checked beyond "no crash, no sanitizer report":
//  - fast and exhaustive validation agree on valid/invalid, and exhaustive mode reports at
//    least one error for an invalid instance;
//  - validating the text (Validator::validate_json, the scratch parser) and validating a DOM
//    that RapidJSON parsed from the same text (Validator::validate) give the same answer;
//  - a shallow nesting limit never turns into a crash.
#include <specgate/json_schema.h>

#include <rapidjson/document.h>

#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "json_scratch.h"

namespace {

struct Case {
  specgate::Dialect dialect;
  const char* schema;
};

// Each schema is small and exercises one family of keywords; together they cover the
// evaluator's instructions.
const Case kCases[] = {
    {specgate::Dialect::kDraft2020_12, R"({"type": ["integer", "string", "null"]})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"type": "number", "minimum": -10, "exclusiveMaximum": 1e10, "multipleOf": 0.01})"},
    {specgate::Dialect::kDraft4,
     R"({"type": "integer", "maximum": 100, "exclusiveMaximum": true, "minimum": 0,
         "exclusiveMinimum": true})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+(-[a-z]+)*$"})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"anyOf": [{"format": "date-time"}, {"format": "email"}, {"format": "ipv6"},
                   {"format": "uri"}, {"format": "uuid"}, {"format": "regex"},
                   {"format": "hostname"}, {"format": "json-pointer"}],
         "$schema": "https://json-schema.org/draft/2020-12/schema"})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
         "items": {"type": "boolean"}, "uniqueItems": true, "minItems": 1, "maxItems": 50,
         "contains": {"const": true}, "minContains": 1, "maxContains": 3})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"},
         "b": {"type": "string"}}, "patternProperties": {"^x-": {"type": "string"}},
         "additionalProperties": {"type": "array"}, "propertyNames": {"maxLength": 10},
         "minProperties": 1, "maxProperties": 20, "dependentRequired": {"b": ["a"]},
         "dependentSchemas": {"c": {"required": ["d"]}}})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"allOf": [{"not": {"type": "null"}}], "oneOf": [{"type": "object"},
         {"type": "array"}, {"type": "string"}], "if": {"type": "object"},
         "then": {"required": ["a"]}, "else": {"not": {"const": "x"}}})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"$defs": {"node": {"type": "object", "properties": {"value": {"type": "number"},
         "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
         "additionalProperties": false}}, "$ref": "#/$defs/node"})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"$id": "https://example.test/tree", "$dynamicAnchor": "node", "type": "object",
         "properties": {"data": true, "children": {"type": "array",
         "items": {"$dynamicRef": "#node"}}}, "unevaluatedProperties": false})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"type": "array", "prefixItems": [true], "contains": {"type": "string"},
         "unevaluatedItems": {"type": "number"},
         "anyOf": [{"properties": {"a": true}}, {"patternProperties": {"^b": true}}],
         "unevaluatedProperties": false})"},
    {specgate::Dialect::kDraft2019_09,
     R"({"$id": "https://example.test/r", "$recursiveAnchor": true, "type": "object",
         "additionalProperties": {"$recursiveRef": "#"}})"},
    {specgate::Dialect::kDraft2020_12,
     R"({"enum": [1, "one", [1, {"a": null}], {"b": [true]}, null, 1.5]})"},
    {specgate::Dialect::kDraft2020_12, R"({"const": {"a": [1, 2.0, {"b": "c"}]}})"},
    {specgate::Dialect::kDraft7,
     R"({"contentEncoding": "base64", "contentMediaType": "application/json"})"},
    {specgate::Dialect::kDraft7,
     R"({"items": [{"type": "integer"}], "additionalItems": false,
         "dependencies": {"a": ["b"], "c": {"required": ["d"]}}})"},
    {specgate::Dialect::kOas30,
     R"({"type": "object", "nullable": true, "required": ["petType"],
         "properties": {"petType": {"type": "string"}, "id": {"type": "integer",
         "format": "int32", "readOnly": true}, "secret": {"type": "string",
         "writeOnly": true}, "weight": {"type": "number", "minimum": 0,
         "exclusiveMinimum": true}}})"},
    {specgate::Dialect::kOas31,
     R"({"oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
         "discriminator": {"propertyName": "petType"},
         "$defs": {"Cat": {"type": "object", "properties": {"petType": {"const": "Cat"}}},
                   "Dog": {"type": "object", "properties": {"petType": {"const": "Dog"},
                           "bark": {"type": "boolean"}}}}})"},
    {specgate::Dialect::kDraft2020_12, "true"},
    {specgate::Dialect::kDraft2020_12, R"({"not": true})"},
};

struct Compiled {
  std::vector<specgate::Schema> schemas;
  Compiled() {
    for (const Case& c : kCases) {
      specgate::CompileOptions options;
      options.default_dialect = c.dialect;
      schemas.push_back(specgate::Schema::compile(c.schema, options));
    }
  }
};

const Compiled& compiled() {
  static const Compiled instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  compiled();  // compile errors surface before the first input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = specgate::fuzz::as_text(data, size);
  static specgate::Validator fast;
  static specgate::Validator exhaustive({specgate::Mode::kExhaustive});
  static specgate::Validator dom;
  static specgate::Validator shallow({specgate::Mode::kExhaustive, specgate::Direction::kRequest,
                                      /*max_depth=*/3, /*max_errors=*/5});

  // The same text as a DOM, parsed as the library parses it (numbers converted by
  // json_number.h: RapidJSON 1.1.0's full-precision strtod crashes on some numbers), when it
  // is a document the scratch parser accepts (valid UTF-8, no NUL byte, not too deep).
  static specgate::detail::JsonScratch scratch;
  std::string parse_error;
  const rapidjson::Value* document = scratch.parse(text, 256, &parse_error);

  for (const specgate::Schema& schema : compiled().schemas) {
    bool fast_valid = fast.validate_json(schema, text);
    bool exhaustive_valid = exhaustive.validate_json(schema, text);
    SPECGATE_FUZZ_CHECK(fast_valid == exhaustive_valid, "fast and exhaustive modes disagree");
    SPECGATE_FUZZ_CHECK(exhaustive_valid || !exhaustive.errors().empty(),
                        "an invalid instance without errors");
    bool parsed_as_text = exhaustive_valid || exhaustive.errors().front().keyword != "json";
    if (parsed_as_text && document != nullptr) {
      SPECGATE_FUZZ_CHECK(dom.validate(schema, *document) == fast_valid,
                          "validate(DOM) and validate_json(text) disagree");
    }
    shallow.validate_json(schema, text);
  }
  return 0;
}
