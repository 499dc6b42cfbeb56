// Compiles a schema document into a Program.
//
// Two passes over the documents involved:
//  1. Indexing walks every subschema reachable through schema keywords, recording for each the
//     base URI, dialect and vocabularies in force, and registering `$id`s and anchors.
//  2. Compiling turns each schema object that is reachable from the root (through keywords or
//     `$ref`) into a Node, breadth-first from a worklist, so deep or cyclic schemas never
//     recurse on the C++ stack.
// Documents referenced by URI are indexed when a `$ref` first reaches them.
#include <cmath>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "ecma_regex.h"
#include "formats.h"
#include "json_pointer.h"
#include "schema_program.h"
#include "uri.h"

namespace specgate::detail {
namespace {

using rapidjson::Value;

enum Vocab : std::uint16_t {
  kVocabCore = 1,
  kVocabApplicator = 2,
  kVocabUnevaluated = 4,
  kVocabValidation = 8,
  kVocabMetaData = 16,
  kVocabFormatAnnotation = 32,
  kVocabFormatAssertion = 64,
  kVocabContent = 128,
};
constexpr std::uint16_t kDefaultVocabs = kVocabCore | kVocabApplicator | kVocabUnevaluated |
                                         kVocabValidation | kVocabMetaData |
                                         kVocabFormatAnnotation | kVocabContent;

bool is_legacy(Dialect d) { return d <= Dialect::kDraft7 || d == Dialect::kOas30; }
bool is_at_least_2019(Dialect d) {
  return d == Dialect::kDraft2019_09 || d == Dialect::kDraft2020_12 || d == Dialect::kOas31;
}
bool is_2020(Dialect d) { return d == Dialect::kDraft2020_12 || d == Dialect::kOas31; }
bool is_openapi(Dialect d) { return d == Dialect::kOas30 || d == Dialect::kOas31; }

// What indexing learned about one schema value.
struct SchemaInfo {
  std::string base;     // base URI in effect inside the schema (after its own $id)
  std::string doc;      // URI of the containing document
  std::string pointer;  // JSON pointer from the document root
  Dialect dialect;
  std::uint16_t vocabs;
  std::uint32_t resource;
};

struct ResourceInfo {
  const Value* root = nullptr;
  std::vector<std::pair<std::string, const Value*>> dynamic_anchors;
  bool recursive_anchor = false;
  bool materialized = false;
};

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const Value* member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool is_non_negative_integer(const Value& v) {
  if (v.IsUint64()) return true;
  if (v.IsDouble()) {
    double d = v.GetDouble();
    return d >= 0 && std::floor(d) == d && d < 4294967296.0;
  }
  return false;
}

std::uint32_t as_count(const Value& v) {
  if (v.IsUint64()) {
    std::uint64_t n = v.GetUint64();
    return n >= kUnbounded ? kUnbounded - 1 : static_cast<std::uint32_t>(n);
  }
  return static_cast<std::uint32_t>(v.GetDouble());
}

std::string strip_empty_fragment(std::string uri) {
  if (!uri.empty() && uri.back() == '#') uri.pop_back();
  return uri;
}

class Compiler {
 public:
  explicit Compiler(const CompileOptions& options) : options_(options) {
    program_ = std::make_shared<Program>();
    program_->values.SetArray();
  }

  std::shared_ptr<const Program> run(const Value& root) {
    if (!root.IsObject() && !root.IsBool()) {
      throw SchemaError(std::vector<Problem>{{"", "a schema must be an object or a boolean"}});
    }
    std::string base = strip_empty_fragment(resolve_uri("", options_.base_uri));
    Dialect dialect = options_.default_dialect;
    std::uint16_t vocabs = kDefaultVocabs;
    index_document(root, base, dialect, vocabs);
    program_->dialect = info_.at(&root).dialect;
    program_->root = node_for(root);
    drain();
    if (!problems_.empty()) throw SchemaError(std::move(problems_));
    finish();
    return program_;
  }

  std::shared_ptr<const Program> run_entries(const Value& document,
                                             const std::vector<std::string>& references,
                                             std::vector<NodeId>* entries,
                                             std::vector<Problem>* problems) {
    std::string base = strip_empty_fragment(resolve_uri("", options_.base_uri));
    index_document(document, base, options_.default_dialect, kDefaultVocabs);
    program_->dialect = info_.at(&document).dialect;
    const SchemaInfo root_info = info_.at(&document);
    entries->clear();
    for (const std::string& ref : references) {
      const Value* target = resolve_ref(root_info, "", ref);
      if (target && !target->IsObject() && !target->IsBool()) {
        problem(root_info, "", "the schema at " + ref + " must be an object or a boolean");
        target = nullptr;
      }
      entries->push_back(target ? node_for(*target) : kNoNode);
    }
    program_->root = entries->empty() ? kNoNode : entries->front();
    drain();
    finish();
    for (Problem& p : problems_) problems->push_back(std::move(p));
    return program_;
  }

 private:
  // Hash indexes hold views into the names, so build them once nothing moves any more.
  void finish() {
    for (PropertyTable& table : program_->property_tables) {
      if (table.names.size() <= PropertyTable::kLinearLimit) continue;
      for (std::uint32_t i = 0; i < table.names.size(); ++i) table.index.emplace(table.names[i], i);
    }
  }

 public:

 private:
  // ---------------------------------------------------------------- problems and locations

  void problem(const SchemaInfo& info, const char* keyword, std::string message) {
    std::string where = location_of(info);
    if (keyword && *keyword) append_pointer_token(where, keyword);
    problems_.push_back({std::move(where), std::move(message)});
  }

  static std::string location_of(const SchemaInfo& info) {
    if (info.doc.empty()) return info.pointer;
    return info.doc + "#" + info.pointer;
  }

  std::uint32_t intern(std::string text) {
    auto [it, inserted] = interned_.try_emplace(text, program_->strings.size());
    if (inserted) program_->strings.push_back(std::move(text));
    return it->second;
  }

