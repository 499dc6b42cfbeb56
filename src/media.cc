// Media types (RFC 9110 section 8.3.1), Content-Type selection, and decoding of form bodies:
// application/x-www-form-urlencoded and multipart/form-data (RFC 7578, RFC 2046 section 5.1.1).
#include "media.h"

#include "json_scratch.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "utf8.h"

namespace specgate::detail {
namespace {

// TypeMask bits (parameters.h).
constexpr TypeMask kObjectBit = 4;
constexpr TypeMask kArrayBit = 8;
constexpr TypeMask kStringBit = 32;

// RFC 2046 section 5.1.1: a boundary is 1 to 70 characters.
constexpr std::size_t kMaxBoundaryLength = 70;

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

void assign_lower(std::string_view text, std::string* out) {
  out->assign(text.data(), text.size());
  for (char& c : *out) c = to_lower(c);
}

// RFC 9110 section 5.6.2 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

void skip_ows(std::string_view text, std::size_t* pos) {
  while (*pos < text.size() && is_ows(text[*pos])) ++*pos;
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view read_token(std::string_view text, std::size_t* pos) {
  std::size_t start = *pos;
  while (*pos < text.size() && is_tchar(text[*pos])) ++*pos;
  return text.substr(start, *pos - start);
}

// RFC 9110 section 5.6.4: text[*pos] is the opening quote. qdtext excludes controls other than
// HTAB; obs-text (bytes 0x80-0xFF) is allowed so UTF-8 names survive.
bool read_quoted_string(std::string_view text, std::size_t* pos, std::string* out) {
  out->clear();
  std::size_t i = *pos + 1;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      *pos = i + 1;
      return true;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return false;
      auto escaped = static_cast<unsigned char>(text[i + 1]);
      if (escaped != '\t' && (escaped < 0x20 || escaped == 0x7f)) return false;
      out->push_back(static_cast<char>(escaped));
      i += 2;
      continue;
    }
    if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
    out->push_back(static_cast<char>(c));
    ++i;
  }
  return false;
}

// *( OWS ";" OWS [ parameter ] ) from text[pos] to the end; RFC 9110 allows empty parameters
// ("text/plain;") and forbids whitespace around '='. Names are lower-cased.
bool parse_parameters(std::string_view text, std::size_t pos,
                      std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  while (true) {
    skip_ows(text, &pos);
    if (pos == text.size()) return true;
    if (text[pos] != ';') return false;
    ++pos;
    skip_ows(text, &pos);
    if (pos == text.size()) return true;
    if (text[pos] == ';') continue;
    std::string_view name = read_token(text, &pos);
    if (name.empty() || pos == text.size() || text[pos] != '=') return false;
    ++pos;
    out->emplace_back();
    assign_lower(name, &out->back().first);
    if (pos < text.size() && text[pos] == '"') {
      if (!read_quoted_string(text, &pos, &out->back().second)) return false;
    } else {
      std::string_view value = read_token(text, &pos);
      if (value.empty()) return false;
      out->back().second.assign(value.data(), value.size());
    }
  }
}

const std::string* find_parameter(const std::vector<std::pair<std::string, std::string>>& params,
                                  std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 section 3.2 ext-value (charset "'" [language] "'" value-chars), as used by
// name* / filename*. Only the two charsets the RFC requires are understood; the result is
// UTF-8.
bool decode_ext_value(std::string_view text, std::string* out) {
  std::size_t first = text.find('\'');
  if (first == std::string_view::npos) return false;
  std::size_t second = text.find('\'', first + 1);
  if (second == std::string_view::npos) return false;
  std::string_view charset = text.substr(0, first);
  bool latin1 = iequals(charset, "iso-8859-1");
  if (!latin1 && !iequals(charset, "utf-8")) return false;
  out->clear();
  std::string_view chars = text.substr(second + 1);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    auto byte = static_cast<unsigned char>(chars[i]);
    if (byte == '%') {
      if (i + 2 >= chars.size()) return false;
      int high = hex_value(chars[i + 1]);
      int low = hex_value(chars[i + 2]);
      if (high < 0 || low < 0) return false;
      byte = static_cast<unsigned char>(high * 16 + low);
      i += 2;
    } else if (!is_tchar(static_cast<char>(byte)) || byte == '*' || byte == '\'' ||
               byte == '%') {
      return false;  // not an attr-char
    }
    if (latin1 && byte >= 0x80) {
      out->push_back(static_cast<char>(0xC0 | (byte >> 6)));
      out->push_back(static_cast<char>(0x80 | (byte & 0x3F)));
    } else {
      out->push_back(static_cast<char>(byte));
    }
  }
  return is_valid_utf8(*out);
}

// A comma-separated list of media types (an Encoding Object's contentType) of which every
// entry is JSON. Commas inside quoted parameter values do not split.
bool all_json(std::string_view list) {
  MediaType media;
  bool any = false;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size()) {
      char c = list[i];
      if (quoted && c == '\\') {
        ++i;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c != ',' || quoted) continue;
    }
    std::string_view entry = trim_ows(list.substr(start, i - start));
    start = i + 1;
    if (entry.empty()) continue;
    if (!parse_media_type(entry, &media) || !media.is_json()) return false;
    any = true;
  }
  return any;
}

