// specgate OpenAPI layer: compile an OpenAPI 3.0/3.1 document once, then say in microseconds
// whether a raw HTTP request is one the API can handle, and if not, why.
//
//   specgate::Spec spec = specgate::Spec::load_file("hospital.yaml");    // throws SpecError
//   specgate::RequestValidator validator;                                 // one per thread
//   specgate::Header headers[] = {{"Authorization", "Bearer abc"},
//                                 {"Content-Type", "application/json"}};
//   specgate::Request request;
//   request.method = "POST";
//   request.target = "/v1/patients?notify=true";
//   request.headers = headers;
//   request.header_count = 2;
//   request.body = R"({"name": "Rex", "species": "dog"})";
//   request.has_body = true;
//   const specgate::RequestResult& result = validator.validate(spec, request);
//   if (!result.ok()) send(result.status, result.problem_json());
//
// Outcomes by precedence: 404 unknown route, 405 method not allowed, 401 missing
// credentials, 413 body too large, 415 unsupported media type, 400 invalid parameters or body;
// 200 when valid. Validation never modifies the request.
#ifndef SPECGATE_OPENAPI_H_
#define SPECGATE_OPENAPI_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specgate/json_schema.h"

namespace specgate {

namespace detail {
struct CompiledSpec;
class RequestEngine;
}  // namespace detail

// An invalid spec: every problem, each with a JSON pointer and, where the source text has
// it, a line and column.
class SpecError : public SchemaError {
 public:
  using SchemaError::SchemaError;
};

// A credential found in a request, for a caller's own check (signature, lookup, ...).
struct Credential {
  std::string_view scheme;       // the security scheme's name in components.securitySchemes
  std::string_view type;         // "apiKey", "http", "oauth2", "openIdConnect"
  std::string_view http_scheme;  // "basic", "bearer", ... (lower case) for type "http"
  std::string_view value;        // the API key, the bearer token, or base64 "user:password"
};
// Returns true when the credential is acceptable. Called only for credentials present and
// well-formed; must be thread-safe when the validator is used from several threads.
using CredentialCheck = std::function<bool(const Credential& credential)>;

struct SpecOptions {
  // Where the document lives (a file path or URI); relative `$ref`s to other files resolve
  // against it. Spec::load_file sets it.
  std::string base_uri;
  // Read other files that relative `$ref`s name, from the file system (only for a file base).
  bool load_external_files = true;
  // Documents to resolve external `$ref`s against instead of (or as well as) files.
  const ResourceRegistry* resources = nullptr;
  // nullopt: formats are asserted (the OpenAPI dialects' default); false: annotations only.
  std::optional<bool> format_assertion;
  std::size_t max_spec_bytes = 64u << 20;  // larger documents are refused
  std::size_t max_ref_depth = 64;          // `$ref` hops followed for one parameter/response
};

struct Header {
  std::string_view name;
  std::string_view value;
};

// A raw HTTP request, as views: nothing is copied, nothing is modified.
struct Request {
  std::string_view method;
  std::string_view target;  // the raw request path, possibly with "?query"
  std::string_view query;   // the raw query string, used when `target` has no '?'
  const Header* headers = nullptr;
  std::size_t header_count = 0;
  std::string_view body;
  bool has_body = false;  // a body was sent (possibly empty)
  // The declared Content-Length, when known before reading the body: over the limit is 413
  // without the body ever being read.
  std::optional<std::uint64_t> content_length;
};

// An upstream's answer, for response validation.
struct Response {
  std::string_view method;  // of the request it answers
  std::string_view target;  // of the request it answers
  int status = 200;
  const Header* headers = nullptr;
  std::size_t header_count = 0;
  std::string_view body;
  bool has_body = false;
};

// Where in the request an error is.
enum class Location : std::uint8_t { kRoute, kSecurity, kPath, kQuery, kHeader, kCookie, kBody };
std::string_view location_name(Location location);  // "route", "security", "path", ...

// Why a request was rejected, as a short stable code for logs and metrics.
enum class Reason : std::uint8_t {
  kNone,                  // valid
  kUnknownRoute,          // 404
  kMethodNotAllowed,      // 405
  kUnauthorized,          // 401
  kBodyTooLarge,          // 413
  kUnsupportedMediaType,  // 415
  kInvalidRequest,        // 400
  kInvalidResponse,       // response validation: the upstream broke its contract
};
std::string_view reason_name(Reason reason);  // "unknown_route", "method_not_allowed", ...

struct RequestError {
  Location location = Location::kBody;
  std::string name;            // parameter or header name; "" for the body and the route
  std::string pointer;         // RFC 6901 pointer into the parameter's value or the body
  std::string keyword;         // the failed schema keyword, or "json", "required", ...
  std::string schema_pointer;  // where the failed keyword is in the spec
  std::string message;         // describes the constraint; never echoes a credential/header
};

// The outcome of one validation. Views into the Spec stay valid while the Spec lives; the
// rest is valid until the validator's next call.
class RequestResult {
 public:
  bool ok() const { return status == 200; }
  // RFC 9457 application/problem+json text.
  std::string problem_json() const;
  // Everything, as JSON: status, reason, operation_id, route, allow, errors, parameters.
  std::string json() const;

