#include "parameters.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <system_error>

#include "uri.h"
#include "utf8.h"

namespace specgate::detail {
namespace {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr TypeMask kNullType = 1;
constexpr TypeMask kBooleanType = 2;
constexpr TypeMask kNumberType = 16;
constexpr TypeMask kStringType = 32;
constexpr TypeMask kIntegerType = 64;

// Messages describe the rule that failed and never quote the request's text.
constexpr char kMalformedEscape[] = "malformed percent escape";
constexpr char kInvalidUtf8[] = "not valid UTF-8";
constexpr char kOddPairs[] = "expected name,value pairs but found an odd number of items";
constexpr char kMissingEquals[] = "expected name=value items";
constexpr char kDuplicateProperty[] = "an object property is given more than once";
constexpr char kRepeatedParameter[] =
    "the parameter is given more than once but only an exploded array may repeat";
constexpr char kMatrixPrefix[] = "matrix-style value must start with ';' and the parameter name";
constexpr char kMatrixItemName[] = "each matrix-style array item must be named as the parameter";
constexpr char kLabelPrefix[] = "label-style value must start with '.'";
constexpr char kDeepObjectNesting[] = "deepObject supports one level of properties";

// Above this many members a duplicate search sorts instead of comparing every pair, so a
// hostile query string with thousands of properties stays O(n log n).
constexpr rapidjson::SizeType kLinearDuplicateSearchLimit = 16;

// How the text a parameter is read from is encoded.
enum class TextEncoding : std::uint8_t {
  kPercent,  // path and cookie: percent-encoded, '+' is itself
  kForm,     // query: percent-encoded, '+' is a space
  kDecoded,  // already decoded and checked (QueryString names and values)
  kPlain,    // header: not encoded; optional whitespace around each piece dropped
};

// A copy of `text` in `allocator`. RapidJSON rejects a null pointer even for an empty string,
// and a default std::string_view has one.
Value json_string(std::string_view text, Allocator& allocator) {
  const char* chars = text.empty() ? "" : text.data();
  return Value(chars, static_cast<rapidjson::SizeType>(text.size()), allocator);
}

std::string_view trim_ows(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// -?[0-9]+
bool is_integer_text(std::string_view text) {
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) return false;
  }
  return true;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number_text(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (is_digit(text[i])) {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !is_digit(text[i])) return false;
    while (i < n && is_digit(text[i])) ++i;
  }
  return i == n;
}

bool parse_number(std::string_view text, Value* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  if (is_integer_text(text)) {
    std::int64_t signed_value = 0;
    auto result = std::from_chars(first, last, signed_value);
    if (result.ec == std::errc() && result.ptr == last) {
      out->SetInt64(signed_value);
      return true;
    }
    if (text[0] != '-') {
      std::uint64_t unsigned_value = 0;
      result = std::from_chars(first, last, unsigned_value);
      if (result.ec == std::errc() && result.ptr == last) {
        out->SetUint64(unsigned_value);
        return true;
      }
    }
    // Beyond 64 bits: fall through to a double, as a JSON parser would.
  } else if (!is_json_number_text(text)) {
    return false;
  }
  // from_chars, unlike strtod, ignores the C locale's decimal separator.
  double number = 0;
  auto result = std::from_chars(first, last, number);
  if (result.ec != std::errc() || result.ptr != last || !std::isfinite(number)) return false;
  out->SetDouble(number);
  return true;
}

bool has_duplicate_names(const Value& object) {
  const rapidjson::SizeType count = object.MemberCount();
  if (count < 2) return false;
  auto name_at = [&object](rapidjson::SizeType i) {
    const Value& name = (object.MemberBegin() + i)->name;
    return std::string_view(name.GetString(), name.GetStringLength());
  };
  if (count <= kLinearDuplicateSearchLimit) {
    for (rapidjson::SizeType i = 1; i < count; ++i) {
      for (rapidjson::SizeType j = 0; j < i; ++j) {
        if (name_at(i) == name_at(j)) return true;
      }
    }
    return false;
  }
  std::vector<rapidjson::SizeType> order(count);
  std::iota(order.begin(), order.end(), rapidjson::SizeType{0});
  std::sort(order.begin(), order.end(), [&name_at](rapidjson::SizeType a, rapidjson::SizeType b) {
    return name_at(a) < name_at(b);
  });
  for (rapidjson::SizeType i = 1; i < count; ++i) {
    if (name_at(order[i]) == name_at(order[i - 1])) return true;
  }
  return false;
}

// Calls visit(piece) for each piece of `text` between `delimiter`s (one empty piece for
// empty text) until it returns false.
template <typename Visit>
bool for_each_piece(std::string_view text, char delimiter, Visit&& visit) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(delimiter, start);
    if (end == std::string_view::npos) return visit(text.substr(start));
    if (!visit(text.substr(start, end - start))) return false;
    start = end + 1;
  }
}

