// Fuzz target: Schema::compile on arbitrary schema text, then validation of a few fixed
// instances (and of the schema text itself) against whatever compiled.
//
// Input: the schema as JSON text. The dialect used for a schema without `$schema` is picked
// from the input length, so every dialect's compiler runs without changing the text.
//
// Invariants checked beyond "no crash, no sanitizer report":
//  - compile either returns or throws SchemaError with at least one problem (no other
//    exception escapes: a std::out_of_range or std::bad_alloc would be a library bug);
//  - fast and exhaustive validation agree on valid/invalid;
//  - an instance judged invalid in exhaustive mode has at least one error.
#include <specgate/json_schema.h>

#include <array>
#include <optional>
#include <string_view>

#include "fuzz_support.h"

namespace {

constexpr std::array<specgate::Dialect, 7> kDialects = {
    specgate::Dialect::kDraft4,       specgate::Dialect::kDraft6,
    specgate::Dialect::kDraft7,       specgate::Dialect::kDraft2019_09,
    specgate::Dialect::kDraft2020_12, specgate::Dialect::kOas30,
    specgate::Dialect::kOas31};

// Instances of every JSON type and a few shapes keywords look into.
constexpr std::string_view kInstances[] = {
    "null",
    "true",
    "0",
    "-1.5",
    "12345678901234567890",
    "1e308",
    R"("")",
    R"("abc")",
    R"("2024-02-29T12:00:00Z")",
    R"("\u00e9t\u00e9")",
    "[]",
    "[1, 1, \"a\", [1], {\"a\": 1}]",
    "{}",
    R"({"a": 1, "b": "x", "c": [true, null], "d": {"e": {}}})",
    R"({"type": "dog", "name": "Rex", "petType": "Dog"})",
};

void check_instance(const specgate::Schema& schema, std::string_view instance) {
  specgate::Validator fast;
  specgate::Validator exhaustive;
  exhaustive.options().mode = specgate::Mode::kExhaustive;
  bool fast_valid = fast.validate_json(schema, instance);
  bool exhaustive_valid = exhaustive.validate_json(schema, instance);
  SPECGATE_FUZZ_CHECK(fast_valid == exhaustive_valid, "fast and exhaustive modes disagree");
  SPECGATE_FUZZ_CHECK(exhaustive_valid || !exhaustive.errors().empty(),
                      "an invalid instance without errors");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = specgate::fuzz::as_text(data, size);
  specgate::CompileOptions options;
  options.default_dialect = kDialects[size % kDialects.size()];
  std::optional<specgate::Schema> schema;
  try {
    schema.emplace(specgate::Schema::compile(text, options));
  } catch (const specgate::SchemaError& error) {
    SPECGATE_FUZZ_CHECK(!error.problems().empty(), "SchemaError without problems");
    return 0;
  }
  for (std::string_view instance : kInstances) check_instance(*schema, instance);
  // The schema document itself is a JSON value of some shape the schema talks about.
  check_instance(*schema, text);
  return 0;
}
