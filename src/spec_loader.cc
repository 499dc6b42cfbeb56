// Reading JSON or YAML documents into one RapidJSON document, and finding where a JSON pointer
// points in the source text.
//
// Both formats are built through the document's own SAX handler (GenericDocument::Populate),
// so a YAML-loaded document has exactly the layout of a JSON-parsed one: objects and arrays
// sized to their contents, strings in the document's pool. Nothing here recurses on the shape
// of the input: rapidjson runs its iterative parser, libyaml's parser keeps its own state
// stack, and our own bookkeeping uses explicit stacks. Depth is therefore bounded by
// LoadLimits, never by the thread's stack.
//
// YAML is read in two passes over memory, not over the text. libyaml's events are first
// recorded on a "tape", where an alias is one reference to the anchored range and a merged
// member is its key plus a reference to its value; the tape then replays into the document.
// The tape grows with the text, not with the expansion, and the expanded size is counted as the
// tape is written. So a "billion laughs" document fails on a counter at the first alias that
// crosses LoadLimits::max_nodes, before any of it is built.
#include "spec_loader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "json_number.h"
#include "json_pointer.h"
#include <yaml.h>

namespace specgate::detail {
namespace {

using rapidjson::SizeType;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxSizeType = std::numeric_limits<SizeType>::max();
// Keys quoted in error messages are cut to this many bytes, so a hostile key cannot make a
// message as large as the document.
constexpr std::size_t kMaxQuotedKey = 80;
// Up to this many keys, a mapping is checked for repeats pair by pair; beyond it, by sorting.
constexpr std::size_t kSmallMapping = 16;

// Numbers arrive as text and are converted by json_number.h (not RapidJSON's strtod).
constexpr unsigned kJsonParseFlags = rapidjson::kParseNumbersAsStringsFlag |
                                     rapidjson::kParseValidateEncodingFlag |
                                     rapidjson::kParseIterativeFlag;

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
constexpr std::string_view kTagMerge = "tag:yaml.org,2002:merge";
constexpr std::string_view kTagNonSpecific = "!";

// ---------------------------------------------------------------------------------------------
// Text positions

bool is_json_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t bom_length(std::string_view text) {
  return text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
}

// 1-based line and column of a byte offset. Columns count code points, as libyaml's marks do,
// so JSON and YAML report the same column for the same character. "\r\n", "\r" and "\n" each
// end a line.
SourceLocation location_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  SourceLocation location{1, 1};
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    const char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++location.line;
      line_start = i + 1;
    }
  }
  for (std::size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++location.column;
  }
  return location;
}

SourceLocation location_of_mark(const yaml_mark_t& mark) {
  return SourceLocation{mark.line + 1, mark.column + 1};
}

// libyaml moves to a new line at the end of a text without a final newline, so an error mark
// may name a line past the end: clamp it to the end of the text. (Marks count characters, so
// they cannot simply be turned into byte offsets.)
SourceLocation clamped(SourceLocation location, SourceLocation end) {
  if (location.line > end.line || (location.line == end.line && location.column > end.column)) {
    return end;
  }
  return location;
}

SourceLocation location_of_mark(std::string_view text, const yaml_mark_t& mark) {
  return clamped(location_of_mark(mark), location_of_offset(text, text.size()));
}

// From the end of one JSON token to the start of the next one: rapidjson reports scalars and
// keys after reading them, so where a value starts is found from where the previous token ended.
std::size_t skip_json_separators(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (is_json_blank(text[pos]) || text[pos] == ',' || text[pos] == ':')) {
    ++pos;
  }
  return pos;
}

std::string quote_key(std::string_view key) {
  std::string out = "\"";
  if (key.size() <= kMaxQuotedKey) {
    out.append(key);
  } else {
    std::size_t cut = kMaxQuotedKey;
    // Never cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
    out.append(key.substr(0, cut));
    out.append("...");
  }
  out.push_back('"');
  return out;
}

void set_error(LoadError* error, std::string message, SourceLocation location = {}) {
  if (error == nullptr) return;
  error->message = std::move(message);
  error->location = location;
}

// ---------------------------------------------------------------------------------------------
// Repeated keys

// The keys of the mappings being read, innermost last. Keys are copied into one arena because
// both parsers hand them out only for the duration of one event. A mapping's keys are dropped
// when it ends, so the arena holds at most the keys along one path of the document.
class KeyTracker {
 public:
  struct Key {
    std::size_t offset = 0;  // into arena_
    std::size_t length = 0;
    std::uint64_t hash = 0;
    std::size_t source_offset = 0;  // JSON: where the previous token ended
    SourceLocation location;        // YAML: where the key starts
  };

  void begin_mapping() { starts_.push_back(keys_.size()); }

  void add(std::string_view text, std::size_t source_offset, SourceLocation location) {
    Key key;
    key.offset = arena_.size();
    key.length = text.size();
    key.hash = hash(text);
    key.source_offset = source_offset;
    key.location = location;
    arena_.append(text);
    keys_.push_back(key);
  }

  // The second occurrence of the first key of the innermost mapping that occurs twice, or
  // nullptr. Valid until the next call that changes the tracker.
  const Key* find_repeat() {
    const std::size_t begin = starts_.back();
    const std::size_t count = keys_.size() - begin;
    if (count < 2) return nullptr;
    if (count <= kSmallMapping) {
      for (std::size_t i = begin + 1; i < keys_.size(); ++i) {
        for (std::size_t j = begin; j < i; ++j) {
          if (same(keys_[i], keys_[j])) return &keys_[i];
        }
      }
      return nullptr;
    }
    order_.resize(count);
    for (std::size_t i = 0; i < count; ++i) order_[i] = begin + i;
    std::sort(order_.begin(), order_.end(), [this](std::size_t a, std::size_t b) {
      return keys_[a].hash != keys_[b].hash ? keys_[a].hash < keys_[b].hash : a < b;
    });
    std::size_t first_repeat = kNone;
    for (std::size_t run = 0; run < count;) {
      std::size_t run_end = run + 1;
      while (run_end < count && keys_[order_[run_end]].hash == keys_[order_[run]].hash) ++run_end;
      // Within a run the indices ascend, so the first later key equal to an earlier one is the
      // run's first repeat in document order.
      for (std::size_t i = run + 1; i < run_end; ++i) {
        bool repeated = false;
        for (std::size_t j = run; j < i && !repeated; ++j) {
          repeated = same(keys_[order_[i]], keys_[order_[j]]);
        }
        if (repeated) {
          first_repeat = std::min(first_repeat, order_[i]);
          break;
        }
      }
      run = run_end;
    }
    return first_repeat == kNone ? nullptr : &keys_[first_repeat];
  }

  // Indices [first(), last()) are the keys of the innermost mapping.
  std::size_t first() const { return starts_.back(); }
  std::size_t last() const { return keys_.size(); }
  std::string_view text(std::size_t index) const { return text(keys_[index]); }
  std::string_view text(const Key& key) const {
    return std::string_view(arena_).substr(key.offset, key.length);
  }

  void end_mapping() {
    const std::size_t begin = starts_.back();
    starts_.pop_back();
    if (begin < keys_.size()) {
      arena_.resize(keys_[begin].offset);
      keys_.resize(begin);
    }
  }

