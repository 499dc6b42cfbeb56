// Internal: the compiled form of an OpenAPI document.
//
// Built once by compile_spec (openapi_compiler.cc) and read by RequestEngine
// (openapi_validator.cc). All schemas of the document live in one schema Program, so shared
// components are compiled once; everything else is plain tables indexed by operation.
#ifndef SPECGATE_SRC_OPENAPI_SPEC_H_
#define SPECGATE_SRC_OPENAPI_SPEC_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media.h"
#include "parameters.h"
#include "router.h"
#include "schema_program.h"
#include "specgate/openapi.h"

namespace specgate::detail {

inline constexpr int kMethodCount = 8;
// Index of a lower-case method name in kMethods, or -1.
inline constexpr const char* kMethods[kMethodCount] = {"get",    "put",     "post", "delete",
                                                       "options", "head",   "patch", "trace"};
int method_index(std::string_view method);  // case-insensitive

struct CompiledParameter {
  ParameterSpec spec;
  std::string header_key;    // lower-cased name, for case-insensitive header lookup
  bool required = false;
  bool content_json = false;  // `content`-typed parameter: the value is JSON text
  NodeId schema = kNoNode;
  std::string pointer;        // where the parameter is in the spec
};

struct SecurityScheme {
  enum class Type : std::uint8_t { kApiKey, kHttp, kOAuth2, kOpenIdConnect, kMutualTls };
  std::string name;
  Type type = Type::kHttp;
  std::string type_name;       // as the spec says: "apiKey", "http", ...
  std::string http_scheme;     // lower case: "basic", "bearer", ...
  ParamIn in = ParamIn::kHeader;  // apiKey
  std::string key_name;        // apiKey parameter name (lower-cased for headers)
};

// One alternative: all of its schemes must be satisfied. Empty: anonymous access.
struct SecurityRequirement {
  std::vector<std::uint32_t> schemes;
};

struct CompiledMedia {
  std::string key;  // as declared, e.g. "application/json"
  MediaType type;
  NodeId schema = kNoNode;
  enum class Kind : std::uint8_t { kJson, kForm, kMultipart, kText, kOther } kind = Kind::kOther;
  FormSpec form;
};

struct CompiledBody {
  bool declared = false;
  bool required = false;
  std::vector<CompiledMedia> media;
  std::vector<MediaType> types;  // media[i].type, for select_media_type
};

struct CompiledResponse {
  std::string code;  // "200", "2XX", "default"
  std::vector<CompiledParameter> headers;
  CompiledBody body;
};

struct CompiledOperation {
  std::string method;
  std::string path;
  std::string operation_id;
  std::vector<CompiledParameter> parameters;
  std::vector<SecurityRequirement> security;  // empty: no requirement
  CompiledBody body;
  std::vector<CompiledResponse> responses;
  bool reject_unknown_query = false;
};

struct CompiledPath {
  std::string path;
  std::array<int, kMethodCount> operations;  // index into CompiledSpec::operations or -1
  std::vector<std::string_view> allow;       // upper-case method names
};

struct CompiledSpec {
  std::string base_uri;  // the document's URI ("" when loaded from text without one)
  std::string version;
  Dialect dialect = Dialect::kOas30;
  std::shared_ptr<const Program> program;
  Router router;
  std::vector<std::string> base_paths;
  std::vector<CompiledPath> paths;
  std::vector<CompiledOperation> operations;
  std::vector<SecurityScheme> schemes;
  std::vector<OperationInfo> infos;
  std::size_t memory_bytes = 0;
};

// A schema location as clients may see it: a plain pointer in the main document, and
// "file.yaml#/pointer" (relative to the main document's folder) in another file, so that no
// absolute path of the server's disk leaks into problem documents.
std::string public_location(const std::string& base_uri, const std::string& location);

std::shared_ptr<const CompiledSpec> compile_spec(const rapidjson::Value& document,
                                                 std::string_view source_text,
                                                 const SpecOptions& options);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_OPENAPI_SPEC_H_
