// Evaluates a compiled Program against an instance.
//
// The evaluator walks Nodes recursively over the instance. Per-call state lives in the
// Evaluator (owned by a Validator, one per thread) and is reused across calls: the instance
// path, the dynamic scope, the error list and the annotation arena. The valid path builds no
// strings; messages and pointers are made only when an error is recorded.
#include "schema_validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "formats.h"
#include "json_pointer.h"
#include "utf8.h"

namespace specgate::detail {
namespace {

using rapidjson::Value;

std::string number_text(double d) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

// Orders a JSON number against a double bound exactly, without converting 64-bit integers to
// double (which would round above 2^53).
template <typename Int>
int compare_integer(Int i, double d, double low, double high) {
  if (d >= high) return -1;
  if (d < low) return 1;
  double whole = std::floor(d);
  auto w = static_cast<Int>(whole);
  if (i < w) return -1;
  if (i > w) return 1;
  return d > whole ? -1 : 0;
}

int compare_number(const Value& v, double bound) {
  if (std::isnan(bound)) return 0;
  if (v.IsInt64()) {
    return compare_integer<std::int64_t>(v.GetInt64(), bound, -9223372036854775808.0,
                                         9223372036854775808.0);
  }
  if (v.IsUint64()) {
    return compare_integer<std::uint64_t>(v.GetUint64(), bound, 0.0, 18446744073709551616.0);
  }
  double x = v.GetDouble();
  return x < bound ? -1 : (x > bound ? 1 : 0);
}

__extension__ typedef unsigned __int128 Uint128;

// Splits a finite double into an exact decimal: digits * 10^exponent, from its shortest
// round-trip form (the digits the JSON text most likely had). False when it does not fit.
bool to_decimal(double d, Uint128* digits, int* exponent) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(d),
                              std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  std::size_t e = text.find('e');
  if (e == std::string_view::npos) return false;
  Uint128 value = 0;
  int fraction_digits = 0;
  bool after_point = false;
  for (char c : text.substr(0, e)) {
    if (c == '.') {
      after_point = true;
      continue;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (after_point) ++fraction_digits;
  }
  int exp = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+'), text.data() + text.size(), exp);
  *digits = value;
  *exponent = exp - fraction_digits;
  return true;
}

// multipleOf: exact decimal arithmetic where the values allow it, so 0.3 is a multiple of 0.1.
bool is_multiple_of(const Value& v, double divisor) {
  if ((v.IsInt64() || v.IsUint64()) && std::floor(divisor) == divisor && divisor < 9.2e18) {
    auto d = static_cast<std::uint64_t>(divisor);
    if (v.IsUint64()) return v.GetUint64() % d == 0;
    return v.GetInt64() % static_cast<std::int64_t>(d) == 0;
  }
  double x = v.GetDouble();
  if (x == 0) return true;
  Uint128 a;
  Uint128 b;
  int ea;
  int eb;
  if (std::isfinite(x) && to_decimal(x, &a, &ea) && to_decimal(divisor, &b, &eb)) {
    int e = std::min(ea, eb);
    int shift_a = ea - e;
    int shift_b = eb - e;
    // 10^38 overflows 128 bits; the digits themselves take up to 17 decimal places.
    if (shift_a <= 20 && shift_b <= 20) {
      Uint128 scale = 1;
      for (int i = 0; i < shift_a; ++i) scale *= 10;
      Uint128 big_a = a * scale;
      scale = 1;
      for (int i = 0; i < shift_b; ++i) scale *= 10;
      Uint128 big_b = b * scale;
      if (big_b != 0) return big_a % big_b == 0;
    }
  }
  double quotient = x / divisor;
  if (!std::isfinite(quotient)) {
    // Every integer is a multiple of a divisor whose reciprocal is an integer (0.5, 0.25...).
    double reciprocal = 1.0 / divisor;
    return std::floor(x) == x && std::floor(reciprocal) == reciprocal;
  }
  return std::fabs(quotient - std::round(quotient)) < 1e-9;
}

bool is_integer_value(const Value& v, bool strict_draft4) {
  if (v.IsInt64() || v.IsUint64()) return true;
  double d = v.GetDouble();
  if (!std::isfinite(d) || std::floor(d) != d) return false;
  // Draft 4 counts "1.0" as a non-integer; numbers past 64 bits only parse as doubles, so
  // those still count as the integers they were written as.
  return !strict_draft4 || std::fabs(d) >= 9.2e18;
}

const char* type_name(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
  }
  return "unknown";
}

std::string type_list(std::uint32_t mask) {
  static const std::pair<std::uint32_t, const char*> kNames[] = {
      {kTypeNull, "null"},     {kTypeBoolean, "boolean"}, {kTypeObject, "object"},
      {kTypeArray, "array"},   {kTypeNumber, "number"},   {kTypeString, "string"},
      {kTypeInteger, "integer"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (!(mask & bit)) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out.empty() ? "nothing" : out;
}

std::uint64_t scalar_hash(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return 0x9e3779b97f4a7c15ULL;
    case rapidjson::kFalseType: return 1;
    case rapidjson::kTrueType: return 2;
    case rapidjson::kNumberType: {
      double d = v.GetDouble();
      if (d == 0) d = 0;  // -0.0 equals 0
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return bits * 0xff51afd7ed558ccdULL;
    }
    case rapidjson::kStringType: {
      std::uint64_t h = 1469598103934665603ULL;
      for (rapidjson::SizeType i = 0; i < v.GetStringLength(); ++i) {
        h = (h ^ static_cast<unsigned char>(v.GetString()[i])) * 1099511628211ULL;
      }
      return h;
    }
    case rapidjson::kArrayType: return 0x51ed27 + v.Size();
    case rapidjson::kObjectType: return 0x2545f491 + v.MemberCount();
  }
  return 0;
}

// A hash consistent with json_equal (equal values hash equal) that looks one level deep only,
// so an instance nested a million levels cannot exhaust the stack; collisions just cost a
// json_equal.
std::uint64_t hash_json(const Value& v) {
  std::uint64_t h = scalar_hash(v);
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) h = h * 31 + scalar_hash(item);
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) h += scalar_hash(m.name) * 131 ^ scalar_hash(m.value);
  }
  return h;
}