  // ---------------------------------------------------------------- dialect and vocabularies

  // Works out the dialect and vocabularies that `$schema` selects; false when unknown.
  bool dialect_of_metaschema(std::string_view uri, Dialect* dialect, std::uint16_t* vocabs,
                             int depth = 0) {
    if (auto known = dialect_from_schema_uri(uri)) {
      *dialect = *known;
      *vocabs = kDefaultVocabs;
      return true;
    }
    if (depth > 8) return false;
    const Value* meta = lookup_document(strip_empty_fragment(std::string(uri)));
    if (!meta || !meta->IsObject()) return false;
    const Value* parent = member(*meta, "$schema");
    if (!parent || !parent->IsString() ||
        !dialect_of_metaschema(view(*parent), dialect, vocabs, depth + 1)) {
      return false;
    }
    if (const Value* vocabulary = member(*meta, "$vocabulary"); vocabulary && vocabulary->IsObject()) {
      std::uint16_t mask = 0;
      for (const auto& entry : vocabulary->GetObject()) {
        std::string_view name = view(entry.name);
        std::size_t slash = name.rfind('/');
        std::string_view last = slash == std::string_view::npos ? name : name.substr(slash + 1);
        if (last == "core") mask |= kVocabCore;
        else if (last == "applicator") mask |= kVocabApplicator | (*dialect == Dialect::kDraft2019_09 ? kVocabUnevaluated : 0);
        else if (last == "unevaluated") mask |= kVocabUnevaluated;
        else if (last == "validation") mask |= kVocabValidation;
        else if (last == "meta-data") mask |= kVocabMetaData;
        else if (last == "format" || last == "format-annotation") mask |= kVocabFormatAnnotation;
        else if (last == "format-assertion") mask |= kVocabFormatAssertion | kVocabFormatAnnotation;
        else if (last == "content") mask |= kVocabContent;
        else if (last == "base" && name.find("openapis.org") != std::string_view::npos) {
          // The OpenAPI vocabulary: discriminator etc. handled by dialect.
        }
      }
      *vocabs = mask | kVocabCore;
    }
    return true;
  }

  const Value* lookup_document(const std::string& uri) {
    if (options_.resources) {
      if (const Value* doc = options_.resources->find(uri)) return doc;
    }
    if (options_.resolver) return options_.resolver(uri);
    return nullptr;
  }

  // ---------------------------------------------------------------- indexing

  void index_document(const Value& root, const std::string& uri, Dialect dialect,
                      std::uint16_t vocabs) {
    if (!uri_map_.count(uri)) uri_map_[uri] = &root;
    std::uint32_t resource = new_resource(&root);
    index_schema(root, uri, uri, "", dialect, vocabs, resource, true);
  }

  std::uint32_t new_resource(const Value* root) {
    resources_.push_back({});
    resources_.back().root = root;
    program_->resources.push_back({});
    return static_cast<std::uint32_t>(resources_.size() - 1);
  }

  // Iterative walk over schema keywords; records SchemaInfo for every subschema.
  void index_schema(const Value& top, std::string base, const std::string& doc,
                    std::string pointer, Dialect dialect, std::uint16_t vocabs,
                    std::uint32_t resource, bool document_root) {
    struct Item {
      const Value* value;
      std::string base;
      std::string pointer;
      Dialect dialect;
      std::uint16_t vocabs;
      std::uint32_t resource;
      bool document_root;
    };
    std::vector<Item> stack;
    stack.push_back({&top, std::move(base), std::move(pointer), dialect, vocabs, resource,
                     document_root});
    while (!stack.empty()) {
      Item item = std::move(stack.back());
      stack.pop_back();
      const Value& v = *item.value;
      if (info_.count(&v)) continue;
      if (!v.IsObject()) {
        if (v.IsBool()) {
          info_[&v] = {item.base, doc, item.pointer, item.dialect, item.vocabs, item.resource};
        }
        continue;
      }
      // $schema applies at document roots and, from 2019-09 on, at embedded resources.
      auto apply_schema_keyword = [&] {
        const Value* schema = member(v, "$schema");
        if (!schema || !schema->IsString()) return;
        Dialect d = item.dialect;
        std::uint16_t vocabs_here = item.vocabs;
        if (dialect_of_metaschema(view(*schema), &d, &vocabs_here)) {
          item.dialect = d;
          item.vocabs = vocabs_here;
        }
      };
      if (item.document_root) apply_schema_keyword();
      const Value* id = nullptr;
      bool legacy = is_legacy(item.dialect);
      // Before 2019-09, $ref replaces its siblings, $id included.
      bool has_ref = legacy && v.HasMember("$ref");
      if (item.dialect != Dialect::kOas30) {
        id = member(v, item.dialect == Dialect::kDraft4 ? "id" : "$id");
      }
      if (id && id->IsString() && !has_ref) {
        std::string_view id_text = view(*id);
        if (legacy && !id_text.empty() && id_text[0] == '#') {
          uri_map_[std::string(uri_without_fragment(item.base)) + std::string(id_text)] = &v;
        } else {
          std::string resolved = resolve_uri(item.base, id_text);
          std::string_view fragment = uri_fragment(resolved);
          std::string without(uri_without_fragment(resolved));
          if (!fragment.empty() && fragment[0] != '/') {
            uri_map_[without + "#" + std::string(fragment)] = &v;
          }
          item.base = without;
          if (!item.document_root) {
            item.resource = new_resource(&v);
            if (is_at_least_2019(item.dialect)) apply_schema_keyword();
          }
          if (!uri_map_.count(item.base)) uri_map_[item.base] = &v;
        }
      }
      if (is_at_least_2019(item.dialect)) {
        if (const Value* anchor = member(v, "$anchor"); anchor && anchor->IsString()) {
          uri_map_[item.base + "#" + std::string(view(*anchor))] = &v;
        }
        if (is_2020(item.dialect)) {
          if (const Value* anchor = member(v, "$dynamicAnchor"); anchor && anchor->IsString()) {
            uri_map_[item.base + "#" + std::string(view(*anchor))] = &v;
            resources_[item.resource].dynamic_anchors.emplace_back(std::string(view(*anchor)),
                                                                   &v);
          }
        } else if (item.dialect == Dialect::kDraft2019_09) {
          if (const Value* anchor = member(v, "$recursiveAnchor");
              anchor && anchor->IsBool() && anchor->GetBool() &&
              resources_[item.resource].root == &v) {
            resources_[item.resource].recursive_anchor = true;
          }
        }
      }
      info_[&v] = {item.base, doc, item.pointer, item.dialect, item.vocabs, item.resource};

      auto push = [&](const Value& child, std::string child_pointer) {
        stack.push_back({&child, item.base, std::move(child_pointer), item.dialect, item.vocabs,
                         item.resource, false});
      };
      for (const auto& entry : v.GetObject()) {
        std::string_view key = view(entry.name);
        const Value& child = entry.value;
        std::string child_pointer = item.pointer;
        append_pointer_token(child_pointer, key);
        if (key == "additionalItems" || key == "additionalProperties" || key == "contains" ||
            key == "propertyNames" || key == "not" || key == "if" || key == "then" ||
            key == "else" || key == "unevaluatedItems" || key == "unevaluatedProperties" ||
            key == "contentSchema") {
          push(child, std::move(child_pointer));
        } else if (key == "items") {
          if (child.IsArray()) {
            for (rapidjson::SizeType i = 0; i < child.Size(); ++i) {
              std::string p = child_pointer;
              append_pointer_index(p, i);
              push(child[i], std::move(p));
            }
          } else {
            push(child, std::move(child_pointer));
          }
        } else if (key == "allOf" || key == "anyOf" || key == "oneOf" || key == "prefixItems") {
          if (!child.IsArray()) continue;
          for (rapidjson::SizeType i = 0; i < child.Size(); ++i) {
            std::string p = child_pointer;
            append_pointer_index(p, i);
            push(child[i], std::move(p));
          }
        } else if (key == "properties" || key == "patternProperties" || key == "definitions" ||
                   key == "$defs" || key == "dependentSchemas" || key == "dependencies") {
          if (!child.IsObject()) continue;
          for (const auto& sub : child.GetObject()) {
            if (!sub.value.IsObject() && !sub.value.IsBool()) continue;
            std::string p = child_pointer;
            append_pointer_token(p, view(sub.name));
            push(sub.value, std::move(p));
          }
        }
      }
    }
  }

