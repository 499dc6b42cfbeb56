// `specgate replay`: what a spec would have done with the requests of an access log.
//
// Each record becomes a Request (method and target; the log's few headers; never a body) and is
// validated in exhaustive mode. What a log cannot show is not held against a request:
//
//  - credentials: a 401 is validated again with stand-in credentials for each of the
//    operation's security alternatives (--assume-authenticated, the default), so the rest of the
//    request is still checked; the record counts in auth_assumed. Without the option, or when no
//    alternative can be stood in for, the record is "unverifiable" with reason "unauthorized",
//    never a rejection.
//  - the body: "request body is required" is dropped (body_unverified).
//  - headers and cookies, unless the log holds them all (JSON lines with "headers"): a missing
//    required header or cookie parameter is dropped (headers_unverified).
// A 400 left with no errors after that is a "forward".
//
// The JSON report (replay_report_json), version 1. Keys are always present; strings that come
// from the log are made printable (bytes outside ASCII 0x20-0x7E as %XX):
//
//   {
//     "version": 1,
//     "spec": "clinic.yaml", "log": "alb.log.gz",
//     "format": "alb",            // alb | clf | combined | jsonl | auto (nothing parsed)
//     "compressed": true,         // the log was gzip
//     "assume_authenticated": true,
//     "lines": 12,                // lines read, blank ones included
//     "records": 10,              // lines that were requests
//     "malformed": {"count": 2, "lines": [{"line": 4, "reason": "..."}]},  // the first 100
//     "read_error": null,         // or why the log could not be read to its end
//     "time_range": {"first": "...", "last": "..."},  // as logged; null without records
//     "totals": {"forward": 6, "reject": 3, "unverifiable": 1,
//                "auth_assumed": 5, "body_unverified": 1, "headers_unverified": 0},
//     "rejected_by_reason": {"unknown_route": 2, "method_not_allowed": 1},
//     "unverifiable_by_reason": {"unauthorized": 1},
//     "statuses": {"200": 6, "404": 3, "-": 1},   // status in the log -> records ("-": none)
//     "groups_folded": false,     // true: groups past max_groups were folded into "(other)"
//     "groups": [                 // largest first
//       {"outcome": "reject",     // forward | reject | unverifiable
//        "reason": "unknown_route",  // none | unknown_route | method_not_allowed |
//                                    // invalid_request | unsupported_media_type |
//                                    // body_too_large | unauthorized
//        "method": "GET",
//        "route": null,           // the path template, or null when no route matched
//        "pattern": "/v1/owners/{id}",  // no route: the path with ids collapsed; else null
//        "operation_id": null,
//        "allow": null,           // method_not_allowed: "GET, POST"
//        "count": 2,
//        "statuses": {"404": 2},  // what the upstream answered these requests
//        "auth_assumed": 0, "body_unverified": 0, "headers_unverified": 0,
//        "examples": ["/v1/owners/12"],  // distinct targets; credentials in queries redacted
//        "errors": [{"location": "route", "name": "", "keyword": "route",
//                    "message": "no operation is defined for this path", "count": 2}]}
//     ]
//   }
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "access_log.h"
#include "openapi_spec.h"

