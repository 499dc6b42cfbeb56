// Compiles a schema and validates one instance through the public API only.
#include <specgate/json_schema.h>

#include <cstdio>

int main() {
  try {
    const specgate::Schema schema = specgate::Schema::compile(R"({"type": "integer"})");
    specgate::Validator validator;
    const bool integer_ok = validator.validate_json(schema, "42");
    const bool string_rejected = !validator.validate_json(schema, R"("forty-two")");
    if (!integer_ok || !string_rejected) {
      std::fprintf(stderr, "consumer: unexpected result (42 valid: %d, string rejected: %d)\n",
                   integer_ok, string_rejected);
      return 1;
    }
  } catch (const specgate::SchemaError& error) {
    std::fprintf(stderr, "consumer: schema error: %s\n", error.what());
    return 1;
  }
  std::printf("consumer: ok\n");
  return 0;
}