  int status = 200;  // 200, 404, 405, 401, 413, 415, 400; for responses 200 or 502
  Reason reason = Reason::kNone;
  std::vector<RequestError> errors;
  std::string_view operation_id;   // "" when the operation has none or nothing matched
  std::string_view route;          // the path template, e.g. "/pets/{petId}"
  std::string_view method;         // the operation's method, lower case
  std::vector<std::string_view> allow;  // 405: the methods the path allows, upper case
  std::string www_authenticate;    // 401: the challenge to send
  // Decoded, typed parameters: {"path": {...}, "query": {...}, "header": {...},
  // "cookie": {...}}; header names as the spec spells them.
  const rapidjson::Value* parameters = nullptr;
};

struct RequestOptions {
  Mode mode = Mode::kFast;               // kExhaustive: every error
  std::size_t max_body_bytes = 1u << 20;  // larger bodies: 413
  std::size_t max_depth = 256;           // JSON nesting in bodies and parameters
  std::size_t max_errors = 100;          // kept in exhaustive mode
  std::size_t max_headers = 256;         // more request headers: 400
  std::size_t max_header_bytes = 64u << 10;  // all header names and values together: 400
  std::size_t max_query_parameters = 1024;   // more query pairs: 400
  bool ignore_trailing_slash = false;    // "/pets/" matches "/pets" (and back)
  CredentialCheck credential_check;      // beyond presence; empty: presence suffices
};

// Facts about one compiled operation, for listings.
struct OperationInfo {
  std::string method;  // lower case
  std::string path;    // the template
  std::string operation_id;
  std::size_t parameter_count = 0;
  bool has_body = false;
  bool secured = false;  // at least one security requirement that is not empty
};

// A compiled OpenAPI document: immutable, safe to share across threads, cheap to copy.
class Spec {
 public:
  // JSON or YAML text. Throws SpecError listing every problem.
  static Spec load(std::string_view text, const SpecOptions& options = {});
  // Reads a .json/.yaml/.yml file; relative `$ref`s to other files work.
  static Spec load_file(const std::string& path, SpecOptions options = {});
  static Spec from_document(const rapidjson::Value& document, const SpecOptions& options = {});

  std::string_view openapi_version() const;
  Dialect dialect() const;
  const std::vector<OperationInfo>& operations() const;
  // Bytes held by the compiled form (approximate), for capacity planning.
  std::size_t memory_bytes() const;

  const detail::CompiledSpec& compiled() const { return *impl_; }

 private:
  explicit Spec(std::shared_ptr<const detail::CompiledSpec> impl);
  std::shared_ptr<const detail::CompiledSpec> impl_;
};

// Per-thread validation state (scratch memory reused across calls). Not thread-safe: use
// one per thread; many validators may share one Spec.
class RequestValidator {
 public:
  explicit RequestValidator(RequestOptions options = {});
  ~RequestValidator();
  RequestValidator(RequestValidator&&) noexcept;
  RequestValidator& operator=(RequestValidator&&) noexcept;

  RequestOptions& options() { return options_; }
  const RequestOptions& options() const { return options_; }

  // The result is valid until the next call on this validator.
  const RequestResult& validate(const Spec& spec, const Request& request);
  const RequestResult& validate_response(const Spec& spec, const Response& response);
  // The same with options given per call (e.g. one thread-local validator serving several
  // specs with their own options); options() is not used.
  const RequestResult& validate(const Spec& spec, const Request& request,
                                const RequestOptions& options);
  const RequestResult& validate_response(const Spec& spec, const Response& response,
                                         const RequestOptions& options);

 private:
  RequestOptions options_;
  std::unique_ptr<detail::RequestEngine> engine_;
  RequestResult result_;
};

}  // namespace specgate

#endif  // SPECGATE_OPENAPI_H_