  // Info for a value reached by a JSON pointer that indexing never visited (inside an unknown
  // keyword, say): inherit from the nearest indexed ancestor on the pointer's path.
  const SchemaInfo* info_for_pointer_target(const Value& resource_root, std::string_view pointer,
                                            const Value** target) {
    const SchemaInfo* nearest = nullptr;
    std::string nearest_pointer_suffix;
    const Value* found = resolve_pointer(resource_root, pointer, [&](const Value& step) {
      auto it = info_.find(&step);
      if (it != info_.end()) nearest = &it->second;
    });
    *target = found;
    if (!found) return nullptr;
    auto it = info_.find(found);
    if (it != info_.end()) return &it->second;
    if (!nearest) return nullptr;
    SchemaInfo inherited = *nearest;
    const SchemaInfo& root_info = info_.at(&resource_root);
    inherited.pointer = root_info.pointer + std::string(pointer);
    index_schema(*found, inherited.base, inherited.doc, inherited.pointer, inherited.dialect,
                 inherited.vocabs, inherited.resource, false);
    auto again = info_.find(found);
    return again == info_.end() ? nullptr : &again->second;
  }

  // Resolves a reference to the schema value it names; nullptr (and a problem) when it cannot.
  const Value* resolve_ref(const SchemaInfo& from, const char* keyword, std::string_view ref,
                           std::string* target_uri = nullptr) {
    std::string uri = resolve_uri(from.base, ref);
    if (target_uri) *target_uri = uri;
    std::string document(uri_without_fragment(uri));
    std::string fragment_raw(uri_fragment(uri));
    std::string fragment;
    if (!percent_decode(fragment_raw, &fragment)) {
      problem(from, keyword, "reference \"" + std::string(ref) + "\" has a malformed escape");
      return nullptr;
    }
    auto resource_it = uri_map_.find(document);
    if (resource_it == uri_map_.end()) {
      const Value* doc = lookup_document(document);
      if (!doc) {
        problem(from, keyword,
                "cannot resolve reference \"" + std::string(ref) + "\": no document registered as \"" +
                    document + "\"");
        return nullptr;
      }
      index_document(*doc, document, from.dialect, kDefaultVocabs);
      resource_it = uri_map_.find(document);
    }
    const Value* resource_root = resource_it->second;
    if (fragment.empty()) return resource_root;
    if (fragment[0] == '/') {
      const Value* target = nullptr;
      if (!info_for_pointer_target(*resource_root, fragment, &target) || !target) {
        problem(from, keyword,
                "cannot resolve reference \"" + std::string(ref) + "\": no value at that pointer");
        return nullptr;
      }
      return target;
    }
    auto anchor_it = uri_map_.find(document + "#" + fragment);
    if (anchor_it == uri_map_.end()) {
      problem(from, keyword,
              "cannot resolve reference \"" + std::string(ref) + "\": no anchor \"" + fragment +
                  "\"");
      return nullptr;
    }
    return anchor_it->second;
  }

  // ---------------------------------------------------------------- nodes

  NodeId node_for(const Value& v) {
    auto it = node_ids_.find(&v);
    if (it != node_ids_.end()) return it->second;
    NodeId id = static_cast<NodeId>(program_->nodes.size());
    program_->nodes.emplace_back();
    node_ids_.emplace(&v, id);
    worklist_.push_back(&v);
    return id;
  }

