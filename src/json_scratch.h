// Internal: reusable JSON parsing scratch with a nesting limit.
#ifndef SPECGATE_SRC_JSON_SCRATCH_H_
#define SPECGATE_SRC_JSON_SCRATCH_H_

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_number.h"

namespace specgate::detail {

// RapidJSON's parse stack frees its buffer after every parse. This allocator keeps the last
// freed block in a per-thread cache instead, so a thread that parses again reuses it. Free is
// static because RapidJSON calls it that way.
class RecyclingAllocator {
 public:
  static const bool kNeedFree = true;
  void* Malloc(std::size_t size);
  void* Realloc(void* original, std::size_t original_size, std::size_t new_size);
  static void Free(void* pointer);
};

using ScratchDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                               RecyclingAllocator>;

// Forwards SAX events to a document (through its public handler methods, with
// GenericDocument::Populate), refusing nesting past `max_depth`: with the iterative parser the
// C++ stack stays flat, and this keeps the DOM, and later walks over it, bounded. Parse with
// kParseNumbersAsStringsFlag (see json_number.h): numbers are converted here, and one beyond
// double's range stops the parse; finish() then reports it as kParseErrorNumberTooBig.
template <typename Document>
struct DepthLimitedHandler {
  Document& document;
  std::size_t max_depth;
  std::size_t depth = 0;
  bool too_deep = false;
  bool number_too_big = false;

  rapidjson::ParseResult finish(rapidjson::ParseResult result) const {
    if (number_too_big && result.Code() == rapidjson::kParseErrorTermination) {
      result.Set(rapidjson::kParseErrorNumberTooBig, result.Offset());
    }
    return result;
  }

  bool Null() { return document.Null(); }
  bool Bool(bool b) { return document.Bool(b); }
  bool Int(int i) { return document.Int(i); }
  bool Uint(unsigned i) { return document.Uint(i); }
  bool Int64(std::int64_t i) { return document.Int64(i); }
  bool Uint64(std::uint64_t i) { return document.Uint64(i); }
  bool Double(double d) { return document.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    JsonNumber number = convert_json_number({s, n});
    if (number.kind == JsonNumber::Kind::kTooBig) {
      number_too_big = true;
      return false;
    }
    return emit_json_number(number, document);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return document.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return document.Key(s, n, copy); }
  bool StartObject() { return enter() && document.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return document.EndObject(n);
  }
  bool StartArray() { return enter() && document.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return document.EndArray(n);
  }
  bool enter() {
    if (++depth > max_depth) {
      too_deep = true;
      return false;
    }
    return true;
  }
};

// The parse flags used for instances: numbers converted by DepthLimitedHandler, no recursion.
// UTF-8 is checked over the whole text before parsing (utf8.h skips ASCII eight bytes at a
// time), which is much cheaper than RapidJSON's per-character kParseValidateEncodingFlag.
inline constexpr unsigned kInstanceParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// The flags for other outside JSON text (multipart parts, content parameters, schemas):
// the same, plus RapidJSON's own UTF-8 check.
inline constexpr unsigned kCheckedParseFlags =
    kInstanceParseFlags | rapidjson::kParseValidateEncodingFlag;

// What parse_checked found: the parse result (a number beyond double's range reported as
// kParseErrorNumberTooBig) and whether the nesting limit stopped it.
struct CheckedParse {
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool number_too_big = false;
};

// Parses outside JSON text that is not an instance (multipart parts, content parameters,
// schemas) into `document`, with kCheckedParseFlags and at most `max_depth` levels. The text
// need not be NUL-terminated; a NUL inside ends it early, so callers that care check first.
template <typename Document>
CheckedParse parse_checked(std::string_view text, std::size_t max_depth, Document& document) {
  DepthLimitedHandler<Document> handler{document, max_depth};
  CheckedParse parsed;
  auto generate = [&](Document&) {
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(text.data(), text.size());
    parsed.result = handler.finish(reader.Parse<kCheckedParseFlags>(stream, handler));
    return !parsed.result.IsError();
  };
  document.Populate(generate);
  parsed.too_deep = handler.too_deep;
  parsed.number_too_big = handler.number_too_big;
  return parsed;
}

// Parses JSON text into memory that is reused by the next parse. Once warmed up to the
// largest document seen, parsing allocates nothing. Not thread-safe.
class JsonScratch {
 public:
  JsonScratch();
  ~JsonScratch();
  JsonScratch(const JsonScratch&) = delete;
  JsonScratch& operator=(const JsonScratch&) = delete;

  // The parsed value (valid until the next parse), or nullptr with *error set: a message
  // with the byte offset. Nesting deeper than `max_depth` is an error.
  const rapidjson::Value* parse(std::string_view text, std::size_t max_depth,
                                std::string* error);

  // An empty document (null root) whose allocator hands out scratch memory, for building
  // values by hand; invalidates what the previous parse/begin returned.
  ScratchDocument& begin();

 private:
  void reset(std::size_t bytes);

  std::vector<std::uint64_t> buffer_;  // the pool's first chunk
  std::string text_;                   // a NUL-terminated copy of the text, parsed in place
  std::optional<rapidjson::MemoryPoolAllocator<>> pool_;
  std::optional<ScratchDocument> document_;
  RecyclingAllocator stack_allocator_;
};

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_JSON_SCRATCH_H_