 private:
  static std::uint64_t hash(std::string_view text) {
    // FNV-1a: keys are short, so a simple byte-at-a-time hash is fast enough.
    std::uint64_t h = 1469598103934665603ull;
    for (char c : text) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    return h;
  }

  bool same(const Key& a, const Key& b) const {
    return a.hash == b.hash && a.length == b.length &&
           std::memcmp(arena_.data() + a.offset, arena_.data() + b.offset, a.length) == 0;
  }

  std::string arena_;
  std::vector<Key> keys_;
  std::vector<std::size_t> starts_;
  std::vector<std::size_t> order_;
};

// ---------------------------------------------------------------------------------------------
// JSON

// Sits between rapidjson's reader and the document's handler: bounds depth and value count,
// rejects repeated keys, and forwards every event. The method names are rapidjson's handler
// concept, hence not snake_case.
class JsonBuilder {
 public:
  enum class Failure { kNone, kTooDeep, kTooManyValues, kRepeatedKey, kNumberTooBig };

  JsonBuilder(rapidjson::Document* document, const rapidjson::MemoryStream* stream,
              const LoadLimits& limits)
      : document_(document), stream_(stream), limits_(limits) {}

  bool Null() { return add_value() && document_->Null() && after_scalar(); }
  bool Bool(bool b) { return add_value() && document_->Bool(b) && after_scalar(); }
  bool Int(int i) { return add_value() && document_->Int(i) && after_scalar(); }
  bool Uint(unsigned u) { return add_value() && document_->Uint(u) && after_scalar(); }
  bool Int64(std::int64_t i) { return add_value() && document_->Int64(i) && after_scalar(); }
  bool Uint64(std::uint64_t u) { return add_value() && document_->Uint64(u) && after_scalar(); }
  bool Double(double d) { return add_value() && document_->Double(d) && after_scalar(); }
  bool RawNumber(const char* text, SizeType length, bool) {
    JsonNumber number = convert_json_number({text, length});
    if (number.kind == JsonNumber::Kind::kTooBig) {
      failure_ = Failure::kNumberTooBig;
      return false;
    }
    return add_value() && emit_json_number(number, *document_) && after_scalar();
  }
  bool String(const char* text, SizeType length, bool copy) {
    return add_value() && document_->String(text, length, copy) && after_scalar();
  }

  bool Key(const char* text, SizeType length, bool copy) {
    keys_.add(std::string_view(text, length), token_end_, {});
    token_end_ = stream_->Tell();
    return document_->Key(text, length, copy);
  }

  bool StartObject() {
    if (!enter()) return false;
    keys_.begin_mapping();
    // The iterative reader calls StartObject/StartArray and the End events before it takes
    // the bracket, so the token ends one byte later.
    token_end_ = stream_->Tell() + 1;
    return document_->StartObject();
  }

  bool EndObject(SizeType count) {
    if (const KeyTracker::Key* repeat = keys_.find_repeat()) {
      failure_ = Failure::kRepeatedKey;
      repeated_key_.assign(keys_.text(*repeat));
      repeated_key_offset_ = repeat->source_offset;
      return false;
    }
    keys_.end_mapping();
    --depth_;
    token_end_ = stream_->Tell() + 1;
    return document_->EndObject(count);
  }

  bool StartArray() {
    if (!enter()) return false;
    token_end_ = stream_->Tell() + 1;
    return document_->StartArray();
  }

  bool EndArray(SizeType count) {
    --depth_;
    token_end_ = stream_->Tell() + 1;
    return document_->EndArray(count);
  }

  Failure failure() const { return failure_; }
  const std::string& repeated_key() const { return repeated_key_; }
  std::size_t repeated_key_offset() const { return repeated_key_offset_; }

 private:
  bool add_value() {
    if (++values_ > limits_.max_nodes) {
      failure_ = Failure::kTooManyValues;
      return false;
    }
    return true;
  }

  bool after_scalar() {
    token_end_ = stream_->Tell();
    return true;
  }

  bool enter() {
    if (!add_value()) return false;
    if (++depth_ > limits_.max_depth) {
      failure_ = Failure::kTooDeep;
      return false;
    }
    return true;
  }

  rapidjson::Document* document_;
  const rapidjson::MemoryStream* stream_;
  const LoadLimits& limits_;
  KeyTracker keys_;
  std::size_t depth_ = 0;
  std::size_t values_ = 0;
  std::size_t token_end_ = 0;
  Failure failure_ = Failure::kNone;
  std::string repeated_key_;
  std::size_t repeated_key_offset_ = 0;
};

std::string json_syntax_message(rapidjson::ParseErrorCode code) {
  std::string message = "JSON: ";
  message += rapidjson::GetParseError_En(code);
  if (!message.empty() && message.back() == '.') message.pop_back();
  return message;
}

bool load_json(std::string_view text, rapidjson::Document* out, LoadError* error,
               const LoadLimits& limits) {
  const std::size_t base = bom_length(text);
  const std::string_view body = text.substr(base);
  rapidjson::MemoryStream stream(body.data(), body.size());
  JsonBuilder builder(out, &stream, limits);
  rapidjson::ParseResult result;
  bool trailing_nul = false;
  auto generate = [&](rapidjson::Document&) {
    rapidjson::Reader reader;
    result = reader.Parse<kJsonParseFlags>(stream, builder);
    // The stream reports NUL at its end, so the reader also stops at a NUL byte inside the
    // text; JSON allows none outside strings (and rapidjson rejects raw ones inside).
    trailing_nul = !result.IsError() && stream.Tell() != body.size();
    return !result.IsError() && !trailing_nul;
  };
  out->Populate(generate);
  if (trailing_nul) {
    set_error(error, "JSON: unexpected NUL character",
              location_of_offset(text, base + stream.Tell()));
    return false;
  }
  if (!result.IsError()) return true;
  const SourceLocation where = location_of_offset(text, base + result.Offset());
  switch (builder.failure()) {
    case JsonBuilder::Failure::kTooDeep:
      set_error(error,
                "JSON: nesting deeper than " + std::to_string(limits.max_depth) +
                    " levels (LoadLimits::max_depth)",
                where);
      break;
    case JsonBuilder::Failure::kTooManyValues:
      set_error(
          error,
          "JSON: more than " + std::to_string(limits.max_nodes) + " values (LoadLimits::max_nodes)",
          where);
      break;
    case JsonBuilder::Failure::kRepeatedKey:
      set_error(error, "JSON: duplicate key " + quote_key(builder.repeated_key()),
                location_of_offset(
                    text, base + skip_json_separators(body, builder.repeated_key_offset())));
      break;
    case JsonBuilder::Failure::kNumberTooBig:
      set_error(error, json_syntax_message(rapidjson::kParseErrorNumberTooBig), where);
      break;
    case JsonBuilder::Failure::kNone:
      set_error(error, json_syntax_message(result.Code()), where);
      break;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// YAML scalars (YAML 1.2 core schema)

enum class ScalarKind : std::uint8_t { kNull, kFalse, kTrue, kInt64, kUint64, kDouble, kString };

struct Scalar {
  ScalarKind kind = ScalarKind::kString;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view text;  // the source text; the value itself for kString
};

enum class Resolution { kOk, kOutOfRange };

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_one_of(std::string_view s, std::string_view a, std::string_view b, std::string_view c) {
  return s == a || s == b || s == c;
}

// Captures the one number rapidjson reads from a normalised float literal.
struct NumberCapture : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NumberCapture> {
  bool Default() { return false; }
  bool Int(int v) { return Double(v); }
  bool Uint(unsigned v) { return Double(v); }
  bool Int64(std::int64_t v) { return Double(static_cast<double>(v)); }
  bool Uint64(std::uint64_t v) { return Double(static_cast<double>(v)); }
  bool Double(double v) {
    value = v;
    return true;
  }
  bool RawNumber(const char* text, SizeType length, bool) {
    return emit_json_number(convert_json_number({text, length}), *this);
  }
  double value = 0;
};

// Converts as JSON numbers are (json_number.h: rapidjson checks the grammar, std::from_chars
// rounds), so a number written in YAML is the same double as the same number written in
// JSON, and strtod's locale never matters.
Resolution parse_double(const std::string& json_number, double* out) {
  rapidjson::MemoryStream stream(json_number.data(), json_number.size());
  NumberCapture capture;
  rapidjson::Reader reader;
  if (reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, capture).IsError()) {
    return Resolution::kOutOfRange;
  }
  *out = capture.value;
  return Resolution::kOk;
}

Resolution resolve_radix(std::string_view digits, unsigned radix, Scalar* out) {
  std::uint64_t value = 0;
  double approximate = 0;
  bool overflow = false;
  for (char c : digits) {
    unsigned digit =
        is_digit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
    approximate = approximate * radix + digit;
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / radix) overflow = true;
    value = value * radix + digit;
  }
  if (overflow) {
    out->kind = ScalarKind::kDouble;
    out->d = approximate;
  } else {
    out->kind = ScalarKind::kUint64;
    out->u = value;
  }
  return Resolution::kOk;
}