// Calls visit(name, value) for each "name=value" of a Cookie header until it returns false.
template <typename Visit>
void for_each_cookie(std::string_view header, Visit&& visit) {
  for_each_piece(header, ';', [&visit](std::string_view piece) {
    const std::size_t eq = piece.find('=');
    // RFC 6265 cookie-pairs always have '='; anything else is noise to step over.
    if (eq == std::string_view::npos) return true;
    std::string_view value = trim_ows(piece.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return visit(trim_ows(piece.substr(0, eq)), value);
  });
}

// Reads the pieces of one parameter's text into JSON values. Holds the decoding scratch, so
// one Reader serves all the pieces of a parameter; views it returns are valid until the next
// decode.
class Reader {
 public:
  Reader(TextEncoding encoding, Allocator& allocator, std::string* error)
      : encoding_(encoding), allocator_(allocator), error_(error) {}

  bool fail(const char* message) {
    if (error_ != nullptr) error_->assign(message);
    return false;
  }

  bool decode(std::string_view text, std::string_view* out) {
    switch (encoding_) {
      case TextEncoding::kDecoded:
        *out = text;
        return true;
      case TextEncoding::kPlain:
        text = trim_ows(text);
        if (!is_valid_utf8(text)) return fail(kInvalidUtf8);
        *out = text;
        return true;
      case TextEncoding::kPercent:
      case TextEncoding::kForm:
        break;
    }
    const bool plus_is_space =
        encoding_ == TextEncoding::kForm && text.find('+') != std::string_view::npos;
    if (!plus_is_space && text.find('%') == std::string_view::npos) {
      if (!is_valid_utf8(text)) return fail(kInvalidUtf8);
      *out = text;
      return true;
    }
    std::string_view source = text;
    if (plus_is_space) {
      // Before percent-decoding, so an encoded "%2B" stays a plus.
      plus_.assign(text);
      std::replace(plus_.begin(), plus_.end(), '+', ' ');
      source = plus_;
    }
    if (!percent_decode(source, &decoded_)) return fail(kMalformedEscape);
    if (!is_valid_utf8(decoded_)) return fail(kInvalidUtf8);
    *out = decoded_;
    return true;
  }

  bool scalar(std::string_view text, TypeMask types, Value* out) {
    std::string_view decoded;
    if (!decode(text, &decoded)) return false;
    coerce_scalar(decoded, types, out, allocator_);
    return true;
  }

  // An array of the pieces of `text`; empty text is the empty array.
  bool array(std::string_view text, char delimiter, TypeMask item_types, Value* out) {
    out->SetArray();
    if (text.empty()) return true;
    return for_each_piece(text, delimiter, [&](std::string_view piece) {
      Value item;
      if (!scalar(piece, item_types, &item)) return false;
      out->PushBack(item, allocator_);
      return true;
    });
  }

  // "R,100,G,200" (with `delimiter` between all items); empty text is the empty object.
  bool name_value_list(std::string_view text, char delimiter, const ValueShape& shape,
                       Value* out) {
    out->SetObject();
    if (text.empty()) return true;
    std::string_view pending_name;
    bool have_name = false;
    const bool ok = for_each_piece(text, delimiter, [&](std::string_view piece) {
      if (!have_name) {
        pending_name = piece;
        have_name = true;
        return true;
      }
      have_name = false;
      return member(pending_name, piece, shape, out);
    });
    if (!ok) return false;
    if (have_name) return fail(kOddPairs);
    return finish_object(out);
  }

  // "R=100,G=200" (with `delimiter` between items). `bare_names` lets an item without '='
  // stand for an empty value, as matrix style writes one (";R").
  bool assignments(std::string_view text, char delimiter, bool bare_names,
                   const ValueShape& shape, Value* out) {
    out->SetObject();
    if (text.empty()) return true;
    const bool ok = for_each_piece(text, delimiter, [&](std::string_view piece) {
      const std::size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        if (!bare_names) return fail(kMissingEquals);
        return member(piece, std::string_view(), shape, out);
      }
      return member(piece.substr(0, eq), piece.substr(eq + 1), shape, out);
    });
    return ok && finish_object(out);
  }

  bool member(std::string_view raw_name, std::string_view raw_value, const ValueShape& shape,
              Value* object) {
    std::string_view name;
    if (!decode(raw_name, &name)) return false;
    // Copied before the value is decoded into the same scratch.
    Value key = json_string(name, allocator_);
    return member_with_key(key, raw_value, shape.property_types(name), object);
  }

  bool member_with_key(Value& key, std::string_view raw_value, TypeMask types, Value* object) {
    Value value;
    if (!scalar(raw_value, types, &value)) return false;
    object->AddMember(key, value, allocator_);
    return true;
  }

  bool finish_object(const Value* object) {
    if (has_duplicate_names(*object)) return fail(kDuplicateProperty);
    return true;
  }

  Allocator& allocator() { return allocator_; }

 private:
  TextEncoding encoding_;
  Allocator& allocator_;
  std::string* error_;
  std::string decoded_;
  std::string plus_;
};

