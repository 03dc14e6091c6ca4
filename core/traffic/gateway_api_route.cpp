#include "traffic/gateway_api_route.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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
  // A route in another namespace names them with `namespace:` (and needs a ReferenceGrant).
  const std::string in_namespace = ref.namespace_name == services.namespace_name
                                       ? ""
                                       : fmt::format(", namespace: {}", services.namespace_name);
  return fmt::format(
      "{} has no rule whose backendRefs name both Services {} and {}: add a backendRef for each "
      "(weights 100 and 0{}) to the rules that carry the traffic",
      ref.describe(), services.stable, services.canary, in_namespace);
}

// Gateway API's limits (v1.6 CRDs): rules per route, matches per rule and in all, headers per
// match.
constexpr std::size_t kMaxRules = 16;
constexpr std::size_t kMaxMatchesPerRule = 64;
constexpr std::size_t kMaxMatches = 128;
constexpr std::size_t kMaxHeaders = 16;

std::string match_type(StringMatch::Type type) {
  return type == StringMatch::Type::exact ? "Exact" : "RegularExpression";
}

std::string match_value(const StringMatch& match) {
  return match.type == StringMatch::Type::prefix ? prefix_regex(match.value) : match.value;
}

// A backendRef as the user wrote it, without its weight (a mirror's target takes none).
Json backend(const Json& ref, std::optional<int> weight) {
  Json out = ref;
  out.erase("filters");
  if (weight)
    out["weight"] = *weight;
  else
    out.erase("weight");
  return out;
}

// One of the user's matches with one block of a managed route ANDed into it.
std::expected<Json, std::string> and_match(const Json& user, const RouteMatch& block,
                                           const RouteRef& ref, const ManagedRoute& managed) {
  const bool grpc = ref.kind == "GRPCRoute";
  const auto refuse = [&](const std::string& what) {
    return std::unexpected(fmt::format("managed route {} cannot be expressed on {}: {}",
                                       managed.name, ref.describe(), what));
  };
  Json out = user.is_object() ? user : Json::object();
  if (block.path) {
    if (grpc)
      return refuse("a GRPCRoute matches no path (remove match[].path, or route it by HTTPRoute)");
    out["path"] = block.path->type == StringMatch::Type::exact
                      ? Json{{"type", "Exact"}, {"value", block.path->value}}
                      : Json{{"type", "RegularExpression"}, {"value", match_value(*block.path)}};
  }
  if (block.method) {
    if (grpc)
      return refuse("a GRPCRoute matches no HTTP method (remove match[].method)");
    if (block.method->type != StringMatch::Type::exact)
      return refuse("Gateway API matches a method only exactly (use method: {exact: GET})");
    out["method"] = block.method->value;
  }
  if (!block.headers.empty()) {
    Json headers = member(out, "headers").is_array() ? out["headers"] : Json::array();
    for (const auto& header : block.headers) {
      const bool taken = std::ranges::any_of(headers, [&](const Json& h) {
        std::string a = string_or(h, "name");
        std::string b = header.name;
        std::ranges::transform(a, a.begin(), [](unsigned char c) { return std::tolower(c); });
        std::ranges::transform(b, b.begin(), [](unsigned char c) { return std::tolower(c); });
        return a == b;
      });
      if (taken) {
        return refuse(
            fmt::format("the rule's own match already tests header {}, and Gateway API "
                        "allows one condition per header name in a match",
                        header.name));
      }
      headers.push_back({{"name", header.name},
                         {"type", match_type(header.value.type)},
                         {"value", match_value(header.value)}});
    }
    if (headers.size() > kMaxHeaders) {
      return refuse(
          fmt::format("a match would test {} headers ({} allowed)", headers.size(), kMaxHeaders));
    }
    out["headers"] = std::move(headers);
  }
  return out;
}

