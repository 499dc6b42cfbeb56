// Internal: access logs in, specgate verdicts out.
//
// Two stages, one header (the file list of this module has no replay.h: split it out when the
// replay report grows an API of its own):
//
//  1. AccessLogReader (access_log.cc) streams the lines of an access log into LogRecords:
//     AWS Application Load Balancer entries, NCSA common and combined log format, and JSON
//     lines; plain or gzip-compressed (detected by the magic bytes, decompressed chunk by chunk,
//     never the whole file at once). Knows nothing of specs.
//  2. replay_log (replay.cc) validates each record against a Spec and aggregates the verdicts
//     into a ReplayReport, rendered as text or JSON; replay_command is `specgate replay`.
//
//   std::string error;
//   std::unique_ptr<AccessLogReader> reader = AccessLogReader::open("alb.log.gz", {}, &error);
//   if (!reader) return fail(error);
//   LogRecord record;
//   while (reader->next(&record)) use(record.method, record.target, record.status);
//   if (!reader->error().empty()) return fail(reader->error());  // I/O or gzip failure
//   for (const MalformedLine& m : reader->malformed()) note(m.line, m.reason);
//
// Formats (one per log; `kAuto` decides from the first lines that parse in any format):
//
//  - ALB (AWS's documented field order): type time elb client:port target:port
//    request_processing_time target_processing_time response_processing_time elb_status_code
//    target_status_code received_bytes sent_bytes "request" "user_agent" ... Fields after the
//    user agent are ignored (AWS adds fields at the end over time). The request's URL is
//    absolute ("GET https://host:443/v1/x?q HTTP/1.1"): the target is its path and query.
//    status = elb_status_code, upstream_status = target_status_code.
//  - clf (NCSA common): host ident authuser [date] "request" status bytes — exactly 7 fields.
//  - combined: common + "referer" "user-agent", extra trailing fields allowed (nginx-style).
//  - jsonl: one JSON object per line. The first key present wins:
//      method     "method", "http_method", "request_method", "verb"
//      target     "target", "request_uri", "uri", "url", "path" (an absolute URL keeps its path
//                 and query); when it has no '?', "query" / "query_string" is appended
//      "request"  a request line "GET /x HTTP/1.1" (for method and target when those keys are
//                 absent), or an object holding the keys above (and "headers")
//      status     "status", "status_code", "response_status", or "response": {"status"}
//                 (a number or a numeric string)
//      timestamp  "time", "timestamp", "@timestamp", "ts", "date" (a string or a number)
//      headers    "headers", "request_headers": {"Name": "value" | ["v1", "v2"]}; when present
//                 the record's headers are taken as complete
//
// Lines that fit no format, and lines longer than max_line_bytes, are counted as malformed with
// their 1-based line number and a reason; they never stop the reader.
#ifndef SPECGATE_SRC_ACCESS_LOG_H_
#define SPECGATE_SRC_ACCESS_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "specgate/openapi.h"