// The value an object-typed (and not string-typed) schema wants is JSON, as OpenAPI's Encoding
// Object defaults contentType to application/json for objects.
bool wants_json(TypeMask types) { return (types & kObjectBit) && !(types & kStringBit); }

// What the form spec says about one body property.
struct PropertyInfo {
  bool declared = false;
  TypeMask types = 0;
  const ValueShape* full_shape = nullptr;
  const FormFieldEncoding* encoding = nullptr;
};

PropertyInfo describe_property(const FormSpec& spec, std::string_view name) {
  PropertyInfo info;
  info.types = spec.shape.additional_types;
  for (const auto& [key, types] : spec.shape.properties) {
    if (key == name) {
      info.declared = true;
      info.types = types;
      break;
    }
  }
  if (!info.declared) return info;
  for (const auto& [key, shape] : spec.property_shapes) {
    if (key == name) {
      info.full_shape = &shape;
      break;
    }
  }
  for (const FormFieldEncoding& encoding : spec.encodings) {
    if (encoding.name == name) {
      info.encoding = &encoding;
      break;
    }
  }
  return info;
}

// Members of the object being built, by name, so repeated names gather in constant time.
struct MemberSlot {
  rapidjson::SizeType index = 0;
  bool gathered = false;  // the member is the array of every occurrence
};

class ObjectBuilder {
 public:
  ObjectBuilder(rapidjson::Value* out, rapidjson::Document::AllocatorType& allocator)
      : out_(out), allocator_(allocator) {
    out_->SetObject();
  }

  // Adds one occurrence of `name`. `as_array`: the member is always an array of occurrences;
  // `splice`: an array value contributes its elements rather than itself.
  void add(std::string_view name, rapidjson::Value* value, bool as_array, bool splice) {
    auto found = slots_.find(std::string(name));
    if (found == slots_.end()) {
      rapidjson::Value key(name.data(), static_cast<rapidjson::SizeType>(name.size()),
                           allocator_);
      if (as_array) {
        rapidjson::Value items(rapidjson::kArrayType);
        append(&items, value, splice);
        out_->AddMember(key, items, allocator_);
      } else {
        out_->AddMember(key, *value, allocator_);
      }
      slots_.emplace(std::string(name), MemberSlot{out_->MemberCount() - 1, as_array});
      return;
    }
    rapidjson::Value& existing = (out_->MemberBegin() + found->second.index)->value;
    if (!found->second.gathered) {
      // A name that should occur once occurred again: keep every occurrence so the schema
      // reports the type mismatch instead of one value silently winning.
      rapidjson::Value items(rapidjson::kArrayType);
      items.PushBack(existing, allocator_);
      existing = items;
      found->second.gathered = true;
    }
    append(&existing, value, splice);
  }