namespace specgate::detail {
namespace {

constexpr std::size_t kMaxPatternChars = 200;
constexpr std::size_t kDefaultTop = 20;
// Stand-in credentials: well-formed for their scheme and obviously not real.
constexpr const char* kStandInToken = "specgate-replay";
constexpr const char* kStandInBasic = "Basic c3BlY2dhdGU6cmVwbGF5";  // "specgate:replay"

constexpr const char* kReplayUsage =
    "usage: specgate replay SPEC LOG [--json OUT.json] [--format alb|clf|combined|jsonl|auto]\n"
    "                       [--top N] [--no-assume-authenticated]\n"
    "  what SPEC would have done with each request of an access log (ALB, common, combined or\n"
    "  JSON lines; plain or gzip): totals, and groups by route and reason with the statuses the\n"
    "  upstream answered. 401s are validated again with stand-in credentials unless\n"
    "  --no-assume-authenticated (then counted as unverifiable). Exit 0 when the log was read,\n"
    "  2 for bad usage, an unusable spec or an unreadable log.\n";

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Bytes a terminal or a JSON reader could trip on become %XX.
std::string printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b <= 0x7e) {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string truncated(std::string s, std::size_t max_chars) {
  if (max_chars >= 3 && s.size() > max_chars) {
    s.resize(max_chars - 3);
    s += "...";
  }
  return s;
}

bool all_chars(std::string_view s, int (*pred)(int)) {
  return std::all_of(s.begin(), s.end(),
                     [pred](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

// A segment that names one thing among many: a number, a UUID, a long hex string, anything
// with four digits or more, or a long token with a digit in it.
bool is_id(std::string_view s) {
  if (s.empty()) return false;
  if (all_chars(s, [](int c) { return std::isdigit(c); })) return true;
  bool has_digit = std::any_of(s.begin(), s.end(),
                               [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (s.size() == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-') {
    bool ok = true;
    for (std::size_t i = 0; i < s.size() && ok; ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) continue;
      ok = std::isxdigit(static_cast<unsigned char>(s[i])) != 0;
    }
    if (ok) return true;
  }
  if (s.size() >= 8 && has_digit && all_chars(s, [](int c) { return std::isxdigit(c); }))
    return true;
  // Order numbers and dates ("INV-2024-000123", "2024-03-01"), but not "v1" or "sha256".
  if (std::count_if(s.begin(), s.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) >= 4) {
    return true;
  }
  return s.size() >= 16 && has_digit &&
         all_chars(s, [](int c) { return std::isalnum(c) || c == '-' || c == '_' ? 1 : 0; });
}

// "/v1/owners/12/pets/9.json" -> "/v1/owners/{id}/pets/{id}.json".
std::string collapse_ids(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(i, slash - i);
    std::size_t dot = segment.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && is_id(segment.substr(0, dot))) {
      out += "{id}";
      out.append(segment.substr(dot));
    } else if (is_id(segment)) {
      out += "{id}";
    } else {
      out.append(segment);
    }
    if (slash == path.size()) break;
    out += '/';
    i = slash + 1;
  }
  return truncated(printable(out), kMaxPatternChars);
}

// Query parameters that carry credentials by common convention, beyond the spec's own apiKey
// query parameters. Compared case-insensitively.
constexpr const char* kCredentialQueryNames[] = {
    "access_token", "id_token", "refresh_token", "token",  "api_key",       "apikey",
    "api-key",      "key",      "password",      "secret", "client_secret", "signature"};

class Redactor {
 public:
  explicit Redactor(const CompiledSpec& spec) {
    for (const SecurityScheme& s : spec.schemes) {
      if (s.type == SecurityScheme::Type::kApiKey && s.in == ParamIn::kQuery) {
        names_.push_back(s.key_name);
      }
    }
    for (const char* name : kCredentialQueryNames) names_.emplace_back(name);
  }

  // The target with the values of credential query parameters replaced by "REDACTED".
  std::string redact(std::string_view target) const {
    std::size_t question = target.find('?');
    if (question == std::string_view::npos) return std::string(target);
    std::string out(target.substr(0, question + 1));
    std::string_view query = target.substr(question + 1);
    bool first = true;
    while (true) {
      std::size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      if (!first) out += '&';
      first = false;
      std::size_t eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      if (eq != std::string_view::npos && is_credential(name)) {
        out.append(name);
        out += "=REDACTED";
      } else {
        out.append(pair);
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
    return out;
  }

 private:
  bool is_credential(std::string_view name) const {
    return std::any_of(names_.begin(), names_.end(),
                       [&](const std::string& n) { return iequals(n, name); });
  }
  std::vector<std::string> names_;
};

// Headers and query parameters that satisfy one security alternative in form.
struct StandIn {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string cookie;                    // "name=value; ..." to add to the Cookie header
  std::vector<std::string> query_names;  // apiKey query parameters to add
};

std::optional<StandIn> stand_in_for(const CompiledSpec& spec,
                                    const SecurityRequirement& requirement) {
  StandIn stand_in;
  std::string authorization;
  for (std::uint32_t index : requirement.schemes) {
    const SecurityScheme& scheme = spec.schemes[index];
    std::string wanted;
    switch (scheme.type) {
      case SecurityScheme::Type::kHttp:
        wanted = scheme.http_scheme == "basic"    ? std::string(kStandInBasic)
                 : scheme.http_scheme == "bearer" ? std::string("Bearer ") + kStandInToken
                                                  : scheme.http_scheme + " " + kStandInToken;
        break;
      case SecurityScheme::Type::kOAuth2:
      case SecurityScheme::Type::kOpenIdConnect:
        wanted = std::string("Bearer ") + kStandInToken;
        break;
      case SecurityScheme::Type::kApiKey:
        if (scheme.in == ParamIn::kHeader) {
          stand_in.headers.emplace_back(scheme.key_name, kStandInToken);
        } else if (scheme.in == ParamIn::kCookie) {
          if (!stand_in.cookie.empty()) stand_in.cookie += "; ";
          stand_in.cookie += scheme.key_name + "=" + kStandInToken;
        } else {
          stand_in.query_names.push_back(scheme.key_name);
        }
        break;
      case SecurityScheme::Type::kMutualTls:
        break;
    }
    if (wanted.empty()) continue;
    // One Authorization header cannot hold two different schemes.
    if (!authorization.empty() && authorization != wanted) return std::nullopt;
    authorization = wanted;
  }
  if (!authorization.empty()) stand_in.headers.emplace_back("Authorization", authorization);
  return stand_in;
}

// What one validation said, copied out of the validator's result.
struct Verdict {
  int status = 200;
  Reason reason = Reason::kNone;
  std::string_view route;
  std::string_view method;
  std::string_view operation_id;
  std::string allow;
  std::vector<RequestError> errors;
  bool auth_assumed = false;
  bool body_unverified = false;
  bool headers_unverified = false;
};

void take(const RequestResult& result, Verdict* verdict) {
  verdict->status = result.status;
  verdict->reason = result.reason;
  verdict->route = result.route;
  verdict->method = result.method;
  verdict->operation_id = result.operation_id;
  verdict->allow.clear();
  for (std::string_view m : result.allow) {
    if (!verdict->allow.empty()) verdict->allow += ", ";
    verdict->allow.append(m);
  }
  verdict->errors = result.errors;
}

struct GroupAccumulator {
  ReplayGroup group;
  std::unordered_map<std::string, std::size_t> error_index;  // key -> index in group.errors
};

std::string error_key(const RequestError& e) {
  std::string key(location_name(e.location));
  key += '\x1f';
  key += e.name;
  key += '\x1f';
  key += e.keyword;
  key += '\x1f';
  key += e.message;
  return key;
}

class Replayer {
 public:
  Replayer(const Spec& spec, const ReplayOptions& options)
      : spec_(spec), compiled_(spec.compiled()), options_(options), redactor_(compiled_) {
    request_options_.mode = Mode::kExhaustive;
    for (std::size_t i = 0; i < compiled_.operations.size(); ++i) {
      const CompiledOperation& op = compiled_.operations[i];
      operations_[op.path + " " + op.method] = i;
    }
    validator_ = RequestValidator(request_options_);
  }

  void add(const LogRecord& record, ReplayReport* report) {
    Verdict verdict;
    validate(record, &verdict);
    ReplayOutcome outcome;
    std::string reason;
    if (verdict.status == 200) {
      outcome = ReplayOutcome::kForward;
      reason = "none";
    } else if (verdict.status == 401) {
      outcome = ReplayOutcome::kUnverifiable;
      reason = std::string(reason_name(verdict.reason));
    } else {
      outcome = ReplayOutcome::kReject;
      reason = std::string(reason_name(verdict.reason));
    }

    switch (outcome) {
      case ReplayOutcome::kForward:
        ++report->forward;
        break;
      case ReplayOutcome::kReject:
        ++report->reject;
        ++report->rejected_by_reason[reason];
        break;
      case ReplayOutcome::kUnverifiable:
        ++report->unverifiable;
        ++report->unverifiable_by_reason[reason];
        break;
    }
    if (verdict.auth_assumed) ++report->auth_assumed;
    if (verdict.body_unverified) ++report->body_unverified;
    if (verdict.headers_unverified) ++report->headers_unverified;
    ++report->statuses[record.status];
    if (report->records == 0) report->first_timestamp = printable(record.timestamp);
    report->last_timestamp = printable(record.timestamp);
    ++report->records;

    std::string method = upper(record.method);
    std::string route(verdict.route);
    std::string pattern;
    if (route.empty()) {
      std::string_view path(record.target);
      pattern = collapse_ids(path.substr(0, path.find('?')));
    }
    std::string key = std::string(replay_outcome_name(outcome)) + '\x1f' + reason + '\x1f' +
                      method + '\x1f' + route + '\x1f' + pattern;
    auto found = index_.find(key);
    GroupAccumulator* acc;
    if (found != index_.end()) {
      acc = &groups_[found->second];
    } else if (groups_.size() < options_.max_groups) {
      index_.emplace(std::move(key), groups_.size());
      acc = &groups_.emplace_back();
      acc->group.outcome = outcome;
      acc->group.reason = reason;
      acc->group.method = printable(method);
      acc->group.route = printable(route);
      acc->group.pattern = pattern;
      acc->group.operation_id = printable(verdict.operation_id);
      acc->group.allow = verdict.allow;
    } else {
      // Past the limit: one "(other)" group per outcome and reason keeps memory bounded.
      report->groups_folded = true;
      std::string other = std::string(replay_outcome_name(outcome)) + '\x1f' + reason + "\x1f*";
      auto it = index_.find(other);
      if (it == index_.end()) {
        it = index_.emplace(std::move(other), groups_.size()).first;
        GroupAccumulator& g = groups_.emplace_back();
        g.group.outcome = outcome;
        g.group.reason = reason;
        g.group.method = "*";
        g.group.pattern = "(other)";
      }
      acc = &groups_[it->second];
    }
    ReplayGroup& group = acc->group;
    ++group.count;
    ++group.statuses[record.status];
    if (verdict.auth_assumed) ++group.auth_assumed;
    if (verdict.body_unverified) ++group.body_unverified;
    if (verdict.headers_unverified) ++group.headers_unverified;
    if (group.examples.size() < options_.examples_per_group) {
      std::string example =
          truncated(printable(redactor_.redact(record.target)), options_.max_example_chars);
      if (std::find(group.examples.begin(), group.examples.end(), example) ==
          group.examples.end()) {
        group.examples.push_back(std::move(example));
      }
    }
    for (const RequestError& e : verdict.errors) {
      std::string ekey = error_key(e);
      auto it = acc->error_index.find(ekey);
      if (it == acc->error_index.end()) {
        if (acc->error_index.size() >= options_.max_error_kinds) {
          ekey = "(other)";
          it = acc->error_index.find(ekey);
        }
        if (it == acc->error_index.end()) {
          it = acc->error_index.emplace(ekey, group.errors.size()).first;
          ReplayErrorCount& count = group.errors.emplace_back();
          if (ekey == "(other)") {
            count.message = "(other errors)";
          } else {
            count.location = std::string(location_name(e.location));
            count.name = printable(e.name);
            count.keyword = printable(e.keyword);
            count.message = printable(e.message);
          }
        }
      }
      ++group.errors[it->second].count;
    }
  }

  void finish(ReplayReport* report) {
    report->groups.reserve(groups_.size());
    for (GroupAccumulator& acc : groups_) {
      ReplayGroup& g = acc.group;
      std::stable_sort(
          g.errors.begin(), g.errors.end(),
          [](const ReplayErrorCount& a, const ReplayErrorCount& b) { return a.count > b.count; });
      if (g.errors.size() > options_.errors_per_group) g.errors.resize(options_.errors_per_group);
      report->groups.push_back(std::move(g));
    }
    std::sort(report->groups.begin(), report->groups.end(),
              [](const ReplayGroup& a, const ReplayGroup& b) {
                if (a.count != b.count) return a.count > b.count;
                if (a.outcome != b.outcome) return a.outcome > b.outcome;  // rejections first
                return std::tie(a.reason, a.route, a.pattern, a.method) <
                       std::tie(b.reason, b.route, b.pattern, b.method);
              });
  }

 private:
  void run(const LogRecord& record, std::string_view target, const StandIn* stand_in,
           Verdict* verdict) {
    headers_.clear();
    cookie_.clear();
    for (const LogHeader& h : record.headers) {
      if (stand_in) {
        bool replaced = std::any_of(
            stand_in->headers.begin(), stand_in->headers.end(),
            [&](const std::pair<std::string, std::string>& s) { return iequals(s.first, h.name); });
        if (replaced) continue;
        if (!stand_in->cookie.empty() && iequals(h.name, "cookie")) {
          if (!cookie_.empty()) cookie_ += "; ";
          cookie_ += h.value;
          continue;
        }
      }
      headers_.push_back({h.name, h.value});
    }
    if (stand_in) {
      for (const auto& [name, value] : stand_in->headers) headers_.push_back({name, value});
      if (!stand_in->cookie.empty()) {
        if (!cookie_.empty()) cookie_ += "; ";
        cookie_ += stand_in->cookie;
        headers_.push_back({"Cookie", cookie_});
      }
    }
    Request request;
    request.method = record.method;
    request.target = target;
    request.headers = headers_.data();
    request.header_count = headers_.size();
    take(validator_.validate(spec_, request), verdict);
  }

  void validate(const LogRecord& record, Verdict* verdict) {
    run(record, record.target, nullptr, verdict);
    std::vector<std::string> stand_in_queries;
    if (verdict->status == 401 && options_.assume_authenticated) {
      auto op = operations_.find(std::string(verdict->route) + " " + std::string(verdict->method));
      if (op != operations_.end()) {
        const CompiledOperation& operation = compiled_.operations[op->second];
        // Alternatives that leave the query alone first: an added query parameter can trip
        // checks of its own.
        std::vector<StandIn> stand_ins;
        for (const SecurityRequirement& requirement : operation.security) {
          if (std::optional<StandIn> s = stand_in_for(compiled_, requirement)) {
            stand_ins.push_back(std::move(*s));
          }
        }
        std::stable_sort(stand_ins.begin(), stand_ins.end(),
                         [](const StandIn& a, const StandIn& b) {
                           return a.query_names.size() < b.query_names.size();
                         });
        for (const StandIn& s : stand_ins) {
          std::string target = record.target;
          for (const std::string& name : s.query_names) {
            target += target.find('?') == std::string::npos ? '?' : '&';
            target += name + "=" + kStandInToken;
          }
          Verdict retry;
          run(record, target, &s, &retry);
          if (retry.status != 401) {
            *verdict = std::move(retry);
            verdict->auth_assumed = true;
            stand_in_queries = s.query_names;
            break;
          }
        }
      }
    }
    if (verdict->status != 400) return;
    // Drop what the log cannot show; what is left is held against the request.
    auto& errors = verdict->errors;
    errors.erase(
        std::remove_if(errors.begin(), errors.end(),
                       [&](const RequestError& e) {
                         if (e.location == Location::kBody && e.keyword == "required") {
                           verdict->body_unverified = true;
                           return true;
                         }
                         if (!record.headers_complete && e.keyword == "required" &&
                             (e.location == Location::kHeader || e.location == Location::kCookie)) {
                           verdict->headers_unverified = true;
                           return true;
                         }
                         return e.location == Location::kQuery &&
                                std::find(stand_in_queries.begin(), stand_in_queries.end(),
                                          e.name) != stand_in_queries.end();
                       }),
        errors.end());
    if (errors.empty()) {
      verdict->status = 200;
      verdict->reason = Reason::kNone;
    }
  }

  const Spec& spec_;
  const CompiledSpec& compiled_;
  ReplayOptions options_;
  RequestOptions request_options_;
  RequestValidator validator_;
  Redactor redactor_;
  std::unordered_map<std::string, std::size_t> operations_;  // "template method" -> index
  std::vector<Header> headers_;
  std::string cookie_;
  std::vector<GroupAccumulator> groups_;
  std::unordered_map<std::string, std::size_t> index_;
};

std::string percent(std::size_t part, std::size_t whole) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buffer;
}

std::string status_key(int status) { return status == 0 ? "-" : std::to_string(status); }

std::string statuses_text(const std::map<int, std::size_t>& statuses) {
  std::vector<std::pair<int, std::size_t>> sorted(statuses.begin(), statuses.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [status, count] : sorted) {
    if (!out.empty()) out += ' ';
    out += status_key(status) + ":" + std::to_string(count);
  }
  return out;
}

std::string reasons_text(const std::map<std::string, std::size_t>& reasons) {
  std::vector<std::pair<std::string, std::size_t>> sorted(reasons.begin(), reasons.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [reason, count] : sorted) {
    if (!out.empty()) out += ", ";
    out += reason + " " + std::to_string(count);
  }
  return out;
}

std::string route_text(const ReplayGroup& g) {
  if (!g.route.empty()) return g.route;
  return "(no route) " + g.pattern;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string pad_left(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_string_or_null(JsonWriter& w, std::string_view s) {
  if (s.empty()) {
    w.Null();
  } else {
    write_string(w, s);
  }
}

void write_count(JsonWriter& w, std::string_view key, std::size_t value) {
  write_string(w, key);
  w.Uint64(value);
}

void write_statuses(JsonWriter& w, const std::map<int, std::size_t>& statuses) {
  w.StartObject();
  for (const auto& [status, count] : statuses) write_count(w, status_key(status), count);
  w.EndObject();
}

void write_reasons(JsonWriter& w, const std::map<std::string, std::size_t>& reasons) {
  w.StartObject();
  for (const auto& [reason, count] : reasons) write_count(w, reason, count);
  w.EndObject();
}

void print_problems(const std::string& path, const SpecError& error, std::ostream& err) {
  for (const Problem& p : error.problems()) {
    err << path;
    if (p.line) err << ":" << p.line << ":" << p.column;
    err << ": " << (p.pointer.empty() ? "(document)" : p.pointer) << ": " << p.message << "\n";
  }
}

int usage(std::ostream& err, const std::string& message) {
  err << "specgate: " << message << "\n" << kReplayUsage;
  return 2;
}

}  // namespace

std::string_view replay_outcome_name(ReplayOutcome outcome) {
  switch (outcome) {
    case ReplayOutcome::kForward:
      return "forward";
    case ReplayOutcome::kReject:
      return "reject";
    case ReplayOutcome::kUnverifiable:
      return "unverifiable";
  }
  return "forward";
}

ReplayReport replay_log(const Spec& spec, AccessLogReader& reader, const ReplayOptions& options) {
  ReplayReport report;
  report.assume_authenticated = options.assume_authenticated;
  Replayer replayer(spec, options);
  LogRecord record;
  while (reader.next(&record)) replayer.add(record, &report);
  replayer.finish(&report);
  report.format = reader.format();
  report.compressed = reader.compressed();
  report.lines = reader.lines();
  report.malformed_count = reader.malformed_count();
  report.malformed = reader.malformed();
  report.read_error = reader.error();
  return report;
}

std::string replay_report_json(const ReplayReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  write_string(w, "version");
  w.Int(1);
  write_string(w, "spec");
  write_string(w, printable(report.spec_path));
  write_string(w, "log");
  write_string(w, printable(report.log_path));
  write_string(w, "format");
  write_string(w, log_format_name(report.format));
  write_string(w, "compressed");
  w.Bool(report.compressed);
  write_string(w, "assume_authenticated");
  w.Bool(report.assume_authenticated);
  write_count(w, "lines", report.lines);
  write_count(w, "records", report.records);

  write_string(w, "malformed");
  w.StartObject();
  write_count(w, "count", report.malformed_count);
  write_string(w, "lines");
  w.StartArray();
  for (const MalformedLine& m : report.malformed) {
    w.StartObject();
    write_count(w, "line", m.line);
    write_string(w, "reason");
    write_string(w, printable(m.reason));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  write_string(w, "read_error");
  write_string_or_null(w, printable(report.read_error));
  write_string(w, "time_range");
  if (report.records == 0) {
    w.Null();
  } else {
    w.StartObject();
    write_string(w, "first");
    write_string(w, report.first_timestamp);
    write_string(w, "last");
    write_string(w, report.last_timestamp);
    w.EndObject();
  }

  write_string(w, "totals");
  w.StartObject();
  write_count(w, "forward", report.forward);
  write_count(w, "reject", report.reject);
  write_count(w, "unverifiable", report.unverifiable);
  write_count(w, "auth_assumed", report.auth_assumed);
  write_count(w, "body_unverified", report.body_unverified);
  write_count(w, "headers_unverified", report.headers_unverified);
  w.EndObject();
  write_string(w, "rejected_by_reason");
  write_reasons(w, report.rejected_by_reason);
  write_string(w, "unverifiable_by_reason");
  write_reasons(w, report.unverifiable_by_reason);
  write_string(w, "statuses");
  write_statuses(w, report.statuses);
  write_string(w, "groups_folded");
  w.Bool(report.groups_folded);

  write_string(w, "groups");
  w.StartArray();
  for (const ReplayGroup& g : report.groups) {
    w.StartObject();
    write_string(w, "outcome");
    write_string(w, replay_outcome_name(g.outcome));
    write_string(w, "reason");
    write_string(w, g.reason);
    write_string(w, "method");
    write_string(w, g.method);
    write_string(w, "route");
    write_string_or_null(w, g.route);
    write_string(w, "pattern");
    write_string_or_null(w, g.route.empty() ? g.pattern : std::string());
    write_string(w, "operation_id");
    write_string_or_null(w, g.operation_id);
    write_string(w, "allow");
    write_string_or_null(w, g.allow);
    write_count(w, "count", g.count);
    write_string(w, "statuses");
    write_statuses(w, g.statuses);
    write_count(w, "auth_assumed", g.auth_assumed);
    write_count(w, "body_unverified", g.body_unverified);
    write_count(w, "headers_unverified", g.headers_unverified);
    write_string(w, "examples");
    w.StartArray();
    for (const std::string& e : g.examples) write_string(w, e);
    w.EndArray();
    write_string(w, "errors");
    w.StartArray();
    for (const ReplayErrorCount& e : g.errors) {
      w.StartObject();
      write_string(w, "location");
      write_string(w, e.location);
      write_string(w, "name");
      write_string(w, e.name);
      write_string(w, "keyword");
      write_string(w, e.keyword);
      write_string(w, "message");
      write_string(w, e.message);
      write_count(w, "count", e.count);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string out(buffer.GetString(), buffer.GetSize());
  out += '\n';
  return out;
}

std::string replay_report_text(const ReplayReport& report, std::size_t top) {
  std::ostringstream out;
  const std::size_t total = report.records;
  out << "specgate replay: " << total << " request" << (total == 1 ? "" : "s") << " from "
      << printable(report.log_path) << " (" << log_format_name(report.format)
      << (report.compressed ? ", gzip" : "") << ") against " << printable(report.spec_path) << "\n";
  out << "  lines " << report.lines << ", malformed " << report.malformed_count;
  if (total > 0) {
    out << ", time " << report.first_timestamp << " .. " << report.last_timestamp;
  }
  out << "\n";

  // The assumptions behind the forwards (the JSON totals count them over every record).
  std::size_t auth_assumed = 0, body_unverified = 0, headers_unverified = 0;
  for (const ReplayGroup& g : report.groups) {
    if (g.outcome != ReplayOutcome::kForward) continue;
    auth_assumed += g.auth_assumed;
    body_unverified += g.body_unverified;
    headers_unverified += g.headers_unverified;
  }
  std::vector<std::string> notes;
  if (auth_assumed > 0) notes.push_back(std::to_string(auth_assumed) + " with credentials assumed");
  if (body_unverified > 0) {
    notes.push_back(std::to_string(body_unverified) + " without the body to check");
  }
  if (headers_unverified > 0) {
    notes.push_back(std::to_string(headers_unverified) + " without the headers to check");
  }
  std::string forward_note;
  for (const std::string& n : notes) forward_note += (forward_note.empty() ? "" : ", ") + n;
  auto line = [&](const char* label, std::size_t count, const std::string& detail) {
    out << "  " << pad(label, 14) << pad_left(std::to_string(count), 8) << "  "
        << pad_left(percent(count, total), 6);
    if (!detail.empty()) out << "  " << detail;
    out << "\n";
  };
  line("would forward", report.forward, forward_note.empty() ? "" : "(" + forward_note + ")");
  line("would reject", report.reject, reasons_text(report.rejected_by_reason));
  line("unverifiable", report.unverifiable,
       report.unverifiable == 0
           ? std::string()
           : reasons_text(report.unverifiable_by_reason) + " (credentials are not in a log)");
  if (!report.read_error.empty()) out << "  read error: " << printable(report.read_error) << "\n";

  if (!report.groups.empty()) {
    std::size_t shown = std::min(top, report.groups.size());
    out << "\n";
    if (shown < report.groups.size()) {
      out << "Top " << shown << " of " << report.groups.size() << " groups by count";
    } else {
      out << report.groups.size() << " group" << (report.groups.size() == 1 ? "" : "s")
          << " by count";
    }
    if (report.groups_folded) out << " (smaller groups folded into \"(other)\")";
    out << ":\n";
    constexpr std::size_t kMaxRoute = 48;
    constexpr std::size_t kMaxStatuses = 24;
    std::size_t w_count = 5, w_reason = 6, w_method = 6, w_route = 5, w_status = 8;
    for (std::size_t i = 0; i < shown; ++i) {
      const ReplayGroup& g = report.groups[i];
      w_count = std::max(w_count, std::to_string(g.count).size());
      w_reason = std::max(w_reason, g.reason.size());
      w_method = std::max(w_method, g.method.size());
      w_route = std::max(w_route, std::min(kMaxRoute, route_text(g).size()));
      w_status = std::max(w_status, std::min(kMaxStatuses, statuses_text(g.statuses).size()));
    }
    out << "  " << pad_left("COUNT", w_count) << "  " << pad_left("SHARE", 6) << "  "
        << pad("OUTCOME", 12) << "  " << pad("REASON", w_reason) << "  " << pad("METHOD", w_method)
        << "  " << pad("ROUTE", w_route) << "  " << pad("LOGGED:N", w_status) << "  EXAMPLE\n";
    for (std::size_t i = 0; i < shown; ++i) {
      const ReplayGroup& g = report.groups[i];
      std::string example = g.examples.empty() ? "" : g.examples.front();
      out << "  " << pad_left(std::to_string(g.count), w_count) << "  "
          << pad_left(percent(g.count, total), 6) << "  "
          << pad(std::string(replay_outcome_name(g.outcome)), 12) << "  "
          << pad(g.reason == "none" ? "-" : g.reason, w_reason) << "  " << pad(g.method, w_method)
          << "  " << pad(truncated(route_text(g), kMaxRoute), w_route) << "  "
          << pad(truncated(statuses_text(g.statuses), kMaxStatuses), w_status) << "  " << example
          << "\n";
      const std::string indent(2 + w_count + 2 + 6 + 2, ' ');
      if (!g.allow.empty()) out << indent << "allowed: " << g.allow << "\n";
      if (g.outcome == ReplayOutcome::kReject && g.reason == "invalid_request") {
        for (std::size_t k = 0; k < g.errors.size() && k < 3; ++k) {
          const ReplayErrorCount& e = g.errors[k];
          out << indent << "- " << e.location;
          if (!e.name.empty()) out << " \"" << e.name << "\"";
          if (!e.keyword.empty()) out << " [" << e.keyword << "]";
          out << ": " << e.message << " (x" << e.count << ")\n";
        }
      }
      if (g.body_unverified || g.headers_unverified) {
        out << indent << "unchecked (not in the log):";
        if (g.body_unverified) out << " body x" << g.body_unverified;
        if (g.body_unverified && g.headers_unverified) out << ",";
        if (g.headers_unverified) out << " required headers x" << g.headers_unverified;
        out << "\n";
      }
    }
  }

  if (report.malformed_count > 0) {
    out << "\nMalformed lines (" << report.malformed_count << "):\n";
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < report.malformed.size() && i < kShown; ++i) {
      out << "  line " << report.malformed[i].line << ": " << printable(report.malformed[i].reason)
          << "\n";
    }
    if (report.malformed_count > kShown) {
      out << "  ... and " << (report.malformed_count - kShown) << " more\n";
    }
  }
  return out.str();
}

int replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string spec_path;
  std::string log_path;
  std::string json_path;
  std::size_t top = kDefaultTop;
  AccessLogOptions log_options;
  ReplayOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (arg == "--json") {
      const std::string* v = value();
      if (!v || v->empty()) return usage(err, "--json needs a file name");
      json_path = *v;
    } else if (arg == "--format") {
      const std::string* v = value();
      if (!v || !parse_log_format(*v, &log_options.format)) {
        return usage(err, "--format needs one of alb, clf, combined, jsonl, auto");
      }
    } else if (arg == "--top") {
      const std::string* v = value();
      if (!v || v->empty() ||
          !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          v->size() > 9) {
        return usage(err, "--top needs a number");
      }
      top = static_cast<std::size_t>(std::stoul(*v));
    } else if (arg == "--assume-authenticated") {
      options.assume_authenticated = true;
    } else if (arg == "--no-assume-authenticated") {
      options.assume_authenticated = false;
    } else if (arg == "-h" || arg == "--help") {
      out << kReplayUsage;
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usage(err, "unknown option " + arg);
    } else if (spec_path.empty()) {
      spec_path = arg;
    } else if (log_path.empty()) {
      log_path = arg;
    } else {
      return usage(err, "unexpected argument " + arg);
    }
  }
  if (spec_path.empty() || log_path.empty()) return usage(err, "replay needs a SPEC and a LOG");

  std::optional<Spec> spec;
  try {
    spec = Spec::load_file(spec_path);
  } catch (const SpecError& error) {
    print_problems(spec_path, error, err);
    err << "specgate: " << spec_path << ": " << error.problems().size() << " problem"
        << (error.problems().size() == 1 ? "" : "s") << "\n";
    return 2;
  } catch (const std::exception& error) {
    err << "specgate: " << spec_path << ": " << error.what() << "\n";
    return 2;
  }

  std::string error;
  std::unique_ptr<AccessLogReader> reader = AccessLogReader::open(log_path, log_options, &error);
  if (!reader) {
    err << "specgate: " << printable(error) << "\n";
    return 2;
  }
  ReplayReport report = replay_log(*spec, *reader, options);
  report.spec_path = spec_path;
  report.log_path = log_path;
  out << replay_report_text(report, top);

  int status = 0;
  if (!json_path.empty()) {
    std::ofstream file(json_path, std::ios::binary | std::ios::trunc);
    file << replay_report_json(report);
    file.close();
    if (!file) {
      err << "specgate: cannot write \"" << printable(json_path) << "\"\n";
      status = 2;
    }
  }
  if (!report.read_error.empty()) {
    err << "specgate: " << printable(log_path) << ": " << report.read_error << " (after line "
        << report.lines << ")\n";
    status = 2;
  } else if (report.records == 0 && report.malformed_count > 0) {
    err << "specgate: " << printable(log_path) << ": no line is "
        << (log_options.format == LogFormat::kAuto
                ? std::string("in a known log format")
                : "a " + std::string(log_format_name(log_options.format)) + " log entry")
        << "\n";
    status = 2;
  }
  return status;
}

}  // namespace specgate::detail
