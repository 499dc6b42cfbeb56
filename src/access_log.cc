// Access-log reading: line splitting over plain or gzip input, and one parser per format.
#include "access_log.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <utility>

#include <zlib.h>

namespace specgate::detail {
namespace {

constexpr std::size_t kMaxFields = 64;  // ALB has ~30 and AWS appends more over time

bool is_tchar(char c) {
  // RFC 9110 section 5.6.2.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), is_tchar);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

struct Field {
  std::string_view text;  // without the quotes or brackets
  bool quoted = false;
  bool bracketed = false;
};

bool is_separator(char c) { return c == ' ' || c == '\t'; }

// Splits on runs of spaces; "..." and [...] are one field each. A quoted field ends at a '"'
// that is not backslash-escaped and is followed by a separator or the end of the line, so
// servers that do not escape quotes inside a user agent still split right.
bool split_fields(std::string_view line, std::vector<Field>* fields, std::string* reason) {
  fields->clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    if (is_separator(line[i])) {
      ++i;
      continue;
    }
    if (fields->size() == kMaxFields) return true;  // the rest is never read
    if (line[i] == '"') {
      std::size_t j = i + 1;
      for (;;) {
        if (j >= n) {
          *reason = "a quoted field is not closed";
          return false;
        }
        if (line[j] == '\\') {
          j += 2;
          continue;
        }
        if (line[j] == '"' && (j + 1 == n || is_separator(line[j + 1]))) break;
        ++j;
      }
      fields->push_back({line.substr(i + 1, j - i - 1), true, false});
      i = j + 1;
    } else if (line[i] == '[') {
      std::size_t j = line.find(']', i);
      if (j == std::string_view::npos) {
        *reason = "a [bracketed] field is not closed";
        return false;
      }
      fields->push_back({line.substr(i + 1, j - i - 1), false, true});
      i = j + 1;
      if (i < n && !is_separator(line[i])) {
        *reason = "a [bracketed] field is not followed by a space";
        return false;
      }
    } else {
      std::size_t j = i;
      while (j < n && !is_separator(line[j])) ++j;
      fields->push_back({line.substr(i, j - i), false, false});
      i = j;
    }
  }
  return true;
}

// Undoes the escapes Apache and ALB write inside quoted fields: \" \\ and \xHH.
std::string unescape(std::string_view s) {
  if (s.find('\\') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c == '"' || c == '\\') {
        out += c;
        ++i;
        continue;
      }
      if (c == 'x' && i + 3 < s.size() && is_hex(s[i + 2]) && is_hex(s[i + 3])) {
        out += static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// "-" is 0; otherwise three digits.
bool parse_status(std::string_view text, int* status) {
  if (text == "-") {
    *status = 0;
    return true;
  }
  if (text.size() != 3 || !std::all_of(text.begin(), text.end(), is_digit)) return false;
  *status = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  return true;
}

// The origin form of a request target: a path as is, an absolute URL's path and query.
bool normalize_target(std::string_view raw, std::string* target, std::string* reason) {
  if (!raw.empty() && raw[0] == '/') {
    target->assign(raw);
    return true;
  }
  if (raw == "*") {
    target->assign(raw);
    return true;
  }
  std::size_t colon = raw.find("://");
  bool scheme_ok =
      colon != std::string_view::npos && colon > 0 &&
      std::all_of(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '+' ||
               c == '-' || c == '.';
      });
  if (!scheme_ok) {
    *reason = "the request target is neither a path nor an absolute URL";
    return false;
  }
  std::string_view rest = raw.substr(colon + 3);
  std::size_t path = rest.find_first_of("/?#");
  rest = path == std::string_view::npos ? std::string_view() : rest.substr(path);
  if (!rest.empty() && rest[0] == '#') rest = {};
  if (rest.empty() || rest[0] != '/') {
    target->assign("/");
    target->append(rest);
  } else {
    target->assign(rest);
  }
  return true;
}

// "GET /path HTTP/1.1" (or without the version, as HTTP/0.9 clients send it).
bool parse_request_line(std::string_view request, LogRecord* record, std::string* reason) {
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < request.size()) {
    if (request[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t j = request.find(' ', i);
    if (j == std::string_view::npos) j = request.size();
    if (count == parts.size()) {
      *reason = "the request line has more than three parts";
      return false;
    }
    parts[count++] = request.substr(i, j - i);
    i = j;
  }
  if (count == 0 || parts[0] == "-") {
    *reason = "the request line was not logged";
    return false;
  }
  if (!is_token(parts[0]) || parts[0].size() > 32) {
    *reason = "the request method is not an HTTP token";
    return false;
  }
  if (count < 2) {
    *reason = "the request line has no target";
    return false;
  }
  if (count == 3 && parts[2].rfind("HTTP/", 0) != 0) {
    *reason = "the request line does not end with an HTTP version";
    return false;
  }
  record->method.assign(parts[0]);
  return normalize_target(parts[1], &record->target, reason);
}

// 2024-03-01T12:00:00.123456Z and the like.
bool looks_like_iso8601(std::string_view s) {
  if (s.size() < 19) return false;
  static constexpr const char* kShape = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < 19; ++i) {
    if (kShape[i] == 'd' ? !is_digit(s[i]) : s[i] != kShape[i]) return false;
  }
  return true;
}

bool parse_alb(std::string_view line, LogRecord* record, std::string* reason) {
  static thread_local std::vector<Field> fields;
  if (!split_fields(line, &fields, reason)) return false;
  // Up to the request field; the user agent and everything after it are optional here.
  if (fields.size() < 13) {
    *reason = "an ALB entry has at least 13 fields";
    return false;
  }
  const Field& type = fields[0];
  if (type.quoted || type.bracketed || type.text.empty() || type.text.size() > 16 ||
      !std::all_of(type.text.begin(), type.text.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); })) {
    *reason = "an ALB entry starts with the connection type (http, https, h2, ...)";
    return false;
  }
  if (!looks_like_iso8601(fields[1].text) || fields[1].quoted) {
    *reason = "the second ALB field is not an ISO 8601 time";
    return false;
  }
  for (std::size_t i = 2; i < 12; ++i) {
    if (fields[i].quoted || fields[i].bracketed) {
      *reason = "an ALB field before the request is quoted";
      return false;
    }
  }
  if (!parse_status(fields[8].text, &record->status) ||
      !parse_status(fields[9].text, &record->upstream_status)) {
    *reason = "an ALB status code is neither three digits nor \"-\"";
    return false;
  }
  if (!fields[12].quoted) {
    *reason = "the ALB request field is not quoted";
    return false;
  }
  if (!parse_request_line(unescape(fields[12].text), record, reason)) return false;
  record->timestamp.assign(fields[1].text);
  record->headers.clear();
  record->headers_complete = false;
  if (fields.size() > 13 && fields[13].quoted && fields[13].text != "-") {
    record->headers.push_back({"User-Agent", unescape(fields[13].text)});
  }
  return true;
}

bool parse_clf(std::string_view line, bool combined, LogRecord* record, std::string* reason) {
  static thread_local std::vector<Field> fields;
  if (!split_fields(line, &fields, reason)) return false;
  if (combined ? fields.size() < 9 : fields.size() != 7) {
    *reason = combined ? "a combined log line has at least 9 fields"
                       : "a common log line has exactly 7 fields";
    return false;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (fields[i].quoted || fields[i].bracketed) {
      *reason = "host, ident and user are not quoted";
      return false;
    }
  }
  if (!fields[3].bracketed) {
    *reason = "the fourth field is not a [date]";
    return false;
  }
  if (!fields[4].quoted) {
    *reason = "the request field is not quoted";
    return false;
  }
  if (fields[5].quoted || !parse_status(fields[5].text, &record->status)) {
    *reason = "the status is neither three digits nor \"-\"";
    return false;
  }
  std::string_view bytes = fields[6].text;
  if (fields[6].quoted || bytes.empty() ||
      (bytes != "-" && !std::all_of(bytes.begin(), bytes.end(), is_digit))) {
    *reason = "the size is neither digits nor \"-\"";
    return false;
  }
  if (combined && (!fields[7].quoted || !fields[8].quoted)) {
    *reason = "the referer and user agent are not quoted";
    return false;
  }
  if (!parse_request_line(unescape(fields[4].text), record, reason)) return false;
  record->upstream_status = 0;
  record->timestamp.assign(fields[3].text);
  record->headers.clear();
  record->headers_complete = false;
  if (combined) {
    if (fields[7].text != "-") record->headers.push_back({"Referer", unescape(fields[7].text)});
    if (fields[8].text != "-") record->headers.push_back({"User-Agent", unescape(fields[8].text)});
  }
  return true;
}

using JsonValue = rapidjson::Value;

const JsonValue* member(const JsonValue& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = object.FindMember(key);
    if (it != object.MemberEnd() && !it->value.IsNull()) return &it->value;
  }
  return nullptr;
}