// The rule of `managed` for the user's rule `r`, named `name`.
std::expected<Json, std::string> managed_rule(const Json& route, const RuleRefs& r,
                                              const RouteRef& ref, const ManagedRoute& managed,
                                              const std::string& name, int weight) {
  const Json& user = member(member(route, "spec"), "rules")[r.rule];
  const Json& refs = user["backendRefs"];
  Json user_matches = member(user, "matches");
  if (!user_matches.is_array() || user_matches.empty()) {
    user_matches = ref.kind == "GRPCRoute"
                       ? Json::array({Json::object()})
                       : Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}});
  }
  const std::vector<RouteMatch> blocks =
      managed.matches.empty() ? std::vector<RouteMatch>{RouteMatch{}} : managed.matches;
  Json matches = Json::array();
  for (const Json& user_match : user_matches) {
    for (const RouteMatch& block : blocks) {
      auto match = and_match(user_match, block, ref, managed);
      if (!match)
        return std::unexpected(match.error());
      matches.push_back(std::move(*match));
    }
  }
  if (matches.size() > kMaxMatchesPerRule) {
    return std::unexpected(fmt::format(
        "managed route {} would give a rule of {} {} matches ({} allowed by Gateway API): "
        "use fewer match blocks",
        managed.name, ref.describe(), matches.size(), kMaxMatchesPerRule));
  }
  Json rule = {{"name", name}, {"matches", std::move(matches)}};
  Json filters = member(user, "filters").is_array() ? user["filters"] : Json::array();
  if (managed.kind == ManagedRoute::Kind::header) {
    rule["backendRefs"] = Json::array({backend(refs[r.canary], 1)});
  } else {
    rule["backendRefs"] =
        Json::array({backend(refs[r.stable], 100 - weight), backend(refs[r.canary], weight)});
    Json mirror = backend(refs[r.canary], std::nullopt);
    filters.push_back({{"type", "RequestMirror"},
                       {"requestMirror",
                        {{"backendRef", std::move(mirror)}, {"percent", managed.mirror_percent}}}});
  }
  if (!filters.empty())
    rule["filters"] = std::move(filters);
  return rule;
}

}  // namespace

// Whether `ref` (a backendRef) names the Service `name` of `services.namespace_name`, as seen
// from a route in `route_namespace`. Group "" and kind Service are the defaults.
bool names_service(const Json& ref, const std::string& name, const std::string& route_namespace,
                   const WeightedServices& services) {
  return string_or(ref, "group", "").empty() && string_or(ref, "kind", "Service") == "Service" &&
         string_or(ref, "name") == name &&
         string_or(ref, "namespace", route_namespace) == services.namespace_name;
}

RouteReading read_gateway_route(const Json& route, const RouteRef& ref,
                                const WeightedServices& services) {
  if (!route.is_object()) {
    return {.problem = fmt::format("{} not found: create it, or fix the name in "
                                   "spec.strategy.canary.trafficRouting.gatewayAPI",
                                   ref.describe())};
  }
  const auto rules = rules_naming_both(route, ref, services);
  if (rules.empty())
    return {.problem = neither_problem(ref, services), .object = route};
  std::optional<int> weight;
  for (const auto& r : rules) {
    const Json& refs = member(member(member(route, "spec"), "rules")[r.rule], "backendRefs");
    // Gateway API: a backendRef without a weight weighs 1; its schema allows 0..1,000,000.
    const int share =
        canary_share(std::clamp<std::int64_t>(int_or(refs[r.stable], "weight", 1), 0, 1000000),
                     std::clamp<std::int64_t>(int_or(refs[r.canary], "weight", 1), 0, 1000000));
    if (weight && *weight != share)
      return {.object = route};  // the rules disagree
    weight = share;
  }
  return {.weight = weight, .object = route};
}