namespace specgate::detail {

enum class LogFormat : std::uint8_t { kAuto, kAlb, kCommon, kCombined, kJsonLines };
// "auto", "alb", "clf", "combined", "jsonl".
std::string_view log_format_name(LogFormat format);
// The inverse of log_format_name ("common" is accepted for kCommon); false for other names.
bool parse_log_format(std::string_view name, LogFormat* format);

struct LogHeader {
  std::string name;
  std::string value;
};

// One request as the log tells it. Logs carry no bodies and (except JSON lines with a
// "headers" object) only a few headers.
struct LogRecord {
  std::size_t line = 0;            // 1-based line number in the (decompressed) log
  std::string method;              // as logged ("GET"); an HTTP token
  std::string target;              // origin form: "/path?query"; "*" for OPTIONS *
  int status = 0;                  // the status the client got; 0 when the log has none ("-")
  int upstream_status = 0;         // ALB target_status_code; 0 when absent
  std::string timestamp;           // as logged
  std::vector<LogHeader> headers;  // User-Agent and Referer from ALB/combined; JSON "headers"
  bool headers_complete = false;   // the log holds every request header (JSON "headers")
};

struct MalformedLine {
  std::size_t line = 0;
  std::string reason;  // describes what was wrong; never quotes the line
};

struct AccessLogOptions {
  LogFormat format = LogFormat::kAuto;
  std::size_t max_line_bytes = 64u << 10;  // longer lines are skipped as malformed
  std::size_t detect_lines = 16;           // auto: parseable lines looked at before deciding
  std::size_t max_malformed_kept = 100;    // malformed() keeps this many; all are counted
  std::size_t read_bytes = 64u << 10;      // bytes read (and inflated) per step
};

// Parses one line (without its newline) in `format` (not kAuto). On failure returns false and
// sets *reason; `record` is then unspecified. Pure: for tests and format detection.
bool parse_log_line(LogFormat format, std::string_view line, LogRecord* record,
                    std::string* reason);

// Streams records out of a log. Memory is bounded by max_line_bytes (times detect_lines while
// auto-detecting) plus one read buffer, whatever the size of the log. Not thread-safe.
class AccessLogReader {
 public:
  // Reads `input` (binary), which must outlive the reader.
  explicit AccessLogReader(std::istream& input, AccessLogOptions options = {});
  // Opens a file; nullptr and *error when it cannot be opened.
  static std::unique_ptr<AccessLogReader> open(const std::string& path, AccessLogOptions options,
                                               std::string* error);
  ~AccessLogReader();
  AccessLogReader(const AccessLogReader&) = delete;
  AccessLogReader& operator=(const AccessLogReader&) = delete;

  // The next record. False at the end of the log, or when reading or decompressing failed
  // (then error() says why; the records before stay valid).
  bool next(LogRecord* record);

  LogFormat format() const { return format_; }        // kAuto until detected (or if nothing parsed)
  bool compressed() const { return gzip_; }           // the input was gzip
  std::size_t lines() const { return line_number_; }  // lines read so far, blank ones too
  std::size_t records() const { return records_; }
  std::size_t malformed_count() const { return malformed_count_; }
  const std::vector<MalformedLine>& malformed() const { return malformed_; }
  const std::string& error() const { return error_; }

 private:
  enum class LineStatus : std::uint8_t { kLine, kTooLong, kEnd };
  struct Inflater;

  LineStatus next_line(std::string_view* line);
  bool fill();  // appends bytes to buffer_; false at end or on error
  bool read_raw(char* data, std::size_t size, std::size_t* got);
  bool detect();  // auto: decides format_ from the first parseable lines
  void add_malformed(std::size_t line, std::string reason);

