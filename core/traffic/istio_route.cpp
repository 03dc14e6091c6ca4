#include "traffic/istio_route.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

constexpr const char* kField = "spec.strategy.canary.trafficRouting.istio.virtualService";

// Where the two Services sit in one http route's destinations.
struct RouteDests {
  std::size_t route = 0;
  std::size_t stable = 0;
  std::size_t canary = 0;
};

std::string neither_problem(const RouteRef& ref, const WeightedServices& services) {
  return fmt::format(
      "{} has no http route whose destinations name both {}: add a destination for each "
      "(weights 100 and 0) to the route that carries the traffic",
      ref.describe(), services.describe_pair());
}

// Whether an Istio Destination is the stable or canary one (`name`: services.stable or
// .canary): by host (a Service), or with subset-level routing by its subset. A destination
// with a subset never counts as a host-level Service's: it sends to part of it only.
bool names_destination(const Json& destination, const std::string& name, const RouteRef& ref,
                       const WeightedServices& services) {
  if (!services.destination_rule.empty())
    return !name.empty() && string_or(destination, "subset") == name;
  return string_or(destination, "subset").empty() &&
         names_host(destination, name, ref.namespace_name, services);
}

const Json& http_routes(const Json& vs) {
  return member(member(vs, "spec"), "http");
}

std::string route_label(const Json& route, std::size_t index) {
  const std::string name = string_or(route, "name");
  return name.empty() ? fmt::format("http[{}]", index) : "http route " + name;
}

// The http routes whose weights Cutover sets: those that name both Services (or the ones
// istio.virtualService.routes names, each of which must); an error says what to fix.
std::expected<std::vector<RouteDests>, std::string> weighted_routes(
    const Json& vs, const RouteRef& ref, const WeightedServices& services) {
  const Json& http = http_routes(vs);
  std::vector<RouteDests> out;
  const auto named = [&](const Json& route) {
    return ref.http_routes.empty() ||
           std::ranges::find(ref.http_routes, string_or(route, "name")) != ref.http_routes.end();
  };
  for (std::size_t i = 0; http.is_array() && i < http.size(); ++i) {
    if (!named(http[i]))
      continue;
    const Json& dests = member(http[i], "route");
    std::optional<std::size_t> stable;
    std::optional<std::size_t> canary;
    for (std::size_t d = 0; dests.is_array() && d < dests.size(); ++d) {
      const Json& destination = member(dests[d], "destination");
      if (!stable && names_destination(destination, services.stable, ref, services))
        stable = d;
      else if (!canary && names_destination(destination, services.canary, ref, services))
        canary = d;
    }
    if (!stable || !canary) {
      if (!ref.http_routes.empty()) {
        return std::unexpected(fmt::format(
            "{} of {} does not route to both {}: add a destination for each (weights 100 and "
            "0), or fix {}.routes",
            route_label(http[i], i), ref.describe(), services.describe_pair(), kField));
      }
      continue;
    }
    if (dests.size() > 2) {
      return std::unexpected(fmt::format(
          "{} of {} has {} destinations: Cutover sets the weights of {} and {} to sum to 100, as "
          "Istio requires, so the route may carry no other; move the others to a route of their "
          "own",
          route_label(http[i], i), ref.describe(), dests.size(), services.stable, services.canary));
    }
    out.push_back({i, *stable, *canary});
  }
  for (const std::string& name : ref.http_routes) {
    const bool found = http.is_array() && std::ranges::any_of(http, [&](const Json& route) {
                         return string_or(route, "name") == name;
                       });
    if (!found) {
      return std::unexpected(fmt::format("{} has no http route named {}: fix {}.routes",
                                         ref.describe(), name, kField));
    }
  }
  if (out.empty()) {
    return std::unexpected(neither_problem(ref, services));
  }
  return out;
}

// One of the user's matches with one block of a managed route ANDed into it.
std::expected<Json, std::string> and_match(const Json& user, const RouteMatch& block,
                                           const RouteRef& ref, const ManagedRoute& managed) {
  Json out = user.is_object() ? user : Json::object();
  if (block.path)
    out["uri"] = istio_string_match(*block.path);
  if (block.method)
    out["method"] = istio_string_match(*block.method);
  if (!block.headers.empty()) {
    Json headers = member(out, "headers").is_object() ? out["headers"] : Json::object();
    for (const auto& header : block.headers) {
      std::string name = header.name;
      std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
      if (headers.contains(name)) {
        return std::unexpected(fmt::format(
            "managed route {} cannot be expressed on {}: the route's own match already tests "
            "header {}, and Istio allows one condition per header name in a match",
            managed.name, ref.describe(), name));
      }
      headers[name] = istio_string_match(header.value);
    }
    out["headers"] = std::move(headers);
  }
  return out;
}