bool only_false(const Program& p, NodeId id) {
  const Node& node = p.nodes[id];
  return node.end - node.begin == 1 && p.code[node.begin].op == Op::kFalse;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text.data(), text.size());
  out += '"';
  return out;
}

}  // namespace

namespace {

bool scalar_equal(const Value& a, const Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    if ((a.IsInt64() || a.IsUint64()) && b.IsDouble()) return compare_number(a, b.GetDouble()) == 0;
    if ((b.IsInt64() || b.IsUint64()) && a.IsDouble()) return compare_number(b, a.GetDouble()) == 0;
    return a.GetDouble() == b.GetDouble();
  }
  if (a.GetType() != b.GetType()) return false;
  switch (a.GetType()) {
    case rapidjson::kStringType:
      return a.GetStringLength() == b.GetStringLength() &&
             std::memcmp(a.GetString(), b.GetString(), a.GetStringLength()) == 0;
    case rapidjson::kArrayType:
      return a.Size() == b.Size();
    case rapidjson::kObjectType:
      return a.MemberCount() == b.MemberCount();
    default:
      return true;  // null, true, false: equal types are equal values
  }
}

}  // namespace

// Iterative, with an explicit stack (kept per thread), so deeply nested values compare without
// recursion.
bool json_equal(const Value& a, const Value& b) {
  if (!scalar_equal(a, b)) return false;
  if (!a.IsArray() && !a.IsObject()) return true;
  thread_local std::vector<std::pair<const Value*, const Value*>> pending;
  std::size_t base = pending.size();  // json_equal does not re-enter, but stay safe
  pending.emplace_back(&a, &b);
  bool equal = true;
  while (pending.size() > base && equal) {
    auto [x, y] = pending.back();
    pending.pop_back();
    if (x->IsArray()) {
      for (rapidjson::SizeType i = 0; i < x->Size() && equal; ++i) {
        const Value& xi = (*x)[i];
        const Value& yi = (*y)[i];
        if (!scalar_equal(xi, yi)) equal = false;
        else if (xi.IsArray() || xi.IsObject()) pending.emplace_back(&xi, &yi);
      }
    } else {
      for (auto m = x->MemberBegin(); m != x->MemberEnd() && equal; ++m) {
        auto it = y->FindMember(m->name);
        if (it == y->MemberEnd() || !scalar_equal(m->value, it->value)) equal = false;
        else if (m->value.IsArray() || m->value.IsObject()) pending.emplace_back(&m->value, &it->value);
      }
    }
  }
  pending.resize(base);
  return equal;
}

