// Internal: media types (Content-Type matching) and decoding of form bodies.
#ifndef SPECGATE_SRC_MEDIA_H_
#define SPECGATE_SRC_MEDIA_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parameters.h"

namespace specgate::detail {

// A parsed media type ("application/vnd.api+json; charset=utf-8"): type and subtype
// lower-cased, suffix is what follows '+' in the subtype ("json"), parameters with
// lower-cased names and unquoted values.
struct MediaType {
  std::string type;
  std::string subtype;
  std::string suffix;
  std::vector<std::pair<std::string, std::string>> parameters;

  std::string_view parameter(std::string_view name) const;  // "" when absent
  bool is_json() const;  // application/json, */*+json, application/*+json
};

// RFC 9110 media-type grammar; false on malformed text (*out is then unspecified). "*/*",
// "type/*" and "type/*+suffix" parse too, for declared keys; "*/subtype" does not.
bool parse_media_type(std::string_view text, MediaType* out);

// Picks which of `declared` (the keys of an OpenAPI `content` map, parsed) a request's
// Content-Type selects, most specific first: an exact type/subtype; then a declared
// structured-suffix wildcard ("application/*+json" accepts "application/vnd.x+json"); then
// "type/*"; then "*/*". Parameters (charset...) are ignored; names compare
// case-insensitively. Returns the index, or -1 when none accepts it.
int select_media_type(const MediaType& request, const std::vector<MediaType>& declared);

// How one property of a form body is encoded (the OpenAPI Encoding Object).
struct FormFieldEncoding {
  std::string name;
  std::string content_type;  // for multipart parts: e.g. "application/json" to parse JSON
  ParamStyle style = ParamStyle::kForm;
  bool explode = true;
};

struct FormSpec {
  ValueShape shape;  // the body schema's shape: properties and their types
  std::vector<FormFieldEncoding> encodings;
  // Optional: the full shape of properties whose items or members have types (an array of
  // integers, an object with typed members). A property not listed here is read with only
  // its mask from shape.properties, so its array items and object members stay strings.
  std::vector<std::pair<std::string, ValueShape>> property_shapes;
};

// Bounds on a multipart body, so a hostile one costs at most linear time and bounded memory.
inline constexpr std::size_t kMaxMultipartParts = 1000;
inline constexpr std::size_t kMaxPartHeaderBytes = 8192;  // one part's header section
inline constexpr std::size_t kMaxPartJsonDepth = 256;     // as Options::max_depth's default

// application/x-www-form-urlencoded -> a JSON object: each property read as a query
// parameter of the given style/explode (default form, explode true), scalars coerced by
// shape. Fields no property reads are kept as strings (coerced by shape.additional_types;
// repeated ones as arrays) so additionalProperties can judge them. False with *error on
// malformed input.
bool decode_form_urlencoded(std::string_view body, const FormSpec& spec, rapidjson::Value* out,
                            rapidjson::Document::AllocatorType& allocator, std::string* error);

// multipart/form-data (RFC 7578) with the boundary from the Content-Type -> a JSON object:
// each part by its Content-Disposition name; a part whose (declared or own) content type is
// JSON is parsed as JSON; an array property is always an array of its parts, and any other
// repeated name gathers into one too (so the schema rejects it); other parts are strings
// (coerced by shape). Binary parts are kept as strings of their bytes
// (they are only length-checked by schemas). A JSON array part for an array property gives
// its elements. Linear time; at most kMaxMultipartParts parts. False with *error on malformed
// input (no boundary, missing closing delimiter, part without a name, headers too large,
// invalid or too deeply nested JSON).
bool decode_multipart(std::string_view body, std::string_view boundary, const FormSpec& spec,
                      rapidjson::Value* out, rapidjson::Document::AllocatorType& allocator,
                      std::string* error);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_MEDIA_H_
