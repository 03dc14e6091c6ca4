#pragma once
// From a field path (`spec.strategy.canary.steps[2].setWeight`, as FieldError names it) back to
// where that field is written in the YAML file, so `deploy lint` can say `file:line:col`.

#include <string_view>

namespace YAML {
class Node;
}

namespace cutover::cli {

/// A 1-based place in a file.
struct SourcePosition {
  int line = 1;
  int column = 1;
  bool operator==(const SourcePosition&) const = default;
};

/// The position of `path` inside `document` (a node yaml-cpp loaded, so it carries marks).
/// A map member is found at its key (`setWeight:`), a list item at its first character. When
/// the path leads to a field that is not written (a required field that is missing), the
/// deepest ancestor that is written is returned instead; an empty path is the document itself.
///
/// **Example**: for `spec: {replicas: x}` on line 3, `locate(doc, "spec.replicas")` is {3, 8}.
SourcePosition locate(const YAML::Node& document, std::string_view path);

}  // namespace cutover::cli