  void drain() {
    while (!worklist_.empty()) {
      const Value* v = worklist_.front();
      worklist_.pop_front();
      compile_node(*v, node_ids_.at(v));
    }
  }

  void materialize_resource(std::uint32_t index) {
    ResourceInfo& info = resources_[index];
    if (info.materialized) return;
    info.materialized = true;
    Resource& resource = program_->resources[index];
    resource.root = node_for(*info.root);
    resource.recursive_anchor = info.recursive_anchor;
    for (const auto& [name, value] : info.dynamic_anchors) {
      resource.dynamic_anchors.emplace_back(intern(name), node_for(*value));
    }
  }

  Instr& emit(Op op, const char* keyword) {
    Instr& instr = current_code_.emplace_back();
    instr.op = op;
    instr.keyword = keyword;
    instr.location = current_location_;
    return instr;
  }

  // The node for a subschema reached through `keyword`; problems when it is not a schema.
  NodeId child(const SchemaInfo& parent, const char* keyword, const Value& sub) {
    if (!sub.IsObject() && !sub.IsBool()) {
      problem(parent, keyword, "must be a schema (an object or a boolean)");
      return kNoNode;
    }
    return node_for(sub);
  }

  bool schema_list(const SchemaInfo& info, const char* keyword, const Value& list,
                   std::uint32_t* first, std::uint32_t* count, bool allow_empty = false) {
    if (!list.IsArray() || (!allow_empty && list.Empty())) {
      problem(info, keyword, allow_empty ? "must be an array of schemas"
                                         : "must be a non-empty array of schemas");
      return false;
    }
    std::vector<NodeId> nodes;
    for (const auto& sub : list.GetArray()) {
      NodeId n = child(info, keyword, sub);
      if (n == kNoNode) return false;
      nodes.push_back(n);
    }
    *first = static_cast<std::uint32_t>(program_->lists.size());
    *count = static_cast<std::uint32_t>(nodes.size());
    program_->lists.insert(program_->lists.end(), nodes.begin(), nodes.end());
    return true;
  }

  std::uint32_t add_value(const Value& v) {
    if (json_deeper_than(v, kMaxCopiedValueDepth)) {
      // RapidJSON copies recursively; keep hostile nesting away from it.
      program_->values.PushBack(Value(), program_->values.GetAllocator());
      too_deep_value_ = true;
      return program_->values.Size() - 1;
    }
    Value copy(v, program_->values.GetAllocator());
    program_->values.PushBack(copy, program_->values.GetAllocator());
    return program_->values.Size() - 1;
  }

  std::unique_ptr<RE2> compile_regex(const SchemaInfo& info, const char* keyword,
                                     std::string_view pattern) {
    std::string translated;
    std::string error;
    if (!translate_ecma_regex(pattern, &translated, &error)) {
      problem(info, keyword, "pattern \"" + std::string(pattern) + "\" cannot be used: " + error);
      return nullptr;
    }
    RE2::Options re2_options;
    re2_options.set_log_errors(false);
    re2_options.set_encoding(RE2::Options::EncodingUTF8);
    re2_options.set_max_mem(64 << 20);
    auto regex = std::make_unique<RE2>(translated, re2_options);
    if (!regex->ok()) {
      problem(info, keyword,
              "pattern \"" + std::string(pattern) + "\" cannot be used: " + regex->error());
      return nullptr;
    }
    return regex;
  }

  // True when `schema` (following `$ref`s) declares `flag` ("readOnly"/"writeOnly") true.
  bool declares_flag(const Value* schema, const char* flag) {
    for (std::size_t hops = 0; schema && schema->IsObject() && hops < options_.max_ref_depth;
         ++hops) {
      if (const Value* f = member(*schema, flag); f && f->IsBool()) return f->GetBool();
      const Value* ref = member(*schema, "$ref");
      if (!ref || !ref->IsString()) return false;
      auto it = info_.find(schema);
      if (it == info_.end()) return false;
      std::size_t before = problems_.size();
      schema = resolve_ref(it->second, "$ref", view(*ref));
      problems_.resize(before);  // reported where the $ref itself is compiled
    }
    return false;
  }

  bool format_asserted(const SchemaInfo& info) const {
    if (options_.format_assertion) return *options_.format_assertion;
    return is_openapi(info.dialect) || (info.vocabs & kVocabFormatAssertion);
  }

  void compile_node(const Value& v, NodeId id) {
    auto info_it = info_.find(&v);
    if (info_it == info_.end()) {
      // Only reachable for values indexing never saw (cannot happen: refs index targets).
      problems_.push_back({"", "internal: schema value was not indexed"});
      return;
    }
    const SchemaInfo info = info_it->second;  // copy: info_ may rehash while compiling
    materialize_resource(info.resource);
    current_code_.clear();
    current_location_ = intern(location_of(info));
    Node node;
    node.resource = info.resource;
    node.annotate_contains = is_2020(info.dialect);
    if (v.IsBool()) {
      if (!v.GetBool()) emit(Op::kFalse, "");
    } else if (v.IsObject()) {
      compile_object(v, info, &node);
    } else {
      problem(info, "", "a schema must be an object or a boolean");
    }
    node.begin = static_cast<std::uint32_t>(program_->code.size());
    program_->code.insert(program_->code.end(), current_code_.begin(), current_code_.end());
    node.end = static_cast<std::uint32_t>(program_->code.size());
    node.only_type = current_code_.size() == 1 && current_code_[0].op == Op::kType;
    program_->nodes[id] = node;
  }