// Managed route `managed`'s copy of the user's http route `r`, named `name`.
std::expected<Json, std::string> managed_entry(const Json& vs, const RouteDests& r,
                                               const RouteRef& ref, const ManagedRoute& managed,
                                               const std::string& name, int weight) {
  const Json& user = http_routes(vs)[r.route];
  Json entry = user;
  entry["name"] = name;
  entry.erase("match");
  Json user_matches = member(user, "match");
  if (!user_matches.is_array() || user_matches.empty())
    user_matches = Json::array({Json::object()});
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
  if (!(matches.size() == 1 && matches[0].empty()))
    entry["match"] = std::move(matches);
  const Json& dests = user["route"];
  Json canary = dests[r.canary];
  if (managed.kind == ManagedRoute::Kind::header) {
    canary["weight"] = 100;
    entry["route"] = Json::array({std::move(canary)});
    return entry;
  }
  if (user.contains("mirror") || user.contains("mirrors")) {
    return std::unexpected(fmt::format(
        "managed route {} cannot be expressed on {}: its {} mirrors requests already, and a "
        "copy of it can carry one mirror only; remove that mirror, or the setMirrorRoute step",
        managed.name, ref.describe(), route_label(user, r.route)));
  }
  Json stable = dests[r.stable];
  stable["weight"] = 100 - weight;
  canary["weight"] = weight;
  entry["mirror"] = canary["destination"];
  entry["mirrorPercentage"] = {{"value", managed.mirror_percent}};
  entry["route"] = Json::array({std::move(stable), std::move(canary)});
  return entry;
}

}  // namespace

// Whether an Istio Destination's host names Service `name` of `services.namespace_name`, as
// seen from a VirtualService in `vs_namespace`: "svc" (the VirtualService's namespace),
// "svc.ns", or "svc.ns.svc.<cluster domain>".
bool names_host(const Json& destination, const std::string& name, const std::string& vs_namespace,
                const WeightedServices& services) {
  const std::string host = string_or(destination, "host");
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = host.find('.', start);
    parts.emplace_back(std::string_view(host).substr(start, dot - start));
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  if (parts[0] != name || parts.size() == 3 || (parts.size() > 3 && parts[2] != "svc"))
    return false;
  return (parts.size() == 1 ? std::string_view(vs_namespace) : parts[1]) == services.namespace_name;
}

Json istio_string_match(const StringMatch& match) {
  switch (match.type) {
    case StringMatch::Type::exact:
      return {{"exact", match.value}};
    case StringMatch::Type::prefix:
      return {{"prefix", match.value}};
    case StringMatch::Type::regex:
      return {{"regex", match.value}};
  }
  return {};
}

RouteReading read_virtual_service(const Json& vs, const RouteRef& ref,
                                  const WeightedServices& services) {
  if (!vs.is_object()) {
    return {.problem = fmt::format("{} not found: create it, or fix the name in {}", ref.describe(),
                                   kField)};
  }
  const auto routes = weighted_routes(vs, ref, services);
  if (!routes)
    return {.problem = routes.error(), .object = vs};
  std::optional<int> weight;
  for (const auto& r : *routes) {
    const Json& dests = http_routes(vs)[r.route]["route"];
    // Istio: weights are 0..100 and sum to 100; one left out weighs 0.
    const int share =
        canary_share(std::clamp<std::int64_t>(int_or(dests[r.stable], "weight", 0), 0, 100),
                     std::clamp<std::int64_t>(int_or(dests[r.canary], "weight", 0), 0, 100));
    if (weight && *weight != share)
      return {.object = vs};  // the routes disagree
    weight = share;
  }
  return {.weight = weight, .object = vs};
}

