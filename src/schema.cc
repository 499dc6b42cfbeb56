// The public face of the schema engine: Schema, Validator, ResourceRegistry, dialect names.
#include <rapidjson/error/en.h>

#include <cstdint>
#include <map>

#include "json_scratch.h"
#include "schema_program.h"
#include "schema_validator.h"
#include "specgate/json_schema.h"
#include "uri.h"

namespace specgate {
namespace {

std::string join_problems(const std::vector<Problem>& problems) {
  std::string text = problems.size() == 1 ? "invalid schema: " : "invalid schema (" +
                                                                     std::to_string(problems.size()) +
                                                                     " problems): ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i) text += "; ";
    text += (problems[i].pointer.empty() ? "(root)" : problems[i].pointer) + ": " +
            problems[i].message;
  }
  return text;
}

// Parses schema or registry text (not instances: those go through JsonScratch).
rapidjson::Document parse_document(std::string_view text, const std::string& where) {
  rapidjson::Document document;
  // No depth limit for schemas: the parser is iterative, and compiling bounds nesting itself.
  const rapidjson::ParseResult result = detail::parse_checked(text, SIZE_MAX, document).result;
  if (result.IsError()) {
    throw SchemaError({{where, std::string("malformed JSON at byte ") +
                                   std::to_string(result.Offset()) + ": " +
                                   rapidjson::GetParseError_En(result.Code())}});
  }
  return document;
}

}  // namespace

std::string_view dialect_name(Dialect dialect) {
  switch (dialect) {
    case Dialect::kDraft4: return "draft4";
    case Dialect::kDraft6: return "draft6";
    case Dialect::kDraft7: return "draft7";
    case Dialect::kDraft2019_09: return "2019-09";
    case Dialect::kDraft2020_12: return "2020-12";
    case Dialect::kOas30: return "oas3.0";
    case Dialect::kOas31: return "oas3.1";
  }
  return "unknown";
}

std::optional<Dialect> dialect_from_name(std::string_view name) {
  static const std::pair<std::string_view, Dialect> kNames[] = {
      {"draft4", Dialect::kDraft4},          {"draft6", Dialect::kDraft6},
      {"draft7", Dialect::kDraft7},          {"2019-09", Dialect::kDraft2019_09},
      {"draft2019-09", Dialect::kDraft2019_09}, {"2020-12", Dialect::kDraft2020_12},
      {"draft2020-12", Dialect::kDraft2020_12}, {"oas3.0", Dialect::kOas30},
      {"oas3.1", Dialect::kOas31}};
  for (const auto& [n, d] : kNames) {
    if (n == name) return d;
  }
  return std::nullopt;
}

std::optional<Dialect> dialect_from_schema_uri(std::string_view uri) {
  if (!uri.empty() && uri.back() == '#') uri.remove_suffix(1);
  if (uri == "http://json-schema.org/draft-04/schema") return Dialect::kDraft4;
  if (uri == "http://json-schema.org/draft-06/schema") return Dialect::kDraft6;
  if (uri == "http://json-schema.org/draft-07/schema") return Dialect::kDraft7;
  if (uri == "https://json-schema.org/draft/2019-09/schema") return Dialect::kDraft2019_09;
  if (uri == "https://json-schema.org/draft/2020-12/schema") return Dialect::kDraft2020_12;
  if (uri.substr(0, 40) == "https://spec.openapis.org/oas/3.1/dialect") return Dialect::kOas31;
  return std::nullopt;
}

SchemaError::SchemaError(std::vector<Problem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems)) {}

// ------------------------------------------------------------------ ResourceRegistry

struct ResourceRegistry::Impl {
  std::map<std::string, rapidjson::Document, std::less<>> documents;
};

ResourceRegistry::ResourceRegistry() : impl_(std::make_unique<Impl>()) {}
ResourceRegistry::~ResourceRegistry() = default;
ResourceRegistry::ResourceRegistry(ResourceRegistry&&) noexcept = default;
ResourceRegistry& ResourceRegistry::operator=(ResourceRegistry&&) noexcept = default;

void ResourceRegistry::add(std::string_view uri, std::string_view json_text) {
  std::string key(detail::uri_without_fragment(detail::resolve_uri("", uri)));
  impl_->documents[key] = parse_document(json_text, key);
}

void ResourceRegistry::add(std::string_view uri, const rapidjson::Value& document) {
  std::string key(detail::uri_without_fragment(detail::resolve_uri("", uri)));
  if (detail::json_deeper_than(document, detail::kMaxCopiedValueDepth)) {
    throw SchemaError({{key, "document is nested deeper than " +
                                 std::to_string(detail::kMaxCopiedValueDepth) + " levels"}});
  }
  rapidjson::Document copy;
  copy.CopyFrom(document, copy.GetAllocator());
  impl_->documents[key] = std::move(copy);
}

const rapidjson::Value* ResourceRegistry::find(std::string_view uri) const {
  if (!uri.empty() && uri.back() == '#') uri.remove_suffix(1);
  auto it = impl_->documents.find(uri);
  return it == impl_->documents.end() ? nullptr : &it->second;
}

std::size_t ResourceRegistry::size() const noexcept { return impl_->documents.size(); }

// ------------------------------------------------------------------ Schema

Schema::Schema(std::shared_ptr<const detail::Program> program, std::uint32_t root)
    : program_(std::move(program)), root_(root) {}

Schema Schema::compile(const rapidjson::Value& schema, const CompileOptions& options) {
  auto program = detail::compile_program(schema, options);
  std::uint32_t root = program->root;
  return Schema(std::move(program), root);
}

Schema Schema::compile(std::string_view json_text, const CompileOptions& options) {
  rapidjson::Document document = parse_document(json_text, "");
  return compile(document, options);
}

Dialect Schema::dialect() const noexcept { return program_->dialect; }

namespace {
Validator& thread_validator() {
  thread_local Validator validator;
  return validator;
}
}  // namespace

bool Schema::is_valid(const rapidjson::Value& instance) const {
  return thread_validator().validate(*this, instance);
}

bool Schema::is_valid_json(std::string_view json_text) const {
  return thread_validator().validate_json(*this, json_text);
}

// ------------------------------------------------------------------ Validator

Validator::Validator(ValidateOptions options)
    : options_(options),
      evaluator_(std::make_unique<detail::Evaluator>()),
      scratch_(std::make_unique<detail::JsonScratch>()) {}
Validator::~Validator() = default;
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;

bool Validator::validate(const Schema& schema, const rapidjson::Value& instance) {
  errors_.clear();
  return evaluator_->run(schema.program(), schema.root(), instance, options_, &errors_);
}

bool Validator::validate_json(const Schema& schema, std::string_view json_text) {
  errors_.clear();
  std::string error;
  const rapidjson::Value* instance = scratch_->parse(json_text, options_.max_depth, &error);
  if (!instance) {
    errors_.push_back({"", "", "json", std::move(error)});
    return false;
  }
  return evaluator_->run(schema.program(), schema.root(), *instance, options_, &errors_);
}

}  // namespace specgate
