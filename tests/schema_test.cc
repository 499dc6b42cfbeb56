// Behaviour of the schema engine's public API beyond the official suite: error reporting,
// modes, limits, dialect defaults, the OpenAPI dialects, resolution and thread safety.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "specgate/json_schema.h"

namespace specgate {
namespace {

Schema compile(std::string_view text, Dialect dialect = Dialect::kDraft2020_12) {
  CompileOptions options;
  options.default_dialect = dialect;
  return Schema::compile(text, options);
}

std::vector<ValidationError> all_errors(const Schema& schema, std::string_view instance,
                                        Direction direction = Direction::kNone) {
  Validator validator;
  validator.options().mode = Mode::kExhaustive;
  validator.options().direction = direction;
  validator.validate_json(schema, instance);
  return validator.errors();
}

TEST(SchemaTest, FastModeReportsTheFirstFailureOnly) {
  Schema schema = compile(R"({"properties": {"a": {"type": "integer"}, "b": {"minLength": 3}}})");
  Validator validator;
  EXPECT_FALSE(validator.validate_json(schema, R"({"a": "x", "b": "y"})"));
  ASSERT_EQ(validator.errors().size(), 1u);
  EXPECT_EQ(validator.errors()[0].instance_pointer, "/a");
  EXPECT_TRUE(validator.validate_json(schema, R"({"a": 1, "b": "yyy"})"));
  EXPECT_TRUE(validator.errors().empty());
}

TEST(SchemaTest, ExhaustiveModeReportsEveryFailureWithLocations) {
  Schema schema = compile(R"({
    "type": "object",
    "required": ["id", "name"],
    "properties": {
      "id": {"type": "integer", "minimum": 1},
      "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}}
    },
    "additionalProperties": false
  })");
  auto errors = all_errors(schema, R"({"id": 0, "tags": ["ok", "toolong", 5], "extra/key": 1})");
  ASSERT_EQ(errors.size(), 5u);
  // Every error names where in the instance and where in the schema it comes from.
  std::vector<std::string> seen;
  for (const auto& e : errors) seen.push_back(e.keyword + " " + e.instance_pointer + " " + e.schema_pointer);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "required  /required"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "minimum /id /properties/id/minimum"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "maxLength /tags/1 /properties/tags/items/maxLength"),
            seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "type /tags/2 /properties/tags/items/type"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "additionalProperties  /additionalProperties"),
            seen.end());
}

TEST(SchemaTest, PointersEscapeTildeAndSlash) {
  Schema schema = compile(R"({"additionalProperties": {"type": "string"}})");
  auto errors = all_errors(schema, R"({"a/b~c": 1})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/a~1b~0c");
}

TEST(SchemaTest, MessagesDescribeTheConstraintNotTheValue) {
  Schema schema = compile(R"({"type": "string", "pattern": "^[a-z]+$", "maxLength": 4})");
  auto errors = all_errors(schema, R"("SECRET-TOKEN-123")");
  ASSERT_EQ(errors.size(), 2u);
  for (const auto& e : errors) EXPECT_EQ(e.message.find("SECRET"), std::string::npos) << e.message;
}

TEST(SchemaTest, AnyOfFailureKeepsBranchErrorsOnlyWhenAllFail) {
  Schema schema = compile(R"({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]})");
  EXPECT_TRUE(all_errors(schema, "7").empty());
  auto errors = all_errors(schema, "3");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.back().keyword, "anyOf");
}

TEST(SchemaTest, OneOfMatchingTwiceIsReported) {
  Schema schema = compile(R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})");
  auto errors = all_errors(schema, "3");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("more than one"), std::string::npos);
}