DecodeStatus status_of(bool ok) { return ok ? DecodeStatus::kOk : DecodeStatus::kMalformed; }

bool find_declared(const ValueShape& shape, std::string_view name, TypeMask* types) {
  for (const auto& property : shape.properties) {
    if (property.first == name) {
      *types = property.second;
      return true;
    }
  }
  return false;
}

// Simple style, the same for path segments and header values.
DecodeStatus read_simple(const ParameterSpec& spec, std::string_view text, Reader& reader,
                         Value* out) {
  const ValueShape& shape = spec.shape;
  if (shape.is_array()) return status_of(reader.array(text, ',', shape.item_types, out));
  if (shape.is_object()) {
    if (spec.explode) return status_of(reader.assignments(text, ',', false, shape, out));
    return status_of(reader.name_value_list(text, ',', shape, out));
  }
  return status_of(reader.scalar(text, shape.types, out));
}

DecodeStatus read_label(const ParameterSpec& spec, std::string_view raw, Reader& reader,
                        Value* out) {
  // RFC 6570 expands an undefined value (null, [], {}) to nothing at all.
  if (raw.empty()) return DecodeStatus::kAbsent;
  if (raw[0] != '.') return status_of(reader.fail(kLabelPrefix));
  const std::string_view body = raw.substr(1);
  const ValueShape& shape = spec.shape;
  if (shape.is_array()) {
    return status_of(reader.array(body, spec.explode ? '.' : ',', shape.item_types, out));
  }
  if (shape.is_object()) {
    if (spec.explode) return status_of(reader.assignments(body, '.', false, shape, out));
    return status_of(reader.name_value_list(body, ',', shape, out));
  }
  return status_of(reader.scalar(body, shape.types, out));
}

// True when the (encoded) `raw_name` decodes to the parameter's name.
bool is_named(const ParameterSpec& spec, std::string_view raw_name, Reader& reader,
              bool* named) {
  std::string_view name;
  if (!reader.decode(raw_name, &name)) return false;
  *named = name == spec.name;
  return true;
}