bool json_deeper_than(const Value& value, std::size_t limit) {
  std::vector<std::pair<const Value*, std::size_t>> pending{{&value, 1}};
  while (!pending.empty()) {
    auto [v, depth] = pending.back();
    pending.pop_back();
    if (!v->IsArray() && !v->IsObject()) continue;
    if (depth > limit) return true;
    if (v->IsArray()) {
      for (const auto& item : v->GetArray()) pending.emplace_back(&item, depth + 1);
    } else {
      for (const auto& m : v->GetObject()) pending.emplace_back(&m.value, depth + 1);
    }
  }
  return false;
}

bool Evaluator::run(const Program& program, NodeId root, const Value& instance,
                    const ValidateOptions& options, std::vector<ValidationError>* errors) {
  program_ = &program;
  errors_ = errors;
  fast_ = options.mode == Mode::kFast;
  direction_ = options.direction;
  max_depth_ = options.max_depth;
  max_errors_ = options.max_errors == 0 ? 1 : options.max_errors;
  frame_limit_ = options.max_depth * 4 + 64;  // bounded stack even with sanitizer frames
  frames_ = 0;
  quiet_ = 0;
  path_.clear();
  scope_.clear();
  refs_.clear();
  arena_.clear();
  return eval(root, instance, nullptr);
}

// ------------------------------------------------------------------ errors and paths

std::string Evaluator::instance_pointer() const {
  std::string pointer;
  for (const PathEntry& entry : path_) {
    if (entry.key) {
      append_pointer_token(pointer, std::string_view(entry.key, entry.length));
    } else {
      append_pointer_index(pointer, entry.index);
    }
  }
  return pointer;
}

void Evaluator::record(const Instr& instr, std::string message) {
  ValidationError error;
  error.instance_pointer = instance_pointer();
  error.schema_pointer = program_->strings[instr.location];
  if (*instr.keyword) append_pointer_token(error.schema_pointer, instr.keyword);
  error.keyword = instr.keyword;
  error.message = std::move(message);
  errors_->push_back(std::move(error));
}

bool Evaluator::enter(const Instr& instr, const char* key, std::uint32_t length,
                      std::uint32_t index) {
  if (path_.size() >= max_depth_) {
    fail(instr, [&] {
      return "nesting is deeper than the limit of " + std::to_string(max_depth_) + " levels";
    });
    return false;
  }
  path_.push_back({key, length, index});
  return true;
}

// ------------------------------------------------------------------ annotations

Evaluator::Annotations Evaluator::new_annotations(const Value& v) {
  Annotations a;
  if (v.IsObject()) {
    a.bits = v.MemberCount();
  } else if (v.IsArray()) {
    a.bits = v.Size();
  }
  a.offset = arena_.size();
  arena_.resize(arena_.size() + (a.bits + 63) / 64, 0);
  return a;
}

void Evaluator::mark(Annotations* a, std::uint32_t i) {
  if (a && i < a->bits) arena_[a->offset + (i >> 6)] |= std::uint64_t{1} << (i & 63);
}

bool Evaluator::marked(const Annotations* a, std::uint32_t i) const {
  return a && i < a->bits && (arena_[a->offset + (i >> 6)] >> (i & 63)) & 1;
}

void Evaluator::merge(Annotations* into, const Annotations& from) {
  if (!into) return;
  std::size_t words = (std::min(into->bits, from.bits) + 63) / 64;
  for (std::size_t i = 0; i < words; ++i) arena_[into->offset + i] |= arena_[from.offset + i];
}

// ------------------------------------------------------------------ evaluation

bool Evaluator::eval(NodeId id, const Value& v, Annotations* annotations) {
  const Node& node = program_->nodes[id];
  if (node.begin == node.end) return true;
  if (node.only_type) return check_type(program_->code[node.begin], v);
  if (frames_ >= frame_limit_) {
    // Unbounded schema recursion always runs through a reference cycle: report it as $ref, at
    // the schema where the limit was reached.
    Instr at = program_->code[node.begin];
    at.keyword = "$ref";
    fail(at, [] {
      return std::string(
          "schema recursion is deeper than the limit (a $ref cycle that never descends into the "
          "instance?)");
    });
    return false;
  }
  ++frames_;
  bool pushed_scope = false;
  if (scope_.empty() || scope_.back() != node.resource) {
    scope_.push_back(node.resource);
    pushed_scope = true;
  }
  std::size_t arena_mark = arena_.size();
  Annotations local;
  Annotations* use = annotations;
  if (node.collects_annotations && (v.IsObject() || v.IsArray())) {
    local = new_annotations(v);
    use = &local;
  }
  bool valid = true;
  const Instr* code = program_->code.data();
  for (std::uint32_t i = node.begin; i < node.end; ++i) {
    const Instr& instr = code[i];
    if (instr.op == Op::kNullable) {
      if (v.IsNull()) break;
      continue;
    }
    if (!exec(instr, node, v, use)) {
      valid = false;
      if (stop_early()) break;
    }
  }
  if (valid && annotations && use != annotations) merge(annotations, local);
  if (arena_.size() != arena_mark) arena_.resize(arena_mark);
  if (pushed_scope) scope_.pop_back();
  --frames_;
  return valid;
}