// Numbers are parsed as strings (kParseNumbersAsStringsFlag), so both read the same way.
bool string_of(const JsonValue* value, std::string_view* out) {
  if (value == nullptr || !value->IsString()) return false;
  *out = std::string_view(value->GetString(), value->GetStringLength());
  return true;
}

bool read_headers(const JsonValue& headers, LogRecord* record, std::string* reason) {
  if (!headers.IsObject()) {
    *reason = "\"headers\" is not an object";
    return false;
  }
  for (const auto& h : headers.GetObject()) {
    std::string name(h.name.GetString(), h.name.GetStringLength());
    if (h.value.IsString()) {
      record->headers.push_back(
          {name, std::string(h.value.GetString(), h.value.GetStringLength())});
    } else if (h.value.IsArray()) {
      for (const JsonValue& v : h.value.GetArray()) {
        if (v.IsString()) {
          record->headers.push_back({name, std::string(v.GetString(), v.GetStringLength())});
        }
      }
    }
  }
  record->headers_complete = true;
  return true;
}

bool parse_jsonl(std::string_view line, LogRecord* record, std::string* reason) {
  rapidjson::Document doc;
  // Iterative: a hostile line of nested brackets cannot exhaust the stack.
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(line.data(),
                                                                                    line.size());
  if (doc.HasParseError()) {
    *reason = "not valid JSON";
    return false;
  }
  if (!doc.IsObject()) {
    *reason = "the JSON value is not an object";
    return false;
  }
  record->headers.clear();
  record->headers_complete = false;
  record->upstream_status = 0;

  static constexpr std::initializer_list<const char*> kMethodKeys = {"method", "http_method",
                                                                     "request_method", "verb"};
  static constexpr std::initializer_list<const char*> kTargetKeys = {"target", "request_uri", "uri",
                                                                     "url", "path"};
  static constexpr std::initializer_list<const char*> kQueryKeys = {"query", "query_string"};

  const JsonValue* request = member(doc, {"request"});
  // Where the method/target keys live: the top level, else a "request" object.
  const JsonValue* holder = &doc;
  if (!member(doc, kMethodKeys) && request && request->IsObject()) holder = request;

  std::string_view method;
  std::string_view target;
  if (string_of(member(*holder, kMethodKeys), &method) &&
      string_of(member(*holder, kTargetKeys), &target)) {
    if (!is_token(method) || method.size() > 32) {
      *reason = "the method is not an HTTP token";
      return false;
    }
    record->method.assign(method);
    if (!normalize_target(target, &record->target, reason)) return false;
    std::string_view query;
    if (record->target.find('?') == std::string::npos &&
        string_of(member(*holder, kQueryKeys), &query) && !query.empty()) {
      if (query[0] != '?') record->target += '?';
      record->target.append(query);
    }
  } else if (std::string_view line_text; string_of(request, &line_text)) {
    if (!parse_request_line(line_text, record, reason)) return false;
  } else {
    *reason = "no method and path keys (method/path, target, uri, url or request)";
    return false;
  }

  record->status = 0;
  const JsonValue* status = member(doc, {"status", "status_code", "response_status"});
  if (!status) {
    const JsonValue* response = member(doc, {"response"});
    if (response && response->IsObject()) status = member(*response, {"status", "status_code"});
  }
  if (status) {
    std::string_view text;
    if (!string_of(status, &text) || !parse_status(text, &record->status)) {
      *reason = "the status is not a three-digit number";
      return false;
    }
  }

  std::string_view time;
  if (string_of(member(doc, {"time", "timestamp", "@timestamp", "ts", "date"}), &time)) {
    record->timestamp.assign(time);
  } else {
    record->timestamp.clear();
  }

  const JsonValue* headers = member(*holder, {"headers", "request_headers"});
  if (!headers && holder != &doc) headers = member(doc, {"headers", "request_headers"});
  if (headers && !read_headers(*headers, record, reason)) return false;
  return true;
}

