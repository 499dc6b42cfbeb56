// The `specgate` command line: lint, routes, validate. The executable (cli_main.cc) and the
// Python package's `python -m specgate` both call run_cli, so they print the same thing.
#include "specgate/cli.h"

#include <fstream>
#include <iomanip>
#include <optional>
#include <sstream>

#include "access_log.h"  // replay_command
#include "specgate/openapi.h"

namespace specgate {
namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  specgate lint SPEC\n"
    "      every problem in SPEC (JSON or YAML); exit 1 if any\n"
    "  specgate routes SPEC\n"
    "      the compiled operations: method, path template, operationId\n"
    "  specgate validate SPEC --method M --path P [-H 'Name: value']...\n"
    "                   [--data TEXT | --data @FILE] [--all] [--max-body BYTES]\n"
    "                   [--ignore-trailing-slash]\n"
    "      the validation result as JSON; exit 0 valid, 1 invalid, 2 bad usage or bad spec\n"
    "  specgate replay SPEC LOG [--json OUT.json] [--format alb|clf|combined|jsonl|auto]\n"
    "                  [--top N] [--no-assume-authenticated]\n"
    "      what SPEC would do with an access log's requests (plain or .gz), grouped by route\n"
    "      and reason; exit 0 when the log was read, 2 bad usage, bad spec or unreadable log\n";

int usage(std::ostream& err, const std::string& message) {
  err << "specgate: " << message << "\n" << kUsage;
  return 2;
}

void print_problems(const std::string& path, const SpecError& error, std::ostream& out) {
  for (const Problem& p : error.problems()) {
    out << path;
    if (p.line) out << ":" << p.line << ":" << p.column;
    out << ": " << (p.pointer.empty() ? "(document)" : p.pointer) << ": " << p.message << "\n";
  }
}

std::optional<Spec> load(const std::string& path, std::ostream& out, std::ostream& err) {
  try {
    return Spec::load_file(path);
  } catch (const SpecError& error) {
    print_problems(path, error, out);
    err << "specgate: " << path << ": " << error.problems().size() << " problem"
        << (error.problems().size() == 1 ? "" : "s") << "\n";
    return std::nullopt;
  }
}

int lint(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) return usage(err, "lint takes exactly one SPEC");
  std::optional<Spec> spec = load(args[0], out, err);
  if (!spec) return 1;
  out << args[0] << ": OK (OpenAPI " << spec->openapi_version() << ", "
      << spec->operations().size() << " operations)\n";
  return 0;
}

int routes(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) return usage(err, "routes takes exactly one SPEC");
  std::optional<Spec> spec = load(args[0], out, err);
  if (!spec) return 2;
  for (const OperationInfo& op : spec->operations()) {
    std::string method = op.method;
    for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << std::left << std::setw(8) << method << " " << op.path;
    if (!op.operation_id.empty()) out << "  " << op.operation_id;
    if (op.secured) out << "  [secured]";
    out << "\n";
  }
  return 0;
}

int validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string spec_path;
  std::string method;
  std::string path;
  std::string data;
  bool has_data = false;
  std::vector<std::string> header_lines;
  RequestOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const char* flag) -> const std::string* {
      if (i + 1 >= args.size()) return nullptr;
      (void)flag;
      return &args[++i];
    };
    if (arg == "--method" || arg == "-X") {
      const std::string* v = value("--method");
      if (!v) return usage(err, "--method needs a value");
      method = *v;
    } else if (arg == "--path") {
      const std::string* v = value("--path");
      if (!v) return usage(err, "--path needs a value");
      path = *v;
    } else if (arg == "-H" || arg == "--header") {
      const std::string* v = value("-H");
      if (!v) return usage(err, "-H needs 'Name: value'");
      if (v->find(':') == std::string::npos) return usage(err, "-H needs 'Name: value'");
      header_lines.push_back(*v);
    } else if (arg == "--data" || arg == "-d") {
      const std::string* v = value("--data");
      if (!v) return usage(err, "--data needs TEXT or @FILE");
      if (!v->empty() && (*v)[0] == '@') {
        std::ifstream file(v->substr(1), std::ios::binary);
        if (!file) return usage(err, "cannot read " + v->substr(1));
        std::stringstream buffer;
        buffer << file.rdbuf();
        data = buffer.str();
      } else {
        data = *v;
      }
      has_data = true;
    } else if (arg == "--all") {
      options.mode = Mode::kExhaustive;
    } else if (arg == "--ignore-trailing-slash") {
      options.ignore_trailing_slash = true;
    } else if (arg == "--max-body") {
      const std::string* v = value("--max-body");
      if (!v) return usage(err, "--max-body needs a number of bytes");
      try {
        options.max_body_bytes = std::stoull(*v);
      } catch (...) {
        return usage(err, "--max-body needs a number of bytes");
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(err, "unknown option " + arg);
    } else if (spec_path.empty()) {
      spec_path = arg;
    } else {
      return usage(err, "unexpected argument " + arg);
    }
  }
  if (spec_path.empty()) return usage(err, "validate needs a SPEC");
  if (method.empty()) return usage(err, "validate needs --method");
  if (path.empty() || path[0] != '/') return usage(err, "validate needs --path starting with '/'");
  std::optional<Spec> spec = load(spec_path, err, err);
  if (!spec) return 2;

  std::vector<Header> headers;
  for (const std::string& line : header_lines) {
    std::size_t colon = line.find(':');
    std::string_view name(line.data(), colon);
    std::string_view value(line.data() + colon + 1, line.size() - colon - 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.push_back({name, value});
  }
  Request request;
  request.method = method;
  request.target = path;
  request.headers = headers.data();
  request.header_count = headers.size();
  request.body = data;
  request.has_body = has_data;
  RequestValidator validator(options);
  const RequestResult& result = validator.validate(*spec, request);
  out << result.json() << "\n";
  return result.ok() ? 0 : 1;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return usage(err, "no command");
  const std::string& command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "lint") return lint(rest, out, err);
  if (command == "routes") return routes(rest, out, err);
  if (command == "validate") return validate(rest, out, err);
  if (command == "replay") return detail::replay_command(rest, out, err);
  if (command == "-h" || command == "--help" || command == "help") {
    out << kUsage;
    return 0;
  }
  return usage(err, "unknown command \"" + command + "\"");
}

}  // namespace specgate