DecodeStatus read_matrix(const ParameterSpec& spec, std::string_view raw, Reader& reader,
                         Value* out) {
  if (raw.empty()) return DecodeStatus::kAbsent;
  if (raw[0] != ';') return status_of(reader.fail(kMatrixPrefix));
  const std::string_view body = raw.substr(1);
  const ValueShape& shape = spec.shape;

  if (spec.explode && shape.is_object()) {
    return status_of(reader.assignments(body, ';', true, shape, out));
  }
  if (spec.explode && shape.is_array()) {
    // ";color=blue;color=black;color=brown"
    out->SetArray();
    std::size_t count = 0;
    bool last_empty = false;
    const bool ok = for_each_piece(body, ';', [&](std::string_view piece) {
      const std::size_t eq = piece.find('=');
      bool named = false;
      if (!is_named(spec, piece.substr(0, eq), reader, &named)) return false;
      if (!named) return reader.fail(kMatrixItemName);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      Value item;
      if (!reader.scalar(value, shape.item_types, &item)) return false;
      out->PushBack(item, reader.allocator());
      ++count;
      last_empty = value.empty();
      return true;
    });
    if (!ok) return DecodeStatus::kMalformed;
    // ";color" is the empty list, not a list of one empty string (see the header).
    if (count == 1 && last_empty) out->SetArray();
    return DecodeStatus::kOk;
  }

  // ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200"
  const std::size_t eq = body.find('=');
  bool named = false;
  if (!is_named(spec, body.substr(0, eq), reader, &named)) return DecodeStatus::kMalformed;
  if (!named) return status_of(reader.fail(kMatrixPrefix));
  const std::string_view value =
      eq == std::string_view::npos ? std::string_view() : body.substr(eq + 1);
  if (shape.is_array()) return status_of(reader.array(value, ',', shape.item_types, out));
  if (shape.is_object()) return status_of(reader.name_value_list(value, ',', shape, out));
  return status_of(reader.scalar(value, shape.types, out));
}

bool is_reserved(std::string_view name, const std::vector<std::string>& reserved_names) {
  for (const std::string& reserved : reserved_names) {
    if (reserved == name) return true;
  }
  return false;
}

// "R=100&G=200": each pair named as a property (see the header for undeclared names).
DecodeStatus read_exploded_query_object(const ParameterSpec& spec, const QueryString& query,
                                        const std::vector<std::string>& reserved_names,
                                        Reader& reader, Value* out) {
  const ValueShape& shape = spec.shape;
  out->SetObject();
  for (const QueryString::Pair& pair : query.pairs()) {
    TypeMask types = 0;
    if (!find_declared(shape, pair.name, &types)) {
      if (shape.additional_types == 0 || is_reserved(pair.name, reserved_names)) continue;
      types = shape.additional_types;
    }
    Value key = json_string(pair.name, reader.allocator());
    if (!reader.member_with_key(key, pair.value, types, out)) return DecodeStatus::kMalformed;
  }
  if (out->MemberCount() == 0) return DecodeStatus::kAbsent;
  return status_of(reader.finish_object(out));
}

// "color[R]=100&color[G]=200" (names decoded, so "color%5BR%5D" too).
DecodeStatus read_deep_object(const ParameterSpec& spec, const QueryString& query,
                              Reader& reader, Value* out) {
  const std::string_view base = spec.name;
  out->SetObject();
  for (const QueryString::Pair& pair : query.pairs()) {
    const std::string_view name = pair.name;
    if (name.size() < base.size() + 2 || name.compare(0, base.size(), base) != 0 ||
        name[base.size()] != '[' || name.back() != ']') {
      continue;
    }
    const std::string_view property = name.substr(base.size() + 1, name.size() - base.size() - 2);
    if (property.find_first_of("[]") != std::string_view::npos) {
      return status_of(reader.fail(kDeepObjectNesting));
    }
    Value key = json_string(property, reader.allocator());
    if (!reader.member_with_key(key, pair.value, spec.shape.property_types(property), out)) {
      return DecodeStatus::kMalformed;
    }
  }
  if (out->MemberCount() == 0) return DecodeStatus::kAbsent;
  return status_of(reader.finish_object(out));
}

}  // namespace

TypeMask ValueShape::property_types(std::string_view name) const {
  TypeMask declared = 0;
  if (find_declared(*this, name, &declared)) return declared;
  return additional_types;
}

void coerce_scalar(std::string_view text, TypeMask types, rapidjson::Value* out,
                   rapidjson::Document::AllocatorType& allocator) {
  if (types != 0 && (types & kStringType) == 0) {
    if ((types & (kIntegerType | kNumberType)) != 0 && parse_number(text, out)) return;
    if ((types & kBooleanType) != 0) {
      if (text == "true") {
        out->SetBool(true);
        return;
      }
      if (text == "false") {
        out->SetBool(false);
        return;
      }
    }
    if (types == kNullType && text == "null") {
      out->SetNull();
      return;
    }
  }
  *out = json_string(text, allocator);
}

