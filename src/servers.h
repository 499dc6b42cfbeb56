// Internal: the base paths that OpenAPI `servers` put in front of every path template.
#ifndef SPECGATE_SRC_SERVERS_H_
#define SPECGATE_SRC_SERVERS_H_

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace specgate::detail {

// The path part of each server URL, with server variables substituted: every value of a
// variable's `enum` (each combination, at most 64 in all; beyond that the default only),
// else its `default`. Absolute URLs ("https://api.example.com/v1") give their path ("/v1");
// relative ones ("/v1", "v1", "./v1", "//host/v1") are taken as a path. A trailing '/' is
// dropped; the root path is "". An absent or empty `servers` means {""}. Result sorted
// longest first, without duplicates. Malformed entries add a message to *problems (with
// the index of the server) and are skipped.
std::vector<std::string> server_base_paths(const rapidjson::Value* servers,
                                           std::vector<std::string>* problems);

// Strips the first of `base_paths` (longest first) that prefixes `path` at a segment
// boundary ("/v1" prefixes "/v1/pets" and "/v1" but not "/v10/pets"); the rest is the path
// to route ("" becomes "/"). Returns false when none does.
bool strip_base_path(const std::vector<std::string>& base_paths, std::string_view path,
                     std::string_view* rest);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_SERVERS_H_
