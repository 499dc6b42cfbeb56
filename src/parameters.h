// Internal: turning the strings of an HTTP request (path segments, query string, headers,
// cookies) into typed JSON values as OpenAPI parameter styles describe them.
#ifndef SPECGATE_SRC_PARAMETERS_H_
#define SPECGATE_SRC_PARAMETERS_H_

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specgate::detail {

// JSON type masks, the same bits as schema_program.h's TypeBit (null 1, boolean 2, object 4,
// array 8, number 16, string 32, integer 64). 0 means "not known: keep strings".
using TypeMask = std::uint8_t;

// What a parameter's schema says its value looks like, worked out when the spec is compiled.
// Used to pick a style's array/object reading and to turn strings into numbers/booleans.
struct ValueShape {
  TypeMask types = 0;         // the value itself
  TypeMask item_types = 0;    // array items
  std::vector<std::pair<std::string, TypeMask>> properties;  // object properties
  TypeMask additional_types = 0;  // object properties not listed

  bool is_array() const { return types & 8; }
  bool is_object() const { return (types & 4) && !(types & 8); }
  TypeMask property_types(std::string_view name) const;
};

// Turns one scalar string into the JSON value `types` asks for, trying in order: integer
// (-?[0-9]+; beyond 64 bits as a double), number (JSON number grammar), boolean ("true" or
// "false" exactly), null ("null", only when null is the sole non-string type allowed). When
// nothing fits, or types is 0 or allows string, the string itself. Never fails: a value of
// the wrong type is then reported by the schema ("must be of type integer").
void coerce_scalar(std::string_view text, TypeMask types, rapidjson::Value* out,
                   rapidjson::Document::AllocatorType& allocator);

enum class ParamStyle : std::uint8_t {
  kMatrix,
  kLabel,
  kForm,
  kSimple,
  kSpaceDelimited,
  kPipeDelimited,
  kDeepObject,
};
enum class ParamIn : std::uint8_t { kPath, kQuery, kHeader, kCookie };

struct ParameterSpec {
  std::string name;
  ParamIn in = ParamIn::kQuery;
  ParamStyle style = ParamStyle::kForm;  // the default for `in` when the spec says nothing
  bool explode = true;
  bool allow_reserved = false;
  bool allow_empty_value = false;
  ValueShape shape;
};

// The default style of each location (path/header: simple, query/cookie: form) and the
// default explode (true only for form). `name` as in the spec.
ParamStyle default_style(ParamIn in);
bool default_explode(ParamStyle style);

// A query string split into name/value pairs, percent-decoded ('+' is a space), in order.
// Pairs without '=' have an empty value and has_value false. Reuses its storage across
// parse() calls. Malformed percent escapes or bytes that decode to invalid UTF-8 make
// parse() return false with a message (the pairs before are kept).
class QueryString {
 public:
  struct Pair {
    std::string name;
    std::string value;
    bool has_value = false;
  };
  bool parse(std::string_view raw, std::string* error);
  const std::vector<Pair>& pairs() const { return pairs_; }
  std::string_view raw() const { return raw_; }

 private:
  std::string_view raw_;
  std::vector<Pair> pairs_;
  std::size_t used_ = 0;
};

enum class DecodeStatus : std::uint8_t {
  kAbsent,     // the parameter is not in the request
  kOk,         // *out holds the value
  kMalformed,  // present but unreadable for its style: *error says why (never echoing the
               // value itself)
};

// Each reads the parameter per spec.style/explode and spec.shape, percent-decodes, then
// coerces scalars (coerce_scalar). `raw` for a path parameter is the raw segment text the
// router matched; for matrix/label styles it includes the ';name=' / '.' prefix.
DecodeStatus decode_path_parameter(const ParameterSpec& spec, std::string_view raw,
                                   rapidjson::Value* out,
                                   rapidjson::Document::AllocatorType& allocator,
                                   std::string* error);
// Query: form (explode: repeated names, object properties as their own names; not
// exploded: comma lists), spaceDelimited/pipeDelimited (arrays; also objects not exploded),
// deepObject (name[prop]=value, one level). allowEmptyValue: an empty value counts as
// absent unless allowed... see the OpenAPI 3.0/3.1 texts. allow_reserved affects nothing
// when reading.
DecodeStatus decode_query_parameter(const ParameterSpec& spec, const QueryString& query,
                                    rapidjson::Value* out,
                                    rapidjson::Document::AllocatorType& allocator,
                                    std::string* error);
// Header: simple style; `value` is the header's value (several occurrences joined by ", ").
DecodeStatus decode_header_parameter(const ParameterSpec& spec, std::string_view value,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error);
// Cookie: form style, from the whole Cookie header ("a=1; b=2").
DecodeStatus decode_cookie_parameter(const ParameterSpec& spec, std::string_view cookie_header,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error);

// The value of cookie `name` in a Cookie header, or false when absent.
bool find_cookie(std::string_view cookie_header, std::string_view name, std::string_view* value);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_PARAMETERS_H_