 private:
  void append(rapidjson::Value* items, rapidjson::Value* value, bool splice) {
    if (splice && value->IsArray()) {
      for (rapidjson::Value& element : value->GetArray()) items->PushBack(element, allocator_);
      return;
    }
    items->PushBack(*value, allocator_);
  }

  rapidjson::Value* out_;
  rapidjson::Document::AllocatorType& allocator_;
  std::unordered_map<std::string, MemberSlot> slots_;
};


// Names a part in a message: a declared property's name comes from the spec, but any other
// name was submitted and must not be echoed.
std::string describe_part(std::string_view name, bool declared, std::size_t number) {
  if (declared) return "multipart part '" + std::string(name) + "'";
  return "multipart part " + std::to_string(number);
}

bool parse_json_part(std::string_view text, rapidjson::Value* out,
                     rapidjson::Document::AllocatorType& allocator, const std::string& what,
                     std::string* error) {
  // A raw NUL is never valid JSON, and RapidJSON's memory stream reads it as the end of input,
  // which would accept whatever follows it.
  if (!text.empty() && std::memchr(text.data(), '\0', text.size()) != nullptr) {
    *error = what + " is not valid JSON: it contains a NUL byte";
    return false;
  }
  rapidjson::Document document(&allocator);
  const CheckedParse parsed = parse_checked(text, kMaxPartJsonDepth, document);
  if (parsed.result.IsError()) {
    if (parsed.too_deep) {
      *error = what + " has JSON nested deeper than " + std::to_string(kMaxPartJsonDepth) +
               " levels";
    } else {
      *error = what + " is not valid JSON (at byte " + std::to_string(parsed.result.Offset()) +
               "): " + rapidjson::GetParseError_En(parsed.result.Code());
    }
    return false;
  }
  out->Swap(document);
  return true;
}

// What a part's header section says.
struct PartHeaders {
  bool has_disposition = false;
  bool has_name = false;
  std::string name;
  bool has_content_type = false;
  MediaType content_type;
  std::vector<std::pair<std::string, std::string>> parameters;  // scratch
  std::string scratch;
};

bool parse_part_header_line(std::string_view line, PartHeaders* headers, std::string* error) {
  if (is_ows(line.front())) {
    *error = "multipart part header is folded across lines (obsolete line folding)";
    return false;
  }
  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::size_t end = 0;
  if (colon == std::string_view::npos || read_token(field, &end).size() != field.size() ||
      field.empty()) {
    *error = "multipart part header is malformed";
    return false;
  }
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (iequals(field, "content-disposition")) {
    if (headers->has_disposition) {
      *error = "multipart part has more than one Content-Disposition header";
      return false;
    }
    headers->has_disposition = true;
    std::size_t pos = 0;
    std::string_view type = read_token(value, &pos);
    if (type.empty() || !parse_parameters(value, pos, &headers->parameters)) {
      *error = "multipart part has a malformed Content-Disposition header";
      return false;
    }
    if (!iequals(type, "form-data")) {
      *error = "multipart part's Content-Disposition is not form-data";
      return false;
    }
    // RFC 6266 section 4.1 makes a repeated parameter invalid. Accepting it would let the
    // gateway validate one name while the application behind it reads another.
    for (std::size_t i = 0; i < headers->parameters.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (headers->parameters[i].first == headers->parameters[j].first) {
          *error = "multipart part's Content-Disposition repeats a parameter";
          return false;
        }
      }
    }
    const std::string* name = find_parameter(headers->parameters, "name");
    if (const std::string* ext_name = find_parameter(headers->parameters, "name*")) {
      if (!decode_ext_value(*ext_name, &headers->name)) {
        *error = "multipart part has a malformed name* parameter";
        return false;
      }
      // Same reason: name and name* must not name two different fields.
      if (name && *name != headers->name) {
        *error = "multipart part's name and name* parameters differ";
        return false;
      }
      headers->has_name = true;
    } else if (name) {
      headers->has_name = true;
      headers->name = *name;
    }
    // filename / filename* only mark a file upload; the value is the part's content either
    // way, so they are parsed (above) but not used.
    return true;
  }
  if (iequals(field, "content-type")) {
    if (headers->has_content_type) {
      *error = "multipart part has more than one Content-Type header";
      return false;
    }
    if (!parse_media_type(value, &headers->content_type)) {
      *error = "multipart part has a malformed Content-Type header";
      return false;
    }
    headers->has_content_type = true;
  }
  return true;
}