  std::unique_ptr<std::istream> owned_;
  std::istream* input_;
  AccessLogOptions options_;
  LogFormat format_;
  bool started_ = false;  // the first bytes were looked at for the gzip magic
  bool gzip_ = false;
  bool input_done_ = false;
  std::unique_ptr<Inflater> inflater_;
  std::string raw_;               // compressed bytes read from input_
  std::size_t raw_pos_ = 0;       // raw_[raw_pos_..] is not inflated yet
  std::size_t members_done_ = 0;  // gzip members inflated to their end
  bool detected_ = false;         // detect() ran (or the format was given)
  std::string buffer_;            // text not yet split into lines
  std::size_t pos_ = 0;           // start of the next line in buffer_
  std::size_t scanned_ = 0;       // buffer_[pos_, scanned_) holds no '\n'
  bool skipping_ = false;         // inside a line that is too long, up to its '\n'
  std::size_t line_number_ = 0;
  std::size_t records_ = 0;
  std::size_t malformed_count_ = 0;
  std::vector<MalformedLine> malformed_;
  std::deque<std::pair<std::size_t, std::string>> pending_;  // lines read while detecting
  std::string error_;
};

// ------------------------------------------------------------------ replay (replay.cc)

struct ReplayOptions {
  // Logs carry no credentials. true: a 401 is validated again with stand-in credentials for the
  // operation's security requirement, so the rest of the request is still checked (counted in
  // auth_assumed); false: every 401 is counted as unverifiable and not looked at further.
  bool assume_authenticated = true;
  std::size_t examples_per_group = 3;   // distinct example targets kept per group
  std::size_t max_example_chars = 120;  // longer examples are cut, ending in "..."
  std::size_t errors_per_group = 5;     // most frequent validation errors kept per group
  std::size_t max_groups = 10000;       // later new groups fold into one "(other)" group each
  std::size_t max_error_kinds = 64;     // distinct errors tallied per group before folding
};

enum class ReplayOutcome : std::uint8_t {
  kForward,       // the spec accepts it (maybe with assumptions: see the group's counters)
  kReject,        // the spec rejects it: unknown_route, method_not_allowed, invalid_request, ...
  kUnverifiable,  // needs what a log lacks (credentials)
};
std::string_view replay_outcome_name(ReplayOutcome outcome);  // "forward", "reject", ...

struct ReplayErrorCount {
  std::string location;  // "query", "path", "header", ... (location_name)
  std::string name;      // parameter name; "" for the route and the body
  std::string keyword;   // failed keyword ("maximum", "required", "route", "method", ...)
  std::string message;   // the validator's message (describes the constraint, not the value)
  std::size_t count = 0;
};

// Records with the same outcome, reason, method and route (or, without a route, path pattern).
struct ReplayGroup {
  ReplayOutcome outcome = ReplayOutcome::kForward;
  std::string reason;        // reason_name(): "none", "unknown_route", ..., "unauthorized"
  std::string method;        // upper case, as logged
  std::string route;         // the path template; "" when no route matched
  std::string pattern;       // no route: the raw path with ids collapsed to "{id}"
  std::string operation_id;  // "" when none
  std::string allow;         // method_not_allowed: the methods the route allows ("GET, POST")
  std::size_t count = 0;
  std::size_t auth_assumed = 0;          // validated with stand-in credentials
  std::size_t body_unverified = 0;       // a required body could not be checked
  std::size_t headers_unverified = 0;    // a required header/cookie was not in the log
  std::map<int, std::size_t> statuses;   // logged status -> records (0: not logged)
  std::vector<std::string> examples;     // distinct targets, credentials redacted, printable
  std::vector<ReplayErrorCount> errors;  // most frequent first
};

struct ReplayReport {
  std::string spec_path;
  std::string log_path;
  LogFormat format = LogFormat::kAuto;
  bool compressed = false;
  bool assume_authenticated = true;
  std::size_t lines = 0;
  std::size_t records = 0;
  std::size_t malformed_count = 0;
  std::vector<MalformedLine> malformed;  // the first ones, as the reader kept them
  std::string read_error;                // "" unless the log could not be read to its end
  std::string first_timestamp;           // of the first and last records, as logged
  std::string last_timestamp;
  std::size_t forward = 0;
  std::size_t reject = 0;
  std::size_t unverifiable = 0;
  std::size_t auth_assumed = 0;
  std::size_t body_unverified = 0;
  std::size_t headers_unverified = 0;
  std::map<std::string, std::size_t> rejected_by_reason;
  std::map<std::string, std::size_t> unverifiable_by_reason;
  std::map<int, std::size_t> statuses;  // logged status -> records, over the whole log
  std::vector<ReplayGroup> groups;      // by count, largest first; ties by outcome, route
  bool groups_folded = false;           // max_groups was reached
};

// Validates every record `reader` yields against `spec` (exhaustive mode) and aggregates.
ReplayReport replay_log(const Spec& spec, AccessLogReader& reader,
                        const ReplayOptions& options = {});

// The report as JSON (documented in replay.cc) and as a terminal table of the `top` largest
// groups. Every string from the log is made printable (bytes outside ASCII 0x20-0x7E become
// %XX), so a hostile log cannot inject terminal escapes or break the JSON.
std::string replay_report_json(const ReplayReport& report);
std::string replay_report_text(const ReplayReport& report, std::size_t top);

// `specgate replay SPEC LOG [--json OUT] [--format F] [--top N] [--[no-]assume-authenticated]`:
// args without the command name. 0 when the log was read, 2 for bad usage, an unusable spec
// or an unreadable log.
int replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_ACCESS_LOG_H_
