// Concurrency: compiled Specs and Schemas shared by many threads, each with its own
// validator, while another thread swaps in newly compiled Specs.
//
// The swap is the pattern a gateway uses for hot reload in C++17: a std::shared_ptr<const
// Spec> published with std::atomic_store and read with std::atomic_load (C++20 would use
// std::atomic<std::shared_ptr<>>). A reader keeps the Spec it loaded alive for as long as it
// uses it, and every answer must be the right one for that Spec.
//
// Meant to run under ThreadSanitizer too:
//   cmake -S . -B build-tsan -DSPECGATE_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo
//   cmake --build build-tsan --target concurrency_test && build-tsan/tests/concurrency_test
#include <gtest/gtest.h>
#include <specgate/json_schema.h>
#include <specgate/openapi.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace specgate {
namespace {

// Two versions of one API that answer the same requests differently, so a result tells
// which version produced it.
//   version 1: GET /items/{id} is operation "getItemV1", id an integer <= 100;
//              POST /items takes {"name": string}.
//   version 2: GET /items/{id} is operation "getItemV2", id a lower-case word;
//              POST /items takes {"name": string, "price": number} (price required).
std::string spec_text(int version) {
  std::string id_schema = version == 1 ? R"({"type": "integer", "maximum": 100})"
                                       : R"({"type": "string", "pattern": "^[a-z]+$"})";
  std::string required = version == 1 ? R"(["name"])" : R"(["name", "price"])";
  return R"({"openapi": "3.0.3", "info": {"title": "items", "version": ")" +
         std::to_string(version) + R"("},
    "paths": {
      "/items/{id}": {"get": {"operationId": "getItemV)" + std::to_string(version) + R"(",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": )" + id_schema +
         R"(}],
        "responses": {"200": {"description": "ok"}}}},
      "/items": {"post": {"operationId": "createItem", "requestBody": {"required": true,
        "content": {"application/json": {"schema": {"type": "object", "required": )" +
         required + R"(, "properties": {"name": {"type": "string", "minLength": 1},
        "price": {"type": "number", "minimum": 0}}}}}},
        "responses": {"201": {"description": "created"}}}}}})";
}

struct Versioned {
  int version;
  Spec spec;
};

std::shared_ptr<const Versioned> compile_version(int version) {
  return std::make_shared<const Versioned>(Versioned{version, Spec::load(spec_text(version))});
}

const Header kJson[] = {{"Content-Type", "application/json"}};

Request get_item(std::string_view target) {
  Request request;
  request.method = "GET";
  request.target = target;
  return request;
}

Request post_item(std::string_view body) {
  Request request;
  request.method = "POST";
  request.target = "/items";
  request.headers = kJson;
  request.header_count = 1;
  request.body = body;
  request.has_body = true;
  return request;
}

// Validates the requests whose answers differ between versions; returns the number of
// answers that were wrong for `version`.
int check_one_round(RequestValidator& validator, const Versioned& current) {
  int wrong = 0;
  const bool v1 = current.version == 1;
  const RequestResult& numeric = validator.validate(current.spec, get_item("/items/42"));
  if (numeric.status != (v1 ? 200 : 400)) ++wrong;
  if (numeric.operation_id != (v1 ? "getItemV1" : "getItemV2")) ++wrong;
  const RequestResult& word = validator.validate(current.spec, get_item("/items/abc"));
  if (word.status != (v1 ? 400 : 200)) ++wrong;
  const RequestResult& big = validator.validate(current.spec, get_item("/items/101"));
  if (big.status != 400) ++wrong;  // over the maximum in v1, not a word in v2
  const RequestResult& no_price = validator.validate(current.spec, post_item(R"({"name": "x"})"));
  if (no_price.status != (v1 ? 200 : 400)) ++wrong;
  const RequestResult& priced =
      validator.validate(current.spec, post_item(R"({"name": "x", "price": 3.5})"));
  if (priced.status != 200) ++wrong;
  const RequestResult& unknown = validator.validate(current.spec, get_item("/nothing"));
  if (unknown.status != 404) ++wrong;
  return wrong;
}

