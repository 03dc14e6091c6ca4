#include "traffic/route_target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace cutover::traffic {

std::string WeightedServices::describe_pair() const {
  if (!destination_rule.empty()) {
    return fmt::format("subsets {} and {} of DestinationRule {}/{}", stable, canary, namespace_name,
                       destination_rule);
  }
  return fmt::format("Services {} and {}", stable, canary);
}

bool owned_rule_name(const std::string& rule, const std::vector<std::string>& owned) {
  return std::ranges::any_of(owned, [&](const std::string& name) {
    if (rule == name)
      return true;
    if (!rule.starts_with(name + "-") || rule.size() == name.size() + 1)
      return false;
    return std::all_of(rule.begin() + static_cast<std::ptrdiff_t>(name.size()) + 1, rule.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  });
}

std::string managed_rule_name(const ManagedRoute& managed, std::size_t k) {
  return k == 0 ? managed.name : fmt::format("{}-{}", managed.name, k + 1);
}

int canary_share(std::int64_t stable, std::int64_t canary) {
  const std::int64_t total = stable + canary;
  return total <= 0 ? 0
                    : static_cast<int>(std::lround(100.0 * static_cast<double>(canary) /
                                                   static_cast<double>(total)));
}

bool json_contains(const kube::Json& have, const kube::Json& want) {
  if (want.is_object()) {
    if (!have.is_object())
      return false;
    return std::ranges::all_of(want.items(), [&](const auto& item) {
      return have.contains(item.key()) && json_contains(have[item.key()], item.value());
    });
  }
  if (want.is_array()) {
    if (!have.is_array() || have.size() != want.size())
      return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (!json_contains(have[i], want[i]))
        return false;
    }
    return true;
  }
  return have == want;
}

}  // namespace cutover::traffic