  void compile_object(const Value& v, const SchemaInfo& info, Node* node) {
    const Dialect d = info.dialect;
    const bool legacy = is_legacy(d);
    const bool validation = info.vocabs & kVocabValidation;
    const bool applicator = info.vocabs & kVocabApplicator;

    if (d == Dialect::kOas30) {
      if (const Value* nullable = member(v, "nullable")) {
        if (!nullable->IsBool()) problem(info, "nullable", "must be a boolean");
        else if (nullable->GetBool()) emit(Op::kNullable, "nullable");
      }
    }
    if (const Value* ref = member(v, "$ref")) {
      if (!ref->IsString()) {
        problem(info, "$ref", "must be a string");
      } else if (const Value* target = resolve_ref(info, "$ref", view(*ref))) {
        if (target->IsObject() || target->IsBool()) {
          emit(Op::kRef, "$ref").a = node_for(*target);
        } else {
          problem(info, "$ref", "reference \"" + std::string(view(*ref)) +
                                    "\" does not point to a schema");
        }
      }
      if (legacy) return;  // before 2019-09, $ref replaces its siblings
    }
    if (is_2020(d)) {
      if (const Value* ref = member(v, "$dynamicRef")) compile_dynamic_ref(*ref, info);
    } else if (d == Dialect::kDraft2019_09) {
      if (const Value* ref = member(v, "$recursiveRef")) compile_recursive_ref(*ref, info);
    }

    if (validation) compile_validation(v, info);
    if (applicator) compile_applicators(v, info);

    if (const Value* format = member(v, "format")) {
      if (!format->IsString()) {
        problem(info, "format", "must be a string");
      } else if (format_asserted(info)) {
        compile_format(view(*format));
      }
    }

    // Draft 7 is the one dialect whose suite expects content to be asserted; later drafts made
    // these keywords annotations.
    if (d == Dialect::kDraft7) compile_content(v);

    if ((info.vocabs & kVocabUnevaluated) && is_at_least_2019(d)) {
      if (const Value* sub = member(v, "unevaluatedProperties")) {
        NodeId n = child(info, "unevaluatedProperties", *sub);
        if (n != kNoNode) {
          emit(Op::kUnevaluatedProperties, "unevaluatedProperties").a = n;
          node->collects_annotations = true;
        }
      }
      if (const Value* sub = member(v, "unevaluatedItems")) {
        NodeId n = child(info, "unevaluatedItems", *sub);
        if (n != kNoNode) {
          emit(Op::kUnevaluatedItems, "unevaluatedItems").a = n;
          node->collects_annotations = true;
        }
      }
    }
  }

  void compile_content(const Value& v) {
    const Value* encoding = member(v, "contentEncoding");
    const Value* media = member(v, "contentMediaType");
    bool base64 = encoding && encoding->IsString() && view(*encoding) == "base64";
    bool json = media && media->IsString() && view(*media) == "application/json";
    if (!base64 && !json) return;
    Instr& instr = emit(Op::kContent, base64 ? "contentEncoding" : "contentMediaType");
    instr.a = base64;
    instr.b = json;
  }

  void compile_dynamic_ref(const Value& ref, const SchemaInfo& info) {
    if (!ref.IsString()) {
      problem(info, "$dynamicRef", "must be a string");
      return;
    }
    std::string uri;
    const Value* target = resolve_ref(info, "$dynamicRef", view(ref), &uri);
    if (!target) return;
    Instr& instr = emit(Op::kDynamicRef, "$dynamicRef");
    instr.a = node_for(*target);
    std::string_view fragment = uri_fragment(uri);
    // Dynamic only when the statically resolved target itself declares that dynamic anchor.
    if (!fragment.empty() && fragment[0] != '/' && target->IsObject()) {
      const Value* anchor = member(*target, "$dynamicAnchor");
      if (anchor && anchor->IsString() && view(*anchor) == fragment) {
        instr.b = intern(std::string(fragment));
        instr.c = 1;
      }
    }
  }

  void compile_recursive_ref(const Value& ref, const SchemaInfo& info) {
    if (!ref.IsString()) {
      problem(info, "$recursiveRef", "must be a string");
      return;
    }
    const Value* target = resolve_ref(info, "$recursiveRef", view(ref));
    if (!target) return;
    Instr& instr = emit(Op::kRecursiveRef, "$recursiveRef");
    instr.a = node_for(*target);
    auto it = info_.find(target);
    if (it != info_.end() && resources_[it->second.resource].root == target &&
        resources_[it->second.resource].recursive_anchor) {
      instr.c = 1;
    }
  }

  void compile_format(std::string_view name) {
    if (name == "int32" || name == "int64") {
      emit(Op::kIntFormat, "format").a = name == "int32" ? 32 : 64;
      return;
    }
    FormatEntry entry;
    entry.name = std::string(name);
    auto custom = options_.formats.find(name);
    if (custom != options_.formats.end()) {
      entry.custom = custom->second;
    } else {
      entry.builtin = find_string_format(name);
      if (!entry.builtin) return;  // unknown formats are annotations
    }
    program_->formats.push_back(std::move(entry));
    emit(Op::kFormat, "format").a = static_cast<std::uint32_t>(program_->formats.size() - 1);
  }

