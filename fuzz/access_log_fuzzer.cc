// Fuzz target: the access-log reader (src/access_log.h) and the replay report built from it,
// against tests/data/specs/clinic.yaml.
//
// Input: the bytes of a log file, plain or gzip-compressed (the reader detects gzip by its
// magic bytes; seeds include both). The first byte also picks the format given to a second
// reader, so forced formats run as well as auto-detection.
//
// Each input is read three ways: auto-detected in tiny read steps (7 bytes, so every line and
// gzip boundary falls across a read), with a forced format and short lines, and through
// replay_log into the JSON and text reports. Invariants checked beyond "no crash, no
// sanitizer report":
//  - every record's line number is within the lines read, and records plus malformed lines
//    never exceed lines read;
//  - the reader keeps at most max_malformed_kept malformed lines;
//  - the replay JSON report is well-formed UTF-8 JSON, and the text report is printable
//    (a hostile log cannot inject terminal escapes).
#include <specgate/openapi.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "access_log.h"
#include "fuzz_support.h"

#ifndef SPECGATE_SOURCE_DIR
#error "SPECGATE_SOURCE_DIR must name the source tree (for tests/data/specs/clinic.yaml)"
#endif

namespace {

const specgate::Spec& clinic() {
  static const specgate::Spec spec =
      specgate::Spec::load_file(SPECGATE_SOURCE_DIR "/tests/data/specs/clinic.yaml");
  return spec;
}

constexpr specgate::detail::LogFormat kFormats[] = {
    specgate::detail::LogFormat::kAuto, specgate::detail::LogFormat::kAlb,
    specgate::detail::LogFormat::kCommon, specgate::detail::LogFormat::kCombined,
    specgate::detail::LogFormat::kJsonLines};

void read_all(std::string_view bytes, const specgate::detail::AccessLogOptions& options) {
  std::istringstream input{std::string(bytes)};
  specgate::detail::AccessLogReader reader(input, options);
  specgate::detail::LogRecord record;
  std::size_t count = 0;
  while (reader.next(&record)) {
    ++count;
    SPECGATE_FUZZ_CHECK(record.line >= 1 && record.line <= reader.lines(),
                        "record line number outside the lines read");
  }
  SPECGATE_FUZZ_CHECK(count == reader.records(), "records() disagrees with next()");
  SPECGATE_FUZZ_CHECK(reader.records() + reader.malformed_count() <= reader.lines(),
                      "more records and malformed lines than lines");
  SPECGATE_FUZZ_CHECK(reader.malformed().size() <= options.max_malformed_kept,
                      "kept more malformed lines than max_malformed_kept");
  for (const specgate::detail::MalformedLine& m : reader.malformed()) {
    SPECGATE_FUZZ_CHECK(m.line >= 1 && m.line <= reader.lines(),
                        "malformed line number outside the lines read");
  }
}

bool printable_text(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u == '\n' || u == '\t') continue;
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  clinic();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes = specgate::fuzz::as_text(data, size);

  specgate::detail::AccessLogOptions tiny_steps;
  tiny_steps.read_bytes = 7;
  tiny_steps.max_malformed_kept = 3;
  read_all(bytes, tiny_steps);

  specgate::detail::AccessLogOptions forced;
  forced.format = kFormats[size ? data[0] % 5 : 0];
  forced.max_line_bytes = 200;
  forced.detect_lines = 2;
  read_all(bytes, forced);

  std::istringstream input{std::string(bytes)};
  specgate::detail::AccessLogReader reader(input);
  specgate::detail::ReplayOptions options;
  options.max_groups = 8;
  options.assume_authenticated = size % 2 == 0;
  specgate::detail::ReplayReport report = specgate::detail::replay_log(clinic(), reader, options);
  SPECGATE_FUZZ_CHECK(report.forward + report.reject + report.unverifiable == report.records,
                      "replay outcomes do not add up to the records");
  SPECGATE_FUZZ_CHECK(specgate::fuzz::is_well_formed_json(
                          specgate::detail::replay_report_json(report)),
                      "replay JSON report");
  SPECGATE_FUZZ_CHECK(printable_text(specgate::detail::replay_report_text(report, 5)),
                      "replay text report has control characters");
  return 0;
}