std::expected<Json, std::string> weight_patch(const Json& route, const RouteRef& ref,
                                              const WeightedServices& services, int weight) {
  const auto rules = rules_naming_both(route, ref, services);
  if (!route.is_object() || rules.empty())
    return std::unexpected(read_gateway_route(route, ref, services).problem);
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

std::expected<Json, std::string> gateway_route_edit(const Json& route, const RouteRef& ref,
                                                    const WeightedServices& services,
                                                    const RouteTarget& target) {
  const RouteReading reading = read_gateway_route(route, ref, services);
  if (!reading.problem.empty())
    return std::unexpected(reading.problem);
  Json patch = Json::array();
  if (reading.weight != target.weight) {
    auto weights = weight_patch(route, ref, services, target.weight);
    if (!weights)
      return std::unexpected(weights.error());
    patch = std::move(*weights);
  }
  // Which of the route's rules are Cutover's, and which of the user's carry the weights. A rule
  // is Cutover's by its name, and only if it could be one of Cutover's: a header rule names
  // canaryService alone, a mirror rule mirrors to it. Any other rule of the user's that happens
  // to carry such a name stays the user's (removing it would delete what the user wrote, or
  // take the route's traffic away).
  const Json& rules = route["spec"]["rules"];
  const auto both = rules_naming_both(route, ref, services);
  const auto mirrors_to_canary = [&](const Json& rule) {
    const Json& filters = member(rule, "filters");
    return filters.is_array() && std::ranges::any_of(filters, [&](const Json& filter) {
             return names_service(member(member(filter, "requestMirror"), "backendRef"),
                                  services.canary, ref.namespace_name, services);
           });
  };
  std::vector<std::size_t> ours;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const bool weighted_rule =
        std::ranges::any_of(both, [&](const RuleRefs& r) { return r.rule == i; });
    const Json& refs = member(rules[i], "backendRefs");
    const bool canary_only = refs.is_array() && refs.size() == 1 &&
                             names_service(refs[0], services.canary, ref.namespace_name, services);
    if (owned_rule_name(string_or(rules[i], "name"), target.owned) &&
        ((!weighted_rule && canary_only) || mirrors_to_canary(rules[i]))) {
      ours.push_back(i);
    }
  }
  std::vector<RuleRefs> weighted;
  for (const RuleRefs& r : both) {
    if (std::ranges::find(ours, r.rule) == ours.end())
      weighted.push_back(r);
  }
  // Only a mirror rule of Cutover's names both Services: the user's rules no longer do.
  if (weighted.empty())
    return std::unexpected(neither_problem(ref, services));
  Json wanted = Json::array();
  for (const ManagedRoute& managed : target.managed) {
    for (std::size_t k = 0; k < weighted.size(); ++k) {
      auto rule = managed_rule(route, weighted[k], ref, managed, managed_rule_name(managed, k),
                               target.weight);
      if (!rule)
        return std::unexpected(rule.error());
      wanted.push_back(std::move(*rule));
    }
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string name = string_or(rules[i], "name");
    if (name.empty() || std::ranges::find(ours, i) != ours.end())
      continue;
    if (std::ranges::any_of(wanted, [&](const Json& rule) { return rule["name"] == name; })) {
      return std::unexpected(fmt::format(
          "{} has a rule of its own named {}, the name of a managed route's rule: rename that "
          "rule, or the managed route in spec.strategy.canary.trafficRouting.managedRoutes",
          ref.describe(), name));
    }
  }
  const std::size_t user_rules = rules.size() - ours.size();
  if (user_rules + wanted.size() > kMaxRules) {
    return std::unexpected(fmt::format(
        "{} would have {} rules ({} of the user's, {} for managed routes), and Gateway API allows "
        "{}: set fewer header or mirror routes at once, or split the route",
        ref.describe(), user_rules + wanted.size(), user_rules, wanted.size(), kMaxRules));
  }
  std::size_t matches = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (std::ranges::find(ours, i) == ours.end())
      matches += std::max<std::size_t>(1, member(rules[i], "matches").size());
  }
  for (const Json& rule : wanted)
    matches += rule["matches"].size();
  if (matches > kMaxMatches) {
    return std::unexpected(
        fmt::format("{} would have {} matches in all ({} allowed by Gateway API): set fewer "
                    "header or mirror routes at once, or use fewer match blocks",
                    ref.describe(), matches, kMaxMatches));
  }
  // Cutover's rules stay when they are the wanted ones, in order, at the front.
  bool same = ours.size() == wanted.size();
  for (std::size_t i = 0; same && i < ours.size(); ++i)
    same = ours[i] == i && json_contains(rules[i], wanted[i]);
  if (!same) {
    if (patch.empty()) {
      patch.push_back({{"op", "test"},
                       {"path", "/metadata/resourceVersion"},
                       {"value", string_or(member(route, "metadata"), "resourceVersion")}});
    }
    // After the weights (whose paths index the rules as read): removals from the back, then
    // the wanted rules inserted at the front, in order.
    for (auto it = ours.rbegin(); it != ours.rend(); ++it) {
      const std::string path = fmt::format("/spec/rules/{}", *it);
      patch.push_back(
          {{"op", "test"}, {"path", path + "/name"}, {"value", string_or(rules[*it], "name")}});
      patch.push_back({{"op", "remove"}, {"path", path}});
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      patch.push_back(
          {{"op", "add"}, {"path", fmt::format("/spec/rules/{}", i)}, {"value", wanted[i]}});
    }
  }
  return patch.empty() ? Json() : patch;
}

}  // namespace cutover::traffic