TEST(SchemaTest, MalformedJsonIsAnErrorNotACrash) {
  Schema schema = compile(R"({"type": "object"})");
  Validator validator;
  for (std::string_view bad : {"{", "{\"a\":}", "", "[1,2", "nul", "{\"a\": 1} trailing"}) {
    EXPECT_FALSE(validator.validate_json(schema, bad)) << bad;
    ASSERT_EQ(validator.errors().size(), 1u);
    EXPECT_EQ(validator.errors()[0].keyword, "json");
  }
}

TEST(SchemaTest, InvalidUtf8InTextIsRejected) {
  Schema schema = compile(R"({"type": "string"})");
  Validator validator;
  EXPECT_FALSE(validator.validate_json(schema, "\"\xC3\x28\""));
  EXPECT_FALSE(validator.validate_json(schema, "\"\xED\xA0\x80\""));  // a UTF-16 surrogate
  EXPECT_TRUE(validator.validate_json(schema, "\"\xC3\xA9\""));
}

TEST(SchemaTest, InvalidUtf8InAParsedValueFailsStringKeywords) {
  Schema schema = compile(R"({"maxLength": 10})");
  rapidjson::Document doc;
  doc.SetString("\xff\xfe", 2, doc.GetAllocator());
  EXPECT_FALSE(schema.is_valid(doc));
}

TEST(SchemaTest, LengthCountsCodePoints) {
  Schema schema = compile(R"({"minLength": 2, "maxLength": 2})");
  EXPECT_TRUE(schema.is_valid_json("\"\xF0\x9F\x98\x80\xC3\xA9\""));  // emoji + e-acute
  EXPECT_FALSE(schema.is_valid_json("\"\xF0\x9F\x98\x80\""));
}

TEST(SchemaTest, NestingBeyondTheLimitIsAClearError) {
  Schema schema = compile(R"({"items": {"$ref": "#"}})");
  Validator validator;
  validator.options().max_depth = 64;
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  EXPECT_FALSE(validator.validate_json(schema, deep));
  ASSERT_EQ(validator.errors().size(), 1u);
  EXPECT_NE(validator.errors()[0].message.find("deeper than the limit"), std::string::npos);

  // A pre-parsed value deeper than the limit is stopped during evaluation instead.
  rapidjson::Document doc;
  std::string nested = std::string(100, '[') + std::string(100, ']');
  doc.Parse<rapidjson::kParseIterativeFlag>(nested.c_str());
  EXPECT_FALSE(validator.validate(schema, doc));
  EXPECT_NE(validator.errors()[0].message.find("deeper than the limit"), std::string::npos);
  validator.options().max_depth = 256;
  EXPECT_TRUE(validator.validate(schema, doc));
}

TEST(SchemaTest, ReferenceLoopWithoutDescentIsStopped) {
  Schema schema = compile(R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                              "$ref": "#/$defs/a"})");
  Validator validator;
  EXPECT_FALSE(validator.validate_json(schema, "1"));
  EXPECT_NE(validator.errors()[0].message.find("$ref cycle"), std::string::npos);
}

TEST(SchemaTest, CompileErrorListsEveryProblem) {
  try {
    compile(R"({"type": "strin", "minLength": -1, "properties": {"a": {"$ref": "#/nowhere"}},
               "pattern": "(?<=a)b"})");
    FAIL() << "expected SchemaError";
  } catch (const SchemaError& error) {
    std::vector<std::string> pointers;
    for (const auto& p : error.problems()) pointers.push_back(p.pointer);
    EXPECT_EQ(error.problems().size(), 4u) << error.what();
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), "/type"), pointers.end());
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), "/minLength"), pointers.end());
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), "/properties/a/$ref"), pointers.end());
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), "/pattern"), pointers.end());
  }
}

TEST(SchemaTest, BackreferencesAreACompileErrorNamingTheLocation) {
  try {
    compile(R"({"properties": {"x": {"pattern": "(a)\\1"}}})");
    FAIL() << "expected SchemaError";
  } catch (const SchemaError& error) {
    ASSERT_EQ(error.problems().size(), 1u);
    EXPECT_EQ(error.problems()[0].pointer, "/properties/x/pattern");
  }
}

