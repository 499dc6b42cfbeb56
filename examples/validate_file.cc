// validate_file: validates a JSON instance file against a JSON Schema file.
//
//   validate_file SCHEMA.json INSTANCE.json [--dialect NAME] [--all]
//
//   --dialect NAME  dialect of a schema without "$schema": draft4, draft6, draft7, 2019-09,
//                   2020-12 (default), oas3.0, oas3.1
//   --all           report every error instead of stopping at the first
//
// Errors go to stdout as JSON lines ({"instance": ..., "schema": ..., "keyword": ...,
// "message": ...}); a one-line verdict goes to stderr. `$ref`s to other local files
// (relative to SCHEMA.json, or file:// URIs) are loaded on demand.
// Exit status: 0 valid, 1 invalid, 2 usage error, unreadable file or invalid schema.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <specgate/json_schema.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr int kExitValid = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: validate_file SCHEMA.json INSTANCE.json [--dialect NAME] [--all]\n"
    "  --dialect NAME  dialect of a schema without $schema: draft4, draft6, draft7, 2019-09,\n"
    "                  2020-12 (default), oas3.0, oas3.1\n"
    "  --all           report every error, not just the first\n"
    "exit status: 0 valid, 1 invalid, 2 usage error or schema error\n";

struct Arguments {
  std::string schema_path;
  std::string instance_path;
  specgate::Dialect dialect = specgate::Dialect::kDraft2020_12;
  bool all_errors = false;
};

// Returns nullopt (after printing why) on a usage error.
std::optional<Arguments> parse_arguments(int argc, char** argv) {
  Arguments arguments;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(kExitValid);
    }
    if (arg == "--all") {
      arguments.all_errors = true;
    } else if (arg == "--dialect") {
      if (i + 1 == argc) {
        std::fprintf(stderr, "validate_file: --dialect needs a name\n");
        return std::nullopt;
      }
      const std::string_view name = argv[++i];
      const std::optional<specgate::Dialect> dialect = specgate::dialect_from_name(name);
      if (!dialect) {
        std::fprintf(stderr, "validate_file: unknown dialect '%.*s'\n",
                     static_cast<int>(name.size()), name.data());
        return std::nullopt;
      }
      arguments.dialect = *dialect;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "validate_file: unknown option '%s'\n", argv[i]);
      return std::nullopt;
    } else {
      positional.emplace_back(arg);
    }
  }
  if (positional.size() != 2) {
    std::fprintf(stderr, "validate_file: expected SCHEMA.json and INSTANCE.json\n");
    return std::nullopt;
  }
  arguments.schema_path = std::move(positional[0]);
  arguments.instance_path = std::move(positional[1]);
  return arguments;
}

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = std::move(buffer).str();
  return !in.bad();
}

// file:///a/b%20c.json <-> /a/b c.json; only what a local path needs.
std::string path_to_file_uri(const std::filesystem::path& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path.generic_string()) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      uri.push_back(static_cast<char>(c));
    } else {
      uri.push_back('%');
      uri.push_back(kHex[c >> 4]);
      uri.push_back(kHex[c & 0xF]);
    }
  }
  return uri;
}

std::optional<std::string> file_uri_to_path(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  if (uri.empty() || uri[0] != '/') return std::nullopt;  // file://host/... is not local
  const auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string path;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      path.push_back(uri[i]);
      continue;
    }
    const int high = i + 2 < uri.size() ? hex_value(uri[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(uri[i + 2]) : -1;
    if (low < 0) return std::nullopt;
    path.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return path;
}

void write_string_member(rapidjson::Writer<rapidjson::StringBuffer>* writer, const char* key,
                         const std::string& value) {
  writer->Key(key);
  writer->String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Arguments> arguments = parse_arguments(argc, argv);
  if (!arguments) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }

  std::string schema_text;
  if (!read_file(arguments->schema_path, &schema_text)) {
    std::fprintf(stderr, "validate_file: cannot read %s\n", arguments->schema_path.c_str());
    return kExitUsage;
  }
  std::string instance_text;
  if (!read_file(arguments->instance_path, &instance_text)) {
    std::fprintf(stderr, "validate_file: cannot read %s\n", arguments->instance_path.c_str());
    return kExitUsage;
  }

  // The engine never touches the file system; this program decides that local files may be
  // referenced, and keeps each loaded document alive until compile returns.
  std::deque<rapidjson::Document> loaded;
  specgate::CompileOptions options;
  options.default_dialect = arguments->dialect;
  options.base_uri = path_to_file_uri(std::filesystem::absolute(arguments->schema_path));
  options.resolver = [&loaded](std::string_view uri) -> const rapidjson::Value* {
    const std::optional<std::string> path = file_uri_to_path(uri);
    std::string text;
    if (!path || !read_file(*path, &text)) return nullptr;
    rapidjson::Document& document = loaded.emplace_back();
    document.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    return document.HasParseError() ? nullptr : &document;
  };

  std::optional<specgate::Schema> schema;
  try {
    schema = specgate::Schema::compile(schema_text, options);
  } catch (const specgate::SchemaError& error) {
    for (const specgate::Problem& problem : error.problems()) {
      rapidjson::StringBuffer line;
      rapidjson::Writer<rapidjson::StringBuffer> writer(line);
      writer.StartObject();
      write_string_member(&writer, "pointer", problem.pointer);
      write_string_member(&writer, "message", problem.message);
      writer.EndObject();
      std::fprintf(stderr, "%s\n", line.GetString());
    }
    std::fprintf(stderr, "validate_file: %s is not a valid schema (%zu problems)\n",
                 arguments->schema_path.c_str(), error.problems().size());
    return kExitUsage;
  }

  specgate::ValidateOptions validate_options;
  validate_options.mode =
      arguments->all_errors ? specgate::Mode::kExhaustive : specgate::Mode::kFast;
  specgate::Validator validator(validate_options);
  const bool valid = validator.validate_json(*schema, instance_text);

  // Locations in SCHEMA.json itself are shown as plain pointers, others keep their URI.
  const std::string root_prefix = options.base_uri + "#";
  for (const specgate::ValidationError& error : validator.errors()) {
    std::string schema_location = error.schema_pointer;
    if (schema_location.compare(0, root_prefix.size(), root_prefix) == 0) {
      schema_location.erase(0, root_prefix.size());
    }
    rapidjson::StringBuffer line;
    rapidjson::Writer<rapidjson::StringBuffer> writer(line);
    writer.StartObject();
    write_string_member(&writer, "instance", error.instance_pointer);
    write_string_member(&writer, "schema", schema_location);
    write_string_member(&writer, "keyword", error.keyword);
    write_string_member(&writer, "message", error.message);
    writer.EndObject();
    std::printf("%s\n", line.GetString());
  }
  std::fflush(stdout);
  if (valid) {
    std::fprintf(stderr, "%s: valid\n", arguments->instance_path.c_str());
    return kExitValid;
  }
  std::fprintf(stderr, "%s: invalid (%zu error%s%s)\n", arguments->instance_path.c_str(),
               validator.errors().size(), validator.errors().size() == 1 ? "" : "s",
               arguments->all_errors ? "" : "; --all lists every error");
  return kExitInvalid;
}
