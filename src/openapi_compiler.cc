// Compiles an OpenAPI document into a CompiledSpec: the route trie, per-operation tables of
// parameters, security requirements, bodies and responses, and one schema Program holding
// every schema the document uses.
//
// OpenAPI objects reached through `$ref` (parameters, request bodies, responses, headers,
// security schemes, path items) are followed here, in this document or in other documents
// (files next to the spec, or documents the caller registered). Schemas are not compiled
// one by one: their references are collected, compiled together at the end, and the node
// each got is written back into the tables.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include <unistd.h>

#include "json_pointer.h"
#include "openapi_spec.h"
#include "servers.h"
#include "spec_loader.h"
#include "uri.h"

namespace specgate::detail {
namespace {

using rapidjson::Value;

constexpr const char* kUpperMethods[kMethodCount] = {"GET",     "PUT",  "POST",  "DELETE",
                                                     "OPTIONS", "HEAD", "PATCH", "TRACE"};
constexpr TypeMask kAnyType = 0x7F;

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string child_pointer(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  append_pointer_token(out, token);
  return out;
}

// A value found in some document, with where it is.
struct Located {
  const Value* value = nullptr;
  std::string document;  // URI of the document ("" for the main one without a base)
  std::string pointer;

  std::string reference() const {
    return (document.empty() ? std::string() : document) + pointer_to_fragment(pointer);
  }
};

bool is_file_uri(std::string_view uri) { return uri.substr(0, 7) == "file://"; }

std::string file_uri_for_path(const std::string& path) {
  std::string absolute = path;
  if (absolute.empty() || absolute[0] != '/') {
    char buffer[4096];
    if (getcwd(buffer, sizeof buffer)) absolute = std::string(buffer) + "/" + absolute;
  }
  std::string uri = "file://";
  for (char c : absolute) {
    if (c == ' ') {
      uri += "%20";
    } else if (c == '%') {
      uri += "%25";
    } else if (c == '#') {
      uri += "%23";
    } else {
      uri += c;
    }
  }
  return uri;
}

class SpecCompiler {
 public:
  SpecCompiler(const Value& document, std::string_view text, const SpecOptions& options)
      : document_(document), text_(text), options_(options) {
    base_ = std::string(uri_without_fragment(resolve_uri("", options.base_uri)));
    if (!options.base_uri.empty() && options.base_uri.find("://") == std::string::npos &&
        options.base_uri.rfind("urn:", 0) != 0) {
      base_ = file_uri_for_path(options.base_uri);  // a plain file path
    }
  }

  std::shared_ptr<const CompiledSpec> run() {
    auto spec = std::make_shared<CompiledSpec>();
    spec_ = spec.get();
    spec_->base_uri = base_;
    if (!document_.IsObject()) {
      add_problem("", "an OpenAPI document must be an object");
      throw_problems();
    }
    read_version();
    read_security_schemes();
    if (const Value* security = member(document_, "security")) {
      root_security_ = read_security(*security, "/security");
      has_root_security_ = true;
    }
    if (const Value* reject = member(document_, "x-specgate-unknown-query")) {
      root_reject_unknown_query_ = reject->IsString() && view(*reject) == "reject";
    }
    std::vector<std::string> server_problems;
    spec_->base_paths = server_base_paths(member(document_, "servers"), &server_problems);
    for (std::string& message : server_problems) add_problem("/servers", std::move(message));
    read_paths();
    compile_schemas();
    if (!problems_.empty()) throw_problems();
    finish_infos();
    return spec;
  }

 private:
  // ---------------------------------------------------------------- problems

