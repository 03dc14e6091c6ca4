#pragma once
// Inlines `$evaluators` into targeting rules: {"$ref": "NAME", ...} becomes the members of
// `$evaluators.NAME` plus the object's other members, as flagd's textual substitution of
// `"$ref": "NAME"` does. Evaluators may use $ref too.

#include <cstddef>
#include <expected>
#include <string>
#include <vector>

#include "flags/flag_definition.hpp"

namespace cutover::flags {

class ReferenceResolver {
 public:
  /// The most JSON nodes one resolution may produce: a few evaluators that each use another
  /// several times would otherwise expand exponentially.
  static constexpr std::size_t max_nodes = 1'000'000;

  /// `evaluators` is the `$evaluators` object (each member a non-empty object); it must
  /// outlive the resolver.
  explicit ReferenceResolver(const Json& evaluators) : evaluators_(evaluators) {}

  /// `rule` with every $ref inlined, or a message that completes "targeting ...", e.g.
  /// `$ref "beta" names no $evaluators entry (is_ballmer)`. Never throws.
  std::expected<Json, std::string> resolve(const Json& rule);

 private:
  std::expected<Json, std::string> resolve_object(const Json& object);
  std::expected<Json, std::string> inline_reference(const Json& object, const Json& name);
  std::string known_names() const;

  const Json& evaluators_;
  std::vector<std::string> active_;  // the evaluators being inlined, outermost first
  std::size_t nodes_left_ = max_nodes;
};

}  // namespace cutover::flags