TEST(SchemaTest, MalformedSchemaTextIsACompileError) {
  EXPECT_THROW(compile("{\"type\": "), SchemaError);
}

TEST(SchemaTest, UnknownRemoteReferenceIsACompileErrorNeverANetworkCall) {
  EXPECT_THROW(compile(R"({"$ref": "https://example.com/schema.json"})"), SchemaError);
}

TEST(SchemaTest, ResolverCallbackSuppliesDocuments) {
  rapidjson::Document remote;
  remote.Parse(R"({"$defs": {"pos": {"type": "integer", "minimum": 1}}})");
  std::vector<std::string> asked;
  CompileOptions options;
  options.resolver = [&](std::string_view uri) -> const rapidjson::Value* {
    asked.emplace_back(uri);
    return uri == "https://example.com/common.json" ? &remote : nullptr;
  };
  Schema schema = Schema::compile(
      R"({"$id": "https://example.com/root.json", "$ref": "common.json#/$defs/pos"})", options);
  EXPECT_EQ(asked, std::vector<std::string>{"https://example.com/common.json"});
  EXPECT_TRUE(schema.is_valid_json("3"));
  EXPECT_FALSE(schema.is_valid_json("0"));
}

TEST(SchemaTest, RegistryDocumentsResolveRelativeToBaseUri) {
  ResourceRegistry registry;
  registry.add("https://vet.example/schemas/species.json", R"({"enum": ["dog", "cat"]})");
  CompileOptions options;
  options.base_uri = "https://vet.example/schemas/patient.json";
  options.resources = &registry;
  Schema schema = Schema::compile(R"({"properties": {"species": {"$ref": "species.json"}}})",
                                  options);
  EXPECT_TRUE(schema.is_valid_json(R"({"species": "cat"})"));
  EXPECT_FALSE(schema.is_valid_json(R"({"species": "parrot"})"));
}

TEST(SchemaTest, FormatsAnnotateByDefaultAndAssertOnRequest) {
  const char* text = R"({"format": "date"})";
  EXPECT_TRUE(compile(text).is_valid_json(R"("not a date")"));
  CompileOptions options;
  options.format_assertion = true;
  Schema asserting = Schema::compile(text, options);
  EXPECT_FALSE(asserting.is_valid_json(R"("not a date")"));
  EXPECT_TRUE(asserting.is_valid_json(R"("2024-02-29")"));
}

TEST(SchemaTest, OpenApiDialectsAssertFormatsByDefault) {
  EXPECT_FALSE(compile(R"({"format": "uuid"})", Dialect::kOas30).is_valid_json(R"("nope")"));
  EXPECT_FALSE(compile(R"({"format": "uuid"})", Dialect::kOas31).is_valid_json(R"("nope")"));
  CompileOptions options;
  options.default_dialect = Dialect::kOas30;
  options.format_assertion = false;
  EXPECT_TRUE(Schema::compile(R"({"format": "uuid"})", options).is_valid_json(R"("nope")"));
}

TEST(SchemaTest, OpenApiIntegerFormatsCheckRange) {
  Schema int32 = compile(R"({"type": "integer", "format": "int32"})", Dialect::kOas30);
  EXPECT_TRUE(int32.is_valid_json("2147483647"));
  EXPECT_FALSE(int32.is_valid_json("2147483648"));
  EXPECT_TRUE(int32.is_valid_json("-2147483648"));
  Schema int64 = compile(R"({"type": "integer", "format": "int64"})", Dialect::kOas30);
  EXPECT_TRUE(int64.is_valid_json("9223372036854775807"));
  EXPECT_FALSE(int64.is_valid_json("9223372036854775808"));
}

TEST(SchemaTest, CustomFormatsOverrideBuiltIns) {
  CompileOptions options;
  options.format_assertion = true;
  options.formats["chip-id"] = [](std::string_view v) { return v.size() == 15; };
  Schema schema = Schema::compile(R"({"format": "chip-id"})", options);
  EXPECT_TRUE(schema.is_valid_json(R"("985112345678901")"));
  EXPECT_FALSE(schema.is_valid_json(R"("123")"));
}

TEST(SchemaTest, MultipleOfWithDecimalsIsExact) {
  Schema tenth = compile(R"({"multipleOf": 0.1})");
  EXPECT_TRUE(tenth.is_valid_json("0.3"));
  EXPECT_TRUE(tenth.is_valid_json("12.7"));
  EXPECT_FALSE(tenth.is_valid_json("0.35"));
  Schema cents = compile(R"({"multipleOf": 0.01})");
  EXPECT_TRUE(cents.is_valid_json("19.99"));
  EXPECT_FALSE(cents.is_valid_json("19.999"));
  EXPECT_FALSE(compile(R"({"multipleOf": 3})").is_valid_json("10"));
  EXPECT_TRUE(compile(R"({"multipleOf": 3})").is_valid_json("-9"));
}

TEST(SchemaTest, IntegersFollowTheDialect) {
  EXPECT_TRUE(compile(R"({"type": "integer"})").is_valid_json("1.0"));
  EXPECT_FALSE(compile(R"({"type": "integer"})", Dialect::kDraft4).is_valid_json("1.0"));
  EXPECT_TRUE(compile(R"({"type": "integer"})").is_valid_json("123456789012345678901234567890"));
  EXPECT_TRUE(compile(R"({"maximum": 18446744073709551615})").is_valid_json("18446744073709551615"));
  EXPECT_FALSE(compile(R"({"maximum": 9007199254740992})").is_valid_json("9007199254740993"));
}

TEST(SchemaTest, Oas30NullableAllowsNull) {
  Schema schema = compile(R"({"type": "string", "nullable": true, "enum": ["a"]})", Dialect::kOas30);
  EXPECT_TRUE(schema.is_valid_json("null"));
  EXPECT_TRUE(schema.is_valid_json(R"("a")"));
  EXPECT_FALSE(schema.is_valid_json(R"("b")"));
  EXPECT_FALSE(compile(R"({"type": "string"})", Dialect::kOas30).is_valid_json("null"));
}

TEST(SchemaTest, Oas30BooleanExclusiveBounds) {
  Schema schema = compile(R"({"minimum": 0, "exclusiveMinimum": true, "maximum": 10,
                              "exclusiveMaximum": false})", Dialect::kOas30);
  EXPECT_FALSE(schema.is_valid_json("0"));
  EXPECT_TRUE(schema.is_valid_json("10"));
}

TEST(SchemaTest, ReadOnlyAndWriteOnlyDependOnDirection) {
  Schema schema = compile(R"({
    "type": "object",
    "required": ["id", "name", "password"],
    "properties": {
      "id": {"type": "integer", "readOnly": true},
      "name": {"type": "string"},
      "password": {"$ref": "#/$defs/secret"}
    },
    "$defs": {"secret": {"type": "string", "writeOnly": true}}
  })", Dialect::kOas31);
  EXPECT_TRUE(all_errors(schema, R"({"name": "Rex", "password": "x"})", Direction::kRequest).empty());
  EXPECT_FALSE(all_errors(schema, R"({"name": "Rex", "password": "x"})", Direction::kResponse).empty());
  EXPECT_TRUE(all_errors(schema, R"({"id": 1, "name": "Rex"})", Direction::kResponse).empty());
  EXPECT_FALSE(all_errors(schema, R"({"id": 1, "name": "Rex"})", Direction::kRequest).empty());
  EXPECT_FALSE(all_errors(schema, R"({"name": "Rex"})", Direction::kNone).empty());
}

TEST(SchemaTest, DiscriminatorSelectsTheAlternative) {
  ResourceRegistry registry;
  registry.add("https://vet.example/spec.json", R"({
    "components": {"schemas": {
      "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
        "discriminator": {"propertyName": "kind", "mapping": {"canine": "Dog"}}
      },
      "Dog": {"type": "object", "required": ["kind", "bark"], "properties": {"bark": {"type": "boolean"}}},
      "Cat": {"type": "object", "required": ["kind"], "properties": {"lives": {"type": "integer"}}}
    }}})");
  CompileOptions options;
  options.default_dialect = Dialect::kOas30;
  options.resources = &registry;
  Schema schema = Schema::compile(
      R"({"$ref": "https://vet.example/spec.json#/components/schemas/Pet"})", options);
  EXPECT_TRUE(schema.is_valid_json(R"({"kind": "canine", "bark": true})"));
  EXPECT_TRUE(schema.is_valid_json(R"({"kind": "Cat", "lives": 9})"));
  EXPECT_FALSE(schema.is_valid_json(R"({"kind": "Cat", "lives": "nine"})"));
  EXPECT_FALSE(schema.is_valid_json(R"({"kind": "canine"})"));
  Validator validator;
  validator.options().mode = Mode::kExhaustive;
  EXPECT_FALSE(validator.validate_json(schema, R"({"kind": "parrot"})"));
  EXPECT_EQ(validator.errors().at(0).keyword, "discriminator");
  EXPECT_FALSE(validator.validate_json(schema, R"({"bark": true})"));
  EXPECT_NE(validator.errors().at(0).message.find("missing discriminator"), std::string::npos);
}

