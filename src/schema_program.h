// Internal: the compiled form of a schema, shared by the compiler and the evaluator.
//
// A Program is plain data: one Node per schema object that can be reached, each a contiguous
// run of Instr (one per keyword that asserts or applies something), with `$ref`s resolved to
// node indices at compile time. Everything is immutable after compile, so a Program is shared
// freely across threads.
#ifndef SPECGATE_SRC_SCHEMA_PROGRAM_H_
#define SPECGATE_SRC_SCHEMA_PROGRAM_H_

#include <re2/re2.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "specgate/json_schema.h"

namespace specgate::detail {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

// JSON types as a bit mask; kInteger is a refinement of kNumber.
enum TypeBit : std::uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeNumber = 16,
  kTypeString = 32,
  kTypeInteger = 64,
};

enum class Op : std::uint8_t {
  kFalse,                 // the `false` schema
  kNullable,              // OAS 3.0 nullable: a null instance is valid, skip the rest
  kType,                  // a = type mask
  kConst,                 // a = value index
  kEnum,                  // a = first value index, b = count
  kMinimum,               // number
  kMaximum,               // number
  kExclusiveMinimum,      // number
  kExclusiveMaximum,      // number
  kMultipleOf,            // number
  kMinLength,             // a
  kMaxLength,             // a
  kPattern,               // a = regex index
  kFormat,                // a = format index
  kIntFormat,             // OAS int32/int64: a = bits
  kMinItems,              // a
  kMaxItems,              // a
  kUniqueItems,
  kItems,                 // a = node, b = first index it applies to (after a tuple prefix)
  kPrefixItems,           // a = first list entry, b = count
  kContains,              // a = node, b = min, c = max (kUnbounded)
  kMinProperties,         // a
  kMaxProperties,         // a
  kRequired,              // a = first required entry, b = count
  kProperties,            // a = property table
  kPatternProperties,     // a = first pattern entry, b = count
  kAdditionalProperties,  // a = node, b = property table or kNoTable, c = pattern list first,
                          // number = pattern count
  kPropertyNames,         // a = node
  kDependentRequired,     // a = first dependency entry, b = count
  kDependentSchemas,      // a = first dependency entry, b = count
  kAllOf,                 // a = first list entry, b = count
  kAnyOf,                 // a = first list entry, b = count
  kOneOf,                 // a = first list entry, b = count
  kNot,                   // a = node
  kIf,                    // a = if, b = then (or kNoNode), c = else (or kNoNode)
  kRef,                   // a = node
  kDynamicRef,            // a = static target node, b = anchor name string (dynamic only when
                          //     c != 0)
  kRecursiveRef,          // a = static target node, c != 0 when the target has a recursive anchor
  kDiscriminator,         // a = discriminator index
  kContent,               // draft 7 content assertion: a = base64 encoded, b = JSON media type
  kUnevaluatedProperties, // a = node
  kUnevaluatedItems,      // a = node
};

inline constexpr std::uint32_t kUnbounded = 0xFFFFFFFFu;
inline constexpr std::uint32_t kNoTable = 0xFFFFFFFFu;

struct Instr {
  Op op;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;
  double number = 0;
  std::uint32_t location = 0;     // index into Program::strings: the schema's pointer
  const char* keyword = "";       // static keyword name; location + "/" + keyword is where
};

struct Node {
  std::uint32_t begin = 0;  // first Instr
  std::uint32_t end = 0;    // one past the last Instr
  std::uint32_t resource = 0;
  bool collects_annotations = false;  // has unevaluatedProperties/unevaluatedItems
  bool annotate_contains = false;     // contains produces item annotations (2020-12)
  // Set when the node is exactly one `type` check ({"type": "string"} is most of a real
  // spec's leaves): the evaluator then skips its general bookkeeping.
  bool only_type = false;
};

// A schema resource (a document root or a subschema with `$id`), for the dynamic scope.
struct Resource {
  NodeId root = kNoNode;
  bool recursive_anchor = false;                               // 2019-09 $recursiveAnchor
  std::vector<std::pair<std::uint32_t, NodeId>> dynamic_anchors;  // name string -> node
};