constexpr const char* kNoFormat = "the line is not an ALB, common, combined or JSON log entry";

std::string too_long_reason(std::size_t limit) {
  return "the line is longer than " + std::to_string(limit) + " bytes";
}

}  // namespace

std::string_view log_format_name(LogFormat format) {
  switch (format) {
    case LogFormat::kAuto:
      return "auto";
    case LogFormat::kAlb:
      return "alb";
    case LogFormat::kCommon:
      return "clf";
    case LogFormat::kCombined:
      return "combined";
    case LogFormat::kJsonLines:
      return "jsonl";
  }
  return "auto";
}

bool parse_log_format(std::string_view name, LogFormat* format) {
  for (LogFormat f : {LogFormat::kAuto, LogFormat::kAlb, LogFormat::kCommon, LogFormat::kCombined,
                      LogFormat::kJsonLines}) {
    if (name == log_format_name(f)) {
      *format = f;
      return true;
    }
  }
  if (name == "common") {
    *format = LogFormat::kCommon;
    return true;
  }
  return false;
}

bool parse_log_line(LogFormat format, std::string_view line, LogRecord* record,
                    std::string* reason) {
  switch (format) {
    case LogFormat::kAlb:
      return parse_alb(line, record, reason);
    case LogFormat::kCommon:
      return parse_clf(line, false, record, reason);
    case LogFormat::kCombined:
      return parse_clf(line, true, record, reason);
    case LogFormat::kJsonLines:
      return parse_jsonl(line, record, reason);
    case LogFormat::kAuto:
      break;
  }
  *reason = "no format chosen";
  return false;
}

