// The route trie: one node per template segment position, edges for static text, mixed
// literal/parameter segments and a lone parameter. See router.h for the matching rules.
#include "router.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace specgate::detail {
namespace {

// Matching recurses once per template segment, so the depth of the trie bounds the stack a
// match can use. Real APIs stay under 20 segments; the cap only stops a hostile spec from
// turning a request into a stack overflow.
constexpr std::size_t kMaxTemplateSegments = 256;

std::uint32_t load32(const char* p) {
  std::uint32_t value = 0;
  std::memcpy(&value, p, 4);
  return value;
}

// What a static-child lookup compares, computed once per request segment. `key` (length and
// first, middle and last bytes) picks the table slot: O(1) whatever the length, and it tells
// apart nearly all siblings in real APIs; a hash over every byte (tried first) cost more than
// the rest of a match together. `head` and `tail` are the first and last four bytes. Together
// they cover every byte of a segment of up to 8 bytes (up to 3: the key alone), so most
// segments are confirmed without touching the template text.
struct SegmentProbe {
  std::uint32_t key = 0;
  std::uint32_t head = 0;
  std::uint32_t tail = 0;
};

SegmentProbe probe_of(const char* text, std::size_t size) {
  SegmentProbe probe;
  if (size == 0) return probe;
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(text[i]));
  };
  probe.key = (static_cast<std::uint32_t>(size) & 0xFFu) | byte(0) << 8 | byte(size / 2) << 16 |
              byte(size - 1) << 24;
  if (size >= 4) {
    probe.head = load32(text);
    probe.tail = load32(text + size - 4);
  }
  return probe;
}

