#include "traffic/gateway_api_route.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

// Where the two Services sit in one rule's backendRefs.
struct RuleRefs {
  std::size_t rule = 0;
  std::size_t stable = 0;
  std::size_t canary = 0;
};

// Whether `ref` (a backendRef) names the Service `name` of `services.namespace_name`, as seen
// from a route in `route_namespace`. Group "" and kind Service are the defaults.
bool names_service(const Json& ref, const std::string& name, const std::string& route_namespace,
                   const WeightedServices& services) {
  return string_or(ref, "group", "").empty() && string_or(ref, "kind", "Service") == "Service" &&
         string_or(ref, "name") == name &&
         string_or(ref, "namespace", route_namespace) == services.namespace_name;
}

std::vector<RuleRefs> rules_naming_both(const Json& route, const RouteRef& ref,
                                        const WeightedServices& services) {
  std::vector<RuleRefs> out;
  const Json& rules = member(member(route, "spec"), "rules");
  if (!rules.is_array())
    return out;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const Json& refs = member(rules[r], "backendRefs");
    if (!refs.is_array())
      continue;
    std::optional<std::size_t> stable;
    std::optional<std::size_t> canary;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (!stable && names_service(refs[i], services.stable, ref.namespace_name, services))
        stable = i;
      else if (!canary && names_service(refs[i], services.canary, ref.namespace_name, services))
        canary = i;
    }
    if (stable && canary)
      out.push_back({r, *stable, *canary});
  }
  return out;
}

std::string neither_problem(const RouteRef& ref, const WeightedServices& services) {
  return fmt::format(
      "{} has no rule whose backendRefs name both Services {} and {}: add a backendRef for each "
      "(weights 100 and 0) to the rules that carry the traffic",
      ref.describe(), services.stable, services.canary);
}

}  // namespace

RouteReading read_route(const Json& route, const RouteRef& ref, const WeightedServices& services) {
  if (!route.is_object()) {
    return {std::nullopt, fmt::format("{} not found: create it, or fix the name in "
                                      "spec.strategy.canary.trafficRouting.gatewayAPI",
                                      ref.describe())};
  }
  const auto rules = rules_naming_both(route, ref, services);
  if (rules.empty())
    return {std::nullopt, neither_problem(ref, services)};
  std::optional<int> weight;
  for (const auto& r : rules) {
    const Json& refs = member(member(member(route, "spec"), "rules")[r.rule], "backendRefs");
    // Gateway API: a backendRef without a weight weighs 1.
    const auto stable = int_or(refs[r.stable], "weight", 1);
    const auto canary = int_or(refs[r.canary], "weight", 1);
    const auto total = stable + canary;
    const int share = total <= 0
                          ? 0
                          : static_cast<int>(std::lround(100.0 * static_cast<double>(canary) /
                                                         static_cast<double>(total)));
    if (weight && *weight != share)
      return {};  // the rules disagree
    weight = share;
  }
  return {weight, ""};
}

std::expected<Json, std::string> weight_patch(const Json& route, const RouteRef& ref,
                                              const WeightedServices& services, int weight) {
  const auto rules = rules_naming_both(route, ref, services);
  if (!route.is_object() || rules.empty())
    return std::unexpected(read_route(route, ref, services).problem);
  Json patch = Json::array();
  patch.push_back({{"op", "test"},
                   {"path", "/metadata/resourceVersion"},
                   {"value", string_or(member(route, "metadata"), "resourceVersion")}});
  for (const auto& r : rules) {
    const std::string refs = fmt::format("/spec/rules/{}/backendRefs", r.rule);
    for (const auto& [index, name, value] : {std::tuple{r.stable, services.stable, 100 - weight},
                                             std::tuple{r.canary, services.canary, weight}}) {
      patch.push_back(
          {{"op", "test"}, {"path", fmt::format("{}/{}/name", refs, index)}, {"value", name}});
      // "add" sets a member whether or not it is there (RFC 6902 4.1).
      patch.push_back(
          {{"op", "add"}, {"path", fmt::format("{}/{}/weight", refs, index)}, {"value", value}});
    }
  }
  return patch;
}

}  // namespace cutover::traffic