  void add_problem(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message)});
  }

  [[noreturn]] void throw_problems() {
    // Line and column for problems located in the main document's text.
    std::string prefix = base_ + "#";
    for (Problem& problem : problems_) {
      problem.pointer = public_location(base_, problem.pointer);
      std::string_view pointer = problem.pointer;
      if (!pointer.empty() && pointer[0] != '/') continue;  // another document
      if (text_.empty()) continue;
      SourceLocation location = locate_pointer(text_, pointer);
      problem.line = location.line;
      problem.column = location.column;
    }
    throw SpecError(std::move(problems_));
  }

  // ---------------------------------------------------------------- documents and $ref

  // Loads another document by absolute URI: the caller's registry, else a file.
  const Value* load_document(const std::string& uri) {
    if (uri == base_) return &document_;
    auto it = loaded_.find(uri);
    if (it != loaded_.end()) return it->second.get();
    if (options_.resources) {
      if (const Value* found = options_.resources->find(uri)) return found;
    }
    if (!options_.load_external_files || !is_file_uri(uri)) return nullptr;
    std::string path;
    if (!percent_decode(std::string_view(uri).substr(7), &path)) return nullptr;
    std::ifstream file(path, std::ios::binary);
    if (!file) return nullptr;
    std::stringstream buffer;
    buffer << file.rdbuf();
    std::string text = buffer.str();
    auto document = std::make_unique<rapidjson::Document>();
    LoadError error;
    LoadLimits limits;
    limits.max_bytes = options_.max_spec_bytes;
    if (!load_document_text(text, document.get(), &error, limits)) {
      add_problem(uri, "cannot read referenced document: " + error.message);
      loaded_[uri] = nullptr;
      return nullptr;
    }
    const Value* result = document.get();
    loaded_[uri] = std::move(document);
    return result;
  }

  static bool load_document_text(const std::string& text, rapidjson::Document* out,
                                 LoadError* error, const LoadLimits& limits) {
    return specgate::detail::load_document(text, out, error, limits);
  }

  // Follows `$ref`s from `start` (an OpenAPI object in `document` at `pointer`) to the
  // object itself. Problems name `where`.
  Located follow(Located start, const std::string& where) {
    for (std::size_t hops = 0; hops <= options_.max_ref_depth; ++hops) {
      const Value* ref = member(*start.value, "$ref");
      if (!ref) return start;
      if (!ref->IsString()) {
        add_problem(where, "$ref must be a string");
        return {};
      }
      Located next = resolve(start.document, view(*ref));
      if (!next.value) {
        add_problem(where, "cannot resolve reference \"" + std::string(view(*ref)) + "\"");
        return {};
      }
      start = std::move(next);
    }
    add_problem(where, "$ref chain longer than " + std::to_string(options_.max_ref_depth) +
                           " hops (a cycle?)");
    return {};
  }

  Located resolve(const std::string& from_document, std::string_view ref) {
    std::string uri = resolve_uri(from_document, ref);
    std::string document(uri_without_fragment(uri));
    std::string fragment;
    if (!percent_decode(uri_fragment(uri), &fragment)) return {};
    const Value* root = document == base_ ? &document_ : load_document(document);
    if (!root) return {};
    if (!fragment.empty() && fragment[0] != '/') return {};  // anchors: not for OpenAPI objects
    const Value* value = resolve_pointer(*root, fragment);
    if (!value) return {};
    return {value, document, fragment};
  }

  Located in_main(const Value& value, std::string pointer) { return {&value, base_, std::move(pointer)}; }

  // The problem pointer for a location: plain in the main document, with the URI elsewhere.
  std::string where(const Located& at) const {
    if (at.document == base_) return at.pointer;
    return at.document + "#" + at.pointer;
  }

  // ---------------------------------------------------------------- schemas

  // Queues a schema for compilation; returns the slot the node id will be written to.
  std::uint32_t queue_schema(const Located& schema) {
    schema_refs_.push_back(schema.reference());
    return static_cast<std::uint32_t>(schema_refs_.size() - 1);
  }

  void compile_schemas() {
    CompileOptions options;
    options.default_dialect = spec_->dialect;
    options.format_assertion = options_.format_assertion;
    options.base_uri = base_;
    options.resources = options_.resources;
    options.max_ref_depth = options_.max_ref_depth;
    options.resolver = [this](std::string_view uri) { return load_document(std::string(uri)); };
    std::vector<NodeId> entries;
    spec_->program =
        compile_program_entries(document_, options, schema_refs_, &entries, &problems_);
    // Slots hold queue positions until now; swap in the compiled node ids.
    auto patch = [&](NodeId& slot) {
      if (slot != kNoNode) slot = entries[slot];
    };
    for (CompiledOperation& op : spec_->operations) {
      for (CompiledParameter& p : op.parameters) patch(p.schema);
      for (CompiledMedia& m : op.body.media) patch(m.schema);
      for (CompiledResponse& r : op.responses) {
        for (CompiledParameter& h : r.headers) patch(h.schema);
        for (CompiledMedia& m : r.body.media) patch(m.schema);
      }
    }
  }

  // The JSON types a schema admits, looking through $ref and combinators; 0 when unknown.
  TypeMask types_of(const Located& schema, int depth = 0) {
    if (!schema.value || !schema.value->IsObject() || depth > 16) return 0;
    const Value& v = *schema.value;
    if (const Value* ref = member(v, "$ref"); ref && ref->IsString()) {
      Located target = resolve(schema.document, view(*ref));
      if (!target.value) return 0;
      return types_of(target, depth + 1);
    }
    TypeMask mask = 0;
    auto add = [&](std::string_view name) {
      if (name == "null") mask |= 1;
      else if (name == "boolean") mask |= 2;
      else if (name == "object") mask |= 4;
      else if (name == "array") mask |= 8;
      else if (name == "number") mask |= 16;
      else if (name == "string") mask |= 32;
      else if (name == "integer") mask |= 64;
    };
    if (const Value* type = member(v, "type")) {
      if (type->IsString()) add(view(*type));
      if (type->IsArray()) {
        for (const auto& t : type->GetArray()) {
          if (t.IsString()) add(view(t));
        }
      }
    }
    if (!mask) {
      for (const char* keyword : {"oneOf", "anyOf", "allOf"}) {
        const Value* list = member(v, keyword);
        if (!list || !list->IsArray()) continue;
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
          Located sub{&(*list)[i], schema.document,
                      child_pointer(child_pointer(schema.pointer, keyword), std::to_string(i))};
          mask |= types_of(sub, depth + 1);
        }
        if (mask) break;
      }
    }
    if (!mask) {
      if (member(v, "properties") || member(v, "additionalProperties")) mask |= 4;
      if (member(v, "items")) mask |= 8;
    }
    if (const Value* nullable = member(v, "nullable"); nullable && nullable->IsBool() &&
                                                       nullable->GetBool() && mask) {
      mask |= 1;
    }
    return mask;
  }

  Located sub(const Located& at, std::string_view keyword) {
    const Value* value = member(*at.value, std::string(keyword).c_str());
    if (!value) return {};
    return {value, at.document, child_pointer(at.pointer, keyword)};
  }

  // Collects object properties (through $ref and allOf) into `shape`.
  // `located`, when given, also receives each property's schema.
  void collect_properties(const Located& schema, ValueShape* shape, int depth,
                          std::vector<std::pair<std::string, Located>>* located = nullptr) {
    if (!schema.value || !schema.value->IsObject() || depth > 16) return;
    if (const Value* ref = member(*schema.value, "$ref"); ref && ref->IsString()) {
      collect_properties(resolve(schema.document, view(*ref)), shape, depth + 1, located);
      return;
    }
    Located properties = sub(schema, "properties");
    if (properties.value && properties.value->IsObject()) {
      for (const auto& entry : properties.value->GetObject()) {
        Located property{&entry.value, schema.document,
                         child_pointer(properties.pointer, view(entry.name))};
        shape->properties.emplace_back(std::string(view(entry.name)), types_of(property));
        if (located) located->emplace_back(std::string(view(entry.name)), property);
      }
    }
    Located additional = sub(schema, "additionalProperties");
    if (additional.value) {
      if (additional.value->IsBool()) {
        shape->additional_types = additional.value->GetBool() ? kAnyType : 0;
      } else {
        TypeMask types = types_of(additional);
        shape->additional_types = types ? types : kAnyType;
      }
    }
    Located all = sub(schema, "allOf");
    if (all.value && all.value->IsArray()) {
      for (rapidjson::SizeType i = 0; i < all.value->Size(); ++i) {
        collect_properties({&(*all.value)[i], all.document, child_pointer(all.pointer, std::to_string(i))},
                           shape, depth + 1, located);
      }
    }
  }

  ValueShape shape_of(const Located& schema) {
    ValueShape shape;
    if (!schema.value) return shape;
    shape.types = types_of(schema);
    shape.additional_types = kAnyType;  // JSON Schema's default: any other property
    Located target = schema;
    for (int hops = 0; target.value && target.value->IsObject() && hops < 16; ++hops) {
      const Value* ref = member(*target.value, "$ref");
      if (!ref || !ref->IsString()) break;
      target = resolve(target.document, view(*ref));
    }
    if (!target.value || !target.value->IsObject()) return shape;
    if (shape.types & 8) shape.item_types = types_of(sub(target, "items"));
    if (shape.types & 4) collect_properties(target, &shape, 0);
    return shape;
  }

  // ---------------------------------------------------------------- document parts

  void read_version() {
    const Value* version = member(document_, "openapi");
    if (!version || !version->IsString()) {
      add_problem("/openapi", "missing \"openapi\": this does not look like an OpenAPI 3 document");
      spec_->dialect = Dialect::kOas30;
      return;
    }
    spec_->version = std::string(view(*version));
    if (spec_->version.rfind("3.0", 0) == 0) {
      spec_->dialect = Dialect::kOas30;
    } else if (spec_->version.rfind("3.1", 0) == 0 || spec_->version.rfind("3.2", 0) == 0) {
      spec_->dialect = Dialect::kOas31;
      if (const Value* dialect = member(document_, "jsonSchemaDialect"); dialect && dialect->IsString()) {
        if (auto known = dialect_from_schema_uri(view(*dialect))) spec_->dialect = *known;
      }
    } else {
      add_problem("/openapi", "unsupported OpenAPI version \"" + spec_->version +
                                  "\" (3.0.x, 3.1.x and 3.2.x are supported)");
    }
  }

  void read_security_schemes() {
    const Value* components = member(document_, "components");
    const Value* schemes = components ? member(*components, "securitySchemes") : nullptr;
    if (!schemes) return;
    if (!schemes->IsObject()) {
      add_problem("/components/securitySchemes", "must be an object");
      return;
    }
    for (const auto& entry : schemes->GetObject()) {
      std::string pointer = child_pointer("/components/securitySchemes", view(entry.name));
      Located at = follow(in_main(entry.value, pointer), pointer);
      if (!at.value) continue;
      SecurityScheme scheme;
      scheme.name = std::string(view(entry.name));
      const Value* type = member(*at.value, "type");
      if (!type || !type->IsString()) {
        add_problem(where(at), "a security scheme needs a \"type\"");
        continue;
      }
      scheme.type_name = std::string(view(*type));
      if (scheme.type_name == "apiKey") {
        scheme.type = SecurityScheme::Type::kApiKey;
        const Value* in = member(*at.value, "in");
        const Value* name = member(*at.value, "name");
        if (!in || !in->IsString() || !name || !name->IsString()) {
          add_problem(where(at), "an apiKey scheme needs \"in\" and \"name\"");
          continue;
        }
        std::string_view in_text = view(*in);
        if (in_text == "header") {
          scheme.in = ParamIn::kHeader;
          scheme.key_name = lower(view(*name));
        } else if (in_text == "query" || in_text == "cookie") {
          scheme.in = in_text == "query" ? ParamIn::kQuery : ParamIn::kCookie;
          scheme.key_name = std::string(view(*name));
        } else {
          add_problem(where(at), "apiKey \"in\" must be header, query or cookie");
          continue;
        }
      } else if (scheme.type_name == "http") {
        scheme.type = SecurityScheme::Type::kHttp;
        const Value* http = member(*at.value, "scheme");
        if (!http || !http->IsString()) {
          add_problem(where(at), "an http scheme needs \"scheme\"");
          continue;
        }
        scheme.http_scheme = lower(view(*http));
      } else if (scheme.type_name == "oauth2") {
        scheme.type = SecurityScheme::Type::kOAuth2;
      } else if (scheme.type_name == "openIdConnect") {
        scheme.type = SecurityScheme::Type::kOpenIdConnect;
      } else if (scheme.type_name == "mutualTLS") {
        scheme.type = SecurityScheme::Type::kMutualTls;
      } else {
        add_problem(where(at), "unknown security scheme type \"" + scheme.type_name + "\"");
        continue;
      }
      scheme_index_[scheme.name] = static_cast<std::uint32_t>(spec_->schemes.size());
      spec_->schemes.push_back(std::move(scheme));
    }
  }

  std::vector<SecurityRequirement> read_security(const Value& security, const std::string& pointer) {
    std::vector<SecurityRequirement> result;
    if (!security.IsArray()) {
      add_problem(pointer, "must be an array of security requirements");
      return result;
    }
    for (rapidjson::SizeType i = 0; i < security.Size(); ++i) {
      const Value& requirement = security[i];
      std::string requirement_pointer = child_pointer(pointer, std::to_string(i));
      if (!requirement.IsObject()) {
        add_problem(requirement_pointer, "a security requirement must be an object");
        continue;
      }
      SecurityRequirement compiled;
      bool usable = true;
      for (const auto& entry : requirement.GetObject()) {
        auto it = scheme_index_.find(std::string(view(entry.name)));
        if (it == scheme_index_.end()) {
          add_problem(child_pointer(requirement_pointer, view(entry.name)),
                      "no security scheme named \"" + std::string(view(entry.name)) +
                          "\" in components.securitySchemes");
          usable = false;
          continue;
        }
        compiled.schemes.push_back(it->second);
      }
      if (usable) result.push_back(std::move(compiled));
    }
    return result;
  }

  bool read_parameter(const Located& start, CompiledParameter* out) {
    Located at = follow(start, where(start));
    if (!at.value) return false;
    const Value& p = *at.value;
    if (!p.IsObject()) {
      add_problem(where(at), "a parameter must be an object");
      return false;
    }
    const Value* name = member(p, "name");
    const Value* in = member(p, "in");
    if (!name || !name->IsString() || !in || !in->IsString()) {
      add_problem(where(at), "a parameter needs \"name\" and \"in\"");
      return false;
    }
    out->spec.name = std::string(view(*name));
    out->pointer = where(at);
    std::string_view in_text = view(*in);
    if (in_text == "path") out->spec.in = ParamIn::kPath;
    else if (in_text == "query") out->spec.in = ParamIn::kQuery;
    else if (in_text == "header") out->spec.in = ParamIn::kHeader;
    else if (in_text == "cookie") out->spec.in = ParamIn::kCookie;
    else {
      add_problem(where(at), "parameter \"in\" must be path, query, header or cookie");
      return false;
    }
    out->header_key = lower(out->spec.name);
    read_parameter_body(at, out, out->spec.in == ParamIn::kPath);
    return true;
  }

  // The parts that parameters and header objects share: required, style, explode, schema or
  // content.
  void read_parameter_body(const Located& at, CompiledParameter* out, bool path) {
    const Value& p = *at.value;
    if (const Value* required = member(p, "required"); required && required->IsBool()) {
      out->required = required->GetBool();
    }
    if (path) out->required = true;  // path parameters are always required
    out->spec.style = default_style(out->spec.in);
    if (const Value* style = member(p, "style"); style && style->IsString()) {
      std::string_view s = view(*style);
      std::optional<ParamStyle> parsed;
      if (s == "matrix") parsed = ParamStyle::kMatrix;
      else if (s == "label") parsed = ParamStyle::kLabel;
      else if (s == "form") parsed = ParamStyle::kForm;
      else if (s == "simple") parsed = ParamStyle::kSimple;
      else if (s == "spaceDelimited") parsed = ParamStyle::kSpaceDelimited;
      else if (s == "pipeDelimited") parsed = ParamStyle::kPipeDelimited;
      else if (s == "deepObject") parsed = ParamStyle::kDeepObject;
      bool fits = parsed.has_value();
      if (fits) {
        switch (out->spec.in) {
          case ParamIn::kPath:
            fits = *parsed == ParamStyle::kMatrix || *parsed == ParamStyle::kLabel ||
                   *parsed == ParamStyle::kSimple;
            break;
          case ParamIn::kQuery:
            fits = *parsed == ParamStyle::kForm || *parsed == ParamStyle::kSpaceDelimited ||
                   *parsed == ParamStyle::kPipeDelimited || *parsed == ParamStyle::kDeepObject;
            break;
          case ParamIn::kHeader:
            fits = *parsed == ParamStyle::kSimple;
            break;
          case ParamIn::kCookie:
            fits = *parsed == ParamStyle::kForm;
            break;
        }
      }
      if (!fits) {
        add_problem(child_pointer(where(at), "style"),
                    "style \"" + std::string(s) + "\" is not allowed for this parameter location");
      } else {
        out->spec.style = *parsed;
      }
    }
    out->spec.explode = default_explode(out->spec.style);
    if (const Value* explode = member(p, "explode"); explode && explode->IsBool()) {
      out->spec.explode = explode->GetBool();
    }
    if (const Value* v = member(p, "allowReserved"); v && v->IsBool()) out->spec.allow_reserved = v->GetBool();
    if (const Value* v = member(p, "allowEmptyValue"); v && v->IsBool()) out->spec.allow_empty_value = v->GetBool();
    Located schema = sub(at, "schema");
    if (schema.value) {
      out->spec.shape = shape_of(schema);
      out->schema = queue_schema(schema);
    } else if (const Value* content = member(p, "content"); content && content->IsObject() &&
                                                           content->MemberCount() > 0) {
      // A content-typed parameter: one media type; JSON ones are parsed before validation.
      const auto& first = *content->MemberBegin();
      MediaType type;
      out->content_json = parse_media_type(view(first.name), &type) && type.is_json();
      Located media{&first.value, at.document,
                    child_pointer(child_pointer(at.pointer, "content"), view(first.name))};
      Located media_schema = sub(media, "schema");
      if (media_schema.value) out->schema = queue_schema(media_schema);
      out->spec.shape.types = out->content_json ? 0 : 32;
    }
  }

  void read_parameters(const Located& owner, std::vector<CompiledParameter>* out) {
    Located list = sub(owner, "parameters");
    if (!list.value) return;
    if (!list.value->IsArray()) {
      add_problem(where(list), "parameters must be an array");
      return;
    }
    for (rapidjson::SizeType i = 0; i < list.value->Size(); ++i) {
      CompiledParameter parameter;
      Located item{&(*list.value)[i], list.document, child_pointer(list.pointer, std::to_string(i))};
      if (!read_parameter(item, &parameter)) continue;
      // An operation's parameter replaces the path item's one with the same name and place.
      auto same = std::find_if(out->begin(), out->end(), [&](const CompiledParameter& existing) {
        return existing.spec.in == parameter.spec.in &&
               (parameter.spec.in == ParamIn::kHeader ? existing.header_key == parameter.header_key
                                                      : existing.spec.name == parameter.spec.name);
      });
      if (same != out->end()) {
        *same = std::move(parameter);
      } else {
        out->push_back(std::move(parameter));
      }
    }
  }

  void read_content(const Located& owner, CompiledBody* body) {
    Located content = sub(owner, "content");
    if (!content.value) return;
    if (!content.value->IsObject()) {
      add_problem(where(content), "content must be an object");
      return;
    }
    for (const auto& entry : content.value->GetObject()) {
      CompiledMedia media;
      media.key = std::string(view(entry.name));
      Located at{&entry.value, content.document, child_pointer(content.pointer, media.key)};
      if (!parse_media_type(media.key, &media.type)) {
        add_problem(where(at), "\"" + media.key + "\" is not a media type");
        continue;
      }
      if (media.type.is_json()) {
        media.kind = CompiledMedia::Kind::kJson;
      } else if (media.type.type == "application" && media.type.subtype == "x-www-form-urlencoded") {
        media.kind = CompiledMedia::Kind::kForm;
      } else if (media.type.type == "multipart") {
        media.kind = CompiledMedia::Kind::kMultipart;
      } else if (media.type.type == "text") {
        media.kind = CompiledMedia::Kind::kText;
      }
      Located schema = sub(at, "schema");
      if (schema.value) {
        media.schema = queue_schema(schema);
        if (media.kind == CompiledMedia::Kind::kForm || media.kind == CompiledMedia::Kind::kMultipart) {
          media.form.shape = shape_of(schema);
          // Arrays and objects in a form need their items' and members' types too.
          ValueShape ignored;
          std::vector<std::pair<std::string, Located>> properties;
          collect_properties(schema, &ignored, 0, &properties);
          for (const auto& [name, property] : properties) {
            ValueShape shape = shape_of(property);
            if (shape.types & (4 | 8)) media.form.property_shapes.emplace_back(name, std::move(shape));
          }
          read_encodings(at, &media.form);
        }
      }
      body->types.push_back(media.type);
      body->media.push_back(std::move(media));
    }
  }

  void read_encodings(const Located& media, FormSpec* form) {
    Located encodings = sub(media, "encoding");
    if (!encodings.value || !encodings.value->IsObject()) return;
    for (const auto& entry : encodings.value->GetObject()) {
      FormFieldEncoding encoding;
      encoding.name = std::string(view(entry.name));
      if (const Value* type = member(entry.value, "contentType"); type && type->IsString()) {
        encoding.content_type = std::string(view(*type));
      }
      encoding.style = ParamStyle::kForm;
      if (const Value* style = member(entry.value, "style"); style && style->IsString()) {
        std::string_view s = view(*style);
        if (s == "spaceDelimited") encoding.style = ParamStyle::kSpaceDelimited;
        else if (s == "pipeDelimited") encoding.style = ParamStyle::kPipeDelimited;
        else if (s == "deepObject") encoding.style = ParamStyle::kDeepObject;
      }
      encoding.explode = encoding.style == ParamStyle::kForm;
      if (const Value* explode = member(entry.value, "explode"); explode && explode->IsBool()) {
        encoding.explode = explode->GetBool();
      }
      form->encodings.push_back(std::move(encoding));
    }
  }

  void read_request_body(const Located& operation, CompiledBody* body) {
    Located start = sub(operation, "requestBody");
    if (!start.value) return;
    Located at = follow(start, where(start));
    if (!at.value) return;
    body->declared = true;
    if (const Value* required = member(*at.value, "required"); required && required->IsBool()) {
      body->required = required->GetBool();
    }
    read_content(at, body);
  }

  void read_responses(const Located& operation, std::vector<CompiledResponse>* out) {
    Located responses = sub(operation, "responses");
    if (!responses.value || !responses.value->IsObject()) return;
    for (const auto& entry : responses.value->GetObject()) {
      std::string code(view(entry.name));
      if (code.rfind("x-", 0) == 0) continue;
      Located start{&entry.value, responses.document, child_pointer(responses.pointer, code)};
      Located at = follow(start, where(start));
      if (!at.value) continue;
      CompiledResponse response;
      response.code = code;
      for (char& c : response.code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (response.code == "DEFAULT") response.code = "default";
      Located headers = sub(at, "headers");
      if (headers.value && headers.value->IsObject()) {
        for (const auto& header : headers.value->GetObject()) {
          std::string name(view(header.name));
          if (lower(name) == "content-type") continue;  // described by content instead
          Located header_start{&header.value, headers.document, child_pointer(headers.pointer, name)};
          Located header_at = follow(header_start, where(header_start));
          if (!header_at.value || !header_at.value->IsObject()) continue;
          CompiledParameter parameter;
          parameter.spec.name = name;
          parameter.spec.in = ParamIn::kHeader;
          parameter.header_key = lower(name);
          parameter.pointer = where(header_at);
          read_parameter_body(header_at, &parameter, false);
          response.headers.push_back(std::move(parameter));
        }
      }
      read_content(at, &response.body);
      response.body.declared = !response.body.media.empty();
      out->push_back(std::move(response));
    }
  }

  void read_paths() {
    const Value* paths = member(document_, "paths");
    if (!paths) return;  // a document with only webhooks or components
    if (!paths->IsObject()) {
      add_problem("/paths", "must be an object");
      return;
    }
    for (const auto& entry : paths->GetObject()) {
      std::string path(view(entry.name));
      if (path.rfind("x-", 0) == 0) continue;
      std::string pointer = child_pointer("/paths", path);
      if (path.empty() || path[0] != '/') {
        add_problem(pointer, "a path must start with '/'");
        continue;
      }
      Located item = follow(in_main(entry.value, pointer), pointer);
      if (!item.value) continue;
      if (!item.value->IsObject()) {
        add_problem(pointer, "a path item must be an object");
        continue;
      }
      auto path_index = static_cast<std::uint32_t>(spec_->paths.size());
      std::string error;
      if (!spec_->router.add(path, path_index, &error)) {
        add_problem(pointer, error);
        continue;
      }
      CompiledPath compiled;
      compiled.path = path;
      compiled.operations.fill(-1);
      std::vector<CompiledParameter> shared;
      read_parameters(item, &shared);
      for (int m = 0; m < kMethodCount; ++m) {
        Located operation = sub(item, kMethods[m]);
        if (!operation.value) continue;
        if (!operation.value->IsObject()) {
          add_problem(where(operation), "an operation must be an object");
          continue;
        }
        CompiledOperation op;
        op.method = kMethods[m];
        op.path = path;
        if (const Value* id = member(*operation.value, "operationId"); id && id->IsString()) {
          op.operation_id = std::string(view(*id));
        }
        op.parameters = shared;
        read_parameters(operation, &op.parameters);
        if (const Value* security = member(*operation.value, "security")) {
          op.security = read_security(*security, child_pointer(where(operation), "security"));
        } else if (has_root_security_) {
          op.security = root_security_;
        }
        read_request_body(operation, &op.body);
        read_responses(operation, &op.responses);
        op.reject_unknown_query = root_reject_unknown_query_;
        if (const Value* reject = member(*operation.value, "x-specgate-unknown-query")) {
          op.reject_unknown_query = reject->IsString() && view(*reject) == "reject";
        }
        compiled.operations[m] = static_cast<int>(spec_->operations.size());
        compiled.allow.emplace_back(kUpperMethods[m]);
        spec_->operations.push_back(std::move(op));
      }
      spec_->paths.push_back(std::move(compiled));
    }
  }

  void finish_infos() {
    std::size_t bytes = sizeof(CompiledSpec);
    for (const CompiledOperation& op : spec_->operations) {
      OperationInfo info;
      info.method = op.method;
      info.path = op.path;
      info.operation_id = op.operation_id;
      info.parameter_count = op.parameters.size();
      info.has_body = op.body.declared;
      info.secured = std::any_of(op.security.begin(), op.security.end(),
                                 [](const SecurityRequirement& r) { return !r.schemes.empty(); });
      spec_->infos.push_back(std::move(info));
      bytes += sizeof(CompiledOperation) + op.path.size() + op.operation_id.size() +
               op.parameters.size() * (sizeof(CompiledParameter) + 32) +
               op.responses.size() * sizeof(CompiledResponse) +
               op.body.media.size() * sizeof(CompiledMedia);
      for (const CompiledResponse& r : op.responses) {
        bytes += r.body.media.size() * sizeof(CompiledMedia) + r.headers.size() * sizeof(CompiledParameter);
      }
    }
    const Program& p = *spec_->program;
    bytes += p.nodes.size() * sizeof(Node) + p.code.size() * sizeof(Instr) +
             p.lists.size() * sizeof(NodeId) + p.required.size() * sizeof(RequiredName) +
             p.patterns.size() * (sizeof(PatternEntry) + 2048) +
             p.dependencies.size() * sizeof(Dependency) + p.formats.size() * sizeof(FormatEntry);
    for (const std::string& s : p.strings) bytes += sizeof(std::string) + s.capacity();
    for (const PropertyTable& t : p.property_tables) {
      bytes += sizeof(PropertyTable) + t.nodes.size() * sizeof(NodeId) + t.index.size() * 48;
      for (const std::string& name : t.names) bytes += sizeof(std::string) + name.capacity();
    }
    for (const RequiredName& r : p.required) bytes += r.name.capacity();
    bytes += const_cast<rapidjson::Document&>(p.values).GetAllocator().Capacity();
    bytes += spec_->paths.size() * (sizeof(CompiledPath) + 64);
    spec_->memory_bytes = bytes;
  }

  const Value& document_;
  std::string_view text_;
  const SpecOptions& options_;
  std::string base_;
  CompiledSpec* spec_ = nullptr;
  std::vector<Problem> problems_;
  std::vector<std::string> schema_refs_;
  std::map<std::string, std::unique_ptr<rapidjson::Document>> loaded_;
  std::unordered_map<std::string, std::uint32_t> scheme_index_;
  std::vector<SecurityRequirement> root_security_;
  bool has_root_security_ = false;
  bool root_reject_unknown_query_ = false;
};

}  // namespace

