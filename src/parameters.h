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
  // The declared property's types, else additional_types.
  TypeMask property_types(std::string_view name) const;
};

// Turns one scalar string into the JSON value `types` asks for, trying in order: integer
// (-?[0-9]+; beyond 64 bits as a double), number (JSON number grammar; also when only integer
// is allowed, so "1.0" is the number 1.0, an integer in 2020-12 terms), boolean ("true" or
// "false" exactly), null ("null", only when null is the sole non-string type allowed). When
// nothing fits (also a number beyond the range of a double), or types is 0 or allows string,
// the string itself. Never fails: a value of the wrong type is then reported by the schema
// ("must be of type integer"). Locale-independent.
//
//   coerce_scalar("42", 64 /* integer */, &v, allocator);        // v is 42
//   coerce_scalar("42", 64 | 32 /* or string */, &v, allocator);  // v is "42"
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
// default explode (true only for form).
ParamStyle default_style(ParamIn in);
bool default_explode(ParamStyle style);

// A query string (the text after '?', without it) split into name/value pairs, in order.
// Names and values are percent-decoded ('+' is a space) and valid UTF-8; empty pieces
// ("a=1&&b=2") are skipped. Pairs without '=' have an empty value and has_value false.
// Malformed percent escapes, or bytes that decode to invalid UTF-8, make parse() return false
// with a message (the pairs before are kept).
//
// Cost and lifetime: parse() reuses its pairs and their strings' capacity, so parsing query
// strings of the same shape again allocates nothing. pairs() and each raw_value are valid until
// the next parse() and while the text given to it lives. Not safe for concurrent use: one per
// thread (a validator's scratch).
//
//   QueryString query;
//   std::string error;
//   if (query.parse("color=blue,black&size=10", &error)) { /* query.pairs()[1].value == "10" */ }
class QueryString {
 public:
  struct Pair {
    std::string name;
    std::string value;
    // The value as it was in the query string, before decoding. Comma-delimited styles split
    // this text before decoding its items, so an encoded comma ("%2C") stays in an item.
    std::string_view raw_value;
    bool has_value = false;
  };
  bool parse(std::string_view raw, std::string* error);
  const std::vector<Pair>& pairs() const { return pairs_; }
  std::string_view raw() const { return raw_; }

 private:
  bool decode_into(std::string_view text, std::string* out, std::string* error);

  std::string_view raw_;
  std::vector<Pair> pairs_;  // exactly the pairs of the last parse()
  std::vector<Pair> spare_;  // pairs of longer earlier inputs, kept for their capacity
  std::string plus_scratch_;  // the text with '+' turned into ' ', before percent-decoding
};

enum class DecodeStatus : std::uint8_t {
  kAbsent,     // the parameter is not in the request
  kOk,         // *out holds the value
  kMalformed,  // present but unreadable for its style: *error says why (never echoing the
               // value itself)
};

// Each reads the parameter per spec.style/explode and spec.shape, percent-decodes, then
// coerces scalars (coerce_scalar). Items are split on the style's delimiters before they are
// percent-decoded, so an encoded delimiter ("%2C") stays inside an item; every decoded piece
// must be valid UTF-8. Messages never echo the submitted text. A style that its location
// does not define reads as the location's default style (the spec compiler reports it).
// Reentrant: no state is shared between calls; values are allocated only from `allocator`.
//
// Empty serializations: the empty string reads as "" for primitives, [] for arrays and {} for
// objects (";color", ".", "color=", a header ""); an array is never [""] from a lone empty
// item, because RFC 6570 omits empty lists entirely and [] would otherwise be unreachable.
// Objects read from "name,value" lists need an even number of items; a property given twice
// is malformed.
//
// Path: `raw` is the raw segment text the router matched; for matrix/label styles it includes
// the ';name=' / '.' prefix. An empty matrix or label segment is RFC 6570's "undefined" and
// reads as kAbsent. '+' is a literal plus.
DecodeStatus decode_path_parameter(const ParameterSpec& spec, std::string_view raw,
                                   rapidjson::Value* out,
                                   rapidjson::Document::AllocatorType& allocator,
                                   std::string* error);
// Query: form (explode: repeated names for arrays, object properties as their own names; not
// exploded: comma lists), spaceDelimited/pipeDelimited (arrays and objects, not exploded;
// the delimiter may arrive encoded as "%20"/"+" or "%7C", so these styles split the decoded
// value; exploded they read as form), deepObject (name[prop]=value, one level; names may be
// encoded "name%5Bprop%5D").
//
// A parameter that is not an exploded array given more than once is malformed (an ambiguity a
// backend may resolve differently). An exploded object takes every pair named as a declared
// property and, when shape.additional_types != 0, every other pair except those named in
// `reserved_names` (the operation's other query parameters, listed when the spec is compiled);
// it is kAbsent when no pair matches.
//
// allowEmptyValue does not change decoding: "color=" reads as "" either way and the schema
// decides. OpenAPI 3.1.1 says a server SHOULD treat such an empty value as "parameter not
// used"; a caller wanting that checks spec.allow_empty_value and an empty string itself.
// allow_reserved affects nothing when reading.
DecodeStatus decode_query_parameter(const ParameterSpec& spec, const QueryString& query,
                                    rapidjson::Value* out,
                                    rapidjson::Document::AllocatorType& allocator,
                                    std::string* error,
                                    const std::vector<std::string>& reserved_names = {});
// Header: simple style; `value` is the header's value (several occurrences joined by ", ").
// Not percent-decoded (HTTP field values are not URI components and often hold a literal '%';
// see OpenAPI 3.1.1 Appendix D); optional whitespace around items is dropped.
DecodeStatus decode_header_parameter(const ParameterSpec& spec, std::string_view value,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error);
// Cookie: form style, from the whole Cookie header ("a=1; b=2"). Values are percent-decoded
// ('+' stays a plus). Not exploded: the first cookie of that name, its value a comma list for
// arrays ("blue,black,brown") and objects ("R,100,G,200"). Exploded: an array takes every
// cookie of that name in order, an object every cookie named as a declared property (never
// undeclared ones: those are the client's other cookies). Browsers may send a name twice
// (cookies of different paths, most specific first): a primitive takes the first.
DecodeStatus decode_cookie_parameter(const ParameterSpec& spec, std::string_view cookie_header,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error);

// The value of the first cookie `name` in a Cookie header, or false when absent. Pairs are
// separated by ';' with optional whitespace ("a=1; b=2", "a=1;b=2"); names compare exactly;
// pieces without '=' are skipped; a value in double quotes ("\"x\"") is returned without
// them. *value is a view into cookie_header.
bool find_cookie(std::string_view cookie_header, std::string_view name, std::string_view* value);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_PARAMETERS_H_