// Numbers of the core schema. Leaves `out` a string when `s` is not one.
Resolution resolve_number(std::string_view s, Scalar* out, std::string* scratch) {
  const bool has_sign = s[0] == '+' || s[0] == '-';
  const bool negative = s[0] == '-';
  const std::string_view rest = s.substr(has_sign ? 1 : 0);
  if (rest.empty()) return Resolution::kOk;

  if (is_one_of(rest, ".inf", ".Inf", ".INF")) {
    out->kind = ScalarKind::kDouble;
    out->d = negative ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity();
    return Resolution::kOk;
  }
  if (!has_sign && is_one_of(rest, ".nan", ".NaN", ".NAN")) {
    out->kind = ScalarKind::kDouble;
    out->d = std::numeric_limits<double>::quiet_NaN();
    return Resolution::kOk;
  }
  if (!has_sign && rest.size() > 2 && rest[0] == '0' && (rest[1] == 'o' || rest[1] == 'x')) {
    const bool hex = rest[1] == 'x';
    const std::string_view digits = rest.substr(2);
    const bool all = std::all_of(digits.begin(), digits.end(), [hex](char c) {
      return hex ? (is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
                 : (c >= '0' && c <= '7');
    });
    if (all) return resolve_radix(digits, hex ? 16 : 8, out);
    return Resolution::kOk;
  }

  // [0-9]* ( . [0-9]* )? ( [eE] [-+]? [0-9]+ )?
  std::size_t pos = 0;
  while (pos < rest.size() && is_digit(rest[pos])) ++pos;
  const std::string_view integer = rest.substr(0, pos);
  bool has_dot = false;
  std::string_view fraction;
  if (pos < rest.size() && rest[pos] == '.') {
    has_dot = true;
    const std::size_t start = ++pos;
    while (pos < rest.size() && is_digit(rest[pos])) ++pos;
    fraction = rest.substr(start, pos - start);
  }
  if (integer.empty() && fraction.empty()) return Resolution::kOk;
  std::string_view exponent;
  if (pos < rest.size() && (rest[pos] == 'e' || rest[pos] == 'E')) {
    const std::size_t start = ++pos;
    if (pos < rest.size() && (rest[pos] == '+' || rest[pos] == '-')) ++pos;
    const std::size_t digits = pos;
    while (pos < rest.size() && is_digit(rest[pos])) ++pos;
    if (pos == digits) return Resolution::kOk;
    exponent = rest.substr(start, pos - start);
  }
  if (pos != rest.size()) return Resolution::kOk;

  // Leading zeros are decimal in YAML 1.2 (0777 is 777) but not allowed in JSON numbers.
  std::string_view significant =
      integer.substr(std::min(integer.find_first_not_of('0'), integer.size()));

  if (!has_dot && exponent.empty()) {
    std::uint64_t magnitude = 0;
    bool overflow = false;
    for (char c : significant) {
      const unsigned digit = static_cast<unsigned>(c - '0');
      if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
      magnitude = magnitude * 10 + digit;
    }
    constexpr std::uint64_t kMinInt64Magnitude = std::uint64_t{1} << 63;
    if (!overflow && (!negative || magnitude <= kMinInt64Magnitude)) {
      if (negative) {
        out->kind = ScalarKind::kInt64;
        out->i = magnitude == kMinInt64Magnitude ? std::numeric_limits<std::int64_t>::min()
                                                 : -static_cast<std::int64_t>(magnitude);
      } else {
        out->kind = ScalarKind::kUint64;
        out->u = magnitude;
      }
      return Resolution::kOk;
    }
    // Beyond 64 bits: a double, as rapidjson makes of the same JSON integer.
  }

  scratch->clear();
  if (negative) scratch->push_back('-');
  if (significant.empty()) {
    scratch->push_back('0');
  } else {
    scratch->append(significant);
  }
  if (has_dot) {
    scratch->push_back('.');
    if (fraction.empty()) {
      scratch->push_back('0');
    } else {
      scratch->append(fraction);
    }
  }
  if (!exponent.empty()) {
    scratch->push_back('e');
    scratch->append(exponent);
  }
  double value = 0;
  if (parse_double(*scratch, &value) != Resolution::kOk) return Resolution::kOutOfRange;
  out->kind = ScalarKind::kDouble;
  out->d = value;
  return Resolution::kOk;
}

// How a plain scalar resolves under the core schema.
Resolution resolve_plain(std::string_view s, Scalar* out, std::string* scratch) {
  out->kind = ScalarKind::kString;
  out->text = s;
  if (s.empty()) {
    out->kind = ScalarKind::kNull;
    return Resolution::kOk;
  }
  switch (s[0]) {
    case '~':
      if (s.size() == 1) out->kind = ScalarKind::kNull;
      return Resolution::kOk;
    case 'n':
    case 'N':
      if (is_one_of(s, "null", "Null", "NULL")) out->kind = ScalarKind::kNull;
      return Resolution::kOk;
    case 't':
    case 'T':
      if (is_one_of(s, "true", "True", "TRUE")) out->kind = ScalarKind::kTrue;
      return Resolution::kOk;
    case 'f':
    case 'F':
      if (is_one_of(s, "false", "False", "FALSE")) out->kind = ScalarKind::kFalse;
      return Resolution::kOk;
    case '+':
    case '-':
    case '.':
      return resolve_number(s, out, scratch);
    default:
      if (is_digit(s[0])) return resolve_number(s, out, scratch);
      return Resolution::kOk;
  }
}

// ---------------------------------------------------------------------------------------------
// YAML documents

// One entry of the tape: the events of the document, with aliases and merged members as
// references to earlier ranges.
enum class Taped : std::uint8_t {
  // Scalars first, in ScalarKind order: entry_for_scalar converts by casting.
  kNull,
  kFalse,
  kTrue,
  kInt64,
  kUint64,
  kDouble,
  kString,
  kKey,
  kStartObject,
  kEndObject,
  kStartArray,
  kEndArray,
  kReference,  // replay [a, b) here: an alias, or a merged member's value
  kSkip,       // continue at `a`: a merge value, read by its mapping but not a member
};

struct TapeEntry {
  Taped kind = Taped::kNull;
  // kString, kKey: offset of the text in the text arena. kStart*: index of the matching end.
  // kEnd*: member or element count. kReference: range begin. kSkip: where to continue.
  std::size_t a = 0;
  std::size_t b = 0;  // kString, kKey: text length. kReference: range end.
  union {
    std::int64_t i;
    std::uint64_t u;
    double d;
    std::size_t nodes;  // kStart*, kReference: values in the subtree, aliases expanded
  } number = {0};
  std::size_t height = 0;  // kStart*, kReference: nesting of the subtree
};

struct Anchor {
  bool scalar = false;
  TapeEntry entry;                             // scalar anchors: the value
  std::size_t key_offset = 0, key_length = 0;  // scalar anchors: the text, for use as a key
  std::size_t begin = 0, end = 0, nodes = 0, height = 0;  // other anchors: a tape range
};

struct MergeSource {
  std::size_t begin = 0, end = 0;  // tape range of the merge value
  SourceLocation location;         // of the `<<` key
};

struct Frame {
  bool mapping = false;
  bool expecting_key = true;  // mappings: the next node is a key
  bool merge_next = false;    // mappings: the key just read was `<<`
  bool merge_value = false;   // this node is the value of a `<<` key
  bool anchored = false;
  std::string anchor;
  std::size_t count = 0;   // members or elements
  std::size_t nodes = 1;   // values in this subtree, aliases expanded
  std::size_t height = 1;  // nesting of this subtree
  std::size_t tape_begin = 0;
  std::size_t skip_entry = 0;
  std::size_t merges_begin = 0;
  SourceLocation location;
  SourceLocation merge_key_location;
};

struct EventDeleter {
  explicit EventDeleter(yaml_event_t* event) : event_(event) {}
  ~EventDeleter() { yaml_event_delete(event_); }
  EventDeleter(const EventDeleter&) = delete;
  EventDeleter& operator=(const EventDeleter&) = delete;
  yaml_event_t* event_;
};

struct ParserDeleter {
  explicit ParserDeleter(yaml_parser_t* parser) : parser_(parser) {}
  ~ParserDeleter() { yaml_parser_delete(parser_); }
  ParserDeleter(const ParserDeleter&) = delete;
  ParserDeleter& operator=(const ParserDeleter&) = delete;
  yaml_parser_t* parser_;
};

std::string_view as_view(const yaml_char_t* text) {
  return text == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(text));
}