// ------------------------------------------------------------------ reader

struct AccessLogReader::Inflater {
  z_stream stream{};
  bool initialized = false;
  bool member_started = false;  // input of the current gzip member was consumed
  ~Inflater() {
    if (initialized) inflateEnd(&stream);
  }
};

AccessLogReader::AccessLogReader(std::istream& input, AccessLogOptions options)
    : input_(&input), options_(options), format_(options.format) {
  if (options_.read_bytes == 0) options_.read_bytes = 64u << 10;
  if (options_.detect_lines == 0) options_.detect_lines = 1;
}

AccessLogReader::~AccessLogReader() = default;

std::unique_ptr<AccessLogReader> AccessLogReader::open(const std::string& path,
                                                       AccessLogOptions options,
                                                       std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *error = "cannot read \"" + path + "\": it is a directory";
    return nullptr;
  }
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) {
    *error = "cannot open \"" + path + "\": " + std::strerror(errno);
    return nullptr;
  }
  auto reader = std::make_unique<AccessLogReader>(*file, options);
  reader->owned_ = std::move(file);
  return reader;
}

bool AccessLogReader::read_raw(char* data, std::size_t size, std::size_t* got) {
  *got = 0;
  if (!input_->good()) return false;
  input_->read(data, static_cast<std::streamsize>(size));
  *got = static_cast<std::size_t>(input_->gcount());
  if (input_->bad()) {
    error_ = "the log could not be read";
    return false;
  }
  return *got > 0;
}