// `properties`: names to nodes. Small tables scan linearly; large ones hash.
struct PropertyTable {
  std::vector<std::string> names;
  std::vector<NodeId> nodes;
  std::unordered_map<std::string_view, std::uint32_t> index;  // filled when large

  static constexpr std::size_t kLinearLimit = 8;

  // Index of `name` in the table, or -1.
  int find(const char* name, std::size_t length) const {
    if (names.size() <= kLinearLimit) {
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i].size() == length && std::memcmp(names[i].data(), name, length) == 0) {
          return static_cast<int>(i);
        }
      }
      return -1;
    }
    auto it = index.find(std::string_view(name, length));
    return it == index.end() ? -1 : static_cast<int>(it->second);
  }
};

struct RequiredName {
  std::string name;
  std::uint8_t skip_in = 0;  // 1: readOnly (skip in requests), 2: writeOnly (skip in responses)
};

struct PatternEntry {
  std::unique_ptr<RE2> regex;
  NodeId node = kNoNode;
};

struct Dependency {
  std::string property;
  NodeId node = kNoNode;                 // dependentSchemas / schema form of dependencies
  std::vector<std::string> required;     // dependentRequired / array form of dependencies
};

struct FormatEntry {
  std::string name;
  bool (*builtin)(std::string_view) = nullptr;
  FormatCheck custom;  // set instead of builtin for caller-registered formats
};

struct Discriminator {
  std::string property;
  std::vector<std::pair<std::string, NodeId>> mapping;  // value -> schema
  // The oneOf/anyOf alternatives it selects from (for values not in mapping: invalid).
  bool one_of = true;
};

struct Program {
  Dialect dialect = Dialect::kDraft2020_12;
  NodeId root = kNoNode;
  std::vector<Node> nodes;
  std::vector<Instr> code;
  std::vector<NodeId> lists;  // allOf/anyOf/oneOf/prefixItems members
  std::vector<std::string> strings;
  std::vector<PropertyTable> property_tables;
  std::vector<RequiredName> required;
  std::vector<PatternEntry> patterns;
  std::vector<Dependency> dependencies;
  std::vector<FormatEntry> formats;
  std::vector<Discriminator> discriminators;
  std::vector<Resource> resources;
  rapidjson::Document values;  // an array holding const/enum values
};

// Deep JSON equality as JSON Schema defines it (1 == 1.0; member order ignored). Iterative:
// any nesting depth is safe.
bool json_equal(const rapidjson::Value& a, const rapidjson::Value& b);

// True when `value` nests containers more than `limit` levels deep (found without recursion).
// Values are copied (recursively, by RapidJSON) only after this check.
bool json_deeper_than(const rapidjson::Value& value, std::size_t limit);
inline constexpr std::size_t kMaxCopiedValueDepth = 1000;

// Compiles `schema`; throws SchemaError with every problem found.
std::shared_ptr<const Program> compile_program(const rapidjson::Value& schema,
                                               const CompileOptions& options);

// Compiles several schemas into one Program, so schemas they share (components) are compiled
// once. `references` are URI references resolved against the document's base (e.g.
// "#/components/schemas/Pet" or "common.yaml#/Pet"); (*entries)[i] is the node for
// references[i], or kNoNode when that one failed. Problems are appended to *problems
// (nothing is thrown for them).
std::shared_ptr<const Program> compile_program_entries(const rapidjson::Value& document,
                                                       const CompileOptions& options,
                                                       const std::vector<std::string>& references,
                                                       std::vector<NodeId>* entries,
                                                       std::vector<Problem>* problems);

// Lets the library build Schema objects for entries of a shared Program.
struct SchemaAccess {
  static Schema make(std::shared_ptr<const Program> program, NodeId root) {
    return Schema(std::move(program), root);
  }
};

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_SCHEMA_PROGRAM_H_
