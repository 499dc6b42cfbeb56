// specgate JSON Schema engine: compile a schema once, validate many instances fast.
//
// A schema (a RapidJSON value) is compiled into an immutable `Schema`: every `$ref` resolved,
// every regex compiled, every property table built. A `Validator` holds the per-thread scratch
// memory that validation needs, so steady-state validation allocates nothing on the valid path.
//
//   specgate::Schema schema = specgate::Schema::compile(R"({"type": "integer", "minimum": 1})");
//   specgate::Validator validator;                       // one per thread
//   bool ok = validator.validate_json(schema, "42");       // true
//   validator.options().mode = specgate::Mode::kExhaustive;
//   if (!validator.validate_json(schema, "0")) {
//     for (const specgate::ValidationError& e : validator.errors()) { /* e.message ... */ }
//   }
//
// Dialects: draft4, draft6, draft7, 2019-09, 2020-12, and the OpenAPI schema dialects 3.0 and
// 3.1. `$ref` to other documents resolves only through documents the caller registers; the
// engine never reads files or the network.
#ifndef SPECGATE_JSON_SCHEMA_H_
#define SPECGATE_JSON_SCHEMA_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace specgate {

namespace detail {
struct Program;
class Evaluator;
class JsonScratch;
struct SchemaAccess;
}  // namespace detail

// The JSON Schema dialect a schema resource is written in.
enum class Dialect : std::uint8_t {
  kDraft4,
  kDraft6,
  kDraft7,
  kDraft2019_09,
  kDraft2020_12,
  kOas30,  // OpenAPI 3.0 Schema Object: draft4-like, nullable, boolean exclusiveMinimum, ...
  kOas31,  // OpenAPI 3.1: 2020-12 plus the OpenAPI vocabulary (discriminator, ...)
};

// "draft4", "draft6", "draft7", "2019-09", "2020-12", "oas3.0", "oas3.1".
std::string_view dialect_name(Dialect dialect);
// Parses the names above (also "draft2019-09", "draft2020-12"); nullopt when unknown.
std::optional<Dialect> dialect_from_name(std::string_view name);
// Maps a well-known `$schema` URI (with or without trailing '#') to its dialect.
std::optional<Dialect> dialect_from_schema_uri(std::string_view uri);

// kFast stops at the first failure; kExhaustive collects every error.
enum class Mode : std::uint8_t { kFast, kExhaustive };

// Which way a message travels, for readOnly/writeOnly: in a request readOnly properties are
// not required, in a response writeOnly properties are not required.
enum class Direction : std::uint8_t { kNone, kRequest, kResponse };

// One problem found in a schema or spec at compile time.
struct Problem {
  std::string pointer;  // RFC 6901 pointer into the document (with its URI when not the root)
  std::string message;
  std::size_t line = 0;    // 1-based position in the source text, 0 when not known
  std::size_t column = 0;
};

// Thrown by Schema::compile and ResourceRegistry::add: lists every problem found.
class SchemaError : public std::runtime_error {
 public:
  explicit SchemaError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// Documents that `$ref` may point to, by absolute URI (without fragment). Not thread-safe to
// modify; read-only use from several threads is fine. Needed only while compiling.
class ResourceRegistry {
 public:
  ResourceRegistry();
  ~ResourceRegistry();
  ResourceRegistry(ResourceRegistry&&) noexcept;
  ResourceRegistry& operator=(ResourceRegistry&&) noexcept;