bool AccessLogReader::fill() {
  if (input_done_) return false;
  const std::size_t chunk = options_.read_bytes;
  std::size_t got = 0;
  if (!started_) {
    started_ = true;
    // At least the two magic bytes, whatever the read size.
    const std::size_t first = std::max<std::size_t>(chunk, 2);
    raw_.resize(first);
    read_raw(raw_.data(), first, &got);
    raw_.resize(got);
    raw_pos_ = 0;
    if (got >= 2 && static_cast<unsigned char>(raw_[0]) == 0x1f &&
        static_cast<unsigned char>(raw_[1]) == 0x8b) {
      gzip_ = true;
      inflater_ = std::make_unique<Inflater>();
      // 16 + MAX_WBITS: gzip wrapper only.
      if (inflateInit2(&inflater_->stream, 16 + MAX_WBITS) != Z_OK) {
        error_ = "zlib could not be initialized";
        input_done_ = true;
        return false;
      }
      inflater_->initialized = true;
    } else {
      buffer_.append(raw_);
      raw_.clear();
      if (got == 0) input_done_ = true;
      return got > 0;
    }
  }
  if (!gzip_) {
    std::size_t old = buffer_.size();
    buffer_.resize(old + chunk);
    read_raw(buffer_.data() + old, chunk, &got);
    buffer_.resize(old + got);
    if (got == 0) input_done_ = true;
    return got > 0;
  }

  z_stream& z = inflater_->stream;
  for (;;) {
    if (raw_pos_ >= raw_.size()) {
      raw_.resize(chunk);
      read_raw(raw_.data(), chunk, &got);
      raw_.resize(got);
      raw_pos_ = 0;
      if (got == 0) {
        input_done_ = true;
        if (error_.empty() && inflater_->member_started) error_ = "the gzip data is truncated";
        return false;
      }
    }
    z.next_in = reinterpret_cast<Bytef*>(raw_.data() + raw_pos_);
    z.avail_in = static_cast<uInt>(raw_.size() - raw_pos_);
    std::size_t old = buffer_.size();
    buffer_.resize(old + chunk);
    z.next_out = reinterpret_cast<Bytef*>(buffer_.data() + old);
    z.avail_out = static_cast<uInt>(chunk);
    int rc = inflate(&z, Z_NO_FLUSH);
    std::size_t produced = chunk - z.avail_out;
    buffer_.resize(old + produced);
    std::size_t consumed = (raw_.size() - raw_pos_) - z.avail_in;
    raw_pos_ += consumed;
    if (rc == Z_STREAM_END) {
      // AWS and `cat a.gz b.gz` both produce several members: go on with the next one.
      ++members_done_;
      inflater_->member_started = false;
      inflateReset(&z);
    } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (consumed > 0) inflater_->member_started = true;
    } else if (!inflater_->member_started && members_done_ > 0 && rc == Z_DATA_ERROR) {
      // Bytes after the last member that are not another member (padding): gzip(1) ignores
      // them too.
      input_done_ = true;
      return produced > 0;
    } else {
      error_ = "the gzip data is corrupt";
      input_done_ = true;
      return produced > 0;
    }
    if (produced > 0) return true;
  }
}

AccessLogReader::LineStatus AccessLogReader::next_line(std::string_view* line) {
  for (;;) {
    if (skipping_) {
      std::size_t nl = buffer_.find('\n', pos_);
      if (nl != std::string::npos) {
        pos_ = scanned_ = nl + 1;
        skipping_ = false;
        return LineStatus::kTooLong;
      }
      buffer_.clear();
      pos_ = scanned_ = 0;
      if (!fill()) {
        skipping_ = false;
        return LineStatus::kTooLong;
      }
      continue;
    }
    std::size_t nl = buffer_.find('\n', scanned_);
    if (nl != std::string::npos) {
      ++line_number_;
      std::string_view found(buffer_.data() + pos_, nl - pos_);
      pos_ = scanned_ = nl + 1;
      if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
      if (found.size() > options_.max_line_bytes) return LineStatus::kTooLong;
      *line = found;
      return LineStatus::kLine;
    }
    scanned_ = buffer_.size();
    if (buffer_.size() - pos_ > options_.max_line_bytes) {
      // Never hold more than one line's worth: drop it and skip to its end.
      ++line_number_;
      skipping_ = true;
      buffer_.clear();
      pos_ = scanned_ = 0;
      continue;
    }
    if (pos_ > 0) {
      buffer_.erase(0, pos_);
      scanned_ -= pos_;
      pos_ = 0;
    }
    if (!fill()) {
      // After a read or gzip error the rest is a fragment, not a line.
      if (buffer_.size() > pos_ && error_.empty()) {
        // The last line has no newline.
        ++line_number_;
        std::string_view found(buffer_.data() + pos_, buffer_.size() - pos_);
        pos_ = scanned_ = buffer_.size();
        if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
        *line = found;
        return LineStatus::kLine;
      }
      return LineStatus::kEnd;
    }
  }
}

