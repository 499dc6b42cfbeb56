// Internal: reading OpenAPI/JSON Schema documents written as JSON or YAML into one document
// model (RapidJSON), and finding where in the source text a JSON pointer points.
#ifndef SPECGATE_SRC_SPEC_LOADER_H_
#define SPECGATE_SRC_SPEC_LOADER_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace specgate::detail {

// 1-based line and column; 0 when unknown.
struct SourceLocation {
  std::size_t line = 0;
  std::size_t column = 0;
};

struct LoadError {
  std::string message;       // e.g. "YAML: mapping values are not allowed in this context"
  SourceLocation location;   // where the problem is, when known
};

// Bounds that keep a hostile document from exhausting memory or time.
struct LoadLimits {
  std::size_t max_bytes = 64u << 20;      // input size
  std::size_t max_depth = 1000;           // nesting of mappings/sequences
  std::size_t max_nodes = 20u << 20;      // values in the resulting document, aliases expanded
};

// Parses `text` as JSON when its first non-blank character is '{' or '[' (or it is a JSON
// scalar), otherwise as YAML (a single document). YAML plain scalars resolve by the YAML 1.2
// core schema: null/Null/NULL/~/empty -> null; true/True/TRUE/false/False/FALSE -> bool;
// [-+]?[0-9]+ -> integer (so 0777 is 777, never octal), 0o.. octal, 0x.. hex; floats incl.
// .inf/.nan; everything else (on, yes, no, off, y, n) a string. Quoted scalars are strings;
// explicit tags !!str !!int !!float !!bool !!null are honoured. Mapping keys become strings
// (a key 200 becomes "200"). Anchors and aliases are expanded, within `limits.max_nodes`.
// Merge keys (<<) are applied. Duplicate mapping keys are an error. Multiple documents are
// an error. Returns false and fills *error on any failure; never throws for bad input.
bool load_document(std::string_view text, rapidjson::Document* out, LoadError* error,
                   const LoadLimits& limits = {});

// Where the value that `pointer` (RFC 6901, e.g. "/paths/~1pets/get") names starts in
// `text` (JSON or YAML, as load_document reads it). For a missing member, the location of
// the nearest existing ancestor. Cold path: re-reads the text.
// The location is where the value starts, not its key: for a YAML block mapping that is its
// first key, on the line below the key that names it. In YAML, a path through an alias ends at
// the alias, and a member added by a merge key is found at its mapping. {0, 0} when the text
// has no value at all.
SourceLocation locate_pointer(std::string_view text, std::string_view pointer);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_SPEC_LOADER_H_
