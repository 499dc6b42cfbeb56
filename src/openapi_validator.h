// Internal: the per-thread engine behind specgate::RequestValidator.
#ifndef SPECGATE_SRC_OPENAPI_VALIDATOR_H_
#define SPECGATE_SRC_OPENAPI_VALIDATOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "json_scratch.h"
#include "openapi_spec.h"
#include "schema_validator.h"

namespace specgate::detail {

// Holds every piece of scratch a validation needs, reused across calls. Not thread-safe.
class RequestEngine {
 public:
  RequestEngine();
  ~RequestEngine();

  void validate(const CompiledSpec& spec, const Request& request, const RequestOptions& options,
                RequestResult* result);
  void validate_response(const CompiledSpec& spec, const Response& response,
                         const RequestOptions& options, RequestResult* result);

 private:
  void reset(RequestResult* result);
  // Per-call state shared by validate and validate_response.
  void start(const RequestOptions& options, RequestResult* result, const Header* headers,
             std::size_t header_count);
  bool match_operation(const CompiledSpec& spec, std::string_view method, std::string_view target,
                       std::string_view fallback_query);
  bool check_security(const CompiledSpec& spec);
  bool scheme_satisfied(const SecurityScheme& scheme);
  void check_parameters(const CompiledSpec& spec, ScratchDocument& document);
  const CompiledMedia* select_media(const CompiledBody& body, bool has_body,
                                    std::string_view body_text, bool request);
  void check_body(const CompiledSpec& spec, const CompiledMedia& media, std::string_view body,
                  Direction direction, ScratchDocument& values);
  void run_schema(const CompiledSpec& spec, NodeId schema, const rapidjson::Value& value,
                  Location location, std::string_view name, Direction direction);
  bool find_header(std::string_view lower_name, std::string_view* value);
  void add_error(Location location, std::string_view name, std::string keyword,
                 std::string message, std::string pointer = {}, std::string schema_pointer = {});
  void reject(int status, Reason reason);
  bool stop() const;

  const RequestOptions* options_ = nullptr;
  RequestResult* result_ = nullptr;
  const CompiledOperation* operation_ = nullptr;
  const Header* headers_ = nullptr;
  std::size_t header_count_ = 0;
  std::string_view path_;
  std::string_view raw_query_;
  RouteMatch match_;
  QueryString query_;
  bool query_parsed_ok_ = false;
  MediaType media_type_;
  const CompiledBody* last_body_ = nullptr;  // memo of the last content negotiation
  std::string last_content_type_;
  int last_index_ = -1;
  Evaluator evaluator_;
  std::vector<ValidationError> schema_errors_;
  JsonScratch body_scratch_;
  JsonScratch values_scratch_;
  std::string joined_;
  std::string decoded_;
  std::string error_;
};

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_OPENAPI_VALIDATOR_H_