TEST(Concurrency, ReadersSeeAConsistentSpecWhileAWriterSwapsIt) {
  constexpr int kReaders = 6;
  constexpr int kSwaps = 60;
  std::shared_ptr<const Versioned> published = compile_version(1);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> rounds{0};
  std::atomic<int> seen_versions{0};  // bit (version - 1) set when some reader saw it

  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      RequestValidator validator;  // one per thread
      // At least a few rounds even when the writer finishes first.
      for (int i = 0; i < 20 || !done.load(std::memory_order_acquire); ++i) {
        std::shared_ptr<const Versioned> current = std::atomic_load(&published);
        seen_versions.fetch_or(1 << (current->version - 1));
        wrong += check_one_round(validator, *current);
        ++rounds;
      }
    });
  }
  std::thread writer([&] {
    for (int i = 0; i < kSwaps; ++i) {
      // A newly compiled Spec each time, not a cached one: compiling runs concurrently with
      // validation against the previous Spec.
      std::atomic_store(&published, compile_version(i % 2 == 0 ? 2 : 1));
      std::this_thread::yield();
    }
    done.store(true, std::memory_order_release);
  });
  writer.join();
  for (std::thread& t : readers) t.join();

  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(rounds.load(), kReaders * 20);
  EXPECT_EQ(seen_versions.load() & 1, 1);  // version 1 was live at the start
}

TEST(Concurrency, OneSpecManyThreadsExhaustiveMode) {
  const Spec spec = Spec::load(spec_text(2));
  constexpr int kThreads = 8;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&spec, &wrong, t] {
      RequestOptions options;
      options.mode = Mode::kExhaustive;
      RequestValidator validator(options);
      // Each thread its own copy of the Spec handle some of the time: copies share state.
      Spec copy = spec;
      const Spec& use = t % 2 == 0 ? spec : copy;
      for (int i = 0; i < 300; ++i) {
        const RequestResult& r =
            validator.validate(use, post_item(R"({"name": "", "price": -1})"));
        if (r.status != 400 || r.errors.size() != 2) ++wrong;
        (void)r.json();
        (void)r.problem_json();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Concurrency, SharedSchemaWithPerThreadAndThreadLocalValidators) {
  const Schema schema = Schema::compile(R"({
    "$defs": {"node": {"type": "object", "required": ["v"],
      "properties": {"v": {"type": "integer", "multipleOf": 3},
                     "tag": {"type": "string", "pattern": "^[a-z]{2,8}$", "format": "hostname"},
                     "kids": {"type": "array", "items": {"$ref": "#/$defs/node"},
                              "uniqueItems": true}},
      "unevaluatedProperties": false}},
    "$ref": "#/$defs/node"})");
  constexpr int kThreads = 8;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&schema, &wrong, t] {
      Validator own({t % 2 == 0 ? Mode::kFast : Mode::kExhaustive});
      for (int i = 0; i < 500; ++i) {
        bool valid = own.validate_json(
            schema, R"({"v": 3, "tag": "ab", "kids": [{"v": 6}, {"v": 9, "kids": []}]})");
        bool invalid = own.validate_json(schema, R"({"v": 3, "kids": [{"v": 6}, {"v": 6}]})");
        // Schema::is_valid* uses a thread_local Validator.
        bool local_valid = schema.is_valid_json(R"({"v": 0})");
        bool local_invalid = schema.is_valid_json(R"({"v": 1, "extra": true})");
        if (!valid || invalid || !local_valid || local_invalid) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Concurrency, ValidatorsMayMoveBetweenThreads) {
  // A validator is not for concurrent use, but it may be created in one thread, used in
  // another, and destroyed in a third (its scratch blocks are recycled per thread).
  const Spec spec = Spec::load(spec_text(1));
  std::vector<RequestValidator> validators(4);
  std::atomic<int> wrong{0};
  for (int round = 0; round < 3; ++round) {
    std::vector<std::thread> threads;
    for (RequestValidator& validator : validators) {
      threads.emplace_back([&spec, &validator, &wrong] {
        std::string body = R"({"name": ")" + std::string(5000, 'n') + R"("})";
        for (int i = 0; i < 50; ++i) {
          if (validator.validate(spec, post_item(body)).status != 200) ++wrong;
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }
  std::thread destroyer([&validators] { validators.clear(); });
  destroyer.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace specgate