std::string_view as_view(const yaml_char_t* text, std::size_t length) {
  return std::string_view(reinterpret_cast<const char*>(text), length);
}

// libyaml's own errors, as one message and a 1-based location.
void set_libyaml_error(const yaml_parser_t& parser, std::string_view text, LoadError* error) {
  std::string message = "YAML: ";
  message += parser.problem != nullptr ? parser.problem : "unknown error";
  switch (parser.error) {
    case YAML_MEMORY_ERROR:
      set_error(error, "YAML: out of memory");
      return;
    case YAML_READER_ERROR:
      // Reader errors (bad encoding, control characters) carry a byte offset, not a mark.
      set_error(error, std::move(message), location_of_offset(text, parser.problem_offset));
      return;
    default: {
      if (parser.context != nullptr) {
        const SourceLocation context = location_of_mark(text, parser.context_mark);
        message += " (";
        message += parser.context;
        message += " at line " + std::to_string(context.line) + " column " +
                   std::to_string(context.column) + ")";
      }
      set_error(error, std::move(message), location_of_mark(text, parser.problem_mark));
      return;
    }
  }
}

// Reads libyaml's events onto the tape (read()), then sends the tape to a document (send()).
// Reading first means the size of the document, aliases and merges expanded, is known before
// any of it is built: an alias bomb fails on a counter, having built nothing.
class YamlTape {
 public:
  YamlTape(const LoadLimits& limits, LoadError* error) : limits_(limits), error_(error) {}