// Equality of two byte ranges of the same size, inline: segments are a few bytes long,
// shorter than a call into memcmp costs.
bool same_bytes(const char* a, const char* b, std::size_t size) {
  if (size >= 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    for (std::size_t i = 0; i + 8 < size; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    // The last eight bytes, overlapping what the loop compared.
    std::memcpy(&x, a + size - 8, 8);
    std::memcpy(&y, b + size - 8, 8);
    return x == y;
  }
  if (size >= 4) return load32(a) == load32(b) && load32(a + size - 4) == load32(b + size - 4);
  for (std::size_t i = 0; i < size; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The index of the first '/' at or after `pos`, or `size`. Eight bytes at a time where the
// compiler and byte order allow: a byte loop's exit branch mispredicts once per segment,
// which was the largest single cost of a match.
std::size_t find_slash(const char* data, std::size_t pos, std::size_t size) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighs = 0x8080808080808080u;
  constexpr std::uint64_t kSlashes = kOnes * static_cast<unsigned char>('/');
  // The lowest byte of `word` equal to '/', as a bit index times 8, or 64. The classic
  // zero-byte test: exact for the lowest match, which is the only one used.
  const auto first_slash = [&](std::uint64_t word) -> unsigned {
    const std::uint64_t x = word ^ kSlashes;
    const std::uint64_t found = (x - kOnes) & ~x & kHighs;
    return found == 0 ? 64u : static_cast<unsigned>(__builtin_ctzll(found));
  };
  while (pos + 8 <= size) {
    std::uint64_t word = 0;
    std::memcpy(&word, data + pos, 8);
    const unsigned bit = first_slash(word);
    if (bit != 64) return pos + bit / 8;
    pos += 8;
  }
  if (pos < size && size >= 8) {
    // The tail: reload the last eight bytes and shift out those before `pos` (the zero
    // bytes shifted in are not '/').
    std::uint64_t word = 0;
    std::memcpy(&word, data + size - 8, 8);
    const std::size_t skip = pos - (size - 8);
    const unsigned bit = first_slash(word >> (skip * 8));
    return bit == 64 ? size : pos + bit / 8;
  }
#endif
  while (pos < size && data[pos] != '/') ++pos;
  return pos;
}

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// One '/'-separated piece of a template, classified.
struct TemplateSegment {
  enum class Kind { kStatic, kParam, kMixed };
  Kind kind = Kind::kStatic;
  std::string_view text;  // kStatic: the whole segment
  // kMixed: prefix {p1} middles[0] {p2} ... {pn} suffix; prefix and suffix may be empty,
  // middles (one fewer than the parameters) never are.
  std::string_view prefix;
  std::vector<std::string_view> middles;
  std::string_view suffix;
  std::size_t param_count = 0;
};

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out.append(text.data(), text.size());
  out += '"';
  return out;
}

void set_error(std::string* error, std::string_view path_template, const std::string& what) {
  if (error != nullptr) *error = "path template " + quoted(path_template) + ": " + what;
}

// Splits and checks a template. `names` gets each parameter name as (offset, length) in
// template order, which is also the order the matcher fills values in.
bool parse_template(std::string_view path_template, std::vector<TemplateSegment>* segments,
                    std::vector<std::pair<std::uint32_t, std::uint32_t>>* names,
                    std::string* error) {
  if (path_template.empty() || path_template[0] != '/') {
    set_error(error, path_template, "must start with '/'");
    return false;
  }
  // Offsets are stored as 32 bits; no real template comes near this.
  if (path_template.size() > 0xFFFFFFFFu) {
    set_error(error, path_template, "is too long");
    return false;
  }
  struct Piece {
    bool is_param;
    std::string_view text;
  };
  std::vector<Piece> pieces;
  std::size_t pos = 1;
  while (true) {
    const std::size_t slash = path_template.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path_template.size() : slash;
    if (segments->size() == kMaxTemplateSegments) {
      set_error(error, path_template,
                "has more than " + std::to_string(kMaxTemplateSegments) + " segments");
      return false;
    }
    pieces.clear();
    std::size_t literal_start = pos;
    std::size_t i = pos;
    while (i < end) {
      const char c = path_template[i];
      if (c == '}') {
        set_error(error, path_template,
                  "'}' at offset " + std::to_string(i) + " has no matching '{'");
        return false;
      }
      if (c != '{') {
        ++i;
        continue;
      }
      const std::size_t close = path_template.find('}', i + 1);
      if (close == std::string_view::npos || close > end) {
        set_error(error, path_template,
                  "'{' at offset " + std::to_string(i) + " is not closed within its segment");
        return false;
      }
      const std::string_view name = path_template.substr(i + 1, close - i - 1);
      if (name.empty()) {
        set_error(error, path_template,
                  "empty parameter name at offset " + std::to_string(i));
        return false;
      }
      if (name.find('{') != std::string_view::npos) {
        set_error(error, path_template,
                  "'{' inside the parameter name at offset " + std::to_string(i));
        return false;
      }
      if (i > literal_start) {
        pieces.push_back({false, path_template.substr(literal_start, i - literal_start)});
      } else if (!pieces.empty() && pieces.back().is_param) {
        // "{a}{b}": no literal text decides where one value ends and the next begins.
        set_error(error, path_template,
                  "parameters " + quoted(pieces.back().text) + " and " + quoted(name) +
                      " have nothing between them");
        return false;
      }
      for (const auto& [offset, length] : *names) {
        if (same_text(path_template.substr(offset, length), name)) {
          set_error(error, path_template, "parameter name " + quoted(name) + " is used twice");
          return false;
        }
      }
      if (names->size() == kMaxPathParams) {
        set_error(error, path_template,
                  "has more than " + std::to_string(kMaxPathParams) + " parameters");
        return false;
      }
      names->emplace_back(static_cast<std::uint32_t>(i + 1),
                          static_cast<std::uint32_t>(name.size()));
      pieces.push_back({true, name});
      i = close + 1;
      literal_start = i;
    }
    if (end > literal_start) {
      pieces.push_back({false, path_template.substr(literal_start, end - literal_start)});
    }

    TemplateSegment segment;
    if (pieces.empty() || (pieces.size() == 1 && !pieces[0].is_param)) {
      segment.kind = TemplateSegment::Kind::kStatic;
      segment.text = path_template.substr(pos, end - pos);
    } else if (pieces.size() == 1) {
      segment.kind = TemplateSegment::Kind::kParam;
      segment.param_count = 1;
    } else {
      segment.kind = TemplateSegment::Kind::kMixed;
      std::size_t first = 0;
      std::size_t last = pieces.size();
      if (!pieces.front().is_param) segment.prefix = pieces[first++].text;
      if (!pieces.back().is_param) segment.suffix = pieces[--last].text;
      for (std::size_t k = first; k < last; ++k) {
        if (pieces[k].is_param) {
          ++segment.param_count;
        } else {
          segment.middles.push_back(pieces[k].text);
        }
      }
    }
    segments->push_back(std::move(segment));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return true;
}

}  // namespace

struct Router::Node {
  struct StaticEdge {
    std::string text;
    std::unique_ptr<Node> child;
  };

  // One entry of the lookup table over `statics`: everything a probe needs in one place, so
  // a lookup touches the table and the matching text only.
  struct StaticSlot {
    SegmentProbe probe;
    std::uint32_t size = 0;
    const char* text = nullptr;  // into StaticEdge::text (heap or in-place; rebuilt on growth)
    const Node* child = nullptr;  // nullptr: empty slot
  };

  // A segment such as "{name}.json", "v{major}.{minor}" or "{a}-{b}".
  struct MixedEdge {
    std::string prefix;
    std::vector<std::string> middles;
    std::string suffix;
    std::size_t param_count = 0;
    std::size_t literal_size = 0;  // prefix + middles + suffix: the "most literal" order
    std::unique_ptr<Node> child;

    bool same_shape(const TemplateSegment& segment) const {
      if (!same_text(prefix, segment.prefix) || !same_text(suffix, segment.suffix) ||
          middles.size() != segment.middles.size()) {
        return false;
      }
      for (std::size_t i = 0; i < middles.size(); ++i) {
        if (!same_text(middles[i], segment.middles[i])) return false;
      }
      return true;
    }

    // Fills values[0..param_count) with views into `text`. Each parameter takes the shortest
    // non-empty text after which the rest can still match. Because every middle literal is
    // followed by another parameter (which can absorb any extra text), the earliest
    // occurrence of each middle literal is always the right one, so no backtracking is
    // needed inside a segment and the cost stays linear in practice.
    bool match(std::string_view text, std::string_view* values) const {
      // Every parameter needs at least one byte, so shorter text cannot match; this also
      // keeps the prefix and suffix from overlapping.
      if (text.size() < literal_size + param_count) return false;
      if (!same_text(text.substr(0, prefix.size()), prefix)) return false;
      if (!same_text(text.substr(text.size() - suffix.size()), suffix)) return false;
      const std::string_view body =
          text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
      std::size_t pos = 0;
      for (std::size_t i = 0; i < middles.size(); ++i) {
        const std::size_t at = body.find(middles[i], pos + 1);
        if (at == std::string_view::npos) return false;
        values[i] = body.substr(pos, at - pos);
        pos = at + middles[i].size();
      }
      if (pos >= body.size()) return false;
      values[middles.size()] = body.substr(pos);
      return true;
    }
  };

  // What matching reads comes first, so it shares one cache line; `statics` is for building.
  // Open addressing over `statics`, a power of two at least twice their number (so probes
  // stay short and always reach an empty slot); empty when there are no static children.
  std::vector<StaticSlot> static_table;
  std::vector<MixedEdge> mixed;  // most literal text first
  std::unique_ptr<Node> param;
  std::uint32_t static_shift = 32;  // 32 - log2(static_table.size())
  std::int32_t route_slot = -1;  // index into Router::routes_ when a template ends here
  std::vector<StaticEdge> statics;

  std::size_t slot_of(std::uint32_t key) const {
    // Fibonacci hashing: the multiply spreads the four key bytes over the top bits.
    return static_cast<std::size_t>((key * 0x9E3779B1u) >> static_shift);
  }

  const Node* find_static(std::string_view text) const {
    if (static_table.empty()) return nullptr;
    const SegmentProbe probe = probe_of(text.data(), text.size());
    const std::size_t mask = static_table.size() - 1;
    for (std::size_t i = slot_of(probe.key);; i = (i + 1) & mask) {
      const StaticSlot& slot = static_table[i];
      if (slot.child == nullptr) return nullptr;
      // One combined test instead of a chain of branches: which of them fails varies from
      // segment to segment, so the chain mispredicts.
      const std::uint64_t differ = (slot.probe.key ^ probe.key) | (slot.probe.head ^ probe.head) |
                                   (slot.probe.tail ^ probe.tail) | (slot.size ^ text.size());
      if (differ == 0 && (text.size() <= 8 || same_bytes(slot.text, text.data(), text.size()))) {
        return slot.child;
      }
    }
  }

  Node* find_static(std::string_view text) {
    return const_cast<Node*>(static_cast<const Node*>(this)->find_static(text));
  }

  Node* add_static(std::string_view text) {
    StaticEdge edge;
    edge.text.assign(text.data(), text.size());
    edge.child = std::make_unique<Node>();
    Node* child = edge.child.get();
    statics.push_back(std::move(edge));
    rebuild_static_table();
    return child;
  }

  void rebuild_static_table() {
    std::size_t size = 2;
    std::uint32_t bits = 1;
    while (size < statics.size() * 2) {
      size *= 2;
      ++bits;
    }
    static_table.assign(size, StaticSlot());
    static_shift = 32 - bits;
    const std::size_t mask = size - 1;
    for (const StaticEdge& edge : statics) {
      StaticSlot slot;
      slot.probe = probe_of(edge.text.data(), edge.text.size());
      slot.size = static_cast<std::uint32_t>(edge.text.size());
      slot.text = edge.text.data();
      slot.child = edge.child.get();
      std::size_t i = slot_of(slot.probe.key);
      while (static_table[i].child != nullptr) i = (i + 1) & mask;
      static_table[i] = slot;
    }
  }

  MixedEdge* find_mixed(const TemplateSegment& segment) {
    for (MixedEdge& edge : mixed) {
      if (edge.same_shape(segment)) return &edge;
    }
    return nullptr;
  }

  Node* add_mixed(const TemplateSegment& segment) {
    MixedEdge edge;
    edge.prefix.assign(segment.prefix.data(), segment.prefix.size());
    edge.suffix.assign(segment.suffix.data(), segment.suffix.size());
    edge.literal_size = segment.prefix.size() + segment.suffix.size();
    for (std::string_view middle : segment.middles) {
      edge.middles.emplace_back(middle.data(), middle.size());
      edge.literal_size += middle.size();
    }
    edge.param_count = segment.param_count;
    edge.child = std::make_unique<Node>();
    Node* child = edge.child.get();
    mixed.push_back(std::move(edge));
    // Most literal text first; the rest only makes the order independent of insertion order.
    std::sort(mixed.begin(), mixed.end(), [](const MixedEdge& a, const MixedEdge& b) {
      if (a.literal_size != b.literal_size) return a.literal_size > b.literal_size;
      if (a.param_count != b.param_count) return a.param_count < b.param_count;
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      if (a.suffix != b.suffix) return a.suffix < b.suffix;
      return a.middles < b.middles;
    });
    return child;
  }

  // The node a template's segments lead to, or nullptr when `create` is false and some edge
  // is missing.
  Node* walk(const std::vector<TemplateSegment>& segments, bool create) {
    Node* node = this;
    for (const TemplateSegment& segment : segments) {
      Node* next = nullptr;
      switch (segment.kind) {
        case TemplateSegment::Kind::kStatic:
          next = node->find_static(segment.text);
          if (next == nullptr && create) next = node->add_static(segment.text);
          break;
        case TemplateSegment::Kind::kParam:
          if (node->param == nullptr && create) node->param = std::make_unique<Node>();
          next = node->param.get();
          break;
        case TemplateSegment::Kind::kMixed:
          if (MixedEdge* edge = node->find_mixed(segment)) {
            next = edge->child.get();
          } else if (create) {
            next = node->add_mixed(segment);
          }
          break;
      }
      if (next == nullptr) return nullptr;
      node = next;
    }
    return node;
  }

  // The route of a template ending at this node; with `extra_empty_segment`, of one ending
  // in '/' right after it (only a static "" edge matches an empty segment).
  std::int32_t terminal(bool extra_empty_segment) const {
    if (!extra_empty_segment) return route_slot;
    const Node* slash_child = find_static(std::string_view());
    return slash_child != nullptr ? slash_child->route_slot : -1;
  }

  // Matches the segments of `path` from `pos` (just after a '/') below this node: static
  // edge first, then mixed edges in order, then the parameter edge, backtracking whenever a
  // branch dead-ends. Each node sits at one depth and sees one request segment, so a match
  // visits every node at most once. `count` values are already filled. With
  // `extra_empty_segment`, the path is matched as if it ended in one more '/'.
  //
  // Only a candidate with others after it is tried by recursion (so that it can fail back
  // here); the last candidate of a level is followed in the loop. Most nodes of real APIs
  // have a single kind of child, so most levels cost no call: the calls' register saves
  // were about a quarter of the instructions of a match.
  std::int32_t find(std::string_view path, std::size_t pos, std::string_view* values,
                    std::size_t count, bool extra_empty_segment) const {
    const Node* node = this;
    while (true) {
      const std::size_t end = find_slash(path.data(), pos, path.size());
      const bool last = end == path.size();
      const std::string_view segment(path.data() + pos, end - pos);
      const bool param_fits =
          node->param != nullptr && !segment.empty() && count < kMaxPathParams;
      const auto attempt = [&](const Node& child, std::size_t filled) -> std::int32_t {
        return last ? child.terminal(extra_empty_segment)
                    : child.find(path, end + 1, values, filled, extra_empty_segment);
      };

      const Node* next = nullptr;  // the level's last candidate, followed without a call
      std::size_t next_count = count;
      if (const Node* child = node->find_static(segment)) {
        if (node->mixed.empty() && !param_fits) {
          next = child;
        } else if (const std::int32_t slot = attempt(*child, count); slot >= 0) {
          return slot;
        }
      }
      for (std::size_t i = 0; next == nullptr && i < node->mixed.size(); ++i) {
        const MixedEdge& edge = node->mixed[i];
        // Cannot trigger for templates accepted by add(); guards the fixed-size array anyway.
        if (count + edge.param_count > kMaxPathParams) continue;
        if (!edge.match(segment, values + count)) continue;
        if (i + 1 == node->mixed.size() && !param_fits) {
          next = edge.child.get();
          next_count = count + edge.param_count;
        } else if (const std::int32_t slot = attempt(*edge.child, count + edge.param_count);
                   slot >= 0) {
          return slot;
        }
      }
      if (next == nullptr && param_fits) {
        values[count] = segment;
        next = node->param.get();
        next_count = count + 1;
      }
      if (next == nullptr) return -1;
      if (last) return next->terminal(extra_empty_segment);
      node = next;
      count = next_count;
      pos = end + 1;
    }
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

bool Router::add(std::string_view path_template, std::uint32_t route, std::string* error) {
  std::vector<TemplateSegment> segments;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> names;
  if (!parse_template(path_template, &segments, &names, error)) return false;
  if (root_ == nullptr) {
    // A moved-from router is reusable: start from a clean, empty state.
    *this = Router();
  }

  // Look before creating anything, so a rejected template leaves the trie untouched.
  if (const Node* existing = root_->walk(segments, false);
      existing != nullptr && existing->route_slot >= 0) {
    const std::string& other = templates_[static_cast<std::size_t>(existing->route_slot)];
    if (same_text(other, path_template)) {
      set_error(error, path_template, "is listed twice");
    } else {
      set_error(error, path_template,
                "conflicts with " + quoted(other) +
                    ": the same path with only parameter names differing");
    }
    return false;
  }
  Node* node = root_->walk(segments, true);
  node->route_slot = static_cast<std::int32_t>(templates_.size());
  templates_.emplace_back(path_template);
  Route entry;
  entry.id = route;
  entry.first_name = static_cast<std::uint32_t>(name_spans_.size());
  entry.name_count = static_cast<std::uint32_t>(names.size());
  for (const auto& [offset, length] : names) {
    name_spans_.emplace_back(static_cast<std::uint32_t>(name_text_.size()), length);
    name_text_.append(path_template.substr(offset, length));
  }
  routes_.push_back(entry);
  for (std::size_t i = 1; i < segments.size(); ++i) {
    if (segments[i].kind == TemplateSegment::Kind::kStatic && segments[i].text.empty()) {
      has_inner_empty_segment_ = true;
    }
  }
  ++size_;
  return true;
}

bool Router::match(std::string_view path, RouteMatch* match, bool ignore_trailing_slash) const {
  match->param_count = 0;
  if (root_ == nullptr || path.empty() || path[0] != '/') return false;
  // Empty segments match static "" edges only, so without templates that have one the
  // exact search of "/x/" would fail; skip it.
  const bool exact_can_match =
      has_inner_empty_segment_ || path.size() == 1 || path.back() != '/';
  std::int32_t slot = exact_can_match ? root_->find(path, 1, match->values, 0, false) : -1;
  if (slot < 0 && ignore_trailing_slash && path.size() > 1) {
    if (path.back() == '/') {
      slot = root_->find(path.substr(0, path.size() - 1), 1, match->values, 0, false);
    } else if (has_inner_empty_segment_) {
      slot = root_->find(path, 1, match->values, 0, true);
    }
  }
  if (slot < 0) return false;
  const Route& route = routes_[static_cast<std::size_t>(slot)];
  const std::pair<std::uint32_t, std::uint32_t>* spans = name_spans_.data() + route.first_name;
  match->route = route.id;
  match->param_count = route.name_count;
  for (std::size_t i = 0; i < route.name_count; ++i) {
    match->names[i] = std::string_view(name_text_.data() + spans[i].first, spans[i].second);
  }
  return true;
}

std::size_t Router::size() const { return size_; }

}  // namespace specgate::detail
