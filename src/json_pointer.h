// Internal: RFC 6901 JSON pointers.
#ifndef SPECGATE_SRC_JSON_POINTER_H_
#define SPECGATE_SRC_JSON_POINTER_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace specgate::detail {

// Appends "/" + token to `pointer`, escaping '~' as "~0" and '/' as "~1".
void append_pointer_token(std::string& pointer, std::string_view token);
void append_pointer_index(std::string& pointer, std::size_t index);

// Resolves an unescaped-on-the-fly RFC 6901 pointer ("" is the whole document) against
// `root`. Returns nullptr when a token is missing, an array index is malformed ("01", "-"),
// or an escape is invalid ("~2"). `visit`, when given, is called with every value passed on
// the way, root first and the target last.
template <typename Visit>
const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer,
                                        Visit&& visit);
const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer);

// A pointer written as a URI fragment ("#/a%20b/c"): characters a fragment may not hold
// are percent-encoded.
std::string pointer_to_fragment(std::string_view pointer);

// Decodes one pointer token ("a~1b" -> "a/b"); false on an invalid escape.
bool unescape_pointer_token(std::string_view token, std::string* out);

template <typename Visit>
const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer,
                                        Visit&& visit) {
  const rapidjson::Value* current = &root;
  visit(*current);
  if (pointer.empty()) return current;
  if (pointer.front() != '/') return nullptr;
  std::string token;
  std::size_t pos = 1;
  while (true) {
    std::size_t end = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (!unescape_pointer_token(raw, &token)) return nullptr;
    if (current->IsObject()) {
      auto it = current->FindMember(
          rapidjson::Value(rapidjson::StringRef(token.data(), token.size())));
      if (it == current->MemberEnd()) return nullptr;
      current = &it->value;
    } else if (current->IsArray()) {
      if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return nullptr;
      std::size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (index >= current->Size()) return nullptr;
      current = &(*current)[static_cast<rapidjson::SizeType>(index)];
    } else {
      return nullptr;
    }
    visit(*current);
    if (end == std::string_view::npos) return current;
    pos = end + 1;
  }
}

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_JSON_POINTER_H_
