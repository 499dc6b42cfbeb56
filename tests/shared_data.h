// Test and benchmark helper: finds the shared reference data (JSON-Schema-Test-Suite,
// metaschemas, real-world specs) and registers the suite's remotes and the metaschemas.
//
//   std::filesystem::path shared = specgate::test_support::find_shared_dir(SPECGATE_SOURCE_DIR);
//   specgate::ResourceRegistry registry;
//   std::vector<std::string> problems = specgate::test_support::register_suite_resources(
//       shared, &registry);
//
// Used by tests/json_schema_suite_test.cc and the benchmarks; header-only so each links it
// without a library of its own. Reads files, so it is for tests and tools, never the library.
#ifndef SPECGATE_TESTS_SHARED_DATA_H_
#define SPECGATE_TESTS_SHARED_DATA_H_

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <specgate/json_schema.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace specgate::test_support {

// The base URI the suite's remotes are served from (the suite's README: localhost:1234).
inline constexpr std::string_view kRemotesBaseUri = "http://localhost:1234/";

// $SPECGATE_SHARED when set (even if it does not exist: an explicit choice is not second-guessed),
// else <source_dir>/../shared. Empty when the chosen folder does not exist.
inline std::filesystem::path find_shared_dir(std::string_view source_dir) {
  std::error_code ec;
  std::filesystem::path candidate;
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    candidate = env;
  } else {
    candidate = std::filesystem::path(std::string(source_dir)) / ".." / "shared";
  }
  if (!std::filesystem::is_directory(candidate, ec)) return {};
  return std::filesystem::weakly_canonical(candidate, ec);
}

// A human-readable description of where find_shared_dir looked, for skip and error messages.
inline std::string shared_dir_hint(std::string_view source_dir) {
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    return "SPECGATE_SHARED=" + std::string(env);
  }
  return std::string(source_dir) + "/../shared (set SPECGATE_SHARED to override)";
}

inline bool read_file(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = std::move(buffer).str();
  return !in.bad();
}

// Regular files under `root`, recursively, sorted so registration order is reproducible.
inline std::vector<std::filesystem::path> list_files(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(root, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Registers into `registry`:
//  - every file under <shared>/JSON-Schema-Test-Suite/remotes as http://localhost:1234/<path>;
//  - every metaschema under <shared>/metaschemas (the *.json files and the extension-less
//    vocabulary files) under its own "$id" ("id" for draft3/draft4), without a trailing '#'.
// Returns one line per file that could not be read, parsed or registered.
inline std::vector<std::string> register_suite_resources(const std::filesystem::path& shared,
                                                         ResourceRegistry* registry) {
  std::vector<std::string> problems;
  const std::filesystem::path remotes = shared / "JSON-Schema-Test-Suite" / "remotes";
  if (!std::filesystem::is_directory(remotes)) {
    problems.push_back("missing folder " + remotes.string());
  }
  for (const std::filesystem::path& file : list_files(remotes)) {
    std::string text;
    if (!read_file(file, &text)) {
      problems.push_back("cannot read " + file.string());
      continue;
    }
    const std::string uri =
        std::string(kRemotesBaseUri) + file.lexically_relative(remotes).generic_string();
    try {
      registry->add(uri, text);
    } catch (const std::exception& e) {
      problems.push_back(uri + ": " + e.what());
    }
  }

  const std::filesystem::path metaschemas = shared / "metaschemas";
  if (!std::filesystem::is_directory(metaschemas)) {
    problems.push_back("missing folder " + metaschemas.string());
  }
  for (const std::filesystem::path& file : list_files(metaschemas)) {
    const bool is_vocabulary = file.parent_path().filename() == "vocabularies";
    if (file.extension() != ".json" && !(is_vocabulary && !file.has_extension())) continue;
    std::string text;
    if (!read_file(file, &text)) {
      problems.push_back("cannot read " + file.string());
      continue;
    }
    rapidjson::Document document;
    document.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    if (document.HasParseError()) {
      problems.push_back(file.string() + ": " +
                         rapidjson::GetParseError_En(document.GetParseError()));
      continue;
    }
    std::string id;
    for (const char* key : {"$id", "id"}) {
      if (!document.IsObject()) break;
      auto member = document.FindMember(key);
      if (member != document.MemberEnd() && member->value.IsString()) {
        id.assign(member->value.GetString(), member->value.GetStringLength());
        break;
      }
    }
    if (id.empty()) {
      problems.push_back(file.string() + ": no \"$id\" or \"id\"");
      continue;
    }
    if (id.back() == '#') id.pop_back();
    try {
      registry->add(id, document);
    } catch (const std::exception& e) {
      problems.push_back(id + " (" + file.string() + "): " + e.what());
    }
  }
  return problems;
}

}  // namespace specgate::test_support

#endif  // SPECGATE_TESTS_SHARED_DATA_H_