  void compile_validation(const Value& v, const SchemaInfo& info) {
    const Dialect d = info.dialect;
    if (const Value* type = member(v, "type")) {
      std::uint32_t mask = 0;
      auto add = [&](const Value& name) {
        if (!name.IsString()) return false;
        std::string_view n = view(name);
        if (n == "null") mask |= kTypeNull;
        else if (n == "boolean") mask |= kTypeBoolean;
        else if (n == "object") mask |= kTypeObject;
        else if (n == "array") mask |= kTypeArray;
        else if (n == "number") mask |= kTypeNumber;
        else if (n == "string") mask |= kTypeString;
        else if (n == "integer") mask |= kTypeInteger;
        else return false;
        return true;
      };
      bool ok = true;
      if (type->IsArray() && d != Dialect::kOas30) {
        for (const auto& name : type->GetArray()) ok = ok && add(name);
      } else {
        ok = add(*type);
      }
      if (!ok) {
        problem(info, "type", "must be a type name or an array of type names");
      } else {
        Instr& instr = emit(Op::kType, "type");
        instr.a = mask;
        instr.b = d == Dialect::kDraft4 ? 1 : 0;  // draft 4: 1.0 is not an integer
      }
    }
    if (const Value* value = member(v, "const"); value && d != Dialect::kDraft4 &&
                                                 d != Dialect::kOas30) {
      emit(Op::kConst, "const").a = add_value(*value);
      if (too_deep_value_) problem(info, "const", too_deep_message());
    }
    if (const Value* list = member(v, "enum")) {
      if (!list->IsArray()) {
        problem(info, "enum", "must be an array");
      } else {
        Instr& instr = emit(Op::kEnum, "enum");
        instr.a = program_->values.Size();
        instr.b = list->Size();
        for (const auto& item : list->GetArray()) add_value(item);
        if (too_deep_value_) problem(info, "enum", too_deep_message());
      }
    }
    compile_numeric(v, info);
    auto count = [&](const char* keyword, Op op) {
      const Value* n = member(v, keyword);
      if (!n) return;
      if (!is_non_negative_integer(*n)) {
        problem(info, keyword, "must be a non-negative integer");
        return;
      }
      emit(op, keyword).a = as_count(*n);
    };
    count("minLength", Op::kMinLength);
    count("maxLength", Op::kMaxLength);
    count("minItems", Op::kMinItems);
    count("maxItems", Op::kMaxItems);
    count("minProperties", Op::kMinProperties);
    count("maxProperties", Op::kMaxProperties);
    if (const Value* pattern = member(v, "pattern")) {
      if (!pattern->IsString()) {
        problem(info, "pattern", "must be a string");
      } else if (auto regex = compile_regex(info, "pattern", view(*pattern))) {
        program_->patterns.push_back({std::move(regex), kNoNode});
        emit(Op::kPattern, "pattern").a = static_cast<std::uint32_t>(program_->patterns.size() - 1);
      }
    }
    if (const Value* unique = member(v, "uniqueItems")) {
      if (!unique->IsBool()) problem(info, "uniqueItems", "must be a boolean");
      else if (unique->GetBool()) emit(Op::kUniqueItems, "uniqueItems");
    }
    if (const Value* required = member(v, "required")) compile_required(v, *required, info);
    if (const Value* deps = member(v, "dependentRequired")) {
      if (is_at_least_2019(d)) compile_dependencies(*deps, info, "dependentRequired", true, false);
    }
  }

  void compile_numeric(const Value& v, const SchemaInfo& info) {
    const bool boolean_exclusive = info.dialect == Dialect::kDraft4 ||
                                   info.dialect == Dialect::kOas30;
    auto number = [&](const char* keyword) -> const Value* {
      const Value* n = member(v, keyword);
      if (n && !n->IsNumber()) {
        problem(info, keyword, "must be a number");
        return nullptr;
      }
      return n;
    };
    const Value* minimum = number("minimum");
    const Value* maximum = number("maximum");
    if (boolean_exclusive) {
      auto flag = [&](const char* keyword) {
        const Value* f = member(v, keyword);
        if (f && !f->IsBool()) problem(info, keyword, "must be a boolean");
        return f && f->IsBool() && f->GetBool();
      };
      bool exclusive_min = flag("exclusiveMinimum");
      bool exclusive_max = flag("exclusiveMaximum");
      if (minimum) {
        emit(exclusive_min ? Op::kExclusiveMinimum : Op::kMinimum, "minimum").number =
            minimum->GetDouble();
      }
      if (maximum) {
        emit(exclusive_max ? Op::kExclusiveMaximum : Op::kMaximum, "maximum").number =
            maximum->GetDouble();
      }
    } else {
      if (minimum) emit(Op::kMinimum, "minimum").number = minimum->GetDouble();
      if (maximum) emit(Op::kMaximum, "maximum").number = maximum->GetDouble();
      if (const Value* n = number("exclusiveMinimum")) {
        emit(Op::kExclusiveMinimum, "exclusiveMinimum").number = n->GetDouble();
      }
      if (const Value* n = number("exclusiveMaximum")) {
        emit(Op::kExclusiveMaximum, "exclusiveMaximum").number = n->GetDouble();
      }
    }
    if (const Value* n = number("multipleOf")) {
      if (!(n->GetDouble() > 0)) {
        problem(info, "multipleOf", "must be greater than 0");
      } else {
        emit(Op::kMultipleOf, "multipleOf").number = n->GetDouble();
      }
    }
  }

  void compile_required(const Value& v, const Value& required, const SchemaInfo& info) {
    if (!required.IsArray()) {
      // OAS 3.0 documents sometimes carry `required: true` on properties: not a keyword here.
      if (!(info.dialect == Dialect::kOas30 && required.IsBool())) {
        problem(info, "required", "must be an array of strings");
      }
      return;
    }
    const Value* properties = member(v, "properties");
    if (properties && !properties->IsObject()) properties = nullptr;
    std::uint32_t first = static_cast<std::uint32_t>(program_->required.size());
    for (const auto& name : required.GetArray()) {
      if (!name.IsString()) {
        problem(info, "required", "must be an array of strings");
        return;
      }
      RequiredName entry;
      entry.name = std::string(view(name));
      if (properties && is_openapi(info.dialect)) {
        if (const Value* property = member(*properties, entry.name.c_str())) {
          if (declares_flag(property, "readOnly")) entry.skip_in |= 1;
          if (declares_flag(property, "writeOnly")) entry.skip_in |= 2;
        }
      }
      program_->required.push_back(std::move(entry));
    }
    if (program_->required.size() == first) return;
    Instr& emitted = emit(Op::kRequired, "required");
    emitted.a = first;
    emitted.b = static_cast<std::uint32_t>(program_->required.size() - first);
  }