  bool read(std::string_view text) {
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) return fail("YAML: out of memory", {});
    ParserDeleter parser_deleter(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    // Always UTF-8, as for JSON: otherwise a leading UTF-16 byte order mark would switch
    // libyaml to UTF-16 and let bytes through that are not valid UTF-8.
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    tape_.reserve(text.size() / 16);
    text_.reserve(text.size() / 2);
    bool document_seen = false;
    while (true) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser, &event) == 0) {
        set_libyaml_error(parser, text, error_);
        return false;
      }
      EventDeleter event_deleter(&event);
      bool ok = true;
      switch (event.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        case YAML_NO_EVENT:
          break;
        case YAML_DOCUMENT_START_EVENT:
          if (document_seen) {
            return fail("YAML: more than one document in the text (only one is supported)",
                        location_of_mark(event.start_mark));
          }
          document_seen = true;
          break;
        case YAML_STREAM_END_EVENT:
          if (!root_done_) return fail("YAML: the text holds no document", {});
          return true;
        case YAML_SCALAR_EVENT:
          ok = on_scalar(event);
          break;
        case YAML_ALIAS_EVENT:
          ok = on_alias(event);
          break;
        case YAML_SEQUENCE_START_EVENT:
          ok = on_start(event, false, as_view(event.data.sequence_start.anchor));
          break;
        case YAML_MAPPING_START_EVENT:
          ok = on_start(event, true, as_view(event.data.mapping_start.anchor));
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          ok = on_end();
          break;
      }
      if (!ok) return false;
    }
  }

  // Sends the document read to `handler` (a rapidjson::Document), references expanded.
  void send(rapidjson::Document& handler) { replay(handler, root_begin_, root_end_); }

 private:
  enum class Role { kRoot, kKey, kMergeValue, kValue };
  enum class Growth { kValues, kAliases, kMerges };

  Role role() const {
    if (frames_.empty()) return Role::kRoot;
    const Frame& parent = frames_.back();
    if (!parent.mapping) return Role::kValue;
    if (parent.expecting_key) return Role::kKey;
    return parent.merge_next ? Role::kMergeValue : Role::kValue;
  }

  bool fail(std::string message, SourceLocation location) {
    set_error(error_, std::move(message), location);
    return false;
  }

  bool fail_too_many(SourceLocation location, Growth growth) {
    const char* what = growth == Growth::kAliases  ? "aliases expand to"
                       : growth == Growth::kMerges ? "merge keys expand to"
                                                   : "the document has";
    return fail(std::string("YAML: ") + what + " more than " + std::to_string(limits_.max_nodes) +
                    " values (LoadLimits::max_nodes)",
                location);
  }

  bool fail_too_deep(SourceLocation location) {
    return fail("YAML: nesting deeper than " + std::to_string(limits_.max_depth) +
                    " levels (LoadLimits::max_depth)",
                location);
  }

  bool fail_bad_merge(SourceLocation where) {
    return fail("YAML: the value of a merge key (<<) must be a mapping or a list of mappings",
                where);
  }

  // Counts `values` more values of the document against LoadLimits::max_nodes. Values inside a
  // merge value are not members of the document (unless merged, when they are counted then).
  bool spend(std::size_t values) {
    if (suppressed_ > 0) return true;
    if (values > limits_.max_nodes || nodes_ > limits_.max_nodes - values) return false;
    nodes_ += values;
    return true;
  }

  bool scalar_for_event(const yaml_event_t& event, Scalar* out) {
    const auto& data = event.data.scalar;
    const std::string_view text = as_view(data.value, data.length);
    const std::string_view tag = as_view(data.tag);
    const SourceLocation where = location_of_mark(event.start_mark);
    if (text.size() > kMaxSizeType) return fail("YAML: scalar longer than 4 GiB", where);
    out->kind = ScalarKind::kString;
    out->text = text;
    const bool plain = data.style == YAML_PLAIN_SCALAR_STYLE;
    if (data.tag == nullptr) {
      if (plain && resolve_plain(text, out, &scratch_) != Resolution::kOk) {
        return fail("YAML: number out of the range of a double", where);
      }
      return true;
    }
    if (tag == kTagStr || tag == kTagNonSpecific) return true;
    const bool is_int = tag == kTagInt, is_float = tag == kTagFloat, is_bool = tag == kTagBool,
               is_null = tag == kTagNull;
    if (!is_int && !is_float && !is_bool && !is_null) {
      // Other tags (!!binary, !!timestamp, application tags) carry no meaning for OpenAPI:
      // the scalar reads as if untagged.
      if (plain && resolve_plain(text, out, &scratch_) != Resolution::kOk) {
        return fail("YAML: number out of the range of a double", where);
      }
      return true;
    }
    if (resolve_plain(text, out, &scratch_) != Resolution::kOk) {
      return fail("YAML: number out of the range of a double", where);
    }
    const ScalarKind kind = out->kind;
    const bool integer = kind == ScalarKind::kInt64 || kind == ScalarKind::kUint64;
    if (is_int && !integer) return fail("YAML: a !!int scalar that is not an integer", where);
    if (is_bool && kind != ScalarKind::kTrue && kind != ScalarKind::kFalse) {
      return fail("YAML: a !!bool scalar that is not true or false", where);
    }
    if (is_null && kind != ScalarKind::kNull) {
      return fail("YAML: a !!null scalar that is not null", where);
    }
    if (is_float) {
      if (kind == ScalarKind::kInt64) {
        out->d = static_cast<double>(out->i);
      } else if (kind == ScalarKind::kUint64) {
        out->d = static_cast<double>(out->u);
      } else if (kind != ScalarKind::kDouble) {
        return fail("YAML: a !!float scalar that is not a number", where);
      }
      out->kind = ScalarKind::kDouble;
    }
    return true;
  }

  std::size_t store_text(std::string_view text) {
    const std::size_t offset = text_.size();
    text_.append(text);
    return offset;
  }

  TapeEntry entry_for_scalar(const Scalar& s) {
    TapeEntry entry;
    entry.kind = static_cast<Taped>(s.kind);
    switch (s.kind) {
      case ScalarKind::kInt64:
        entry.number.i = s.i;
        break;
      case ScalarKind::kUint64:
        entry.number.u = s.u;
        break;
      case ScalarKind::kDouble:
        entry.number.d = s.d;
        break;
      case ScalarKind::kString:
        entry.a = store_text(s.text);
        entry.b = s.text.size();
        break;
      default:
        break;
    }
    return entry;
  }

  std::string_view text_at(std::size_t offset, std::size_t length) const {
    return std::string_view(text_).substr(offset, length);
  }

  std::size_t append(const TapeEntry& entry) {
    tape_.push_back(entry);
    return tape_.size() - 1;
  }

  // Sends the tape range [begin, end) to the document, following references with an explicit
  // stack (references nest as deep as aliases of aliases do).
  void replay(rapidjson::Document& handler, std::size_t begin, std::size_t end) {
    std::vector<std::pair<std::size_t, std::size_t>> stack;
    std::size_t pos = begin;
    std::size_t stop = end;
    while (true) {
      if (pos >= stop) {
        if (stack.empty()) return;
        pos = stack.back().first;
        stop = stack.back().second;
        stack.pop_back();
        continue;
      }
      const TapeEntry& entry = tape_[pos];
      switch (entry.kind) {
        case Taped::kReference:
          stack.emplace_back(pos + 1, stop);
          pos = entry.a;
          stop = entry.b;
          continue;
        case Taped::kSkip:
          pos = entry.a;
          continue;
        case Taped::kNull:
          handler.Null();
          break;
        case Taped::kFalse:
          handler.Bool(false);
          break;
        case Taped::kTrue:
          handler.Bool(true);
          break;
        case Taped::kInt64:
          handler.Int64(entry.number.i);
          break;
        case Taped::kUint64:
          handler.Uint64(entry.number.u);
          break;
        case Taped::kDouble:
          handler.Double(entry.number.d);
          break;
        case Taped::kString:
          handler.String(text_.data() + entry.a, static_cast<SizeType>(entry.b), true);
          break;
        case Taped::kKey:
          handler.Key(text_.data() + entry.a, static_cast<SizeType>(entry.b), true);
          break;
        case Taped::kStartObject:
          handler.StartObject();
          break;
        case Taped::kEndObject:
          handler.EndObject(static_cast<SizeType>(entry.a));
          break;
        case Taped::kStartArray:
          handler.StartArray();
          break;
        case Taped::kEndArray:
          handler.EndArray(static_cast<SizeType>(entry.a));
          break;
      }
      ++pos;
    }
  }

  // Index of the tape entry a value really starts at, through references.
  std::size_t dereference(std::size_t pos) const {
    while (tape_[pos].kind == Taped::kReference) pos = tape_[pos].a;
    return pos;
  }

  // One past the last entry of the value that starts at `pos`.
  std::size_t value_end(std::size_t pos) const {
    const Taped kind = tape_[pos].kind;
    return kind == Taped::kStartObject || kind == Taped::kStartArray ? tape_[pos].a + 1 : pos + 1;
  }

  // The count and shape of a finished value [begin, end), told to the node that holds it.
  bool complete_value(std::size_t begin, std::size_t end, std::size_t nodes, std::size_t height,
                      SourceLocation where) {
    if (frames_.empty()) {
      root_done_ = true;
      root_begin_ = begin;
      root_end_ = end;
      return true;
    }
    Frame& parent = frames_.back();
    if (parent.count == kMaxSizeType) return fail("YAML: more than 4294967295 entries", where);
    if (parent.mapping) parent.expecting_key = true;
    ++parent.count;
    parent.nodes += nodes;
    parent.height = std::max(parent.height, height + 1);
    return true;
  }

  bool add_key(std::string_view text, SourceLocation where) {
    if (text.size() > kMaxSizeType) return fail("YAML: key longer than 4 GiB", where);
    keys_.add(text, 0, where);
    TapeEntry entry;
    entry.kind = Taped::kKey;
    entry.a = store_text(text);
    entry.b = text.size();
    append(entry);
    frames_.back().expecting_key = false;
    return true;
  }

  static bool is_merge_key(const yaml_event_t& event) {
    const auto& data = event.data.scalar;
    if (data.tag != nullptr) return as_view(data.tag) == kTagMerge;
    return data.style == YAML_PLAIN_SCALAR_STYLE &&
           as_view(data.value, data.length) == std::string_view("<<");
  }

  void remember_scalar(std::string_view name, const Scalar& s, const TapeEntry& entry) {
    Anchor& anchor = anchors_[std::string(name)];
    anchor = Anchor();
    anchor.scalar = true;
    anchor.entry = entry;
    anchor.key_offset = s.kind == ScalarKind::kString ? entry.a : store_text(s.text);
    anchor.key_length = s.text.size();
  }

  bool on_scalar(const yaml_event_t& event) {
    const SourceLocation where = location_of_mark(event.start_mark);
    const std::string_view anchor = as_view(event.data.scalar.anchor);
    const Role r = role();
    if (r == Role::kKey) {
      if (is_merge_key(event)) {
        Frame& parent = frames_.back();
        parent.merge_next = true;
        parent.expecting_key = false;
        parent.merge_key_location = where;
        return true;
      }
      if (!anchor.empty()) {
        Scalar s;
        if (!scalar_for_event(event, &s)) return false;
        remember_scalar(anchor, s, entry_for_scalar(s));
      }
      // Keys are strings whatever they resolve to: a key 200 is "200", as written.
      return add_key(as_view(event.data.scalar.value, event.data.scalar.length), where);
    }
    if (r == Role::kMergeValue) return fail_bad_merge(frames_.back().merge_key_location);
    Scalar s;
    if (!scalar_for_event(event, &s)) return false;
    if (!spend(1)) return fail_too_many(where, Growth::kValues);
    const TapeEntry entry = entry_for_scalar(s);
    if (!anchor.empty()) remember_scalar(anchor, s, entry);
    const std::size_t index = append(entry);
    return complete_value(index, index + 1, 1, 0, where);
  }

  bool on_alias(const yaml_event_t& event) {
    const SourceLocation where = location_of_mark(event.start_mark);
    const std::string name(as_view(event.data.alias.anchor));
    const auto found = anchors_.find(name);
    if (found == anchors_.end()) {
      return fail("YAML: alias *" + name + " refers to no anchor before it", where);
    }
    // A copy: the anchor may be redefined while this one is in use.
    const Anchor anchor = found->second;
    const Role r = role();
    if (r == Role::kKey) {
      if (!anchor.scalar) return fail("YAML: a mapping key must be a scalar", where);
      const std::string key(text_at(anchor.key_offset, anchor.key_length));
      return add_key(key, where);
    }
    if (r == Role::kMergeValue) {
      if (anchor.scalar) return fail_bad_merge(frames_.back().merge_key_location);
      merges_.push_back(MergeSource{anchor.begin, anchor.end, frames_.back().merge_key_location});
      frames_.back().merge_next = false;
      frames_.back().expecting_key = true;
      return true;
    }
    if (anchor.scalar) {
      if (!spend(1)) return fail_too_many(where, Growth::kValues);
      const std::size_t index = append(anchor.entry);
      return complete_value(index, index + 1, 1, 0, where);
    }
    if (frames_.size() + anchor.height > limits_.max_depth) return fail_too_deep(where);
    // Nothing is built yet, so an alias bomb stops here, at the first alias that crosses the
    // limit, having spent only this counter.
    if (!spend(anchor.nodes)) return fail_too_many(where, Growth::kAliases);
    TapeEntry reference;
    reference.kind = Taped::kReference;
    reference.a = anchor.begin;
    reference.b = anchor.end;
    reference.number.nodes = anchor.nodes;
    reference.height = anchor.height;
    const std::size_t index = append(reference);
    return complete_value(index, index + 1, anchor.nodes, anchor.height, where);
  }

  bool on_start(const yaml_event_t& event, bool mapping, std::string_view anchor) {
    const SourceLocation where = location_of_mark(event.start_mark);
    const Role r = role();
    if (r == Role::kKey) {
      return fail("YAML: a mapping key must be a scalar (JSON object keys are strings)", where);
    }
    if (frames_.size() >= limits_.max_depth) return fail_too_deep(where);
    Frame frame;
    frame.mapping = mapping;
    frame.location = where;
    if (r == Role::kMergeValue) {
      // Read by the enclosing mapping when it ends, never a member itself: skipped on replay.
      frame.merge_value = true;
      TapeEntry skip;
      skip.kind = Taped::kSkip;
      frame.skip_entry = append(skip);
      ++suppressed_;
    }
    if (!anchor.empty()) {
      frame.anchored = true;
      frame.anchor.assign(anchor);
    }
    if (!spend(1)) return fail_too_many(where, Growth::kValues);
    TapeEntry start;
    start.kind = mapping ? Taped::kStartObject : Taped::kStartArray;
    frame.tape_begin = append(start);
    if (mapping) {
      keys_.begin_mapping();
      frame.merges_begin = merges_.size();
    }
    frames_.push_back(std::move(frame));
    return true;
  }

  bool on_end() {
    Frame& frame = frames_.back();
    if (frame.mapping) {
      if (const KeyTracker::Key* repeat = keys_.find_repeat()) {
        return fail("YAML: duplicate key " + quote_key(keys_.text(*repeat)), repeat->location);
      }
      if (merges_.size() > frame.merges_begin && !apply_merges(frame)) return false;
      keys_.end_mapping();
      merges_.resize(frame.merges_begin);
    }
    TapeEntry end;
    end.kind = frame.mapping ? Taped::kEndObject : Taped::kEndArray;
    end.a = frame.count;
    const std::size_t end_index = append(end);
    TapeEntry& start = tape_[frame.tape_begin];
    start.a = end_index;
    start.number.nodes = frame.nodes;
    start.height = frame.height;
    if (frame.anchored) {
      Anchor& anchor = anchors_[frame.anchor];
      anchor = Anchor();
      anchor.begin = frame.tape_begin;
      anchor.end = end_index + 1;
      anchor.nodes = frame.nodes;
      anchor.height = frame.height;
    }
    const Frame done = std::move(frame);
    frames_.pop_back();
    if (done.merge_value) {
      tape_[done.skip_entry].a = end_index + 1;
      --suppressed_;
      Frame& parent = frames_.back();
      merges_.push_back(MergeSource{done.tape_begin, end_index + 1, parent.merge_key_location});
      parent.merge_next = false;
      parent.expecting_key = true;
      return true;
    }
    return complete_value(done.tape_begin, end_index + 1, done.nodes, done.height, done.location);
  }

  // Adds the members of the mapping's merge sources that it does not have itself: its own keys
  // win, then earlier sources over later ones.
  bool apply_merges(Frame& frame) {
    std::unordered_set<std::string_view> present;
    present.reserve(keys_.last() - keys_.first());
    for (std::size_t i = keys_.first(); i < keys_.last(); ++i) present.insert(keys_.text(i));
    for (std::size_t m = frame.merges_begin; m < merges_.size(); ++m) {
      const MergeSource source = merges_[m];
      const std::size_t value = dereference(source.begin);
      if (tape_[value].kind == Taped::kStartObject) {
        if (!merge_mapping(frame, value, source.location, &present)) return false;
      } else if (tape_[value].kind == Taped::kStartArray) {
        const std::size_t end = tape_[value].a;
        for (std::size_t pos = value + 1; pos < end; pos = value_end(pos)) {
          const std::size_t element = dereference(pos);
          if (tape_[element].kind != Taped::kStartObject) return fail_bad_merge(source.location);
          if (!merge_mapping(frame, element, source.location, &present)) return false;
        }
      } else {
        return fail_bad_merge(source.location);
      }
    }
    return true;
  }

  bool merge_mapping(Frame& frame, std::size_t mapping, SourceLocation where,
                     std::unordered_set<std::string_view>* present) {
    const std::size_t end = tape_[mapping].a;
    for (std::size_t pos = mapping + 1; pos < end;) {
      if (tape_[pos].kind == Taped::kSkip) {
        pos = tape_[pos].a;
        continue;
      }
      // Copies: the tape grows below. The set's views stay valid: text_ does not grow here,
      // because a merged key reuses its text.
      const TapeEntry key = tape_[pos];
      const std::size_t value_begin = pos + 1;
      const std::size_t value_stop = value_end(value_begin);
      const TapeEntry value = tape_[value_begin];
      pos = value_stop;
      if (!present->insert(text_at(key.a, key.b)).second) continue;
      const bool subtree = value.kind == Taped::kStartObject || value.kind == Taped::kStartArray ||
                           value.kind == Taped::kReference;
      const std::size_t nodes = subtree ? value.number.nodes : 1;
      const std::size_t height = subtree ? value.height : 0;
      if (frames_.size() + height > limits_.max_depth) return fail_too_deep(where);
      // Inside a merge value nothing reaches the document yet, but the tape still grows by
      // two entries per merged member, and merge values can nest.
      if (!spend(nodes) || (suppressed_ > 0 && tape_.size() > limits_.max_nodes)) {
        return fail_too_many(where, Growth::kMerges);
      }
      if (frame.count == kMaxSizeType) return fail("YAML: more than 4294967295 entries", where);
      append(key);
      TapeEntry reference;
      reference.kind = Taped::kReference;
      reference.a = value_begin;
      reference.b = value_stop;
      reference.number.nodes = nodes;
      reference.height = height;
      append(reference);
      ++frame.count;
      frame.nodes += nodes;
      frame.height = std::max(frame.height, height + 1);
    }
    return true;
  }

  const LoadLimits& limits_;
  LoadError* error_;
  std::vector<Frame> frames_;
  KeyTracker keys_;
  std::vector<TapeEntry> tape_;
  std::string text_;  // the text of string scalars and keys
  std::unordered_map<std::string, Anchor> anchors_;
  std::vector<MergeSource> merges_;
  std::string scratch_;
  std::size_t suppressed_ = 0;  // open merge values
  std::size_t nodes_ = 0;       // values of the document so far, aliases expanded
  bool root_done_ = false;
  std::size_t root_begin_ = 0;
  std::size_t root_end_ = 0;
};

