// The README's quick start: compile a schema once, validate instances with a reused Validator.
#include <specgate/json_schema.h>

#include <cstdio>

int main() {
  // Compile once (throws specgate::SchemaError listing every problem); share it across threads.
  const specgate::Schema schema = specgate::Schema::compile(R"({
    "type": "object",
    "required": ["name", "species"],
    "properties": {
      "name": {"type": "string", "minLength": 1},
      "species": {"enum": ["dog", "cat", "rabbit"]},
      "weight_kg": {"type": "number", "exclusiveMinimum": 0}
    }
  })");

  // One Validator per thread; reusing it keeps validation free of allocation on the valid path.
  specgate::Validator validator;
  const bool rex_ok = validator.validate_json(schema, R"({"name": "Rex", "species": "dog"})");
  std::printf("Rex: %s\n", rex_ok ? "valid" : "invalid");

  // Exhaustive mode collects every error instead of stopping at the first.
  validator.options().mode = specgate::Mode::kExhaustive;
  const bool tom_ok =
      validator.validate_json(schema, R"({"name": "Tom", "species": "cow", "weight_kg": -2})");
  std::printf("Tom: %s\n", tom_ok ? "valid" : "invalid");
  for (const specgate::ValidationError& error : validator.errors()) {
    std::printf("  at '%s' (%s): %s\n", error.instance_pointer.c_str(), error.keyword.c_str(),
                error.message.c_str());
  }
  return rex_ok && !tom_ok && validator.errors().size() == 2 ? 0 : 1;
}
