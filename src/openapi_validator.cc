// Validates requests and responses against a CompiledSpec.
//
// The checks run in the order of the outcome precedence (404, 405, 401, 413, 415, 400), so
// the first failing stage decides the status and the request's later parts are never
// read: a 413 body is not parsed, a 401 request's parameters are not decoded.
#include "openapi_validator.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "formats.h"
#include "servers.h"
#include "utf8.h"

namespace specgate::detail {
namespace {

using rapidjson::Value;

// ASCII only, and inline: header names are ASCII, and std::tolower is a locale-aware call.
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// RFC 6750 b64token characters, as a table: tokens are long and checked on every request.
struct Token68Table {
  bool allowed[256] = {};
  constexpr Token68Table() {
    for (int c = 0; c < 256; ++c) {
      allowed[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
    }
  }
};
constexpr Token68Table kToken68;
inline bool is_token68(char c) { return kToken68.allowed[static_cast<unsigned char>(c)]; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

const char* location_key(ParamIn in) {
  switch (in) {
    case ParamIn::kPath: return "path";
    case ParamIn::kQuery: return "query";
    case ParamIn::kHeader: return "header";
    case ParamIn::kCookie: return "cookie";
  }
  return "query";
}

Location location_of(ParamIn in) {
  switch (in) {
    case ParamIn::kPath: return Location::kPath;
    case ParamIn::kQuery: return Location::kQuery;
    case ParamIn::kHeader: return Location::kHeader;
    case ParamIn::kCookie: return Location::kCookie;
  }
  return Location::kQuery;
}

}  // namespace

RequestEngine::RequestEngine() = default;
RequestEngine::~RequestEngine() = default;

void RequestEngine::reset(RequestResult* result) {
  result->status = 200;
  result->reason = Reason::kNone;
  result->errors.clear();
  result->operation_id = {};
  result->route = {};
  result->method = {};
  result->allow.clear();
  result->www_authenticate.clear();
  result->parameters = nullptr;
}

void RequestEngine::add_error(Location location, std::string_view name, std::string keyword,
                              std::string message, std::string pointer,
                              std::string schema_pointer) {
  if (result_->errors.size() >= options_->max_errors) return;
  RequestError error;
  error.location = location;
  error.name = std::string(name);
  error.pointer = std::move(pointer);
  error.keyword = std::move(keyword);
  error.schema_pointer = std::move(schema_pointer);
  error.message = std::move(message);
  result_->errors.push_back(std::move(error));
}

void RequestEngine::reject(int status, Reason reason) {
  result_->status = status;
  result_->reason = reason;
}

// Finds the header `name` (lower case); several occurrences are joined with ", " into
// joined_ (RFC 9110 section 5.3). False when absent.
bool RequestEngine::find_header(std::string_view lower_name, std::string_view* value) {
  const Header* found = nullptr;
  std::size_t count = 0;
  for (std::size_t i = 0; i < header_count_; ++i) {
    if (!iequals(headers_[i].name, lower_name)) continue;
    if (count == 0) found = &headers_[i];
    ++count;
  }
  if (count == 0) return false;
  if (count == 1) {
    *value = trim(found->value);
    return true;
  }
  joined_.clear();
  for (std::size_t i = 0; i < header_count_; ++i) {
    if (!iequals(headers_[i].name, lower_name)) continue;
    if (!joined_.empty()) joined_ += ", ";
    joined_ += trim(headers_[i].value);
  }
  *value = joined_;
  return true;
}

bool RequestEngine::match_operation(const CompiledSpec& spec, std::string_view method,
                                    std::string_view target, std::string_view fallback_query) {
  std::size_t question = target.find('?');
  path_ = target.substr(0, question);
  raw_query_ = question == std::string_view::npos ? fallback_query : target.substr(question + 1);
  std::string_view rest;
  if (!strip_base_path(spec.base_paths, path_, &rest) ||
      !spec.router.match(rest, &match_, options_->ignore_trailing_slash)) {
    add_error(Location::kRoute, "", "route", "no operation is defined for this path");
    reject(404, Reason::kUnknownRoute);
    return false;
  }
  const CompiledPath& path = spec.paths[match_.route];
  result_->route = path.path;
  int m = method_index(method);
  int index = m >= 0 ? path.operations[m] : -1;
  // HEAD is GET without a body (RFC 9110 section 9.3.2).
  if (index < 0 && m == method_index("head")) index = path.operations[method_index("get")];
  if (index < 0) {
    result_->allow = path.allow;
    add_error(Location::kRoute, "", "method", "method is not allowed for this path");
    reject(405, Reason::kMethodNotAllowed);
    return false;
  }
  operation_ = &spec.operations[static_cast<std::size_t>(index)];
  result_->operation_id = operation_->operation_id;
  result_->method = operation_->method;
  return true;
}

// ------------------------------------------------------------------ security

bool RequestEngine::scheme_satisfied(const SecurityScheme& scheme) {
  std::string_view credential;
  switch (scheme.type) {
    case SecurityScheme::Type::kApiKey:
      if (scheme.in == ParamIn::kHeader) {
        if (!find_header(scheme.key_name, &credential)) return false;
      } else if (scheme.in == ParamIn::kCookie) {
        std::string_view cookies;
        if (!find_header("cookie", &cookies) || !find_cookie(cookies, scheme.key_name, &credential)) {
          return false;
        }
      } else {
        if (!query_parsed_ok_) return false;
        bool found = false;
        for (const auto& pair : query_.pairs()) {
          if (pair.name == scheme.key_name) {
            credential = pair.value;
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      if (credential.empty()) return false;
      break;
    case SecurityScheme::Type::kHttp:
    case SecurityScheme::Type::kOAuth2:
    case SecurityScheme::Type::kOpenIdConnect: {
      std::string_view authorization;
      if (!find_header("authorization", &authorization)) return false;
      std::string_view wanted =
          scheme.type == SecurityScheme::Type::kHttp ? std::string_view(scheme.http_scheme) : "bearer";
      std::size_t space = authorization.find(' ');
      if (space == std::string_view::npos) return false;
      if (!iequals(authorization.substr(0, space), wanted)) return false;
      credential = trim(authorization.substr(space + 1));
      if (credential.empty()) return false;
      if (wanted == "basic") {
        // user-id ":" password, base64: well-formed, with the colon.
        decoded_.clear();
        if (!base64_decode(credential, &decoded_) ||
            decoded_.find(':') == std::string::npos) {
          return false;
        }
      } else if (wanted == "bearer") {
        // RFC 6750 b64token.
        for (char c : credential) {
          if (!is_token68(c)) return false;
        }
      }
      break;
    }
    case SecurityScheme::Type::kMutualTls:
      return true;  // decided by the TLS layer in front of us
  }
  if (options_->credential_check) {
    Credential c{scheme.name, scheme.type_name, scheme.http_scheme, credential};
    return options_->credential_check(c);
  }
  return true;
}

bool RequestEngine::check_security(const CompiledSpec& spec) {
  const auto& requirements = operation_->security;
  if (requirements.empty()) return true;
  for (const SecurityRequirement& requirement : requirements) {
    bool all = true;
    for (std::uint32_t scheme : requirement.schemes) {
      if (!scheme_satisfied(spec.schemes[scheme])) {
        all = false;
        break;
      }
    }
    if (all) return true;  // includes the empty requirement {}: anonymous access
  }
  // The challenges a client can answer, one per distinct scheme.
  std::string& challenge = result_->www_authenticate;
  std::vector<std::string_view> names;
  for (const SecurityRequirement& requirement : requirements) {
    for (std::uint32_t index : requirement.schemes) {
      const SecurityScheme& scheme = spec.schemes[index];
      std::string next;
      switch (scheme.type) {
        case SecurityScheme::Type::kHttp:
          next = scheme.http_scheme == "basic" ? "Basic realm=\"api\""
                 : scheme.http_scheme == "bearer"
                     ? "Bearer realm=\"api\""
                     : std::string(1, static_cast<char>(std::toupper(
                                          static_cast<unsigned char>(scheme.http_scheme[0])))) +
                           scheme.http_scheme.substr(1) + " realm=\"api\"";
          break;
        case SecurityScheme::Type::kOAuth2:
        case SecurityScheme::Type::kOpenIdConnect:
          next = "Bearer realm=\"api\"";
          break;
        case SecurityScheme::Type::kApiKey:
          next = "ApiKey realm=\"api\", in=\"" + std::string(location_key(scheme.in)) +
                 "\", name=\"" + scheme.key_name + "\"";
          break;
        case SecurityScheme::Type::kMutualTls:
          break;
      }
      if (next.empty() || challenge.find(next) != std::string::npos) continue;
      if (!challenge.empty()) challenge += ", ";
      challenge += next;
      names.push_back(scheme.name);
    }
  }
  std::string list;
  for (std::string_view name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  add_error(Location::kSecurity, "", "security",
            "missing or invalid credentials (accepted: " + list + ")");
  reject(401, Reason::kUnauthorized);
  return false;
}

// ------------------------------------------------------------------ schemas

void RequestEngine::run_schema(const CompiledSpec& spec, NodeId schema, const Value& value,
                               Location location, std::string_view name, Direction direction) {
  if (schema == kNoNode) return;
  ValidateOptions options;
  options.mode = options_->mode;
  options.direction = direction;
  options.max_depth = options_->max_depth;
  options.max_errors = options_->max_errors;
  schema_errors_.clear();
  if (evaluator_.run(*spec.program, schema, value, options, &schema_errors_)) return;
  for (ValidationError& e : schema_errors_) {
    add_error(location, name, std::move(e.keyword), std::move(e.message),
              std::move(e.instance_pointer), public_location(spec.base_uri, e.schema_pointer));
  }
  if (schema_errors_.empty()) add_error(location, name, "schema", "does not match the schema");
}

bool RequestEngine::stop() const {
  return options_->mode == Mode::kFast && !result_->errors.empty();
}

// ------------------------------------------------------------------ parameters

// The parameters object of an operation that declares none.
const Value& no_parameters() {
  static const rapidjson::Document empty = [] {
    rapidjson::Document d;
    d.Parse(R"({"path": {}, "query": {}, "header": {}, "cookie": {}})");
    return d;
  }();
  return empty;
}

void RequestEngine::check_parameters(const CompiledSpec& spec, ScratchDocument& document) {
  if (operation_->parameters.empty() && !operation_->reject_unknown_query) {
    result_->parameters = &no_parameters();
    return;
  }
  auto& allocator = document.GetAllocator();
  Value* groups[4];
  document.SetObject();
  for (ParamIn in : {ParamIn::kPath, ParamIn::kQuery, ParamIn::kHeader, ParamIn::kCookie}) {
    document.AddMember(rapidjson::StringRef(location_key(in)), Value(rapidjson::kObjectType),
                       allocator);
  }
  groups[0] = &document["path"];
  groups[1] = &document["query"];
  groups[2] = &document["header"];
  groups[3] = &document["cookie"];
  result_->parameters = &document;

  std::string_view cookies;
  bool have_cookies = find_header("cookie", &cookies);
  for (const CompiledParameter& p : operation_->parameters) {
    if (stop()) return;
    Value value;
    DecodeStatus status = DecodeStatus::kAbsent;
    error_.clear();
    switch (p.spec.in) {
      case ParamIn::kPath: {
        std::string_view raw;
        bool found = false;
        for (std::size_t i = 0; i < match_.param_count; ++i) {
          if (match_.names[i] == p.spec.name) {
            raw = match_.values[i];
            found = true;
            break;
          }
        }
        if (found) status = decode_path_parameter(p.spec, raw, &value, allocator, &error_);
        break;
      }
      case ParamIn::kQuery:
        status = decode_query_parameter(p.spec, query_, &value, allocator, &error_);
        break;
      case ParamIn::kHeader: {
        std::string_view raw;
        if (find_header(p.header_key, &raw)) {
          status = decode_header_parameter(p.spec, raw, &value, allocator, &error_);
        }
        break;
      }
      case ParamIn::kCookie:
        if (have_cookies) {
          status = decode_cookie_parameter(p.spec, cookies, &value, allocator, &error_);
        }
        break;
    }
    Location location = location_of(p.spec.in);
    if (status == DecodeStatus::kAbsent) {
      if (p.required) {
        add_error(location, p.spec.name, "required", "required parameter is missing");
      }
      continue;
    }
    if (status == DecodeStatus::kMalformed) {
      add_error(location, p.spec.name, "style",
                error_.empty() ? "parameter is malformed for its style" : error_);
      continue;
    }
    // allowEmptyValue: "name=" is accepted as sent, whatever the schema's type.
    if (p.spec.allow_empty_value && value.IsString() && value.GetStringLength() == 0) {
      Value key(p.spec.name.data(), static_cast<rapidjson::SizeType>(p.spec.name.size()));
      groups[static_cast<int>(p.spec.in)]->AddMember(key, value, allocator);
      continue;
    }
    if (p.content_json) {
      // The decoded string is itself JSON text.
      if (!value.IsString()) continue;
      std::string_view text(value.GetString(), value.GetStringLength());
      rapidjson::Document parsed(&allocator);
      const CheckedParse outcome = parse_checked(text, options_->max_depth, parsed);
      if (outcome.result.IsError()) {
        add_error(location, p.spec.name, "json",
                  outcome.too_deep         ? "parameter JSON is nested deeper than the limit"
                  : outcome.number_too_big ? "parameter JSON has a number beyond the range of a double"
                                           : "parameter is not valid JSON");
        continue;
      }
      // Same allocator: take the parsed value over instead of copying it (no recursion).
      value.Swap(parsed);
    }
    run_schema(spec, p.schema, value, location, p.spec.name, Direction::kRequest);
    Value key(p.spec.name.data(), static_cast<rapidjson::SizeType>(p.spec.name.size()));
    groups[static_cast<int>(p.spec.in)]->AddMember(key, value, allocator);
  }
  if (operation_->reject_unknown_query && !stop()) {
    for (const auto& pair : query_.pairs()) {
      bool known = std::any_of(operation_->parameters.begin(), operation_->parameters.end(),
                               [&](const CompiledParameter& p) {
                                 if (p.spec.in != ParamIn::kQuery) return false;
                                 if (p.spec.name == pair.name) return true;
                                 // deepObject and exploded objects spread over several names
                                 return pair.name.rfind(p.spec.name + "[", 0) == 0 ||
                                        p.spec.shape.is_object();
                               });
      if (!known) {
        add_error(Location::kQuery, pair.name, "unknown", "query parameter is not declared");
        if (stop()) return;
      }
    }
  }
}

// ------------------------------------------------------------------ bodies

// Content negotiation for a body: 415 when nothing declared accepts it. Returns the media
// entry, or nullptr when there is nothing to validate.
const CompiledMedia* RequestEngine::select_media(const CompiledBody& body, bool has_body,
                                                 std::string_view body_text, bool request) {
  std::string_view content_type;
  bool has_type = find_header("content-type", &content_type);
  bool sent = has_body && (!body_text.empty() || has_type);
  if (!sent) return nullptr;
  if (!body.declared || body.media.empty()) {
    if (request && !body_text.empty()) {
      add_error(Location::kBody, "", "content-type", "this operation accepts no request body");
      reject(415, Reason::kUnsupportedMediaType);
    }
    return nullptr;
  }
  if (!has_type) {
    add_error(Location::kHeader, "Content-Type", "content-type",
              "a Content-Type header is required with a body");
    if (request) reject(415, Reason::kUnsupportedMediaType);
    return nullptr;
  }
  // Clients send the same Content-Type again and again: remember the last decision.
  int index;
  if (&body == last_body_ && content_type == last_content_type_) {
    index = last_index_;
  } else {
    last_body_ = nullptr;
    if (!parse_media_type(content_type, &media_type_)) {
      add_error(Location::kHeader, "Content-Type", "content-type", "Content-Type is malformed");
      if (request) reject(415, Reason::kUnsupportedMediaType);
      return nullptr;
    }
    index = select_media_type(media_type_, body.types);
    last_body_ = &body;
    last_content_type_.assign(content_type.data(), content_type.size());
    last_index_ = index;
  }
  if (index < 0) {
    std::string accepted;
    for (const CompiledMedia& m : body.media) {
      if (!accepted.empty()) accepted += ", ";
      accepted += m.key;
    }
    add_error(Location::kHeader, "Content-Type", "content-type",
              "media type is not accepted (accepted: " + accepted + ")");
    if (request) reject(415, Reason::kUnsupportedMediaType);
    return nullptr;
  }
  return &body.media[static_cast<std::size_t>(index)];
}

void RequestEngine::check_body(const CompiledSpec& spec, const CompiledMedia& media,
                               std::string_view body, Direction direction,
                               ScratchDocument& values) {
  auto& allocator = values.GetAllocator();
  switch (media.kind) {
    case CompiledMedia::Kind::kJson: {
      std::string error;
      const Value* parsed = body_scratch_.parse(body, options_->max_depth, &error);
      if (!parsed) {
        add_error(Location::kBody, "", "json", error);
        return;
      }
      run_schema(spec, media.schema, *parsed, Location::kBody, "", direction);
      return;
    }
    case CompiledMedia::Kind::kForm:
    case CompiledMedia::Kind::kMultipart: {
      Value decoded;
      error_.clear();
      bool ok;
      if (media.kind == CompiledMedia::Kind::kForm) {
        ok = decode_form_urlencoded(body, media.form, &decoded, allocator, &error_);
      } else {
        std::string_view boundary = media_type_.parameter("boundary");
        if (boundary.empty()) {
          add_error(Location::kHeader, "Content-Type", "content-type",
                    "multipart Content-Type needs a boundary parameter");
          return;
        }
        ok = decode_multipart(body, boundary, media.form, &decoded, allocator, &error_);
      }
      if (!ok) {
        add_error(Location::kBody, "", "encoding", error_);
        return;
      }
      run_schema(spec, media.schema, decoded, Location::kBody, "", direction);
      return;
    }
    case CompiledMedia::Kind::kText: {
      if (!is_valid_utf8(body)) {
        add_error(Location::kBody, "", "encoding", "text body is not valid UTF-8");
        return;
      }
      Value text(rapidjson::StringRef(body.data(), static_cast<rapidjson::SizeType>(body.size())));
      run_schema(spec, media.schema, text, Location::kBody, "", direction);
      return;
    }
    case CompiledMedia::Kind::kOther:
      return;
  }
}

// ------------------------------------------------------------------ entry points

void RequestEngine::start(const RequestOptions& options, RequestResult* result,
                          const Header* headers, std::size_t header_count) {
  options_ = &options;
  result_ = result;
  operation_ = nullptr;
  reset(result);
  headers_ = headers;
  header_count_ = header_count;
  query_parsed_ok_ = false;
}

void RequestEngine::validate(const CompiledSpec& spec, const Request& request,
                             const RequestOptions& options, RequestResult* result) {
  start(options, result, request.headers, request.header_count);

  if (!match_operation(spec, request.method, request.target, request.query)) return;

  // The query string is read once; apiKey-in-query security needs it too.
  error_.clear();
  query_parsed_ok_ = query_.parse(raw_query_, &error_);

  if (!check_security(spec)) return;

  std::uint64_t declared = request.content_length.value_or(0);
  if (declared > options.max_body_bytes || request.body.size() > options.max_body_bytes) {
    add_error(Location::kBody, "", "maxBodySize",
              "body is larger than the limit of " + std::to_string(options.max_body_bytes) +
                  " bytes");
    reject(413, Reason::kBodyTooLarge);
    return;
  }
  const CompiledMedia* media = select_media(operation_->body, request.has_body, request.body, true);
  if (result->status != 200) return;

  // 400s from here on.
  std::size_t header_bytes = 0;
  for (std::size_t i = 0; i < header_count_; ++i) {
    header_bytes += headers_[i].name.size() + headers_[i].value.size();
  }
  if (header_count_ > options.max_headers || header_bytes > options.max_header_bytes) {
    add_error(Location::kHeader, "", "limits", "too many or too large request headers");
  } else if (!query_parsed_ok_) {
    add_error(Location::kQuery, "", "encoding", error_.empty() ? "query string is malformed" : error_);
  } else if (query_.pairs().size() > options.max_query_parameters) {
    add_error(Location::kQuery, "", "limits", "too many query parameters");
  } else {
    ScratchDocument& values = values_scratch_.begin();
    check_parameters(spec, values);
    if (!stop()) {
      bool sent = request.has_body && !request.body.empty();
      if (operation_->body.declared && operation_->body.required && !sent && !media) {
        add_error(Location::kBody, "", "required", "request body is required");
      } else if (media) {
        check_body(spec, *media, request.body, Direction::kRequest, values);
      }
    }
  }
  if (!result->errors.empty()) reject(400, Reason::kInvalidRequest);
}

void RequestEngine::validate_response(const CompiledSpec& spec, const Response& response,
                                      const RequestOptions& options, RequestResult* result) {
  start(options, result, response.headers, response.header_count);
  if (!match_operation(spec, response.method, response.target, {})) return;

  // The response object: the exact code, else its range ("2XX"), else "default".
  const CompiledResponse* declared = nullptr;
  std::string code = std::to_string(response.status);
  std::string range = code.substr(0, 1) + "XX";
  for (const std::string* wanted : {&code, &range}) {
    for (const CompiledResponse& r : operation_->responses) {
      if (r.code == *wanted) {
        declared = &r;
        break;
      }
    }
    if (declared) break;
  }
  if (!declared) {
    for (const CompiledResponse& r : operation_->responses) {
      if (r.code == "default") declared = &r;
    }
  }
  if (!declared) {
    add_error(Location::kRoute, "", "status", "status " + code + " is not declared for this operation");
    reject(502, Reason::kInvalidResponse);
    return;
  }
  ScratchDocument& values = values_scratch_.begin();
  auto& allocator = values.GetAllocator();
  for (const CompiledParameter& h : declared->headers) {
    if (stop()) break;
    std::string_view raw;
    if (!find_header(h.header_key, &raw)) {
      if (h.required) add_error(Location::kHeader, h.spec.name, "required", "required header is missing");
      continue;
    }
    Value value;
    error_.clear();
    if (decode_header_parameter(h.spec, raw, &value, allocator, &error_) != DecodeStatus::kOk) {
      add_error(Location::kHeader, h.spec.name, "style", error_.empty() ? "header is malformed" : error_);
      continue;
    }
    run_schema(spec, h.schema, value, Location::kHeader, h.spec.name, Direction::kResponse);
  }
  if (!stop()) {
    const CompiledMedia* media = select_media(declared->body, response.has_body, response.body, false);
    if (media) check_body(spec, *media, response.body, Direction::kResponse, values);
  }
  if (!result->errors.empty()) reject(502, Reason::kInvalidResponse);
}

}  // namespace specgate::detail