void AccessLogReader::add_malformed(std::size_t line, std::string reason) {
  ++malformed_count_;
  // Kept in line order (detection can report a later line before an earlier one).
  auto at = std::upper_bound(malformed_.begin(), malformed_.end(), line,
                             [](std::size_t l, const MalformedLine& m) { return l < m.line; });
  if (malformed_.size() >= options_.max_malformed_kept) {
    if (at == malformed_.end()) return;
    malformed_.pop_back();
  }
  malformed_.insert(at, MalformedLine{line, std::move(reason)});
}

bool AccessLogReader::detect() {
  static constexpr LogFormat kCandidates[] = {LogFormat::kAlb, LogFormat::kJsonLines,
                                              LogFormat::kCombined, LogFormat::kCommon};
  // Lines that fit no format are kept too (up to a bound), so that once the format is known
  // they are reported with that format's reason rather than a generic one.
  const std::size_t max_pending = options_.detect_lines * 5;
  std::array<std::size_t, 4> votes{};
  std::size_t parseable = 0;
  LogRecord scratch;
  std::string reason;
  while (parseable < options_.detect_lines) {
    std::string_view line;
    LineStatus status = next_line(&line);
    if (status == LineStatus::kEnd) break;
    if (status == LineStatus::kTooLong) {
      add_malformed(line_number_, too_long_reason(options_.max_line_bytes));
      continue;
    }
    if (is_blank(line)) continue;
    bool any = false;
    for (std::size_t i = 0; i < votes.size(); ++i) {
      if (parse_log_line(kCandidates[i], line, &scratch, &reason)) {
        ++votes[i];
        any = true;
      }
    }
    if (any) ++parseable;
    if (any || pending_.size() < max_pending) {
      pending_.emplace_back(line_number_, std::string(line));
    } else {
      add_malformed(line_number_, kNoFormat);
    }
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < votes.size(); ++i) {
    if (votes[i] > votes[best]) best = i;
  }
  if (votes[best] == 0) {
    for (const auto& [line, text] : pending_) add_malformed(line, kNoFormat);
    pending_.clear();
    return false;
  }
  format_ = kCandidates[best];
  return true;
}

bool AccessLogReader::next(LogRecord* record) {
  std::string reason;
  if (!detected_) {
    detected_ = true;
    if (format_ == LogFormat::kAuto && !detect()) return false;
  }
  while (!pending_.empty()) {
    auto [line, text] = std::move(pending_.front());
    pending_.pop_front();
    if (parse_log_line(format_, text, record, &reason)) {
      record->line = line;
      ++records_;
      return true;
    }
    add_malformed(line, std::move(reason));
  }
  for (;;) {
    std::string_view line;
    LineStatus status = next_line(&line);
    if (status == LineStatus::kEnd) return false;
    if (status == LineStatus::kTooLong) {
      add_malformed(line_number_, too_long_reason(options_.max_line_bytes));
      continue;
    }
    if (is_blank(line)) continue;
    if (parse_log_line(format_, line, record, &reason)) {
      record->line = line_number_;
      ++records_;
      return true;
    }
    add_malformed(line_number_, std::move(reason));
  }
}

}  // namespace specgate::detail