bool load_yaml(std::string_view text, rapidjson::Document* out, LoadError* error,
               const LoadLimits& limits) {
  YamlTape tape(limits, error);
  if (!tape.read(text)) return false;
  auto generate = [&](rapidjson::Document& handler) {
    tape.send(handler);
    return true;
  };
  out->Populate(generate);
  return true;
}

// Index of the first character that is neither blank nor the byte order mark.
std::size_t first_significant(std::string_view text) {
  std::size_t pos = bom_length(text);
  while (pos < text.size() && is_json_blank(text[pos])) ++pos;
  return pos;
}

bool could_start_json_scalar(char c) {
  return c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' || c == 'n';
}

// ---------------------------------------------------------------------------------------------
// Locating pointers

// The pointer's tokens, unescaped. A token with an invalid escape names nothing, so the tokens
// stop before it and the search ends at its parent: the nearest existing ancestor.
std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty() || pointer.front() != '/') return tokens;
  std::size_t pos = 1;
  while (true) {
    const std::size_t slash = pointer.find('/', pos);
    const std::string_view raw =
        pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    std::string token;
    if (!unescape_pointer_token(raw, &token)) break;
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return tokens;
}

// RFC 6901 array index: digits, no leading zero.
bool parse_index(std::string_view token, std::size_t* index) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return false;
  std::size_t value = 0;
  for (char c : token) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  *index = value;
  return true;
}

