// Fuzz target: routing and full request (and response) validation against
// tests/data/specs/clinic.yaml, compiled once.
//
// Input: an HTTP-like message, so seeds are readable and easy to write by hand:
//
//   METHOD TARGET [STATUS [QUERY]]\n        TARGET is the raw path, possibly with "?query"
//   Name: value\n                           zero or more header lines
//   \n                                      a blank line: a body follows (possibly empty)
//   body bytes                              up to the end of the input
//
// STATUS, when present, also validates the same pieces as the upstream's response with that
// status; QUERY is Request::query (used when TARGET has no '?'). A Content-Length header with
// a decimal value sets Request::content_length. Any byte may appear anywhere, including NUL
// and invalid UTF-8.
//
// Each input runs in fast mode, in exhaustive mode, and with tight limits (few headers, short
// bodies, a credential check). Invariants checked beyond "no crash, no sanitizer report":
//  - the status is one of the documented outcomes, and ok() holds exactly when there are no
//    errors;
//  - result JSON and problem+json are well-formed UTF-8 JSON, whatever the request held;
//  - no error message repeats a credential (Authorization, X-Api-Key, Cookie), for values
//    long enough not to occur in the spec's or the messages' own text by chance.
#include <specgate/openapi.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"

#ifndef SPECGATE_SOURCE_DIR
#error "SPECGATE_SOURCE_DIR must name the source tree (for tests/data/specs/clinic.yaml)"
#endif

namespace {

struct Fixture {
  std::string spec_text;
  specgate::Spec spec;
  static std::string read_spec() {
    std::ifstream file(SPECGATE_SOURCE_DIR "/tests/data/specs/clinic.yaml", std::ios::binary);
    std::stringstream buffer;
    buffer << file.rdbuf();
    return buffer.str();
  }
  Fixture() : spec_text(read_spec()), spec(specgate::Spec::load(spec_text)) {}
};

const Fixture& fixture() {
  static const Fixture instance;
  return instance;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

bool documented_request_status(int status) {
  switch (status) {
    case 200: case 400: case 401: case 404: case 405: case 413: case 415: return true;
  }
  return false;
}

void check_result(const specgate::RequestResult& result, bool response,
                  const std::vector<specgate::Header>& headers) {
  if (response) {
    SPECGATE_FUZZ_CHECK(result.status == 200 || result.status == 502 || result.status == 404 ||
                            result.status == 405,
                        "response status outside the documented set");
  } else {
    SPECGATE_FUZZ_CHECK(documented_request_status(result.status),
                        "status outside the documented set");
  }
  SPECGATE_FUZZ_CHECK(result.ok() == result.errors.empty(), "ok() and errors disagree");
  SPECGATE_FUZZ_CHECK(result.ok() == (result.reason == specgate::Reason::kNone),
                      "ok() and reason disagree");
  SPECGATE_FUZZ_CHECK(specgate::fuzz::is_well_formed_json(result.json()), "result JSON");
  SPECGATE_FUZZ_CHECK(specgate::fuzz::is_well_formed_json(result.problem_json()),
                      "problem JSON");
  // Credentials only, as one token (no space, so it cannot be a run of words from the
  // library's own message templates, which the fuzzer learns and copies into headers), long
  // enough and absent from the spec's text (enum values and media types are quoted).
  const std::string& spec_text = fixture().spec_text;
  for (const specgate::Header& header : headers) {
    if (!iequals(header.name, "authorization") && !iequals(header.name, "x-api-key") &&
        !iequals(header.name, "cookie")) {
      continue;
    }
    std::string_view secret = header.value;
    if (std::size_t space = secret.rfind(' '); space != std::string_view::npos) {
      secret.remove_prefix(space + 1);
    }
    if (secret.size() < 16 || spec_text.find(secret) != std::string::npos) continue;
    for (const specgate::RequestError& error : result.errors) {
      SPECGATE_FUZZ_CHECK(error.message.find(secret) == std::string::npos,
                          "an error message repeats a credential");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using specgate::fuzz::take_until;
  std::string_view rest = specgate::fuzz::as_text(data, size);

  std::string_view line = take_until(&rest, '\n');
  std::string_view method = take_until(&line, ' ');
  std::string_view target = take_until(&line, ' ');
  std::string_view status_text = take_until(&line, ' ');
  std::string_view query = line;

  std::vector<specgate::Header> headers;
  specgate::Request request;
  bool blank_line = false;
  while (!rest.empty()) {
    std::string_view header = take_until(&rest, '\n');
    if (header.empty()) {
      blank_line = true;
      break;
    }
    std::string_view name = take_until(&header, ':');
    if (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    headers.push_back({name, header});
    if (iequals(name, "content-length")) {
      std::uint64_t length = 0;
      auto parsed = std::from_chars(header.data(), header.data() + header.size(), length);
      if (parsed.ec == std::errc() && parsed.ptr == header.data() + header.size()) {
        request.content_length = length;
      }
    }
  }

  request.method = method;
  request.target = target;
  request.query = query;
  request.headers = headers.data();
  request.header_count = headers.size();
  request.body = blank_line ? rest : std::string_view();
  request.has_body = blank_line;

  const specgate::Spec& spec = fixture().spec;
  static specgate::RequestValidator validator;
  static const specgate::RequestOptions fast;
  static const specgate::RequestOptions exhaustive = [] {
    specgate::RequestOptions o;
    o.mode = specgate::Mode::kExhaustive;
    return o;
  }();
  static const specgate::RequestOptions tight = [] {
    specgate::RequestOptions o;
    o.mode = specgate::Mode::kExhaustive;
    o.max_body_bytes = 64;
    o.max_depth = 3;
    o.max_errors = 3;
    o.max_headers = 4;
    o.max_header_bytes = 128;
    o.max_query_parameters = 4;
    o.ignore_trailing_slash = true;
    o.credential_check = [](const specgate::Credential& c) { return c.value != "deny"; };
    return o;
  }();
  for (const specgate::RequestOptions* options : {&fast, &exhaustive, &tight}) {
    check_result(validator.validate(spec, request, *options), false, headers);
  }

  int status = 0;
  auto parsed = std::from_chars(status_text.data(), status_text.data() + status_text.size(),
                                status);
  if (!status_text.empty() && parsed.ec == std::errc()) {
    specgate::Response response;
    response.method = method;
    response.target = target;
    response.status = status;
    response.headers = headers.data();
    response.header_count = headers.size();
    response.body = request.body;
    response.has_body = request.has_body;
    check_result(validator.validate_response(spec, response, exhaustive), true, headers);
  }
  return 0;
}
