// Internal: the evaluator behind specgate::Validator.
#ifndef SPECGATE_SRC_SCHEMA_VALIDATOR_H_
#define SPECGATE_SRC_SCHEMA_VALIDATOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "schema_program.h"

namespace specgate::detail {

// Per-thread evaluation state, reused across calls so that steady-state validation does not
// allocate. Not thread-safe.
class Evaluator {
 public:
  bool run(const Program& program, NodeId root, const rapidjson::Value& instance,
           const ValidateOptions& options, std::vector<ValidationError>* errors);

 private:
  // One step of the instance path: a member name (key != nullptr) or an array index.
  struct PathEntry {
    const char* key;
    std::uint32_t length;
    std::uint32_t index;
  };
  // Which members/items of the current instance some keyword has evaluated (for
  // unevaluatedProperties/unevaluatedItems): a bit set stored in arena_.
  struct Annotations {
    std::size_t offset = 0;
    std::uint32_t bits = 0;
  };

  bool eval(NodeId id, const rapidjson::Value& v, Annotations* annotations);
  bool exec(const Instr& in, const Node& node, const rapidjson::Value& v, Annotations* ann);
  bool alternatives(const Instr& in, const rapidjson::Value& v, Annotations* ann);
  bool follow(const Instr& in, NodeId target, const rapidjson::Value& v, Annotations* ann);
  bool discriminate(const Instr& in, const rapidjson::Value& v, Annotations* ann);
  bool content(const Instr& in, const rapidjson::Value& v);
  bool check_type(const Instr& in, const rapidjson::Value& v);
  bool unique_items(const Instr& in, const rapidjson::Value& v);
  bool member_allowed(const Instr& in, NodeId schema, const rapidjson::Value::Member& m);
  bool enter(const Instr& in, const char* key, std::uint32_t length, std::uint32_t index);

  // Inside not/if/contains (and anyOf/oneOf in fast mode) failures are tentative: nothing is
  // recorded and evaluation may stop at the first failure.
  bool stop_early() const { return fast_ || quiet_ > 0; }
  // Whether a failure now would be recorded: messages are only built when it would.
  bool recording() const {
    return quiet_ == 0 && !(fast_ && !errors_->empty()) && errors_->size() < max_errors_;
  }
  template <typename MakeMessage>
  void fail(const Instr& instr, MakeMessage&& make_message) {
    if (recording()) record(instr, make_message());
  }
  void record(const Instr& instr, std::string message);
  std::string instance_pointer() const;

  Annotations new_annotations(const rapidjson::Value& v);
  void mark(Annotations* a, std::uint32_t i);
  bool marked(const Annotations* a, std::uint32_t i) const;
  void merge(Annotations* into, const Annotations& from);

  const Program* program_ = nullptr;
  std::vector<ValidationError>* errors_ = nullptr;
  bool fast_ = true;
  Direction direction_ = Direction::kNone;
  std::size_t max_depth_ = 0;
  std::size_t max_errors_ = 0;
  std::size_t frame_limit_ = 0;
  std::size_t frames_ = 0;
  int quiet_ = 0;
  std::vector<PathEntry> path_;
  std::vector<std::uint32_t> scope_;  // dynamic scope: schema resources entered
  // References being followed, innermost last: (target, instance). Those for the current
  // instance are a suffix (descending into a child pushes entries for the child only).
  std::vector<std::pair<NodeId, const rapidjson::Value*>> refs_;
  std::vector<std::uint64_t> arena_;  // annotation bit sets, stack discipline
  std::vector<std::pair<std::uint64_t, rapidjson::SizeType>> hashes_;  // uniqueItems scratch
};

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_SCHEMA_VALIDATOR_H_
