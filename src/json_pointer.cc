#include "json_pointer.h"

namespace specgate::detail {

void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
}

void append_pointer_index(std::string& pointer, std::size_t index) {
  pointer.push_back('/');
  pointer += std::to_string(index);
}

bool unescape_pointer_token(std::string_view token, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (c != '~') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= token.size()) return false;
    char next = token[++i];
    if (next == '0') {
      out->push_back('~');
    } else if (next == '1') {
      out->push_back('/');
    } else {
      return false;
    }
  }
  return true;
}

std::string pointer_to_fragment(std::string_view pointer) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string fragment = "#";
  for (char c : pointer) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                 (byte >= '0' && byte <= '9') ||
                 std::string_view("-._~!$&'()*+,;=:@/?").find(c) != std::string_view::npos;
    if (plain) {
      fragment += c;
    } else {
      fragment += '%';
      fragment += kHex[byte >> 4];
      fragment += kHex[byte & 15];
    }
  }
  return fragment;
}

const rapidjson::Value* resolve_pointer(const rapidjson::Value& root, std::string_view pointer) {
  return resolve_pointer(root, pointer, [](const rapidjson::Value&) {});
}

}  // namespace specgate::detail