ParamStyle default_style(ParamIn in) {
  switch (in) {
    case ParamIn::kPath:
    case ParamIn::kHeader:
      return ParamStyle::kSimple;
    case ParamIn::kQuery:
    case ParamIn::kCookie:
      return ParamStyle::kForm;
  }
  return ParamStyle::kForm;
}

bool default_explode(ParamStyle style) { return style == ParamStyle::kForm; }

bool QueryString::decode_into(std::string_view text, std::string* out, std::string* error) {
  std::string_view source = text;
  if (text.find('+') != std::string_view::npos) {
    // Before percent-decoding, so an encoded "%2B" stays a plus.
    plus_scratch_.assign(text);
    std::replace(plus_scratch_.begin(), plus_scratch_.end(), '+', ' ');
    source = plus_scratch_;
  }
  if (!percent_decode(source, out)) {
    if (error != nullptr) error->assign("query string has a malformed percent escape");
    return false;
  }
  if (!is_valid_utf8(*out)) {
    if (error != nullptr) error->assign("query string is not valid UTF-8 after percent-decoding");
    return false;
  }
  return true;
}

bool QueryString::parse(std::string_view raw, std::string* error) {
  raw_ = raw;
  std::size_t count = 0;
  bool ok = true;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view piece = raw.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    if (count == pairs_.size()) {
      if (spare_.empty()) {
        pairs_.emplace_back();
      } else {
        pairs_.push_back(std::move(spare_.back()));
        spare_.pop_back();
      }
    }
    Pair& pair = pairs_[count];
    const std::size_t eq = piece.find('=');
    pair.has_value = eq != std::string_view::npos;
    pair.raw_value = pair.has_value ? piece.substr(eq + 1) : std::string_view();
    if (!decode_into(piece.substr(0, eq), &pair.name, error) ||
        !decode_into(pair.raw_value, &pair.value, error)) {
      ok = false;
      break;
    }
    ++count;
  }
  // Surplus pairs move aside with their strings' buffers instead of being destroyed.
  while (pairs_.size() > count) {
    spare_.push_back(std::move(pairs_.back()));
    pairs_.pop_back();
  }
  return ok;
}

DecodeStatus decode_path_parameter(const ParameterSpec& spec, std::string_view raw,
                                   rapidjson::Value* out,
                                   rapidjson::Document::AllocatorType& allocator,
                                   std::string* error) {
  Reader reader(TextEncoding::kPercent, allocator, error);
  switch (spec.style) {
    case ParamStyle::kMatrix:
      return read_matrix(spec, raw, reader, out);
    case ParamStyle::kLabel:
      return read_label(spec, raw, reader, out);
    default:
      // Simple, and the styles a path cannot have (the spec compiler reports those).
      return read_simple(spec, raw, reader, out);
  }
}