// After "--boundary" at `pos`: "--" closes the body; transport padding then a line end opens
// a part. Anything else means the text is not a delimiter.
bool classify_delimiter_tail(std::string_view body, std::size_t pos, bool* close,
                             std::size_t* after) {
  if (body.substr(pos, 2) == "--") {
    *close = true;
    *after = pos + 2;
    return true;
  }
  skip_ows(body, &pos);
  if (pos < body.size() && body[pos] == '\n') {
    *close = false;
    *after = pos + 1;
    return true;
  }
  if (pos + 1 < body.size() && body[pos] == '\r' && body[pos + 1] == '\n') {
    *close = false;
    *after = pos + 2;
    return true;
  }
  return false;
}

// The next "\n--boundary" at or after `from` that is a delimiter. Each search resumes one byte
// past the previous near-miss and memmem is linear, so the whole body is scanned in linear time
// however many near-misses it holds.
std::size_t find_delimiter(std::string_view body, std::string_view line_delimiter,
                           std::size_t from, bool* close, std::size_t* after) {
  while (from < body.size()) {
    const void* hit = memmem(body.data() + from, body.size() - from, line_delimiter.data(),
                             line_delimiter.size());
    if (hit == nullptr) return std::string_view::npos;
    auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - body.data());
    if (classify_delimiter_tail(body, at + line_delimiter.size(), close, after)) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

// RFC 2046 section 5.1.1 bchars: a boundary is 1-70 of them and does not end in a space.
bool is_valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > kMaxBoundaryLength || boundary.back() == ' ') {
    return false;
  }
  for (char c : boundary) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok && std::strchr("'()+_,-./:=? ", c) == nullptr) return false;
  }
  return true;
}

}  // namespace

std::string_view MediaType::parameter(std::string_view name) const {
  for (const auto& [key, value] : parameters) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool MediaType::is_json() const {
  return (type == "application" && subtype == "json") || suffix == "json";
}

bool parse_media_type(std::string_view text, MediaType* out) {
  text = trim_ows(text);
  std::size_t pos = 0;
  std::string_view type = read_token(text, &pos);
  if (type.empty() || pos == text.size() || text[pos] != '/') return false;
  ++pos;
  std::string_view subtype = read_token(text, &pos);
  if (subtype.empty()) return false;
  // "*" stands for any type only in front of "*" or a "*+suffix" wildcard: "*/json" names
  // nothing.
  if (type == "*" && subtype != "*" && subtype.substr(0, 2) != "*+") return false;
  if (!parse_parameters(text, pos, &out->parameters)) return false;
  assign_lower(type, &out->type);
  assign_lower(subtype, &out->subtype);
  std::size_t plus = out->subtype.rfind('+');
  if (plus == std::string::npos) {
    out->suffix.clear();
  } else {
    out->suffix.assign(out->subtype, plus + 1, std::string::npos);
  }
  return true;
}

int select_media_type(const MediaType& request, const std::vector<MediaType>& declared) {
  // Lower rank is more specific: exact, type/*+suffix, */*+suffix, type/*, */*.
  constexpr int kNoMatch = 5;
  int best = -1;
  int best_rank = kNoMatch;
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const MediaType& candidate = declared[i];
    bool any_type = candidate.type == "*";
    bool same_type = iequals(candidate.type, request.type);
    int rank = kNoMatch;
    if (!any_type && same_type && iequals(candidate.subtype, request.subtype)) {
      rank = 0;
    } else if (candidate.subtype.size() > 2 && candidate.subtype.compare(0, 2, "*+") == 0) {
      if (!request.suffix.empty() && iequals(candidate.suffix, request.suffix) &&
          (any_type || same_type)) {
        rank = any_type ? 2 : 1;
      }
    } else if (candidate.subtype == "*") {
      if (any_type) {
        rank = 4;
      } else if (same_type) {
        rank = 3;
      }
    }
    if (rank < best_rank) {
      best_rank = rank;
      best = static_cast<int>(i);
    }
  }
  return best;
}

