// Tests for src/spec_loader.h: JSON and YAML into one document model, YAML 1.2 core-schema
// scalars, anchors, merge keys, the limits that stop hostile input, error locations, and
// locate_pointer.
#include "spec_loader.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace specgate::detail {
namespace {

std::string describe(const LoadError& error) {
  return error.message + " at " + std::to_string(error.location.line) + ":" +
         std::to_string(error.location.column);
}

rapidjson::Document load_ok(std::string_view text, const LoadLimits& limits = {}) {
  rapidjson::Document document;
  LoadError error;
  EXPECT_TRUE(load_document(text, &document, &error, limits)) << describe(error) << "\n" << text;
  return document;
}

LoadError load_fails(std::string_view text, const LoadLimits& limits = {}) {
  rapidjson::Document document;
  LoadError error;
  EXPECT_FALSE(load_document(text, &document, &error, limits)) << text;
  EXPECT_FALSE(error.message.empty());
  return error;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The value of member "v" of a one-line YAML mapping `v: <scalar>`.
rapidjson::Document yaml_value(const std::string& scalar) {
  rapidjson::Document document = load_ok("v: " + scalar + "\n");
  rapidjson::Document value;
  if (document.IsObject() && document.HasMember("v")) {
    value.CopyFrom(document["v"], value.GetAllocator());
  }
  return value;
}

void expect_location(const SourceLocation& location, std::size_t line, std::size_t column,
                     const std::string& what) {
  EXPECT_EQ(location.line, line) << what;
  EXPECT_EQ(location.column, column) << what;
}

// ---------------------------------------------------------------------------------------------
// One model for both formats

TEST(LoadDocument, JsonAndYamlEquivalentsAreEqual) {
  const char* json = R"({
    "openapi": "3.1.0",
    "info": {"title": "Pets \u00e9\u4e2d", "version": "1.0"},
    "numbers": [0, -1, 42, 4294967296, -9223372036854775808, 18446744073709551615,
                1.5, -0.25, 1e3, 2.5E-3, 123456789012345678901234567890],
    "flags": [true, false, null],
    "empty": {"object": {}, "array": [], "string": ""},
    "escapes": "tab\there \"quoted\" back\\slash",
    "paths": {"/pets/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}}
  })";
  const char* block_yaml = R"(openapi: 3.1.0
info:
  title: "Pets \u00e9中"
  version: '1.0'
numbers:
  - 0
  - -1
  - 42
  - 4294967296
  - -9223372036854775808
  - 18446744073709551615
  - 1.5
  - -0.25
  - 1e3
  - 2.5E-3
  - 123456789012345678901234567890
flags: [true, false, null]
empty:
  object: {}
  array: []
  string: ""
escapes: "tab\there \"quoted\" back\\slash"
paths:
  /pets/{id}:
    get:
      responses:
        200:
          description: ok
)";
  const char* flow_yaml =
      R"({openapi: "3.1.0", info: {title: "Pets \u00e9中", version: "1.0"},
      numbers: [0, -1, 42, 4294967296, -9223372036854775808, 18446744073709551615,
                1.5, -0.25, 1e3, 2.5E-3, 123456789012345678901234567890],
      flags: [true, false, ~], empty: {object: {}, array: [], string: ''},
      escapes: 'tab	here "quoted" back\slash',
      paths: {'/pets/{id}': {get: {responses: {'200': {description: ok}}}}}})";
  rapidjson::Document from_json = load_ok(json);
  rapidjson::Document from_block = load_ok(block_yaml);
  EXPECT_TRUE(from_json == from_block) << to_json(from_json) << "\n" << to_json(from_block);
  // Starts with '{', so it is read as JSON, and is not JSON: the flow form is checked through
  // a leading comment, which makes it YAML.
  rapidjson::Document from_flow = load_ok(std::string("# flow style\n") + flow_yaml);
  EXPECT_TRUE(from_json == from_flow) << to_json(from_json) << "\n" << to_json(from_flow);

  // The same numeric types, not only equal values.
  const rapidjson::Value& numbers = from_block["numbers"];
  EXPECT_TRUE(numbers[2].IsInt());
  EXPECT_TRUE(numbers[3].IsInt64() && !numbers[3].IsInt());
  EXPECT_EQ(numbers[4].GetInt64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(numbers[5].GetUint64(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(numbers[8].IsDouble());
  EXPECT_TRUE(numbers[10].IsDouble());
  EXPECT_EQ(numbers[10].GetDouble(), from_json["numbers"][10].GetDouble());
  EXPECT_STREQ(from_block["info"]["title"].GetString(), "Pets \xC3\xA9\xE4\xB8\xAD");
}

TEST(LoadDocument, ByteOrderMarkAndScalarRoots) {
  EXPECT_TRUE(load_ok("\xEF\xBB\xBF{\"a\": 1}") == load_ok("a: 1"));
  const std::string bom = "\xEF\xBB\xBF";
  EXPECT_TRUE(load_ok(bom + "a: 1\n") == load_ok("{\"a\": 1}"));
  EXPECT_EQ(load_ok("42").GetInt(), 42);
  EXPECT_EQ(load_ok("  -7  ").GetInt(), -7);
  EXPECT_STREQ(load_ok("\"a\\/b\"").GetString(), "a/b");
  EXPECT_TRUE(load_ok("null").IsNull());
  EXPECT_TRUE(load_ok("true").IsTrue());
  EXPECT_STREQ(load_ok("hello world").GetString(), "hello world");
  // Starts like a JSON scalar but is a YAML document.
  rapidjson::Document yaml = load_ok("\"quoted key\": 1\nnull: 2\n-1: 3\n");
  ASSERT_TRUE(yaml.IsObject());
  EXPECT_EQ(yaml["quoted key"].GetInt(), 1);
  EXPECT_EQ(yaml["null"].GetInt(), 2);
  EXPECT_EQ(yaml["-1"].GetInt(), 3);
  rapidjson::Document list = load_ok("- 1\n- two\n");
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(list.Size(), 2u);
}

TEST(LoadDocument, EmptyTextIsAnError) {
  EXPECT_NE(load_fails("").message.find("empty"), std::string::npos);
  EXPECT_NE(load_fails(" \n\t\r\n").message.find("empty"), std::string::npos);
  EXPECT_NE(load_fails("# only a comment\n").message.find("no document"), std::string::npos);
}

TEST(LoadDocument, FailureLeavesNoStaleDocument) {
  rapidjson::Document document;
  LoadError error;
  ASSERT_TRUE(load_document("{\"a\": 1}", &document, &error));
  EXPECT_FALSE(load_document("{\"a\": ", &document, &error));
  EXPECT_TRUE(document.IsNull());
  // A null error pointer is allowed.
  EXPECT_FALSE(load_document("[", &document, nullptr));
  EXPECT_FALSE(load_document("[]", nullptr, &error));
}

// ---------------------------------------------------------------------------------------------
// YAML 1.2 core schema

TEST(YamlScalars, CoreSchemaTable) {
  struct Case {
    const char* yaml;
    const char* json;  // the expected value, as JSON
  };
  const Case cases[] = {
      // YAML 1.1 booleans are strings in 1.2.
      {"on", R"("on")"},
      {"yes", R"("yes")"},
      {"no", R"("no")"},
      {"off", R"("off")"},
      {"y", R"("y")"},
      {"n", R"("n")"},
      {"Yes", R"("Yes")"},
      {"OFF", R"("OFF")"},
      {"true", "true"},
      {"True", "true"},
      {"TRUE", "true"},
      {"tRUE", R"("tRUE")"},
      {"false", "false"},
      {"False", "false"},
      {"FALSE", "false"},
      {"null", "null"},
      {"Null", "null"},
      {"NULL", "null"},
      {"nULL", R"("nULL")"},
      {"~", "null"},
      {"", "null"},
      {"~~", R"("~~")"},
      // Integers: leading zeros are decimal, 0o octal, 0x hex.
      {"0", "0"},
      {"-0", "0"},
      {"+12", "12"},
      {"-12", "-12"},
      {"0777", "777"},
      {"0o17", "15"},
      {"0x1F", "31"},
      {"0xff", "255"},
      {"0o8", R"("0o8")"},
      {"0x", R"("0x")"},
      {"0xG", R"("0xG")"},
      {"-0x1F", R"("-0x1F")"},
      {"1_000", R"("1_000")"},
      {"9223372036854775807", "9223372036854775807"},
      {"18446744073709551616", "18446744073709551616"},
      // Floats.
      {"1e3", "1e3"},
      {"1E3", "1000.0"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"+.5", "0.5"},
      {"1.", "1.0"},
      {"1.e2", "100.0"},
      {"007.5", "7.5"},
      {"2.5e-3", "0.0025"},
      {"1e", R"("1e")"},
      {"1e+", R"("1e+")"},
      {".", R"(".")"},
      {"+", R"("+")"},
      {".e3", R"(".e3")"},
      {"1.2.3", R"("1.2.3")"},
      {"-x", R"("-x")"},
      // Not timestamps, not sexagesimal.
      {"2023-09-01", R"("2023-09-01")"},
      {"12:30", R"("12:30")"},
      {"3.0.0", R"("3.0.0")"},
      // Non-plain scalars are strings.
      {R"("true")", R"("true")"},
      {"'123'", R"("123")"},
      {R"("")", R"("")"},
      {"''", R"("")"},
      {R"("~")", R"("~")"},
      {"|\n  12\n", R"("12\n")"},
      {">-\n  yes\n  no\n", R"("yes no")"},
      // Explicit tags.
      {"!!str 123", R"("123")"},
      {"!!str true", R"("true")"},
      {"!!str", R"("")"},
      {"!!int \"42\"", "42"},
      {"!!int 0x10", "16"},
      {"!!float 1", "1.0"},
      {"!!float '2.5'", "2.5"},
      {"!!bool 'true'", "true"},
      {"!!null ''", "null"},
      {"! 12", R"("12")"},
      {"!custom 12", "12"},
      {"!!binary aGk=", R"("aGk=")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string("yaml: ") + c.yaml);
    rapidjson::Document actual = yaml_value(c.yaml);
    rapidjson::Document expected = load_ok(std::string("[") + c.json + "]");
    ASSERT_TRUE(expected.IsArray());
    EXPECT_TRUE(actual == expected[0]) << to_json(actual) << " vs " << c.json;
    EXPECT_EQ(actual.GetType(), expected[0].GetType());
    EXPECT_EQ(actual.IsDouble(), expected[0].IsDouble()) << to_json(actual);
  }
}

TEST(YamlScalars, InfinityAndNan) {
  for (const char* text : {".inf", ".Inf", ".INF", "+.inf"}) {
    rapidjson::Document value = yaml_value(text);
    ASSERT_TRUE(value.IsDouble()) << text;
    EXPECT_TRUE(std::isinf(value.GetDouble()) && value.GetDouble() > 0) << text;
  }
  rapidjson::Document negative = yaml_value("-.INF");
  ASSERT_TRUE(negative.IsDouble());
  EXPECT_TRUE(std::isinf(negative.GetDouble()) && negative.GetDouble() < 0);
  for (const char* text : {".nan", ".NaN", ".NAN"}) {
    rapidjson::Document value = yaml_value(text);
    ASSERT_TRUE(value.IsDouble()) << text;
    EXPECT_TRUE(std::isnan(value.GetDouble())) << text;
  }
  EXPECT_TRUE(yaml_value("-.nan").IsString());
  EXPECT_TRUE(yaml_value(".infinity").IsString());
}

TEST(YamlScalars, TagMismatchIsAnError) {
  for (const char* text :
       {"v: !!int abc", "v: !!int 1.5", "v: !!bool yes", "v: !!null 0", "v: !!float abc"}) {
    const LoadError error = load_fails(text);
    EXPECT_NE(error.message.find("YAML: a !!"), std::string::npos) << text << ": " << error.message;
    expect_location(error.location, 1, 4, text);
  }
  const LoadError huge = load_fails("v: 1e999\n");
  EXPECT_NE(huge.message.find("range"), std::string::npos) << huge.message;
}

TEST(YamlScalars, KeysBecomeStringsAsWritten) {
  rapidjson::Document document =
      load_ok("200: ok\n0x1F: hex\ntrue: yes\n~: tilde\n1.50: float\n? \n: empty\n'q': quoted\n");
  ASSERT_TRUE(document.IsObject());
  for (const char* key : {"200", "0x1F", "true", "~", "1.50", "", "q"}) {
    EXPECT_TRUE(document.HasMember(key)) << key << " in " << to_json(document);
  }
  EXPECT_STREQ(document["200"].GetString(), "ok");
  EXPECT_STREQ(document["true"].GetString(), "yes");
  EXPECT_TRUE(document[""].IsString());
}

TEST(YamlScalars, ComplexKeysAreRejected) {
  const LoadError sequence_key = load_fails("? [a, b]\n: 1\n");
  EXPECT_NE(sequence_key.message.find("key must be a scalar"), std::string::npos);
  expect_location(sequence_key.location, 1, 3, "sequence key");
  const LoadError mapping_key = load_fails("{? {a: 1} : 2}");  // '{' -> read as JSON
  EXPECT_NE(mapping_key.message.find("JSON"), std::string::npos);
  const LoadError mapping_key_yaml = load_fails("x: {? {a: 1} : 2}");
  EXPECT_NE(mapping_key_yaml.message.find("key must be a scalar"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Anchors, aliases and merge keys

TEST(YamlAnchors, AliasesCopyTheAnchoredValue) {
  rapidjson::Document document = load_ok(R"(
base: &b {x: 1, y: [1, 2, {z: deep}]}
copy: *b
list: [*b, *b]
s: &s hello
t: *s
n: &n 200
m: *n
&k name: 1
other: {*k : 2}
numbers: &a [1, 2]
holder: &h {list: *a, more: [*a, *s]}
again: *h
)");
  ASSERT_TRUE(document.IsObject()) << to_json(document);
  EXPECT_TRUE(document["copy"] == document["base"]);
  ASSERT_TRUE(document["list"].IsArray());
  EXPECT_TRUE(document["list"][0] == document["base"]);
  EXPECT_TRUE(document["list"][1] == document["base"]);
  EXPECT_STREQ(document["t"].GetString(), "hello");
  EXPECT_TRUE(document["m"].IsInt());
  EXPECT_EQ(document["m"].GetInt(), 200);
  EXPECT_EQ(document["name"].GetInt(), 1);
  EXPECT_EQ(document["other"]["name"].GetInt(), 2);
  EXPECT_TRUE(document["again"] == document["holder"]);
  EXPECT_EQ(to_json(document["again"]), R"({"list":[1,2],"more":[[1,2],"hello"]})");
  // A copy, not a shared value.
  EXPECT_NE(&document["copy"], &document["base"]);
}

TEST(YamlAnchors, LaterAnchorWins) {
  rapidjson::Document document = load_ok("a: &x 1\nb: *x\nc: &x [2]\nd: *x\n");
  EXPECT_EQ(to_json(document), R"({"a":1,"b":1,"c":[2],"d":[2]})");
}

TEST(YamlAnchors, UnknownAliasIsAnError) {
  const LoadError error = load_fails("a: 1\nb: *nowhere\n");
  EXPECT_NE(error.message.find("*nowhere"), std::string::npos) << error.message;
  expect_location(error.location, 2, 4, "unknown alias");
}

TEST(YamlMerge, MergeKeys) {
  rapidjson::Document document = load_ok(R"(
defaults: &defaults {a: 1, b: 2}
other: &other {b: 20, c: 30}
single: {<<: *defaults, b: 3}
explicit_first: {b: 3, <<: *defaults}
several: {<<: [*defaults, *other], d: 4}
reversed: {<<: [*other, *defaults]}
inline:
  <<: {x: 1, y: 1}
  y: 2
twice: {<<: *defaults, <<: *other}
quoted: {"<<": not a merge}
anchored: &anchored
  <<: *defaults
  z: 9
from_anchored: *anchored
merge_of_merged: {<<: *anchored, a: 0}
inline_anchor: {<<: &inl {q: 1}}
uses_inline_anchor: *inl
list_anchor: &list [{p: 1}, {p: 2, r: 2}]
from_list: {<<: *list}
nested_merge: {<<: {<<: *defaults, e: 5}}
deep_value: &dv {k: {<<: *defaults}}
deep_copy: {<<: *dv, j: 1}
)");
  ASSERT_TRUE(document.IsObject()) << to_json(document);
  auto json = [&](const char* key) { return to_json(document[key]); };
  EXPECT_EQ(json("single"), R"({"b":3,"a":1})");
  EXPECT_EQ(json("explicit_first"), R"({"b":3,"a":1})");
  EXPECT_EQ(json("several"), R"({"d":4,"a":1,"b":2,"c":30})");
  EXPECT_EQ(json("reversed"), R"({"b":20,"c":30,"a":1})");
  EXPECT_EQ(json("inline"), R"({"y":2,"x":1})");
  EXPECT_EQ(json("twice"), R"({"a":1,"b":2,"c":30})");
  EXPECT_EQ(json("quoted"), R"({"<<":"not a merge"})");
  EXPECT_EQ(json("anchored"), R"({"z":9,"a":1,"b":2})");
  EXPECT_EQ(json("from_anchored"), R"({"z":9,"a":1,"b":2})");
  EXPECT_EQ(json("merge_of_merged"), R"({"a":0,"z":9,"b":2})");
  EXPECT_EQ(json("inline_anchor"), R"({"q":1})");
  EXPECT_EQ(json("uses_inline_anchor"), R"({"q":1})");
  EXPECT_EQ(json("from_list"), R"({"p":1,"r":2})");
  EXPECT_EQ(json("nested_merge"), R"({"e":5,"a":1,"b":2})");
  EXPECT_EQ(json("deep_copy"), R"({"j":1,"k":{"a":1,"b":2}})");
  // The merged document is exactly sized: member counts are what they print.
  EXPECT_EQ(document["several"].MemberCount(), 4u);
}

TEST(YamlMerge, BadMergeValuesAreErrors) {
  for (const char* text : {"a: {<<: 1}\n", "a: {<<: [1]}\n", "s: &s x\na: {<<: *s}\n",
                           "l: &l [1]\na: {<<: [*l]}\n", "a: {<<: [{x: 1}, [2]]}\n"}) {
    const LoadError error = load_fails(text);
    EXPECT_NE(error.message.find("merge key"), std::string::npos) << text << ": " << error.message;
    EXPECT_GT(error.location.line, 0u) << text;
  }
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys, multiple documents

TEST(DuplicateKeys, YamlBlockAndFlow) {
  const LoadError block = load_fails("a: 1\nb: 2\na: 3\n");
  EXPECT_EQ(block.message, "YAML: duplicate key \"a\"");
  expect_location(block.location, 3, 1, "block");

  const LoadError nested = load_fails("x:\n  y: {p: 1, 'p': 2}\n");
  EXPECT_EQ(nested.message, "YAML: duplicate key \"p\"");
  expect_location(nested.location, 2, 13, "flow, quoted repeat");

  // Past the small-mapping threshold the check sorts; it still reports the first repeat.
  std::string large;
  for (int i = 0; i < 40; ++i) large += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  large += "k7: again\nk3: again\n";
  const LoadError sorted = load_fails(large);
  EXPECT_EQ(sorted.message, "YAML: duplicate key \"k7\"");
  expect_location(sorted.location, 41, 1, "large mapping");

  // Same key in different mappings is fine, and so is a key repeated by a merge.
  load_ok("a: {k: 1}\nb: {k: 2}\nc: &c {k: 3}\nd: {<<: *c, k: 4}\n");
}

TEST(DuplicateKeys, Json) {
  const LoadError error = load_fails(R"({"a":1,"b":2,"a":3})");
  EXPECT_EQ(error.message, "JSON: duplicate key \"a\"");
  expect_location(error.location, 1, 14, "json");

  const LoadError nested = load_fails("{\n  \"x\": {\n    \"p\": 1,\n    \"p\": [2]\n  }\n}");
  EXPECT_EQ(nested.message, "JSON: duplicate key \"p\"");
  expect_location(nested.location, 4, 5, "json nested");

  std::string large = "{";
  for (int i = 0; i < 40; ++i) large += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  large += "\"k9\":0}";
  EXPECT_EQ(load_fails(large).message, "JSON: duplicate key \"k9\"");

  const std::string long_key(500, 'x');
  const LoadError quoted = load_fails("{\"" + long_key + "\":1,\"" + long_key + "\":2}");
  EXPECT_LT(quoted.message.size(), 120u) << "long keys are cut in messages";
}

TEST(MultipleDocuments, AreAnError) {
  const LoadError error = load_fails("a: 1\n---\nb: 2\n");
  EXPECT_NE(error.message.find("more than one document"), std::string::npos) << error.message;
  expect_location(error.location, 2, 1, "second document");
  load_fails("--- a\n--- b\n");
  load_fails("a: 1\n...\n---\n");
  // One explicit document, with or without an end marker, is fine.
  EXPECT_EQ(to_json(load_ok("---\na: 1\n...\n")), R"({"a":1})");
  EXPECT_EQ(to_json(load_ok("%YAML 1.1\n---\na: 1\n")), R"({"a":1})");
}

// ---------------------------------------------------------------------------------------------
// Hostile input

std::string alias_bomb(int levels, int width) {
  std::string text = "l0: &l0 [lol]\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string name = "l" + std::to_string(level);
    text += name + ": &" + name + " [";
    for (int i = 0; i < width; ++i) text += (i == 0 ? "*l" : ", *l") + std::to_string(level - 1);
    text += "]\n";
  }
  return text;
}

TEST(Limits, AliasBombFailsQuickly) {
  // 10^9 values once expanded, in about 400 bytes.
  const std::string bomb = alias_bomb(9, 10);
  const auto start = std::chrono::steady_clock::now();
  const LoadError error = load_fails(bomb);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(error.message.find("aliases expand to more than"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("max_nodes"), std::string::npos) << error.message;
  EXPECT_GT(error.location.line, 0u);
  // Counted before anything is built: well under a millisecond in a Release build, so even a
  // sanitizer build stays far below this.
  EXPECT_LT(seconds, 1.0);
  RecordProperty("alias_bomb_ms", static_cast<int>(seconds * 1000));
  std::cout << "[ info     ] alias bomb rejected in " << seconds * 1000
            << " ms with default limits\n";

  // With a small budget it stops at once.
  LoadLimits small;
  small.max_nodes = 10000;
  const auto small_start = std::chrono::steady_clock::now();
  load_fails(bomb, small);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - small_start).count(),
            0.5);

  // The same shape within the limit loads, fully expanded.
  rapidjson::Document small_bomb = load_ok(alias_bomb(3, 10));
  EXPECT_EQ(small_bomb["l3"].Size(), 10u);
  EXPECT_STREQ(small_bomb["l3"][9][9][9][0].GetString(), "lol");
}

TEST(Limits, AliasBombThroughMergeKeys) {
  // Merges repeat members the way aliases repeat values.
  std::string text = "m0: &m0 {a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n";
  for (int level = 1; level <= 8; ++level) {
    const std::string name = "m" + std::to_string(level);
    const std::string previous = "*m" + std::to_string(level - 1);
    text += name + ": &" + name + " {";
    for (int i = 0; i < 10; ++i) {
      text +=
          (i == 0 ? "" : ", ") + std::string("k") + std::to_string(i) + ": {<<: " + previous + "}";
    }
    text += "}\n";
  }
  LoadLimits limits;
  limits.max_nodes = 1000000;
  const LoadError error = load_fails(text, limits);
  EXPECT_NE(error.message.find("expand to more than 1000000 values (LoadLimits::max_nodes)"),
            std::string::npos)
      << error.message;
}

TEST(Limits, DeepJsonNestingIsRejected) {
  const std::string deep(100000, '[');
  const LoadError error = load_fails(deep);
  EXPECT_NE(error.message.find("nesting deeper than 1000"), std::string::npos) << error.message;
  expect_location(error.location, 1, 1001, "the 1001st bracket");

  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_NE(load_fails(objects).message.find("nesting deeper"), std::string::npos);

  // Exactly at the limit is fine.
  const std::string at_limit = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_TRUE(load_ok(at_limit).IsArray());
  const std::string past_limit = std::string(1001, '[') + std::string(1001, ']');
  load_fails(past_limit);
}

TEST(Limits, DeepYamlNestingIsRejected) {
  const std::string deep = "a: " + std::string(100000, '[');
  const LoadError error = load_fails(deep);
  EXPECT_NE(error.message.find("YAML: nesting deeper than 1000"), std::string::npos)
      << error.message;
  // The mapping is the first level, so the 1000th bracket is one too many.
  expect_location(error.location, 1, 1003, "the 1000th nested sequence");

  std::string flow_maps = "a: ";
  for (int i = 0; i < 100000; ++i) flow_maps += "{a: ";
  EXPECT_NE(load_fails(flow_maps).message.find("nesting deeper"), std::string::npos);

  std::string block;
  for (int i = 0; i < 1200; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  EXPECT_NE(load_fails(block).message.find("nesting deeper"), std::string::npos);

  // Aliases count the depth of what they copy.
  std::string chain = "a0: &a0 [x]\n";
  for (int i = 1; i < 20; ++i) {
    chain += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
             "]\n";
  }
  LoadLimits shallow;
  shallow.max_depth = 10;
  EXPECT_NE(load_fails(chain, shallow).message.find("nesting deeper than 10"), std::string::npos);
  EXPECT_TRUE(load_ok(chain).IsObject());
}

TEST(Limits, MaxBytesAndMaxNodes) {
  LoadLimits limits;
  limits.max_bytes = 10;
  const LoadError bytes = load_fails("{\"abc\": 12345}", limits);
  EXPECT_NE(bytes.message.find("max_bytes"), std::string::npos) << bytes.message;
  limits.max_bytes = 14;
  load_ok("{\"abc\": 12345}", limits);

  LoadLimits nodes;
  nodes.max_nodes = 4;
  load_ok("[1, 2, 3]", nodes);
  load_ok("- 1\n- 2\n- 3\n", nodes);
  EXPECT_NE(load_fails("[1, 2, 3, 4]", nodes).message.find("max_nodes"), std::string::npos);
  EXPECT_NE(load_fails("- 1\n- 2\n- 3\n- 4\n", nodes).message.find("max_nodes"), std::string::npos);
}

TEST(Limits, InvalidUtf8IsRejected) {
  const char* bad[] = {
      "\xFF", "\xC3\x28", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82",
  };
  for (const char* bytes : bad) {
    SCOPED_TRACE(::testing::PrintToString(std::string(bytes)));
    const LoadError json = load_fails(std::string("{\"a\": \"") + bytes + "\"}");
    expect_location(json.location, 1, 8, json.message);
    const LoadError yaml = load_fails(std::string("a: b\nc: \"") + bytes + "\"\n");
    EXPECT_EQ(yaml.location.line, 2u) << yaml.message;
    const LoadError plain = load_fails(std::string("a: ") + bytes + "\n");
    EXPECT_EQ(plain.location.line, 1u) << plain.message;
  }
  const LoadError reader = load_fails("a: b\nc: \xFF\n");
  EXPECT_NE(reader.message.find("UTF-8"), std::string::npos) << reader.message;
  expect_location(reader.location, 2, 4, "reader error");
  // A UTF-16 byte order mark does not switch encodings.
  load_fails(
      std::string("\xFF\xFE"
                  "a\0:\0 \0"
                  "1\0",
                  10));
  // NUL is not JSON.
  load_fails(std::string("{\"a\": 1}\0{", 10));
  load_fails(std::string("{\"a\": \"x\0y\"}", 12));
}

// ---------------------------------------------------------------------------------------------
// Error locations

TEST(ErrorLocations, Json) {
  struct Case {
    std::string text;
    std::size_t line, column;
    const char* message_part;
  };
  const Case cases[] = {
      {"{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "colon"},
      {"[1, 2,, 3]", 1, 7, "Invalid value"},
      {"[\"\xC3\xA9\", x]", 1, 7, "Invalid value"},
      {"{\r\n\"a\":\r\n}", 3, 1, "Invalid value"},
      {"{\r\"a\": tru}", 2, 9, "Invalid value"},  // rapidjson stops after "tru"
      {"{\"a\": 1} x", 1, 10, "root"},
      {"[1,\n 2", 2, 3, "comma"},
      {"{\"a\": \"\\q\"}", 1, 8, "escape"},
  };
  for (const Case& c : cases) {
    const LoadError error = load_fails(c.text);
    EXPECT_EQ(error.message.rfind("JSON: ", 0), 0u) << error.message;
    EXPECT_NE(error.message.find(c.message_part), std::string::npos) << error.message;
    expect_location(error.location, c.line, c.column, c.text + " -> " + error.message);
  }
}

TEST(ErrorLocations, Yaml) {
  struct Case {
    std::string text;
    std::size_t line, column;
    const char* message;
  };
  const Case cases[] = {
      {"a: b: c\n", 1, 5, "YAML: mapping values are not allowed in this context"},
      {"a:\n  - 1\n  b: 2\n", 3, 3,
       "YAML: did not find expected '-' indicator (while parsing a block collection at line 2 "
       "column 3)"},
      {"a: \"unclosed\n", 2, 1,
       "YAML: found unexpected end of stream (while scanning a quoted scalar at line 1 column 4)"},
      {"a: 1\n\tb: 2\n", 2, 1,
       "YAML: found a tab character that violates indentation (while scanning a plain scalar at "
       "line 1 column 4)"},
      {"x: [1, 2\n", 2, 1,
       "YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1 column 4)"},
      {"k: \xC3\xA9\xC3\xA9: v\n", 1, 6, "YAML: mapping values are not allowed in this context"},
  };
  for (const Case& c : cases) {
    const LoadError error = load_fails(c.text);
    EXPECT_EQ(error.message, c.message) << c.text;
    expect_location(error.location, c.line, c.column, c.text + " -> " + error.message);
  }
}

// ---------------------------------------------------------------------------------------------
// locate_pointer

constexpr std::string_view kLocateJson = R"({
  "paths": {
    "/pets": {
      "get": {"responses": {"200": {"description": "ok"}}}
    },
    "a~b": [10, {"x": true}, "s"]
  },
  "info": "i"
})";

constexpr std::string_view kLocateYaml = R"(paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
  a~b: [10, {x: true}, s]
info: i
k: &key kk
other: {*key : found, <<: {merged: 1}}
)";

struct LocateCase {
  const char* pointer;
  std::size_t line, column;
};

void expect_locations(std::string_view text, const std::vector<LocateCase>& cases) {
  for (const LocateCase& c : cases) {
    expect_location(locate_pointer(text, c.pointer), c.line, c.column,
                    std::string("pointer '") + c.pointer + "'");
  }
}

TEST(LocatePointer, Json) {
  expect_locations(kLocateJson, {
                                    {"", 1, 1},
                                    {"/paths", 2, 12},
                                    {"/paths/~1pets", 3, 14},
                                    {"/paths/~1pets/get", 4, 14},
                                    {"/paths/~1pets/get/responses/200/description", 4, 52},
                                    {"/paths/a~0b", 6, 12},
                                    {"/paths/a~0b/0", 6, 13},
                                    {"/paths/a~0b/1/x", 6, 23},
                                    {"/paths/a~0b/2", 6, 30},
                                    {"/info", 8, 11},
                                    // Missing: the nearest existing ancestor.
                                    {"/paths/missing", 2, 12},
                                    {"/paths/~1pets/get/nope/deeper", 4, 14},
                                    {"/paths/a~0b/5", 6, 12},
                                    {"/paths/a~0b/01", 6, 12},
                                    {"/paths/a~0b/-", 6, 12},
                                    {"/info/x", 8, 11},
                                    {"/paths/a~2b", 2, 12},
                                    {"/nothing", 1, 1},
                                    {"paths", 1, 1},
                                });
}

TEST(LocatePointer, Yaml) {
  expect_locations(kLocateYaml, {
                                    {"", 1, 1},
                                    {"/paths", 2, 3},
                                    {"/paths/~1pets", 3, 5},
                                    {"/paths/~1pets/get", 4, 7},
                                    {"/paths/~1pets/get/responses/200", 6, 11},
                                    {"/paths/~1pets/get/responses/200/description", 6, 24},
                                    {"/paths/a~0b", 7, 8},
                                    {"/paths/a~0b/0", 7, 9},
                                    {"/paths/a~0b/1/x", 7, 17},
                                    {"/paths/a~0b/2", 7, 24},
                                    {"/info", 8, 7},
                                    {"/k", 9, 4},
                                    {"/other/kk", 10, 16},
                                    // Merged members are found at their mapping.
                                    {"/other/merged", 10, 8},
                                    {"/paths/missing", 2, 3},
                                    {"/paths/a~0b/3", 7, 8},
                                    {"/info/x", 8, 7},
                                    {"/paths/a~2b", 2, 3},
                                });
}

TEST(LocatePointer, BrokenOrHostileText) {
  // A syntax error after the target does not matter; before it, the deepest value found wins.
  expect_location(locate_pointer("{\"a\": {\"b\": 1}, !!!", "/a/b"), 1, 13, "json after");
  expect_location(locate_pointer("{\"a\": {\"c\": !!!", "/a/b"), 1, 7, "json before");
  expect_location(locate_pointer("a:\n  b: 1\nc: [\n", "/a/b"), 2, 6, "yaml after");
  expect_location(locate_pointer("", "/a"), 0, 0, "empty");
  const std::string deep(100000, '[');
  expect_location(locate_pointer(deep, "/0/0/0"), 1, 4, "deep json");
  expect_location(locate_pointer("a: " + deep, "/a/0/0"), 1, 6, "deep yaml");
}

// ---------------------------------------------------------------------------------------------
// Real-world specs

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shared";
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

std::filesystem::path specs_dir_or_skip_reason(std::string* reason) {
  const std::filesystem::path specs = shared_dir() / "specs";
  if (!std::filesystem::is_directory(specs)) {
    *reason = "no shared specs at " + specs.string() + " (set SPECGATE_SHARED)";
    return {};
  }
  return specs;
}

#define SPECGATE_REQUIRE_SPECS(specs)                                         \
  std::string skip_reason;                                                    \
  const std::filesystem::path specs = specs_dir_or_skip_reason(&skip_reason); \
  if (specs.empty()) {                                                        \
    if (running_in_ci()) FAIL() << skip_reason;                               \
    GTEST_SKIP() << skip_reason;                                              \
  }

TEST(SharedSpecs, EveryFileLoadsAsAnOpenApiDocument) {
  SPECGATE_REQUIRE_SPECS(specs);
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(specs)) {
    const std::string extension = entry.path().extension().string();
    if (extension != ".json" && extension != ".yaml" && extension != ".yml") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const std::string text = read_file(entry.path());
    rapidjson::Document document;
    LoadError error;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(load_document(text, &document, &error)) << describe(error);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ info     ] " << entry.path().filename().string() << ": " << text.size()
              << " bytes in " << ms << " ms\n";
    ASSERT_TRUE(document.IsObject());
    ASSERT_TRUE(document.HasMember("openapi"));
    EXPECT_TRUE(document["openapi"].IsString()) << "3.0.0 must stay a string";
    // A serialised copy reads back through the JSON path as the same document.
    if (extension != ".json") {
      EXPECT_TRUE(load_ok(to_json(document)) == document);
    }
    ++loaded;
  }
  EXPECT_GE(loaded, 10u);
}

TEST(SharedSpecs, StripeYamlPathsAndSpeed) {
  SPECGATE_REQUIRE_SPECS(specs);
  const std::filesystem::path path = specs / "stripe-spec3-2023-09.yaml";
  if (!std::filesystem::exists(path)) {
    if (running_in_ci()) FAIL() << "missing " << path;
    GTEST_SKIP() << "missing " << path;
  }
  const std::string text = read_file(path);

  // An independent count: lines indented by exactly two spaces inside the top-level "paths:".
  std::size_t expected_paths = 0;
  std::size_t line_of_account = 0;
  {
    std::istringstream lines(text);
    std::string line;
    bool in_paths = false;
    for (std::size_t number = 1; std::getline(lines, line); ++number) {
      if (!line.empty() && line[0] != ' ') in_paths = line.rfind("paths:", 0) == 0;
      if (in_paths && line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
        ++expected_paths;
        if (line == "  /v1/account:") line_of_account = number;
      }
    }
  }
  ASSERT_GT(expected_paths, 0u);

  double best_ms = 1e9;
  rapidjson::Document document;
  for (int run = 0; run < 3; ++run) {
    LoadError error;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(load_document(text, &document, &error)) << describe(error);
    best_ms = std::min(
        best_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::cout << "[ info     ] stripe (" << text.size() << " bytes of YAML): best of 3 loads "
            << best_ms << " ms\n";
  RecordProperty("stripe_load_ms", static_cast<int>(best_ms));

  ASSERT_TRUE(document.HasMember("paths"));
  EXPECT_EQ(document["paths"].MemberCount(), expected_paths);
  EXPECT_EQ(document["paths"].MemberCount(), 318u);  // shared/specs/README.md
  EXPECT_STREQ(document["openapi"].GetString(), "3.0.0");

  // The locator finds the operation one line below its path.
  ASSERT_GT(line_of_account, 0u);
  const SourceLocation get = locate_pointer(text, "/paths/~1v1~1account/get");
  EXPECT_EQ(get.line, line_of_account + 2) << "the value of get starts on the line after it";
  EXPECT_EQ(locate_pointer(text, "/paths/~1v1~1account").line, line_of_account + 1);
}

}  // namespace
}  // namespace specgate::detail
