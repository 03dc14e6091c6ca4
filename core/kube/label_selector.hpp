#pragma once
// Equality-based label selectors (`a=b,c!=d,e,!f`), matched in memory, as an informer's lister
// answers a `labelSelector` from its cache. Set-based terms (`in`, `notin`) are not parsed: a
// caller that gets nullopt asks the API server instead.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/kube_client.hpp"

namespace cutover::kube {

class LabelSelector {
 public:
  enum class Op { equals, not_equals, exists, not_exists };
  struct Term {
    std::string key;
    Op op = Op::exists;
    std::string value;
  };

  /// Parses `text`; nullopt for set-based terms or malformed text (empty keys, `a=b=c`, ...).
  /// An empty text selects everything.
  static std::optional<LabelSelector> parse(std::string_view text);

  /// Whether `labels` (an object of strings, or null) matches every term.
  [[nodiscard]] bool matches(const Json& labels) const;
  /// The value required by an `=` term on `key`, if any (for an index lookup).
  [[nodiscard]] std::optional<std::string> required(const std::string& key) const;

 private:
  std::vector<Term> terms_;
};

}  // namespace cutover::kube
