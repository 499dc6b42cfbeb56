// Fuzz target: Spec::load on arbitrary JSON or YAML text, then a request and a response for
// every operation of whatever compiled.
//
// Input: the OpenAPI document as JSON or YAML text (the loader picks by the first
// non-blank character). No files are read: SpecOptions::load_external_files is off, so a
// `$ref` to another document is a spec error here.
//
// Invariants checked beyond "no crash, no sanitizer report":
//  - load either returns or throws SpecError with at least one problem, each problem's
//    line/column inside the text (no other exception escapes);
//  - requests built from the compiled operations get a status from the documented set, and
//    their result and problem JSON are well-formed UTF-8 JSON.
#include <specgate/openapi.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"

namespace {

// The template with each `{name}` replaced by "1": a path the router should match.
std::string concrete_path(std::string_view path_template) {
  std::string out;
  bool in_param = false;
  for (char c : path_template) {
    if (c == '{') {
      in_param = true;
      out += '1';
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      out += c;
    }
  }
  return out;
}

bool documented_status(int status) {
  switch (status) {
    case 200: case 400: case 401: case 404: case 405: case 413: case 415: return true;
  }
  return false;
}

void check_result(const specgate::RequestResult& result, bool response) {
  if (response) {
    SPECGATE_FUZZ_CHECK(result.status == 200 || result.status == 502 || result.status == 404 ||
                            result.status == 405,
                        "response status outside the documented set");
  } else {
    SPECGATE_FUZZ_CHECK(documented_status(result.status), "status outside the documented set");
  }
  SPECGATE_FUZZ_CHECK(result.ok() == result.errors.empty(), "ok() and errors disagree");
  SPECGATE_FUZZ_CHECK(specgate::fuzz::is_well_formed_json(result.json()), "result JSON");
  SPECGATE_FUZZ_CHECK(specgate::fuzz::is_well_formed_json(result.problem_json()),
                      "problem JSON");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = specgate::fuzz::as_text(data, size);
  specgate::SpecOptions options;
  options.load_external_files = false;
  std::optional<specgate::Spec> spec;
  try {
    spec.emplace(specgate::Spec::load(text, options));
  } catch (const specgate::SpecError& error) {
    SPECGATE_FUZZ_CHECK(!error.problems().empty(), "SpecError without problems");
    // Line breaks as the loader counts them: LF, CRLF, and a CR on its own.
    std::size_t lines = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        ++lines;
      }
    }
    for (const specgate::Problem& problem : error.problems()) {
      SPECGATE_FUZZ_CHECK(problem.line <= lines, "problem line past the end of the text");
    }
    return 0;
  }
  (void)spec->openapi_version();
  (void)spec->dialect();
  (void)spec->memory_bytes();

  specgate::RequestValidator validator;
  specgate::RequestOptions exhaustive;
  exhaustive.mode = specgate::Mode::kExhaustive;
  const specgate::Header headers[] = {{"Content-Type", "application/json"},
                                      {"Authorization", "Bearer fuzz-token"},
                                      {"X-Api-Key", "k"}};
  std::size_t count = 0;
  for (const specgate::OperationInfo& operation : spec->operations()) {
    if (++count > 16) break;
    std::string method = operation.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string target = concrete_path(operation.path) + "?a=1&b=x";
    specgate::Request request;
    request.method = method;
    request.target = target;
    request.headers = headers;
    request.header_count = 3;
    request.body = R"({"id": 1, "name": "x"})";
    request.has_body = operation.has_body;
    check_result(validator.validate(*spec, request), false);
    check_result(validator.validate(*spec, request, exhaustive), false);

    specgate::Response response;
    response.method = method;
    response.target = target;
    response.status = 200;
    response.headers = headers;
    response.header_count = 1;
    response.body = "[]";
    response.has_body = true;
    check_result(validator.validate_response(*spec, response), true);
  }
  return 0;
}