// What both locators share: which token is being looked for, inside which container.
class PointerWalk {
 public:
  explicit PointerWalk(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  bool done() const { return done_; }
  bool found_any() const { return found_any_; }

  // A value starts at `position`, `depth` containers deep (the root is at depth 0). Returns
  // false once the walk is over.
  template <typename Position>
  bool on_value(std::size_t depth, bool container, bool is_array, Position position,
                Position* found) {
    if (!found_any_) {
      found_any_ = true;
      *found = position;
      if (tokens_.empty() || !container) return finish();
      return activate(is_array);
    }
    if (depth != matched_ + 1) return true;
    bool hit;
    if (active_is_array_) {
      hit = index_ == target_index_;
      ++index_;
    } else {
      hit = key_matches_;
      key_matches_ = false;
    }
    if (!hit) return true;
    ++matched_;
    *found = position;
    if (matched_ == tokens_.size() || !container) return finish();
    return activate(is_array);
  }

  // A key of the mapping `depth` containers deep.
  void on_key(std::size_t depth, std::string_view key, bool can_match) {
    if (found_any_ && depth == matched_ + 1) {
      key_matches_ = can_match && key == tokens_[matched_];
    }
  }

  // The container `depth` deep ends. Returns false once the walk is over.
  bool on_end(std::size_t depth) {
    if (found_any_ && depth == matched_ + 1) return finish();
    return true;
  }

 private:
  bool finish() {
    done_ = true;
    return false;
  }

  bool activate(bool is_array) {
    active_is_array_ = is_array;
    index_ = 0;
    key_matches_ = false;
    if (is_array && !parse_index(tokens_[matched_], &target_index_)) return finish();
    return true;
  }

  std::vector<std::string> tokens_;
  std::size_t matched_ = 0;  // tokens matched; the container being searched is this deep + 1
  bool found_any_ = false;
  bool done_ = false;
  bool active_is_array_ = false;
  bool key_matches_ = false;
  std::size_t index_ = 0;
  std::size_t target_index_ = 0;
};

// rapidjson handler that drives a PointerWalk with byte offsets.
class JsonLocator {
 public:
  JsonLocator(std::string_view body, const rapidjson::MemoryStream* stream,
              std::vector<std::string> tokens)
      : body_(body), stream_(stream), walk_(std::move(tokens)) {}

  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int) { return scalar(); }
  bool Uint(unsigned) { return scalar(); }
  bool Int64(std::int64_t) { return scalar(); }
  bool Uint64(std::uint64_t) { return scalar(); }
  bool Double(double) { return scalar(); }
  bool RawNumber(const char*, SizeType, bool) { return scalar(); }
  bool String(const char*, SizeType, bool) { return scalar(); }
  bool Key(const char* text, SizeType length, bool) {
    walk_.on_key(depth_, std::string_view(text, length), true);
    token_end_ = stream_->Tell();
    return true;
  }
  bool StartObject() { return start(false); }
  bool StartArray() { return start(true); }
  bool EndObject(SizeType) { return end(); }
  bool EndArray(SizeType) { return end(); }