  // dependentRequired / dependentSchemas / dependencies (array or schema values).
  void compile_dependencies(const Value& deps, const SchemaInfo& info, const char* keyword,
                            bool allow_arrays, bool allow_schemas) {
    if (!deps.IsObject()) {
      problem(info, keyword, "must be an object");
      return;
    }
    std::vector<Dependency> required_deps;
    std::vector<Dependency> schema_deps;
    for (const auto& entry : deps.GetObject()) {
      Dependency dep;
      dep.property = std::string(view(entry.name));
      if (entry.value.IsArray() && allow_arrays) {
        for (const auto& name : entry.value.GetArray()) {
          if (!name.IsString()) {
            problem(info, keyword, "dependency lists must hold strings");
            return;
          }
          dep.required.emplace_back(view(name));
        }
        required_deps.push_back(std::move(dep));
      } else if ((entry.value.IsObject() || entry.value.IsBool()) && allow_schemas) {
        dep.node = node_for(entry.value);
        schema_deps.push_back(std::move(dep));
      } else {
        problem(info, keyword, "each dependency must be " +
                                   std::string(allow_arrays && allow_schemas
                                                   ? "an array of strings or a schema"
                                                   : allow_arrays ? "an array of strings"
                                                                  : "a schema"));
        return;
      }
    }
    auto flush = [&](std::vector<Dependency>& list, Op op) {
      if (list.empty()) return;
      Instr& instr = emit(op, keyword);
      instr.a = static_cast<std::uint32_t>(program_->dependencies.size());
      instr.b = static_cast<std::uint32_t>(list.size());
      for (auto& dep : list) program_->dependencies.push_back(std::move(dep));
    };
    flush(required_deps, Op::kDependentRequired);
    flush(schema_deps, Op::kDependentSchemas);
  }

  void compile_applicators(const Value& v, const SchemaInfo& info) {
    const Dialect d = info.dialect;
    std::uint32_t first = 0;
    std::uint32_t count = 0;

    // Arrays.
    const Value* items = member(v, "items");
    if (is_2020(d)) {
      std::uint32_t prefix = 0;
      if (const Value* prefix_items = member(v, "prefixItems")) {
        if (schema_list(info, "prefixItems", *prefix_items, &first, &count)) {
          Instr& instr = emit(Op::kPrefixItems, "prefixItems");
          instr.a = first;
          instr.b = count;
          prefix = count;
        }
      }
      if (items) {
        NodeId n = child(info, "items", *items);
        if (n != kNoNode) {
          Instr& instr = emit(Op::kItems, "items");
          instr.a = n;
          instr.b = prefix;
        }
      }
    } else if (items) {
      if (items->IsArray()) {
        if (schema_list(info, "items", *items, &first, &count, true)) {
          Instr& instr = emit(Op::kPrefixItems, "items");
          instr.a = first;
          instr.b = count;
          if (const Value* additional = member(v, "additionalItems")) {
            NodeId n = child(info, "additionalItems", *additional);
            if (n != kNoNode) {
              Instr& extra = emit(Op::kItems, "additionalItems");
              extra.a = n;
              extra.b = count;
            }
          }
        }
      } else {
        NodeId n = child(info, "items", *items);
        if (n != kNoNode) emit(Op::kItems, "items").a = n;
      }
    }
    if (const Value* contains = member(v, "contains"); contains && d != Dialect::kDraft4 &&
                                                        d != Dialect::kOas30) {
      NodeId n = child(info, "contains", *contains);
      if (n != kNoNode) {
        Instr& instr = emit(Op::kContains, "contains");
        instr.a = n;
        instr.b = 1;
        instr.c = kUnbounded;
        if (is_at_least_2019(d) && (info.vocabs & kVocabValidation)) {
          if (const Value* min = member(v, "minContains")) {
            if (is_non_negative_integer(*min)) instr.b = as_count(*min);
            else problem(info, "minContains", "must be a non-negative integer");
          }
          if (const Value* max = member(v, "maxContains")) {
            if (is_non_negative_integer(*max)) instr.c = as_count(*max);
            else problem(info, "maxContains", "must be a non-negative integer");
          }
        }
      }
    }

    // Objects.
    std::uint32_t table = kNoTable;
    if (const Value* properties = member(v, "properties")) {
      if (!properties->IsObject()) {
        problem(info, "properties", "must be an object");
      } else {
        PropertyTable t;
        for (const auto& entry : properties->GetObject()) {
          NodeId n = child(info, "properties", entry.value);
          if (n == kNoNode) continue;
          t.names.emplace_back(view(entry.name));
          t.nodes.push_back(n);
        }
        program_->property_tables.push_back(std::move(t));
        table = static_cast<std::uint32_t>(program_->property_tables.size() - 1);
        emit(Op::kProperties, "properties").a = table;
      }
    }
    std::uint32_t pattern_first = static_cast<std::uint32_t>(program_->patterns.size());
    std::uint32_t pattern_count = 0;
    if (const Value* patterns = member(v, "patternProperties")) {
      if (!patterns->IsObject()) {
        problem(info, "patternProperties", "must be an object");
      } else {
        for (const auto& entry : patterns->GetObject()) {
          NodeId n = child(info, "patternProperties", entry.value);
          auto regex = compile_regex(info, "patternProperties", view(entry.name));
          if (n == kNoNode || !regex) continue;
          program_->patterns.push_back({std::move(regex), n});
          ++pattern_count;
        }
        if (pattern_count) {
          Instr& instr = emit(Op::kPatternProperties, "patternProperties");
          instr.a = pattern_first;
          instr.b = pattern_count;
        }
      }
    }
    if (const Value* additional = member(v, "additionalProperties")) {
      NodeId n = child(info, "additionalProperties", *additional);
      if (n != kNoNode) {
        Instr& instr = emit(Op::kAdditionalProperties, "additionalProperties");
        instr.a = n;
        instr.b = table;
        instr.c = pattern_first;
        instr.number = pattern_count;
      }
    }
    if (const Value* names = member(v, "propertyNames"); names && d != Dialect::kDraft4 &&
                                                          d != Dialect::kOas30) {
      NodeId n = child(info, "propertyNames", *names);
      if (n != kNoNode) emit(Op::kPropertyNames, "propertyNames").a = n;
    }
    if (const Value* deps = member(v, "dependentSchemas"); deps && is_at_least_2019(d)) {
      compile_dependencies(*deps, info, "dependentSchemas", false, true);
    }
    if (const Value* deps = member(v, "dependencies")) {
      compile_dependencies(*deps, info, "dependencies", true, true);
    }

    // In-place applicators.
    if (const Value* all = member(v, "allOf")) {
      if (schema_list(info, "allOf", *all, &first, &count)) {
        Instr& instr = emit(Op::kAllOf, "allOf");
        instr.a = first;
        instr.b = count;
      }
    }
    const Value* discriminator = is_openapi(d) ? member(v, "discriminator") : nullptr;
    bool discriminated = false;
    for (const char* keyword : {"anyOf", "oneOf"}) {
      const Value* list = member(v, keyword);
      if (!list || !schema_list(info, keyword, *list, &first, &count)) continue;
      if (discriminator && !discriminated &&
          compile_discriminator(*discriminator, *list, info, keyword[0] == 'o')) {
        discriminated = true;
        continue;
      }
      Instr& instr = emit(keyword[0] == 'a' ? Op::kAnyOf : Op::kOneOf, keyword);
      instr.a = first;
      instr.b = count;
    }
    if (const Value* negated = member(v, "not")) {
      NodeId n = child(info, "not", *negated);
      if (n != kNoNode) emit(Op::kNot, "not").a = n;
    }
    if (d != Dialect::kDraft4 && d != Dialect::kDraft6 && d != Dialect::kOas30) {
      if (const Value* condition = member(v, "if")) {
        NodeId n = child(info, "if", *condition);
        if (n != kNoNode) {
          const Value* then_schema = member(v, "then");
          const Value* else_schema = member(v, "else");
          NodeId then_node = then_schema ? child(info, "then", *then_schema) : kNoNode;
          NodeId else_node = else_schema ? child(info, "else", *else_schema) : kNoNode;
          // Emitted even without then/else: `if` still yields annotations for unevaluated*.
          Instr& instr = emit(Op::kIf, "if");
          instr.a = n;
          instr.b = then_node;
          instr.c = else_node;
        }
      }
    }
  }