bool decode_form_urlencoded(std::string_view body, const FormSpec& spec, rapidjson::Value* out,
                            rapidjson::Document::AllocatorType& allocator, std::string* error) {
  QueryString query;
  if (!query.parse(body, error)) return false;
  out->SetObject();

  // Field names a declared property reads, so the rest can be reported as undeclared.
  std::unordered_set<std::string_view> consumed;
  std::vector<std::string_view> deep_object_names;

  ParameterSpec parameter;
  parameter.in = ParamIn::kQuery;
  // An empty field ("a=&b=1") is an empty string in a form, not a missing property.
  parameter.allow_empty_value = true;
  for (const auto& [name, types] : spec.shape.properties) {
    if (!consumed.insert(name).second) continue;
    PropertyInfo info = describe_property(spec, name);
    parameter.name = name;
    parameter.style = info.encoding ? info.encoding->style : ParamStyle::kForm;
    parameter.explode = info.encoding ? info.encoding->explode : true;
    if (info.full_shape) {
      parameter.shape = *info.full_shape;
    } else {
      parameter.shape = ValueShape();
      parameter.shape.types = types;
    }
    if (parameter.style == ParamStyle::kDeepObject) deep_object_names.push_back(name);
    if (parameter.style == ParamStyle::kForm && parameter.explode &&
        parameter.shape.is_object()) {
      // An exploded form object spreads its members over fields of their own names.
      for (const auto& member : parameter.shape.properties) consumed.insert(member.first);
    }

    rapidjson::Value value;
    std::string message;
    DecodeStatus status = decode_query_parameter(parameter, query, &value, allocator, &message);
    if (status == DecodeStatus::kMalformed) {
      *error = "form field '" + name + "': " + message;
      return false;
    }
    if (status == DecodeStatus::kOk) {
      out->AddMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()),
                                      allocator),
                     value, allocator);
    }
  }

  // Undeclared fields become strings so additionalProperties can judge them; a repeated one
  // keeps every value.
  std::unordered_map<std::string_view, MemberSlot> undeclared;
  TypeMask extra_types = spec.shape.additional_types;
  bool extra_is_array = (extra_types & kArrayBit) != 0;
  for (const QueryString::Pair& pair : query.pairs()) {
    std::string_view name = pair.name;
    if (consumed.count(name) != 0) continue;
    bool deep = false;
    for (std::string_view owner : deep_object_names) {
      if (name.size() > owner.size() && name.compare(0, owner.size(), owner) == 0 &&
          name[owner.size()] == '[') {
        deep = true;
        break;
      }
    }
    if (deep) continue;
    rapidjson::Value value;
    coerce_scalar(pair.value, extra_is_array ? 0 : extra_types, &value, allocator);
    auto found = undeclared.find(name);
    if (found == undeclared.end()) {
      rapidjson::Value key(name.data(), static_cast<rapidjson::SizeType>(name.size()),
                           allocator);
      if (extra_is_array) {
        rapidjson::Value items(rapidjson::kArrayType);
        items.PushBack(value, allocator);
        out->AddMember(key, items, allocator);
      } else {
        out->AddMember(key, value, allocator);
      }
      undeclared.emplace(name, MemberSlot{out->MemberCount() - 1, extra_is_array});
      continue;
    }
    rapidjson::Value& existing = (out->MemberBegin() + found->second.index)->value;
    if (!found->second.gathered) {
      rapidjson::Value items(rapidjson::kArrayType);
      items.PushBack(existing, allocator);
      existing = items;
      found->second.gathered = true;
    }
    existing.PushBack(value, allocator);
  }
  return true;
}