  bool found_any() const { return walk_.found_any(); }
  std::size_t found() const { return found_; }

 private:
  bool scalar() {
    // Scalars are reported after they are read: the value began after the previous token.
    const bool go =
        walk_.on_value(depth_, false, false, skip_json_separators(body_, token_end_), &found_);
    token_end_ = stream_->Tell();
    return go;
  }

  bool start(bool is_array) {
    // The iterative reader reports containers before taking the bracket.
    const std::size_t position = stream_->Tell();
    const bool go = walk_.on_value(depth_, true, is_array, position, &found_);
    ++depth_;
    token_end_ = position + 1;
    return go;
  }

  bool end() {
    if (!walk_.on_end(depth_)) return false;
    --depth_;
    token_end_ = stream_->Tell() + 1;
    return true;
  }

  std::string_view body_;
  const rapidjson::MemoryStream* stream_;
  PointerWalk walk_;
  std::size_t depth_ = 0;
  std::size_t token_end_ = 0;
  std::size_t found_ = 0;
};

SourceLocation locate_in_json(std::string_view text, std::vector<std::string> tokens) {
  const std::size_t base = bom_length(text);
  const std::string_view body = text.substr(base);
  rapidjson::MemoryStream stream(body.data(), body.size());
  JsonLocator locator(body, &stream, std::move(tokens));
  rapidjson::Reader reader;
  // Stopped early on purpose once found, and a syntax error only ends the search: either way
  // the deepest value found so far is the answer.
  reader.Parse<kJsonParseFlags>(stream, locator);
  if (!locator.found_any()) return {};
  return location_of_offset(text, base + locator.found());
}

SourceLocation locate_in_yaml(std::string_view text, std::vector<std::string> tokens) {
  // Marks at the end of a text without a final newline name the next line: clamp to the end.
  const SourceLocation text_end = location_of_offset(text, text.size());
  struct Level {
    bool mapping = false;
    bool expecting_key = true;
  };
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) return {};
  ParserDeleter parser_deleter(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

  PointerWalk walk(std::move(tokens));
  std::vector<Level> levels;
  std::unordered_map<std::string, std::string> scalar_anchors;  // for aliases used as keys
  SourceLocation found;
  // A node's start; `key` is set for scalar nodes (and aliases of scalars) in key position.
  auto on_node = [&](const yaml_event_t& event, bool leaf, bool mapping, std::string_view key_text,
                     bool key_can_match) -> bool {
    const bool is_key = !levels.empty() && levels.back().mapping && levels.back().expecting_key;
    if (is_key) {
      walk.on_key(levels.size(), key_text, leaf && key_can_match);
    } else if (!walk.on_value(levels.size(), !leaf, !mapping,
                              clamped(location_of_mark(event.start_mark), text_end),
                              &found)) {
      return false;
    }
    if (!leaf) {
      levels.push_back(Level{mapping, true});
    } else if (!levels.empty() && levels.back().mapping) {
      levels.back().expecting_key = !levels.back().expecting_key;
    } else if (levels.empty()) {
      return false;  // a scalar root: nothing below it
    }
    return true;
  };

  bool go = true;
  while (go) {
    yaml_event_t event;
    if (yaml_parser_parse(&parser, &event) == 0) break;
    EventDeleter event_deleter(&event);
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        const auto& data = event.data.scalar;
        const std::string_view value = as_view(data.value, data.length);
        if (data.anchor != nullptr) {
          scalar_anchors[std::string(as_view(data.anchor))] = std::string(value);
        }
        const bool merge = data.tag == nullptr ? data.style == YAML_PLAIN_SCALAR_STYLE &&
                                                     value == std::string_view("<<")
                                               : as_view(data.tag) == kTagMerge;
        go = on_node(event, true, false, value, !merge);
        break;
      }
      case YAML_ALIAS_EVENT: {
        const auto anchor = scalar_anchors.find(std::string(as_view(event.data.alias.anchor)));
        const bool known = anchor != scalar_anchors.end();
        go = on_node(event, true, false, known ? std::string_view(anchor->second) : "", known);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        go = on_node(event, false, false, "", false);
        break;
      case YAML_MAPPING_START_EVENT:
        go = on_node(event, false, true, "", false);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (!walk.on_end(levels.size())) {
          go = false;
          break;
        }
        levels.pop_back();
        if (levels.empty()) {
          go = false;
        } else if (levels.back().mapping) {
          levels.back().expecting_key = !levels.back().expecting_key;
        }
        break;
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        go = false;
        break;
      default:
        break;
    }
  }
  return walk.found_any() ? found : SourceLocation{};
}

}  // namespace

bool load_document(std::string_view text, rapidjson::Document* out, LoadError* error,
                   const LoadLimits& limits) {
  if (out == nullptr) {
    set_error(error, "no document to load into");
    return false;
  }
  // Whatever happens below, *out never keeps a previous document.
  rapidjson::Document().Swap(*out);
  if (text.size() > limits.max_bytes) {
    set_error(error, "the text is " + std::to_string(text.size()) +
                         " bytes, more than LoadLimits::max_bytes (" +
                         std::to_string(limits.max_bytes) + ")");
    return false;
  }
  if (text.size() > kMaxSizeType) {
    set_error(error, "the text is larger than 4 GiB");
    return false;
  }
  const std::size_t start = first_significant(text);
  if (start == text.size()) {
    set_error(error, "the text is empty");
    return false;
  }
  rapidjson::Document document;
  bool ok = false;
  const char first = text[start];
  if (first == '{' || first == '[') {
    ok = load_json(text, &document, error, limits);
  } else {
    if (could_start_json_scalar(first)) {
      // A lone JSON scalar means the same in YAML, but rapidjson reads it exactly as it would
      // inside a JSON document; a YAML document that merely starts like one fails fast.
      LoadError ignored;
      ok = load_json(text, &document, &ignored, limits);
    }
    if (!ok) {
      rapidjson::Document yaml_document;
      ok = load_yaml(text, &yaml_document, error, limits);
      if (ok) document.Swap(yaml_document);
    }
  }
  if (ok) out->Swap(document);
  return ok;
}

SourceLocation locate_pointer(std::string_view text, std::string_view pointer) {
  const std::size_t start = first_significant(text);
  if (start == text.size()) return {};
  std::vector<std::string> tokens = pointer_tokens(pointer);
  if (text[start] == '{' || text[start] == '[') return locate_in_json(text, std::move(tokens));
  return locate_in_yaml(text, std::move(tokens));
}

}  // namespace specgate::detail