std::string public_location(const std::string& base_uri, const std::string& location) {
  if (base_uri.empty()) return location;
  if (location.size() > base_uri.size() && location.compare(0, base_uri.size(), base_uri) == 0 &&
      location[base_uri.size()] == '#') {
    return location.substr(base_uri.size() + 1);
  }
  std::size_t hash = location.find('#');
  std::string_view document = std::string_view(location).substr(0, hash);
  std::size_t folder_end = base_uri.rfind('/');
  if (folder_end != std::string::npos &&
      document.substr(0, folder_end + 1) == std::string_view(base_uri).substr(0, folder_end + 1)) {
    return location.substr(folder_end + 1);
  }
  if (is_file_uri(document)) return location.substr(document.rfind('/') + 1);
  return location;
}

int method_index(std::string_view method) {
  for (int i = 0; i < kMethodCount; ++i) {
    std::string_view name = kMethods[i];
    if (name.size() != method.size()) continue;
    bool equal = true;
    for (std::size_t k = 0; k < name.size() && equal; ++k) {
      equal = name[k] == std::tolower(static_cast<unsigned char>(method[k]));
    }
    if (equal) return i;
  }
  return -1;
}

std::shared_ptr<const CompiledSpec> compile_spec(const rapidjson::Value& document,
                                                 std::string_view source_text,
                                                 const SpecOptions& options) {
  SpecCompiler compiler(document, source_text, options);
  return compiler.run();
}

}  // namespace specgate::detail