std::expected<Json, std::string> virtual_service_edit(const Json& vs, const RouteRef& ref,
                                                      const WeightedServices& services,
                                                      const RouteTarget& target) {
  const RouteReading reading = read_virtual_service(vs, ref, services);
  if (!reading.problem.empty())
    return std::unexpected(reading.problem);
  const auto both = *weighted_routes(vs, ref, services);
  const Json& http = http_routes(vs);
  const Json guard = {{"op", "test"},
                      {"path", "/metadata/resourceVersion"},
                      {"value", string_or(member(vs, "metadata"), "resourceVersion")}};
  Json patch = Json::array();
  if (reading.weight != target.weight) {
    patch.push_back(guard);
    for (const auto& r : both) {
      const std::string dests = fmt::format("/spec/http/{}/route", r.route);
      for (const auto& [index, value] :
           {std::pair{r.stable, 100 - target.weight}, std::pair{r.canary, target.weight}}) {
        // Guarded by what told the destination apart: its host and its subset, each where it
        // has one (a subset-level destination is found by its subset alone).
        for (const char* key : {"host", "subset"}) {
          const Json& destination = member(http[r.route]["route"][index], "destination");
          if (!destination.is_object() || !destination.contains(key))
            continue;
          patch.push_back({{"op", "test"},
                           {"path", fmt::format("{}/{}/destination/{}", dests, index, key)},
                           {"value", destination[key]}});
        }
        // "add" sets a member whether or not it is there (RFC 6902 4.1).
        patch.push_back(
            {{"op", "add"}, {"path", fmt::format("{}/{}/weight", dests, index)}, {"value", value}});
      }
    }
  }
  // Which http routes are Cutover's: named after a managed route, and shaped like one of
  // Cutover's copies: a header copy routes to canaryService alone, a mirror copy mirrors to it.
  // Any other route of the user's with such a name stays theirs (removing it would delete what
  // the user wrote, or take the traffic away).
  std::vector<std::size_t> ours;
  for (std::size_t i = 0; i < http.size(); ++i) {
    const bool weighted =
        std::ranges::any_of(both, [&](const RouteDests& r) { return r.route == i; });
    const bool mirrors_to_canary =
        names_destination(member(http[i], "mirror"), services.canary, ref, services);
    const Json& dests = member(http[i], "route");
    const bool canary_only =
        dests.is_array() && dests.size() == 1 &&
        names_destination(member(dests[0], "destination"), services.canary, ref, services);
    if (owned_rule_name(string_or(http[i], "name"), target.owned) &&
        ((!weighted && canary_only) || mirrors_to_canary)) {
      ours.push_back(i);
    }
  }
  const auto is_ours = [&](std::size_t i) { return std::ranges::find(ours, i) != ours.end(); };
  // Only a mirror copy of Cutover's names both Services: the user's routes no longer do.
  if (std::ranges::all_of(both, [&](const RouteDests& r) { return is_ours(r.route); })) {
    return std::unexpected(neither_problem(ref, services));
  }
  // The wanted layout: the user's routes in their order, each weighted one preceded by the
  // managed routes' copies of it. An entry is a route of the user's (its index) or one of ours.
  struct Entry {
    std::optional<std::size_t> user;
    Json ours;
  };
  std::vector<Entry> layout;
  std::vector<std::string> wanted_names;
  std::size_t k = 0;
  for (std::size_t i = 0; i < http.size(); ++i) {
    if (is_ours(i))
      continue;
    const auto weighted =
        std::ranges::find_if(both, [&](const RouteDests& r) { return r.route == i; });
    if (weighted != both.end()) {
      for (const ManagedRoute& managed : target.managed) {
        auto entry = managed_entry(vs, *weighted, ref, managed, managed_rule_name(managed, k),
                                   target.weight);
        if (!entry)
          return std::unexpected(entry.error());
        wanted_names.push_back(managed_rule_name(managed, k));
        layout.push_back({std::nullopt, std::move(*entry)});
      }
      ++k;
    }
    layout.push_back({i, Json()});
  }
  for (std::size_t i = 0; i < http.size(); ++i) {
    const std::string name = string_or(http[i], "name");
    if (!is_ours(i) && !name.empty() &&
        std::ranges::find(wanted_names, name) != wanted_names.end()) {
      return std::unexpected(fmt::format(
          "{} has an http route of its own named {}, the name of a managed route's copy: rename "
          "that route, or the managed route in spec.strategy.canary.trafficRouting.managedRoutes",
          ref.describe(), name));
    }
  }
  bool same = layout.size() == http.size();
  for (std::size_t p = 0; same && p < layout.size(); ++p) {
    same = layout[p].user ? !is_ours(p) : is_ours(p) && json_contains(http[p], layout[p].ours);
  }
  if (!same) {
    if (patch.empty())
      patch.push_back(guard);
    // After the weights (whose paths index the routes as read): removals from the back, then
    // ours inserted left to right at their final places among the user's.
    for (auto it = ours.rbegin(); it != ours.rend(); ++it) {
      const std::string path = fmt::format("/spec/http/{}", *it);
      patch.push_back(
          {{"op", "test"}, {"path", path + "/name"}, {"value", string_or(http[*it], "name")}});
      patch.push_back({{"op", "remove"}, {"path", path}});
    }
    for (std::size_t p = 0; p < layout.size(); ++p) {
      if (!layout[p].user) {
        patch.push_back(
            {{"op", "add"}, {"path", fmt::format("/spec/http/{}", p)}, {"value", layout[p].ours}});
      }
    }
  }
  return patch.empty() ? Json() : patch;
}

}  // namespace cutover::traffic
