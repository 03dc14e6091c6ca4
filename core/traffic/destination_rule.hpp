#pragma once
// The subsets of an Istio DestinationRule (networking.istio.io/v1) for subset-level routing
// (spec.strategy.canary.trafficRouting.istio.destinationRule): pure functions over the API
// object. Cutover owns one key of two subsets' `labels`, cutover.dev/slot, which points the
// stable subset at the stable slot's pods and the canary subset at the candidate's, as a
// Service's selector key does for host-level routing. The rest of the DestinationRule (its
// host, traffic policies, other subsets, the subsets' other labels) is the user's.

#include <expected>
#include <map>
#include <optional>
#include <string>

#include "kube/kube_client.hpp"

namespace cutover::traffic {

inline constexpr const char* kDestinationRuleApiVersion = "networking.istio.io/v1";
inline constexpr const char* kDestinationRuleKind = "DestinationRule";

/// The value of `label` in each subset's labels, by subset name ("" where a subset lacks it).
/// Subsets without a name, and anything that is not shaped like a subset, are left out.
std::map<std::string, std::string> subset_label_values(const kube::Json& destination_rule,
                                                       const std::string& label);

/// The JSON patch that sets `label` of subset `subset` to `value` (none: removes it), guarded by
/// the subset's name, or null when the subset already says so. An error names the
/// DestinationRule (`describe`, e.g. "DestinationRule shop/web") and says how to add the subset.
std::expected<kube::Json, std::string> subset_label_patch(const kube::Json& destination_rule,
                                                          const std::string& describe,
                                                          const std::string& subset,
                                                          const std::string& label,
                                                          const std::optional<std::string>& value);

}  // namespace cutover::traffic