DecodeStatus decode_query_parameter(const ParameterSpec& spec, const QueryString& query,
                                    rapidjson::Value* out,
                                    rapidjson::Document::AllocatorType& allocator,
                                    std::string* error,
                                    const std::vector<std::string>& reserved_names) {
  const ValueShape& shape = spec.shape;
  Reader decoded(TextEncoding::kDecoded, allocator, error);
  if (spec.style == ParamStyle::kDeepObject) return read_deep_object(spec, query, decoded, out);
  // spaceDelimited/pipeDelimited with explode are undefined; they read as form.
  if (spec.explode && shape.is_object()) {
    return read_exploded_query_object(spec, query, reserved_names, decoded, out);
  }

  const QueryString::Pair* found = nullptr;
  std::size_t count = 0;
  for (const QueryString::Pair& pair : query.pairs()) {
    if (pair.name != spec.name) continue;
    if (found == nullptr) found = &pair;
    ++count;
  }
  if (found == nullptr) return DecodeStatus::kAbsent;

  if (spec.explode && shape.is_array()) {
    // "color=blue&color=black&color=brown"; a lone "color=" is the empty list.
    out->SetArray();
    if (count == 1 && found->value.empty()) return DecodeStatus::kOk;
    out->Reserve(static_cast<rapidjson::SizeType>(count), allocator);
    for (const QueryString::Pair& pair : query.pairs()) {
      if (pair.name != spec.name) continue;
      Value item;
      coerce_scalar(pair.value, shape.item_types, &item, allocator);
      out->PushBack(item, allocator);
    }
    return DecodeStatus::kOk;
  }
  if (count > 1) return status_of(decoded.fail(kRepeatedParameter));

  if (shape.is_array() || shape.is_object()) {
    char delimiter = ',';
    if (spec.style == ParamStyle::kSpaceDelimited) delimiter = ' ';
    if (spec.style == ParamStyle::kPipeDelimited) delimiter = '|';
    if (delimiter == ',') {
      // Split the raw text, then decode each item: "%2C" is a comma inside an item.
      Reader form(TextEncoding::kForm, allocator, error);
      if (shape.is_array()) {
        return status_of(form.array(found->raw_value, ',', shape.item_types, out));
      }
      return status_of(form.name_value_list(found->raw_value, ',', shape, out));
    }
    // The space and pipe delimiters themselves arrive encoded ("%20", "+", "%7C"), so these
    // styles split the decoded value; the spec leaves a delimiter inside an item to the API.
    if (shape.is_array()) {
      return status_of(decoded.array(found->value, delimiter, shape.item_types, out));
    }
    return status_of(decoded.name_value_list(found->value, delimiter, shape, out));
  }
  return status_of(decoded.scalar(found->value, shape.types, out));
}

DecodeStatus decode_header_parameter(const ParameterSpec& spec, std::string_view value,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error) {
  Reader reader(TextEncoding::kPlain, allocator, error);
  // Trimmed as a whole first so that a blank header is the empty array or object.
  return read_simple(spec, trim_ows(value), reader, out);
}

DecodeStatus decode_cookie_parameter(const ParameterSpec& spec, std::string_view cookie_header,
                                     rapidjson::Value* out,
                                     rapidjson::Document::AllocatorType& allocator,
                                     std::string* error) {
  const ValueShape& shape = spec.shape;
  Reader reader(TextEncoding::kPercent, allocator, error);

  if (spec.explode && shape.is_array()) {
    // "color=blue; color=black"; a lone empty cookie is the empty list.
    std::size_t count = 0;
    bool first_empty = false;
    for_each_cookie(cookie_header, [&](std::string_view name, std::string_view value) {
      if (name == spec.name) {
        if (count == 0) first_empty = value.empty();
        ++count;
      }
      return true;
    });
    if (count == 0) return DecodeStatus::kAbsent;
    out->SetArray();
    if (count == 1 && first_empty) return DecodeStatus::kOk;
    bool ok = true;
    for_each_cookie(cookie_header, [&](std::string_view name, std::string_view value) {
      if (name != spec.name) return true;
      Value item;
      ok = reader.scalar(value, shape.item_types, &item);
      if (ok) out->PushBack(item, allocator);
      return ok;
    });
    return status_of(ok);
  }
  if (spec.explode && shape.is_object()) {
    out->SetObject();
    bool ok = true;
    for_each_cookie(cookie_header, [&](std::string_view name, std::string_view value) {
      TypeMask types = 0;
      if (!find_declared(shape, name, &types)) return true;
      Value key = json_string(name, allocator);
      ok = reader.member_with_key(key, value, types, out);
      return ok;
    });
    if (!ok) return DecodeStatus::kMalformed;
    if (out->MemberCount() == 0) return DecodeStatus::kAbsent;
    return status_of(reader.finish_object(out));
  }

  std::string_view value;
  if (!find_cookie(cookie_header, spec.name, &value)) return DecodeStatus::kAbsent;
  if (shape.is_array()) return status_of(reader.array(value, ',', shape.item_types, out));
  if (shape.is_object()) return status_of(reader.name_value_list(value, ',', shape, out));
  return status_of(reader.scalar(value, shape.types, out));
}

bool find_cookie(std::string_view cookie_header, std::string_view name, std::string_view* value) {
  bool found = false;
  for_each_cookie(cookie_header, [&](std::string_view cookie_name, std::string_view cookie_value) {
    if (cookie_name != name) return true;
    *value = cookie_value;
    found = true;
    return false;
  });
  return found;
}

}  // namespace specgate::detail
