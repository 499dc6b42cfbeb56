// The public face of the OpenAPI layer: Spec, RequestValidator, names, problem+json.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "openapi_spec.h"
#include "openapi_validator.h"
#include "spec_loader.h"
#include "specgate/openapi.h"

namespace specgate {

std::string_view location_name(Location location) {
  switch (location) {
    case Location::kRoute: return "route";
    case Location::kSecurity: return "security";
    case Location::kPath: return "path";
    case Location::kQuery: return "query";
    case Location::kHeader: return "header";
    case Location::kCookie: return "cookie";
    case Location::kBody: return "body";
  }
  return "body";
}

std::string_view reason_name(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "none";
    case Reason::kUnknownRoute: return "unknown_route";
    case Reason::kMethodNotAllowed: return "method_not_allowed";
    case Reason::kUnauthorized: return "unauthorized";
    case Reason::kBodyTooLarge: return "body_too_large";
    case Reason::kUnsupportedMediaType: return "unsupported_media_type";
    case Reason::kInvalidRequest: return "invalid_request";
    case Reason::kInvalidResponse: return "invalid_response";
  }
  return "none";
}

namespace {

const char* status_title(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 502: return "Bad Gateway";
  }
  return "Error";
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

namespace {

// One writer for both renderings: the problem document adds type/title/detail, the full
// result adds the decoded parameters.
std::string render(const RequestResult& r, bool problem) {
  const auto& errors = r.errors;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (problem) {
    w.Key("type");
    w.String("about:blank");
    w.Key("title");
    w.String(status_title(r.status));
  }
  w.Key("status");
  w.Int(r.status);
  if (problem && !errors.empty()) {
    w.Key("detail");
    std::string detail = errors.front().message;
    if (!errors.front().name.empty()) {
      detail = std::string(location_name(errors.front().location)) + " parameter \"" +
               errors.front().name + "\": " + detail;
    } else if (!errors.front().pointer.empty()) {
      detail = "body at " + errors.front().pointer + ": " + detail;
    }
    write_string(w, detail);
  }
  w.Key("reason");
  write_string(w, reason_name(r.reason));
  if (!r.operation_id.empty()) {
    w.Key("operation_id");
    write_string(w, r.operation_id);
  }
  if (!r.route.empty()) {
    w.Key("route");
    write_string(w, r.route);
  }
  if (!r.allow.empty()) {
    w.Key("allow");
    w.StartArray();
    for (std::string_view method : r.allow) write_string(w, method);
    w.EndArray();
  }
  w.Key("errors");
  w.StartArray();
  for (const RequestError& e : errors) {
    w.StartObject();
    w.Key("location");
    write_string(w, location_name(e.location));
    if (!e.name.empty()) {
      w.Key("name");
      write_string(w, e.name);
    }
    w.Key("pointer");
    write_string(w, e.pointer);
    w.Key("keyword");
    write_string(w, e.keyword);
    if (!e.schema_pointer.empty()) {
      w.Key("schema_pointer");
      write_string(w, e.schema_pointer);
    }
    w.Key("message");
    write_string(w, e.message);
    w.EndObject();
  }
  w.EndArray();
  if (!problem && r.parameters) {
    w.Key("parameters");
    r.parameters->Accept(w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string RequestResult::problem_json() const { return render(*this, true); }
std::string RequestResult::json() const { return render(*this, false); }

// ------------------------------------------------------------------ Spec

Spec::Spec(std::shared_ptr<const detail::CompiledSpec> impl) : impl_(std::move(impl)) {}

Spec Spec::load(std::string_view text, const SpecOptions& options) {
  if (text.size() > options.max_spec_bytes) {
    throw SpecError({{"", "the document is larger than the limit of " +
                              std::to_string(options.max_spec_bytes) + " bytes"}});
  }
  rapidjson::Document document;
  detail::LoadError error;
  detail::LoadLimits limits;
  limits.max_bytes = options.max_spec_bytes;
  if (!detail::load_document(text, &document, &error, limits)) {
    Problem problem{"", error.message};
    problem.line = error.location.line;
    problem.column = error.location.column;
    throw SpecError({std::move(problem)});
  }
  return Spec(detail::compile_spec(document, text, options));
}

Spec Spec::load_file(const std::string& path, SpecOptions options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw SpecError({{"", "cannot open \"" + path + "\""}});
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (options.base_uri.empty()) options.base_uri = path;
  return load(buffer.str(), options);
}

Spec Spec::from_document(const rapidjson::Value& document, const SpecOptions& options) {
  return Spec(detail::compile_spec(document, {}, options));
}

std::string_view Spec::openapi_version() const { return impl_->version; }
Dialect Spec::dialect() const { return impl_->dialect; }
const std::vector<OperationInfo>& Spec::operations() const { return impl_->infos; }
std::size_t Spec::memory_bytes() const { return impl_->memory_bytes; }

// ------------------------------------------------------------------ RequestValidator

RequestValidator::RequestValidator(RequestOptions options)
    : options_(std::move(options)), engine_(std::make_unique<detail::RequestEngine>()) {}
RequestValidator::~RequestValidator() = default;
RequestValidator::RequestValidator(RequestValidator&&) noexcept = default;
RequestValidator& RequestValidator::operator=(RequestValidator&&) noexcept = default;

const RequestResult& RequestValidator::validate(const Spec& spec, const Request& request) {
  return validate(spec, request, options_);
}

const RequestResult& RequestValidator::validate_response(const Spec& spec,
                                                         const Response& response) {
  return validate_response(spec, response, options_);
}

const RequestResult& RequestValidator::validate(const Spec& spec, const Request& request,
                                                const RequestOptions& options) {
  engine_->validate(spec.compiled(), request, options, &result_);
  return result_;
}

const RequestResult& RequestValidator::validate_response(const Spec& spec,
                                                         const Response& response,
                                                         const RequestOptions& options) {
  engine_->validate_response(spec.compiled(), response, options, &result_);
  return result_;
}

}  // namespace specgate