  // Registers a document (copied). Throws SchemaError when `json_text` is not JSON.
  void add(std::string_view uri, std::string_view json_text);
  void add(std::string_view uri, const rapidjson::Value& document);
  // The document registered under `uri` (a trailing empty fragment is ignored), or nullptr.
  const rapidjson::Value* find(std::string_view uri) const;
  std::size_t size() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Looks up a document that is not in the registry; returns nullptr when unknown. The value
// must stay alive until Schema::compile returns.
using ResourceResolver = std::function<const rapidjson::Value*(std::string_view uri)>;

// A caller-supplied check for `format: name` on string instances (valid UTF-8).
using FormatCheck = std::function<bool(std::string_view value)>;

struct CompileOptions {
  // The dialect of a schema that has no `$schema`.
  Dialect default_dialect = Dialect::kDraft2020_12;
  // nullopt: assert formats in the OpenAPI dialects (and where a metaschema enables the
  // format-assertion vocabulary), annotate only elsewhere. true/false force it.
  std::optional<bool> format_assertion;
  // The retrieval URI of the schema document; relative `$id`s and `$ref`s resolve against it.
  std::string base_uri;
  // Other documents, looked up by URI; needed only during compile.
  const ResourceRegistry* resources = nullptr;
  // Consulted for URIs that `resources` lacks.
  ResourceResolver resolver;
  // Custom formats (checked on strings); they override built-in ones of the same name.
  std::map<std::string, FormatCheck, std::less<>> formats;
  // Largest number of `$ref` hops followed while compiling before a chain is reported.
  std::size_t max_ref_depth = 256;
};

// A compiled schema: immutable, safe to share across threads, cheap to copy (shared state).
class Schema {
 public:
  // Throw SchemaError listing every problem (bad keyword values, unresolvable `$ref`,
  // patterns RE2 cannot run, invalid JSON text).
  static Schema compile(const rapidjson::Value& schema, const CompileOptions& options = {});
  static Schema compile(std::string_view json_text, const CompileOptions& options = {});

  // The dialect of the root schema resource.
  Dialect dialect() const noexcept;

  // Convenience: validate with a thread-local Validator in fast mode.
  bool is_valid(const rapidjson::Value& instance) const;
  bool is_valid_json(std::string_view json_text) const;

  const detail::Program& program() const noexcept { return *program_; }
  std::uint32_t root() const noexcept { return root_; }

 private:
  friend struct detail::SchemaAccess;
  Schema(std::shared_ptr<const detail::Program> program, std::uint32_t root);
  std::shared_ptr<const detail::Program> program_;
  std::uint32_t root_ = 0;
};

// One validation failure.
struct ValidationError {
  std::string instance_pointer;  // RFC 6901 pointer into the instance ("" is the root)
  std::string schema_pointer;    // where the failing keyword sits in the schema document
  std::string keyword;           // "type", "required", ..., "json" for unparseable text
  std::string message;           // describes the constraint, never echoes the value
};

struct ValidateOptions {
  Mode mode = Mode::kFast;
  Direction direction = Direction::kNone;
  // Deepest instance nesting accepted (also when parsing JSON text); deeper is an error.
  std::size_t max_depth = 256;
  // In kExhaustive mode, errors kept at most (validation still answers valid or not).
  std::size_t max_errors = 1000;
};

// Per-thread validation scratch. Not thread-safe: use one per thread. Reusing one Validator
// for many calls keeps validation free of heap allocation in steady state.
class Validator {
 public:
  explicit Validator(ValidateOptions options = {});
  ~Validator();
  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;

  ValidateOptions& options() noexcept { return options_; }
  const ValidateOptions& options() const noexcept { return options_; }

  // True when `instance` is valid. In kFast mode errors() holds the first failure (if any);
  // in kExhaustive mode every failure up to max_errors.
  bool validate(const Schema& schema, const rapidjson::Value& instance);
  // Parses `json_text` into reusable scratch, then validates. Malformed JSON (or nesting
  // deeper than max_depth) is an error with keyword "json".
  bool validate_json(const Schema& schema, std::string_view json_text);

  // The errors of the last call; valid until the next call.
  const std::vector<ValidationError>& errors() const noexcept { return errors_; }

 private:
  ValidateOptions options_;
  std::vector<ValidationError> errors_;
  std::unique_ptr<detail::Evaluator> evaluator_;
  std::unique_ptr<detail::JsonScratch> scratch_;
};

}  // namespace specgate

#endif  // SPECGATE_JSON_SCHEMA_H_