bool Evaluator::check_type(const Instr& in, const Value& v) {
  std::uint32_t mask = in.a;
  bool ok;
  switch (v.GetType()) {
    case rapidjson::kNullType: ok = mask & kTypeNull; break;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: ok = mask & kTypeBoolean; break;
    case rapidjson::kObjectType: ok = mask & kTypeObject; break;
    case rapidjson::kArrayType: ok = mask & kTypeArray; break;
    case rapidjson::kStringType: ok = mask & kTypeString; break;
    default:
      ok = (mask & kTypeNumber) || ((mask & kTypeInteger) && is_integer_value(v, in.b != 0));
  }
  if (!ok) {
    fail(in, [&] { return "must be of type " + type_list(mask) + ", not " + type_name(v); });
  }
  return ok;
}

bool Evaluator::exec(const Instr& in, const Node& node, const Value& v, Annotations* ann) {
  const Program& p = *program_;
  switch (in.op) {
    case Op::kFalse:
      fail(in, [&] { return std::string("no value is allowed here"); });
      return false;
    case Op::kNullable:
      return true;
    case Op::kType:
      return check_type(in, v);
    case Op::kConst:
      if (json_equal(v, p.values[in.a])) return true;
      fail(in, [&] { return std::string("must be equal to the constant value"); });
      return false;
    case Op::kEnum: {
      for (std::uint32_t i = 0; i < in.b; ++i) {
        if (json_equal(v, p.values[in.a + i])) return true;
      }
      std::string allowed;
      for (std::uint32_t i = 0; i < in.b && i < 10; ++i) {
        const Value& option = p.values[in.a + i];
        if (!allowed.empty()) allowed += ", ";
        allowed += option.IsString() ? quoted({option.GetString(), option.GetStringLength()})
                                     : std::string(type_name(option));
      }
      if (in.b > 10) allowed += ", ...";
      fail(in, [&] { return std::string("must be one of the allowed values (" + allowed + ")"); });
      return false;
    }
    case Op::kMinimum:
      if (!v.IsNumber() || compare_number(v, in.number) >= 0) return true;
      fail(in, [&] { return std::string("must be greater than or equal to " + number_text(in.number)); });
      return false;
    case Op::kMaximum:
      if (!v.IsNumber() || compare_number(v, in.number) <= 0) return true;
      fail(in, [&] { return std::string("must be less than or equal to " + number_text(in.number)); });
      return false;
    case Op::kExclusiveMinimum:
      if (!v.IsNumber() || compare_number(v, in.number) > 0) return true;
      fail(in, [&] { return std::string("must be greater than " + number_text(in.number)); });
      return false;
    case Op::kExclusiveMaximum:
      if (!v.IsNumber() || compare_number(v, in.number) < 0) return true;
      fail(in, [&] { return std::string("must be less than " + number_text(in.number)); });
      return false;
    case Op::kMultipleOf:
      if (!v.IsNumber() || is_multiple_of(v, in.number)) return true;
      fail(in, [&] { return std::string("must be a multiple of " + number_text(in.number)); });
      return false;
    case Op::kMinLength:
    case Op::kMaxLength: {
      if (!v.IsString()) return true;
      std::size_t length;
      if (!utf8_length({v.GetString(), v.GetStringLength()}, &length)) {
        fail(in, [&] { return std::string("must be valid UTF-8"); });
        return false;
      }
      if (in.op == Op::kMinLength && length < in.a) {
        fail(in, [&] { return std::string("must have at least " + std::to_string(in.a) + " characters"); });
        return false;
      }
      if (in.op == Op::kMaxLength && length > in.a) {
        fail(in, [&] { return std::string("must have at most " + std::to_string(in.a) + " characters"); });
        return false;
      }
      return true;
    }
    case Op::kPattern: {
      if (!v.IsString()) return true;
      const RE2& regex = *p.patterns[in.a].regex;
      if (RE2::PartialMatch(re2::StringPiece(v.GetString(), v.GetStringLength()), regex)) {
        return true;
      }
      fail(in, [&] { return std::string("must match the pattern " + quoted(regex.pattern())); });
      return false;
    }
    case Op::kFormat: {
      if (!v.IsString()) return true;
      std::string_view text(v.GetString(), v.GetStringLength());
      const FormatEntry& format = p.formats[in.a];
      bool ok = is_valid_utf8(text) && (format.builtin ? format.builtin(text) : format.custom(text));
      if (!ok) fail(in, [&] { return std::string("must be a valid " + format.name); });
      return ok;
    }
    case Op::kIntFormat: {
      if (!v.IsNumber() || !is_integer_value(v, false)) return true;
      bool ok;
      if (in.a == 32) {
        ok = compare_number(v, -2147483648.0) >= 0 && compare_number(v, 2147483647.0) <= 0;
      } else {
        ok = v.IsInt64();
      }
      if (!ok) fail(in, [&] { return std::string(std::string("must fit in a signed ") + (in.a == 32 ? "32" : "64") + "-bit integer"); });
      return ok;
    }
    case Op::kMinItems:
      if (!v.IsArray() || v.Size() >= in.a) return true;
      fail(in, [&] { return std::string("must have at least " + std::to_string(in.a) + " items"); });
      return false;
    case Op::kMaxItems:
      if (!v.IsArray() || v.Size() <= in.a) return true;
      fail(in, [&] { return std::string("must have at most " + std::to_string(in.a) + " items"); });
      return false;
    case Op::kUniqueItems:
      return !v.IsArray() || unique_items(in, v);
    case Op::kItems: {
      if (!v.IsArray()) return true;
      bool ok = true;
      for (rapidjson::SizeType i = in.b; i < v.Size(); ++i) {
        if (!enter(in, nullptr, 0, i)) return false;
        bool item_ok = eval(in.a, v[i], nullptr);
        path_.pop_back();
        mark(ann, i);
        if (!item_ok) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kPrefixItems: {
      if (!v.IsArray()) return true;
      bool ok = true;
      rapidjson::SizeType n = std::min<rapidjson::SizeType>(in.b, v.Size());
      for (rapidjson::SizeType i = 0; i < n; ++i) {
        if (!enter(in, nullptr, 0, i)) return false;
        bool item_ok = eval(p.lists[in.a + i], v[i], nullptr);
        path_.pop_back();
        mark(ann, i);
        if (!item_ok) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kContains: {
      if (!v.IsArray()) return true;
      std::uint32_t matches = 0;
      bool annotate = ann && node.annotate_contains;
      ++quiet_;
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        if (!enter(in, nullptr, 0, i)) {
          --quiet_;
          return false;
        }
        bool item_ok = eval(in.a, v[i], nullptr);
        path_.pop_back();
        if (item_ok) {
          ++matches;
          if (annotate) mark(ann, i);
          if (!annotate && matches >= in.b && in.c == kUnbounded) break;
        }
      }
      --quiet_;
      if (matches < in.b) {
        fail(in, [&] { return std::string(in.b == 1 ? std::string("must contain an item that matches the contains schema")
                           : "must contain at least " + std::to_string(in.b) +
                                 " items that match the contains schema"); });
        return false;
      }
      if (matches > in.c) {
        fail(in, [&] { return std::string("must contain at most " + std::to_string(in.c) +
                     " items that match the contains schema"); });
        return false;
      }
      return true;
    }
    case Op::kMinProperties:
      if (!v.IsObject() || v.MemberCount() >= in.a) return true;
      fail(in, [&] { return std::string("must have at least " + std::to_string(in.a) + " properties"); });
      return false;
    case Op::kMaxProperties:
      if (!v.IsObject() || v.MemberCount() <= in.a) return true;
      fail(in, [&] { return std::string("must have at most " + std::to_string(in.a) + " properties"); });
      return false;
    case Op::kRequired: {
      if (!v.IsObject()) return true;
      bool ok = true;
      for (std::uint32_t i = 0; i < in.b; ++i) {
        const RequiredName& required = p.required[in.a + i];
        if (((required.skip_in & 1) && direction_ == Direction::kRequest) ||
            ((required.skip_in & 2) && direction_ == Direction::kResponse)) {
          continue;
        }
        auto name = rapidjson::StringRef(required.name.data(), required.name.size());
        if (v.FindMember(name) != v.MemberEnd()) continue;
        fail(in, [&] { return std::string("missing required property " + quoted(required.name)); });
        ok = false;
        if (stop_early()) return false;
      }
      return ok;
    }
    case Op::kProperties: {
      if (!v.IsObject()) return true;
      const PropertyTable& table = p.property_tables[in.a];
      bool ok = true;
      std::uint32_t index = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++index) {
        int found = table.find(m->name.GetString(), m->name.GetStringLength());
        if (found < 0) continue;
        if (!enter(in, m->name.GetString(), m->name.GetStringLength(), 0)) return false;
        bool member_ok = eval(table.nodes[static_cast<std::size_t>(found)], m->value, nullptr);
        path_.pop_back();
        mark(ann, index);
        if (!member_ok) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kPatternProperties: {
      if (!v.IsObject()) return true;
      bool ok = true;
      std::uint32_t index = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++index) {
        re2::StringPiece name(m->name.GetString(), m->name.GetStringLength());
        for (std::uint32_t k = 0; k < in.b; ++k) {
          const PatternEntry& pattern = p.patterns[in.a + k];
          if (!RE2::PartialMatch(name, *pattern.regex)) continue;
          if (!enter(in, m->name.GetString(), m->name.GetStringLength(), 0)) return false;
          bool member_ok = eval(pattern.node, m->value, nullptr);
          path_.pop_back();
          mark(ann, index);
          if (!member_ok) {
            ok = false;
            if (stop_early()) return false;
          }
        }
      }
      return ok;
    }
    case Op::kAdditionalProperties: {
      if (!v.IsObject()) return true;
      bool ok = true;
      std::uint32_t index = 0;
      auto pattern_count = static_cast<std::uint32_t>(in.number);
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++index) {
        const char* key = m->name.GetString();
        rapidjson::SizeType length = m->name.GetStringLength();
        if (in.b != kNoTable && p.property_tables[in.b].find(key, length) >= 0) continue;
        bool matched = false;
        for (std::uint32_t k = 0; k < pattern_count && !matched; ++k) {
          matched = RE2::PartialMatch(re2::StringPiece(key, length), *p.patterns[in.c + k].regex);
        }
        if (matched) continue;
        mark(ann, index);
        if (!member_allowed(in, in.a, *m)) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kUnevaluatedProperties: {
      if (!v.IsObject()) return true;
      bool ok = true;
      std::uint32_t index = 0;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m, ++index) {
        if (marked(ann, index)) continue;
        mark(ann, index);
        if (!member_allowed(in, in.a, *m)) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kUnevaluatedItems: {
      if (!v.IsArray()) return true;
      bool ok = true;
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        if (marked(ann, i)) continue;
        mark(ann, i);
        if (only_false(p, in.a)) {
          fail(in, [&] { return std::string("item " + std::to_string(i) + " is not allowed (unevaluatedItems)"); });
          ok = false;
          if (stop_early()) return false;
          continue;
        }
        if (!enter(in, nullptr, 0, i)) return false;
        bool item_ok = eval(in.a, v[i], nullptr);
        path_.pop_back();
        if (!item_ok) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kPropertyNames: {
      if (!v.IsObject()) return true;
      bool ok = true;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
        if (!enter(in, m->name.GetString(), m->name.GetStringLength(), 0)) return false;
        bool name_ok = eval(in.a, m->name, nullptr);
        path_.pop_back();
        if (!name_ok) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kDependentRequired: {
      if (!v.IsObject()) return true;
      bool ok = true;
      for (std::uint32_t i = 0; i < in.b; ++i) {
        const Dependency& dep = p.dependencies[in.a + i];
        if (!v.HasMember(rapidjson::StringRef(dep.property.data(), dep.property.size()))) continue;
        for (const std::string& name : dep.required) {
          if (v.HasMember(rapidjson::StringRef(name.data(), name.size()))) continue;
          fail(in, [&] { return std::string("property " + quoted(name) + " is required when " + quoted(dep.property) +
                       " is present"); });
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kDependentSchemas: {
      if (!v.IsObject()) return true;
      bool ok = true;
      for (std::uint32_t i = 0; i < in.b; ++i) {
        const Dependency& dep = p.dependencies[in.a + i];
        if (!v.HasMember(rapidjson::StringRef(dep.property.data(), dep.property.size()))) continue;
        if (!eval(dep.node, v, ann)) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kAllOf: {
      bool ok = true;
      for (std::uint32_t i = 0; i < in.b; ++i) {
        if (!eval(p.lists[in.a + i], v, ann)) {
          ok = false;
          if (stop_early()) return false;
        }
      }
      return ok;
    }
    case Op::kAnyOf:
    case Op::kOneOf:
      return alternatives(in, v, ann);
    case Op::kNot: {
      std::size_t mark_errors = errors_->size();
      ++quiet_;
      bool matched = eval(in.a, v, nullptr);
      --quiet_;
      errors_->resize(mark_errors);
      if (!matched) return true;
      fail(in, [&] { return std::string("must not match the schema in \"not\""); });
      return false;
    }
    case Op::kIf: {
      if (!ann && in.b == kNoNode && in.c == kNoNode) return true;
      std::size_t mark_errors = errors_->size();
      std::size_t arena_mark = arena_.size();
      Annotations condition;
      if (ann) condition = new_annotations(v);
      ++quiet_;
      bool holds = eval(in.a, v, ann ? &condition : nullptr);
      --quiet_;
      errors_->resize(mark_errors);
      if (holds && ann) merge(ann, condition);
      arena_.resize(arena_mark);
      NodeId branch = holds ? in.b : in.c;
      if (branch == kNoNode) return true;
      return eval(branch, v, ann);
    }
    case Op::kRef:
      return follow(in, in.a, v, ann);
    case Op::kDynamicRef: {
      NodeId target = in.a;
      if (in.c) {
        // The outermost resource in the dynamic scope that declares the anchor wins.
        for (std::uint32_t resource : scope_) {
          const auto& anchors = p.resources[resource].dynamic_anchors;
          auto it = std::find_if(anchors.begin(), anchors.end(),
                                 [&](const auto& entry) { return entry.first == in.b; });
          if (it != anchors.end()) {
            target = it->second;
            break;
          }
        }
      }
      return follow(in, target, v, ann);
    }
    case Op::kRecursiveRef: {
      NodeId target = in.a;
      if (in.c) {
        for (std::uint32_t resource : scope_) {
          if (p.resources[resource].recursive_anchor) {
            target = p.resources[resource].root;
            break;
          }
        }
      }
      return follow(in, target, v, ann);
    }
    case Op::kDiscriminator:
      return discriminate(in, v, ann);
    case Op::kContent:
      return content(in, v);
  }
  return true;
}

bool Evaluator::member_allowed(const Instr& in, NodeId schema, const Value::Member& m) {
  if (only_false(*program_, schema)) {
    // Report the unexpected property at the object, naming it: clearer than "false schema".
    fail(in, [&] { return std::string("property " + quoted({m.name.GetString(), m.name.GetStringLength()}) +
                 " is not allowed"); });
    return false;
  }
  if (!enter(in, m.name.GetString(), m.name.GetStringLength(), 0)) return false;
  bool ok = eval(schema, m.value, nullptr);
  path_.pop_back();
  return ok;
}

// Follows a reference. A schema entered again for the same instance while still being
// evaluated there can only recurse forever (a $ref cycle through in-place applicators such as
// allOf/anyOf/oneOf): that fails at once, where waiting for the frame limit would take time
// exponential in it whenever the cycle branches. (Found by fuzzing: docs/hardening.md, bug 11.)
bool Evaluator::follow(const Instr& in, NodeId target, const Value& v, Annotations* ann) {
  for (auto it = refs_.rbegin(); it != refs_.rend() && it->second == &v; ++it) {
    if (it->first == target) {
      fail(in, [] {
        return std::string(
            "a $ref cycle that never descends into the instance (a schema refers back to "
            "itself for the same value)");
      });
      return false;
    }
  }
  refs_.emplace_back(target, &v);
  bool ok = eval(target, v, ann);
  refs_.pop_back();
  return ok;
}

bool Evaluator::alternatives(const Instr& in, const Value& v, Annotations* ann) {
  const Program& p = *program_;
  const bool one_of = in.op == Op::kOneOf;
  std::size_t mark_errors = errors_->size();
  std::uint32_t passed = 0;
  if (fast_) ++quiet_;
  for (std::uint32_t i = 0; i < in.b; ++i) {
    NodeId branch = p.lists[in.a + i];
    bool ok;
    if (ann) {
      std::size_t arena_mark = arena_.size();
      Annotations branch_annotations = new_annotations(v);
      ok = eval(branch, v, &branch_annotations);
      if (ok && (!one_of || passed == 0)) merge(ann, branch_annotations);
      arena_.resize(arena_mark);
    } else {
      ok = eval(branch, v, nullptr);
    }
    if (ok) {
      ++passed;
      // Without annotations to gather, anyOf is settled by the first match and oneOf by the
      // second.
      if (!ann && (!one_of || passed > 1)) break;
    }
  }
  if (fast_) --quiet_;
  if (one_of ? passed == 1 : passed > 0) {
    errors_->resize(mark_errors);
    return true;
  }
  if (passed > 1) {
    errors_->resize(mark_errors);
    fail(in, [&] { return std::string("must match exactly one alternative of oneOf, but matches more than one"); });
  } else {
    fail(in, [&] { return std::string(one_of ? "must match exactly one alternative of oneOf, but matches none"
                    : "must match at least one alternative of anyOf"); });
  }
  return false;
}

bool Evaluator::discriminate(const Instr& in, const Value& v, Annotations* ann) {
  const Discriminator& d = program_->discriminators[in.a];
  if (!v.IsObject()) {
    fail(in, [&] { return std::string("must be an object carrying the discriminator property " + quoted(d.property)); });
    return false;
  }
  auto it = v.FindMember(rapidjson::StringRef(d.property.data(), d.property.size()));
  if (it == v.MemberEnd()) {
    fail(in, [&] { return std::string("missing discriminator property " + quoted(d.property)); });
    return false;
  }
  if (!it->value.IsString()) {
    fail(in, [&] { return std::string("discriminator property " + quoted(d.property) + " must be a string"); });
    return false;
  }
  std::string_view value(it->value.GetString(), it->value.GetStringLength());
  for (const auto& [name, node] : d.mapping) {
    if (name == value) return eval(node, v, ann);
  }
  std::string allowed;
  for (const auto& entry : d.mapping) {
    if (!allowed.empty()) allowed += ", ";
    allowed += quoted(entry.first);
  }
  fail(in, [&] { return std::string("discriminator property " + quoted(d.property) + " must be one of " + allowed); });
  return false;
}

bool Evaluator::content(const Instr& in, const Value& v) {
  if (!v.IsString()) return true;
  std::string_view text(v.GetString(), v.GetStringLength());
  std::string decoded;
  if (in.a) {
    if (!base64_decode(text, &decoded)) {
      fail(in, [&] { return std::string("must be base64-encoded"); });
      return false;
    }
    text = decoded;
  }
  if (in.b) {
    rapidjson::BaseReaderHandler<> ignore;
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(text.data(), text.size());
    // Numbers as text: only the grammar matters here, nothing is converted.
    constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;
    if (reader.Parse<kFlags>(stream, ignore).IsError()) {
      fail(in, [&] { return std::string("must contain a JSON document"); });
      return false;
    }
  }
  return true;
}

bool Evaluator::unique_items(const Instr& in, const Value& v) {
  rapidjson::SizeType n = v.Size();
  auto duplicate = [&](rapidjson::SizeType i, rapidjson::SizeType j) {
    fail(in, [&] { return std::string("items " + std::to_string(i) + " and " + std::to_string(j) + " must not be equal"); });
    return false;
  };
  if (n <= 16) {
    for (rapidjson::SizeType i = 0; i < n; ++i) {
      for (rapidjson::SizeType j = i + 1; j < n; ++j) {
        if (json_equal(v[i], v[j])) return duplicate(i, j);
      }
    }
    return true;
  }
  hashes_.clear();
  for (rapidjson::SizeType i = 0; i < n; ++i) hashes_.emplace_back(hash_json(v[i]), i);
  std::sort(hashes_.begin(), hashes_.end());
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    for (std::size_t j = i + 1; j < hashes_.size() && hashes_[j].first == hashes_[i].first; ++j) {
      if (json_equal(v[hashes_[i].second], v[hashes_[j].second])) {
        return duplicate(std::min(hashes_[i].second, hashes_[j].second),
                         std::max(hashes_[i].second, hashes_[j].second));
      }
    }
  }
  return true;
}

}  // namespace specgate::detail
