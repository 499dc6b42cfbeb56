// SSE2 is part of x86-64: let RapidJSON skip whitespace and scan strings 16 bytes at a time.
// Only this file's parser instantiations see it (its handler type is local to this file).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include "json_scratch.h"

#include "utf8.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdlib>
#include <cstring>

namespace specgate::detail {
namespace {

// A few freed blocks per thread: the document's stack and the reader's stack each want one.
struct BlockCache {
  static constexpr int kSlots = 4;
  void* pointer[kSlots] = {};
  std::size_t size[kSlots] = {};
  ~BlockCache() {
    for (void* p : pointer) std::free(p);
  }
};
thread_local BlockCache cache;
// Blocks are allocated with their size stored in front, so Free (static, no size) can cache.
constexpr std::size_t kHeader = 16;

void* allocate_block(std::size_t size) {
  for (int i = 0; i < BlockCache::kSlots; ++i) {
    if (cache.pointer[i] && cache.size[i] >= size) {
      void* block = cache.pointer[i];
      cache.pointer[i] = nullptr;
      cache.size[i] = 0;
      return static_cast<char*>(block) + kHeader;
    }
  }
  auto* raw = static_cast<char*>(std::malloc(size + kHeader));
  if (!raw) return nullptr;
  std::memcpy(raw, &size, sizeof size);
  return raw + kHeader;
}


}  // namespace

void* RecyclingAllocator::Malloc(std::size_t size) { return size ? allocate_block(size) : nullptr; }

void* RecyclingAllocator::Realloc(void* original, std::size_t original_size,
                                  std::size_t new_size) {
  if (!original) return Malloc(new_size);
  if (new_size == 0) {
    Free(original);
    return nullptr;
  }
  std::size_t capacity;
  std::memcpy(&capacity, static_cast<char*>(original) - kHeader, sizeof capacity);
  if (new_size <= capacity) return original;
  void* grown = allocate_block(new_size);
  if (!grown) return nullptr;
  std::memcpy(grown, original, original_size);
  Free(original);
  return grown;
}

void RecyclingAllocator::Free(void* pointer) {
  if (!pointer) return;
  char* raw = static_cast<char*>(pointer) - kHeader;
  std::size_t size;
  std::memcpy(&size, raw, sizeof size);
  // Keep it in an empty slot, else in place of the smallest block if it is larger.
  int slot = 0;
  for (int i = 0; i < BlockCache::kSlots; ++i) {
    if (!cache.pointer[i]) {
      slot = i;
      break;
    }
    if (cache.size[i] < cache.size[slot]) slot = i;
  }
  if (cache.pointer[slot] && cache.size[slot] >= size) {
    std::free(raw);
    return;
  }
  std::free(cache.pointer[slot]);
  cache.pointer[slot] = raw;
  cache.size[slot] = size;
}

JsonScratch::JsonScratch() { reset(4096); }
JsonScratch::~JsonScratch() = default;

void JsonScratch::reset(std::size_t bytes) {
  // The pool writes into its first chunk when destroyed: tear down before the buffer moves.
  document_.reset();
  pool_.reset();
  buffer_.assign(bytes / sizeof(std::uint64_t) + 1, 0);
  pool_.emplace(buffer_.data(), buffer_.size() * sizeof(std::uint64_t));
  document_.emplace(&*pool_, 1024, &stack_allocator_);
}

ScratchDocument& JsonScratch::begin() {
  // Grow the first chunk to the high-water mark so the next use needs no more chunks.
  std::size_t capacity = pool_->Capacity();
  std::size_t own = buffer_.size() * sizeof(std::uint64_t);
  if (capacity > own) {
    reset(capacity + 512);
  } else {
    document_->SetNull();
    pool_->Clear();
  }
  return *document_;
}

const rapidjson::Value* JsonScratch::parse(std::string_view text, std::size_t max_depth,
                                           std::string* error) {
  if (!is_valid_utf8(text)) {
    *error = "JSON text is not valid UTF-8";
    return nullptr;
  }
  // Parsing in place needs a terminating NUL, so a raw NUL inside would end the text early.
  // (memchr must not see the null data() of an empty view.)
  if (const void* nul = text.empty() ? nullptr : std::memchr(text.data(), 0, text.size())) {
    *error = "JSON text contains a NUL byte at byte " +
             std::to_string(static_cast<const char*>(nul) - text.data());
    return nullptr;
  }
  text_.assign(text.data(), text.size());  // keeps its capacity between calls
  // RapidJSON's SSE2 scanners load 16 aligned bytes at a time: pad so no load reads past the
  // buffer. The first NUL still ends the text (NULs inside were rejected above).
  text_.append(16, '\0');
  begin();
  DepthLimitedHandler<ScratchDocument> handler{*document_, max_depth};
  rapidjson::ParseResult result;
  auto generator = [&](ScratchDocument&) {
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, RecyclingAllocator> reader(
        &stack_allocator_);
    rapidjson::InsituStringStream stream(text_.data());
    result = handler.finish(
        reader.Parse<kInstanceParseFlags | rapidjson::kParseInsituFlag>(stream, handler));
    return !result.IsError();
  };
  document_->Populate(generator);
  if (!result.IsError()) return document_.operator->();
  if (handler.too_deep) {
    *error = "JSON nesting is deeper than the limit of " + std::to_string(max_depth) +
             " levels (at byte " + std::to_string(result.Offset()) + ")";
  } else {
    *error = std::string("malformed JSON at byte ") + std::to_string(result.Offset()) + ": " +
             rapidjson::GetParseError_En(result.Code());
  }
  return nullptr;
}

}  // namespace specgate::detail