TEST(SchemaTest, DialectComesFromSchemaKeywordElseTheDefault) {
  const char* draft4 = R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"})";
  EXPECT_EQ(compile(draft4).dialect(), Dialect::kDraft4);
  EXPECT_EQ(compile(R"({"type": "integer"})", Dialect::kDraft7).dialect(), Dialect::kDraft7);
  EXPECT_FALSE(compile(draft4).is_valid_json("1.0"));
}

TEST(SchemaTest, DialectNamesRoundTrip) {
  for (Dialect d : {Dialect::kDraft4, Dialect::kDraft6, Dialect::kDraft7, Dialect::kDraft2019_09,
                    Dialect::kDraft2020_12, Dialect::kOas30, Dialect::kOas31}) {
    EXPECT_EQ(dialect_from_name(dialect_name(d)), d);
  }
  EXPECT_FALSE(dialect_from_name("draft5").has_value());
}

TEST(SchemaTest, CompiledSchemaIsSharedAcrossThreads) {
  Schema schema = compile(R"({"type": "object", "properties": {"n": {"type": "integer",
                              "multipleOf": 2}}, "required": ["n"]})");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Validator validator;
      for (int i = 0; i < 2000; ++i) {
        int n = i + t;
        bool valid = validator.validate_json(schema, "{\"n\": " + std::to_string(n) + "}");
        if (valid != (n % 2 == 0)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(SchemaTest, ErrorCapLimitsExhaustiveMode) {
  Schema schema = compile(R"({"items": {"type": "string"}})");
  Validator validator;
  validator.options().mode = Mode::kExhaustive;
  validator.options().max_errors = 3;
  EXPECT_FALSE(validator.validate_json(schema, "[1,2,3,4,5,6]"));
  EXPECT_EQ(validator.errors().size(), 3u);
}

TEST(SchemaTest, UniqueItemsOnLargeArrays) {
  Schema schema = compile(R"({"uniqueItems": true})");
  std::string distinct = "[";
  for (int i = 0; i < 1000; ++i) distinct += (i ? "," : "") + std::string("{\"a\":") + std::to_string(i) + "}";
  EXPECT_TRUE(schema.is_valid_json(distinct + "]"));
  EXPECT_FALSE(schema.is_valid_json(distinct + ",{\"a\":500.0}]"));
}

}  // namespace
}  // namespace specgate