  // OpenAPI discriminator over oneOf/anyOf: the property's value picks the one alternative to
  // validate against. False when the discriminator is unusable (then plain oneOf/anyOf runs).
  bool compile_discriminator(const Value& discriminator, const Value& alternatives,
                             const SchemaInfo& info, bool one_of) {
    const Value* property = discriminator.IsObject() ? member(discriminator, "propertyName")
                                                     : nullptr;
    if (!property || !property->IsString()) {
      problem(info, "discriminator", "must be an object with a string propertyName");
      return false;
    }
    Discriminator result;
    result.property = std::string(view(*property));
    result.one_of = one_of;
    std::unordered_set<std::string> mapped;
    if (const Value* mapping = member(discriminator, "mapping")) {
      if (!mapping->IsObject()) {
        problem(info, "discriminator", "mapping must be an object");
        return false;
      }
      for (const auto& entry : mapping->GetObject()) {
        if (!entry.value.IsString()) {
          problem(info, "discriminator", "mapping values must be strings");
          return false;
        }
        std::string target(view(entry.value));
        // A bare schema name means a component schema.
        if (target.find('/') == std::string::npos && target.find('#') == std::string::npos) {
          target = "#/components/schemas/" + target;
        }
        const Value* schema = resolve_ref(info, "discriminator", target);
        if (!schema) return false;
        result.mapping.emplace_back(std::string(view(entry.name)), node_for(*schema));
        mapped.insert(std::string(view(entry.name)));
      }
    }
    // Implicit mapping: each alternative that is a $ref is reachable by its last path segment.
    for (const auto& alternative : alternatives.GetArray()) {
      const Value* ref = alternative.IsObject() ? member(alternative, "$ref") : nullptr;
      if (!ref || !ref->IsString()) continue;
      std::string_view text = view(*ref);
      std::string_view name = text.substr(text.rfind('/') + 1);
      if (mapped.count(std::string(name))) continue;
      auto it = info_.find(&alternative);
      if (it == info_.end()) continue;
      const Value* schema = resolve_ref(it->second, "$ref", text);
      if (!schema) continue;
      result.mapping.emplace_back(std::string(name), node_for(*schema));
    }
    if (result.mapping.empty()) return false;
    program_->discriminators.push_back(std::move(result));
    emit(Op::kDiscriminator, "discriminator").a =
        static_cast<std::uint32_t>(program_->discriminators.size() - 1);
    return true;
  }

  static std::string too_deep_message() {
    return "value is nested deeper than " + std::to_string(kMaxCopiedValueDepth) + " levels";
  }

  const CompileOptions& options_;
  bool too_deep_value_ = false;  // sticky: the compile fails anyway once set
  std::shared_ptr<Program> program_;
  std::vector<Problem> problems_;
  std::unordered_map<const Value*, SchemaInfo> info_;
  std::unordered_map<std::string, const Value*> uri_map_;
  std::vector<ResourceInfo> resources_;
  std::unordered_map<const Value*, NodeId> node_ids_;
  std::deque<const Value*> worklist_;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::vector<Instr> current_code_;
  std::uint32_t current_location_ = 0;
};

}  // namespace

std::shared_ptr<const Program> compile_program(const Value& schema,
                                               const CompileOptions& options) {
  Compiler compiler(options);
  return compiler.run(schema);
}

std::shared_ptr<const Program> compile_program_entries(const Value& document,
                                                       const CompileOptions& options,
                                                       const std::vector<std::string>& references,
                                                       std::vector<NodeId>* entries,
                                                       std::vector<Problem>* problems) {
  Compiler compiler(options);
  return compiler.run_entries(document, references, entries, problems);
}

}  // namespace specgate::detail
