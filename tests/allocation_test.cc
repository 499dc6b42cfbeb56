// Steady-state validation allocates nothing: the claim behind the Validator's design.
// This binary replaces global operator new to count heap allocations.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "specgate/json_schema.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace specgate {
namespace {

constexpr const char* kPatientSchema = R"({
  "type": "object",
  "required": ["name", "species", "owner"],
  "additionalProperties": false,
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 64},
    "species": {"enum": ["dog", "cat", "rabbit", "bird"]},
    "born": {"type": "string", "format": "date"},
    "weight_kg": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
    "chip": {"type": "string", "pattern": "^[0-9]{15}$"},
    "owner": {"$ref": "#/$defs/owner"},
    "allergies": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
  },
  "$defs": {"owner": {"type": "object", "required": ["email"],
            "properties": {"email": {"type": "string", "format": "email"},
                           "phone": {"type": "string"}}}}
})";

constexpr const char* kPatient = R"({"name": "Rex", "species": "dog", "born": "2019-04-01",
  "weight_kg": 31.25, "chip": "985112345678901",
  "owner": {"email": "ann@example.org", "phone": "+44 20 7946 0000"},
  "allergies": ["penicillin", "chicken"]})";

long count_allocations(Validator& validator, const Schema& schema, const char* text) {
  long before = allocations.load();
  for (int i = 0; i < 100; ++i) {
    if (!validator.validate_json(schema, text)) return -1;
  }
  return allocations.load() - before;
}

TEST(AllocationTest, ValidatingParsedTextAllocatesNothingOnceWarm) {
  CompileOptions options;
  options.format_assertion = true;
  Schema schema = Schema::compile(kPatientSchema, options);
  Validator validator;
  ASSERT_TRUE(validator.validate_json(schema, kPatient));  // warm-up grows the scratch
  EXPECT_EQ(count_allocations(validator, schema, kPatient), 0);
  validator.options().mode = Mode::kExhaustive;
  ASSERT_TRUE(validator.validate_json(schema, kPatient));
  EXPECT_EQ(count_allocations(validator, schema, kPatient), 0);
}

TEST(AllocationTest, AnnotationTrackingAllocatesNothingOnceWarm) {
  Schema schema = Schema::compile(R"({"allOf": [{"properties": {"a": true}}],
    "anyOf": [{"properties": {"b": true}}, {"properties": {"c": true}}],
    "unevaluatedProperties": false})");
  Validator validator;
  const char* text = R"({"a": 1, "b": 2})";
  ASSERT_TRUE(validator.validate_json(schema, text));
  EXPECT_EQ(count_allocations(validator, schema, text), 0);
}

}  // namespace
}  // namespace specgate