bool decode_multipart(std::string_view body, std::string_view boundary, const FormSpec& spec,
                      rapidjson::Value* out, rapidjson::Document::AllocatorType& allocator,
                      std::string* error) {
  if (!is_valid_boundary(boundary)) {
    *error = boundary.empty() ? "multipart body has no boundary parameter"
                              : "multipart boundary is not 1-70 characters of RFC 2046 bchars";
    return false;
  }
  std::string line_delimiter = "\n--";
  line_delimiter.append(boundary.data(), boundary.size());
  std::string_view dash_boundary = std::string_view(line_delimiter).substr(1);

  // The first delimiter may open the body or follow a preamble line.
  bool close = false;
  std::size_t pos = 0;
  std::size_t first = std::string_view::npos;
  if (body.substr(0, dash_boundary.size()) == dash_boundary &&
      classify_delimiter_tail(body, dash_boundary.size(), &close, &pos)) {
    first = 0;
  } else {
    first = find_delimiter(body, line_delimiter, 0, &close, &pos);
  }
  if (first == std::string_view::npos) {
    *error = "multipart body has no boundary delimiter";
    return false;
  }

  ObjectBuilder builder(out, allocator);
  PartHeaders headers;
  std::size_t part_count = 0;
  while (!close) {
    if (++part_count > kMaxMultipartParts) {
      *error = "multipart body has more than " + std::to_string(kMaxMultipartParts) + " parts";
      return false;
    }

    headers.has_disposition = false;
    headers.has_name = false;
    headers.has_content_type = false;
    std::size_t header_limit = std::min(body.size(), pos + kMaxPartHeaderBytes);
    while (true) {
      const void* newline = std::memchr(body.data() + pos, '\n', header_limit - pos);
      if (newline == nullptr) {
        *error = header_limit < body.size()
                     ? "multipart part header section is larger than " +
                           std::to_string(kMaxPartHeaderBytes) + " bytes"
                     : std::string("multipart body ends inside a part's headers");
        return false;
      }
      auto end = static_cast<std::size_t>(static_cast<const char*>(newline) - body.data());
      std::string_view line = body.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = end + 1;
      if (line.empty()) break;
      if (!parse_part_header_line(line, &headers, error)) return false;
    }
    if (!headers.has_name) {
      *error = "multipart part " + std::to_string(part_count) +
               " has no Content-Disposition form-data name";
      return false;
    }
    if (!is_valid_utf8(headers.name)) {
      *error = "multipart part " + std::to_string(part_count) + " has a name that is not UTF-8";
      return false;
    }

    // Search from the blank line's own '\n': an empty part's delimiter shares it.
    std::size_t content_start = pos;
    std::size_t next = find_delimiter(body, line_delimiter, pos - 1, &close, &pos);
    if (next == std::string_view::npos) {
      *error = "multipart body has no closing boundary delimiter";
      return false;
    }
    std::string_view content;
    if (next > content_start) {
      std::size_t content_end = next;
      if (body[content_end - 1] == '\r') --content_end;
      content = body.substr(content_start, content_end - content_start);
    }

    PropertyInfo info = describe_property(spec, headers.name);
    bool is_array = (info.types & kArrayBit) != 0;
    TypeMask item_types = is_array ? (info.full_shape ? info.full_shape->item_types : 0)
                                   : info.types;
    bool declared_json;
    if (info.encoding && !info.encoding->content_type.empty()) {
      declared_json = all_json(info.encoding->content_type);
    } else {
      declared_json = info.declared && wants_json(item_types);
    }
    bool json = declared_json || (headers.has_content_type && headers.content_type.is_json());

    rapidjson::Value value;
    if (json) {
      std::string what = describe_part(headers.name, info.declared, part_count);
      if (!parse_json_part(content, &value, allocator, what, error)) return false;
    } else {
      coerce_scalar(content, item_types, &value, allocator);
    }
    // A JSON array sent for an array property is the whole array (or a slice of it), unless
    // the items are themselves arrays.
    bool splice = json && is_array && !(item_types & kArrayBit);
    builder.add(headers.name, &value, is_array, splice);
  }
  return true;
}

}  // namespace specgate::detail
