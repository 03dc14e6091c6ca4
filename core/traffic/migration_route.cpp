#include "traffic/migration_route.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "traffic/gateway_api_route.hpp"
#include "traffic/istio_route.hpp"
#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

constexpr std::size_t kMaxRules = 16;  // Gateway API's rules per route

// Whether PathPrefix `prefix` matches `path`: whole path elements.
bool element_prefix(const std::string& prefix, const std::string& path) {
  if (prefix == "/" || path == prefix)
    return true;
  const std::string base = prefix.ends_with('/') ? prefix : prefix + "/";
  return path.starts_with(base);
}

std::string paths_text(const PathMove& move) {
  std::string out;
  for (const RouteMatch& match : move.matches) {
    if (match.path && out.find(match.path->value) == std::string::npos)
      out += (out.empty() ? "" : ", ") + match.path->value;
  }
  return out;
}

// The first path of the move: the one whose current rule the moved requests copy.
const std::string& first_path(const PathMove& move) {
  static const std::string root = "/";
  for (const RouteMatch& match : move.matches) {
    if (match.path)
      return match.path->value;
  }
  return root;
}

const ManagedRoute* wanted_mirror(const RouteTarget& target) {
  for (const ManagedRoute& managed : target.managed) {
    if (managed.kind == ManagedRoute::Kind::mirror)
      return &managed;
  }
  return nullptr;
}

std::string lowercase(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

Json guard(const Json& route) {
  return {{"op", "test"},
          {"path", "/metadata/resourceVersion"},
          {"value", string_or(member(route, "metadata"), "resourceVersion")}};
}

// --- Gateway API -------------------------------------------------------------------------

const Json& gateway_rules(const Json& route) {
  return member(member(route, "spec"), "rules");
}

// How specifically one of a rule's matches covers `path` (Gateway API: Exact beats any prefix,
// a longer prefix beats a shorter one); none when it does not.
std::optional<std::size_t> gateway_covers(const Json& match, const std::string& path) {
  const Json& p = member(match, "path");
  const std::string type = string_or(p, "type", "PathPrefix");
  const std::string value = string_or(p, "value", "/");
  if (type == "Exact")
    return value == path ? std::optional<std::size_t>(1000000) : std::nullopt;
  if (type == "PathPrefix" && element_prefix(value, path))
    return value.size();
  return std::nullopt;
}

// The index of Cutover's rule (named move.rule, naming or mirroring to `to`), or an error when
// a rule of the user's has that name.
std::expected<std::optional<std::size_t>, std::string> gateway_ours(
    const Json& route, const RouteRef& ref, const WeightedServices& services) {
  const Json& rules = gateway_rules(route);
  for (std::size_t i = 0; rules.is_array() && i < rules.size(); ++i) {
    if (string_or(rules[i], "name") != services.move->rule)
      continue;
    const Json& refs = member(rules[i], "backendRefs");
    const bool names_to = refs.is_array() && std::ranges::any_of(refs, [&](const Json& r) {
                            return names_service(r, services.canary, ref.namespace_name, services);
                          });
    if (!names_to) {
      return std::unexpected(fmt::format(
          "{} has a rule of its own named {}, the name of this Migration's rule: rename that "
          "rule",
          ref.describe(), services.move->rule));
    }
    return i;
  }
  return std::nullopt;
}

// The user's rule that carries the moved path today: the most specific one covering it, which
// must send it to `from`.
std::expected<std::size_t, std::string> gateway_source(const Json& route, const RouteRef& ref,
                                                       const WeightedServices& services) {
  const Json& rules = gateway_rules(route);
  const std::string& path = first_path(*services.move);
  std::optional<std::size_t> best;
  std::size_t best_score = 0;
  for (std::size_t i = 0; rules.is_array() && i < rules.size(); ++i) {
    if (string_or(rules[i], "name") == services.move->rule)
      continue;
    const Json& matches = member(rules[i], "matches");
    const Json all =
        matches.is_array() && !matches.empty() ? matches : Json::array({Json::object()});
    for (const Json& match : all) {
      const auto score = gateway_covers(match, path);
      if (score && (!best || *score > best_score)) {
        best = i;
        best_score = *score;
      }
    }
  }
  const auto sends_from = [&](std::size_t i) {
    const Json& refs = member(rules[i], "backendRefs");
    return refs.is_array() && std::ranges::any_of(refs, [&](const Json& r) {
             return names_service(r, services.stable, ref.namespace_name, services);
           });
  };
  if (!best || !sends_from(*best)) {
    return std::unexpected(fmt::format(
        "{} sends no request for {} to the Service {} (spec.from.service): route that path to "
        "{}, or fix spec.from or spec.matches",
        ref.describe(), path, services.stable, services.stable));
  }
  return *best;
}

std::expected<Json, std::string> gateway_matches(const PathMove& move, const RouteRef& ref) {
  Json out = Json::array();
  for (const RouteMatch& block : move.matches) {
    Json match = Json::object();
    if (block.path) {
      match["path"] = {
          {"type", block.path->type == StringMatch::Type::exact ? "Exact" : "PathPrefix"},
          {"value", block.path->value}};
    }
    if (block.method) {
      if (block.method->type != StringMatch::Type::exact) {
        return std::unexpected(
            fmt::format("{}: Gateway API matches a method only exactly: fix spec.matches[].method",
                        ref.describe()));
      }
      match["method"] = block.method->value;
    }
    if (!block.headers.empty()) {
      Json headers = Json::array();
      for (const HeaderMatch& header : block.headers) {
        headers.push_back(
            {{"name", header.name},
             {"type",
              header.value.type == StringMatch::Type::exact ? "Exact" : "RegularExpression"},
             {"value", header.value.type == StringMatch::Type::prefix
                           ? prefix_regex(header.value.value)
                           : header.value.value}});
      }
      match["headers"] = std::move(headers);
    }
    out.push_back(std::move(match));
  }
  return out;
}

// Cutover's rule for `target`: a copy of the source rule with the move's matches and backends.
std::expected<Json, std::string> gateway_rule(const Json& route, const RouteRef& ref,
                                              const WeightedServices& services,
                                              const RouteTarget& target, std::size_t source) {
  const PathMove& move = *services.move;
  const Json& user = gateway_rules(route)[source];
  Json rule = user;
  rule["name"] = move.rule;
  auto matches = gateway_matches(move, ref);
  if (!matches)
    return std::unexpected(matches.error());
  rule["matches"] = std::move(*matches);
  Json from;
  for (const Json& r : user["backendRefs"]) {
    if (names_service(r, services.stable, ref.namespace_name, services)) {
      from = r;
      break;
    }
  }
  from["port"] = move.from_port;
  Json to = {{"name", services.canary}, {"port", move.to_port}};
  if (ref.namespace_name != services.namespace_name)
    to["namespace"] = services.namespace_name;
  Json refs = Json::array();
  if (!(move.remove_legacy && target.weight >= 100)) {
    from["weight"] = 100 - target.weight;
    refs.push_back(from);
  }
  Json weighted_to = to;
  weighted_to["weight"] = target.weight;
  refs.push_back(std::move(weighted_to));
  rule["backendRefs"] = std::move(refs);
  if (const ManagedRoute* mirror = wanted_mirror(target)) {
    Json filters = member(user, "filters").is_array() ? user["filters"] : Json::array();
    filters.push_back(
        {{"type", "RequestMirror"},
         {"requestMirror", {{"backendRef", std::move(to)}, {"percent", mirror->mirror_percent}}}});
    rule["filters"] = std::move(filters);
  }
  return rule;
}

RouteReading read_gateway_move(const Json& route, const RouteRef& ref,
                               const WeightedServices& services) {
  if (!route.is_object()) {
    return {.problem = fmt::format(
                "{} not found: create it, or fix spec.route.gatewayAPI.httpRoute", ref.describe())};
  }
  if (auto source = gateway_source(route, ref, services); !source)
    return {.problem = source.error(), .object = route};
  auto ours = gateway_ours(route, ref, services);
  if (!ours)
    return {.problem = ours.error(), .object = route};
  if (!*ours)
    return {.weight = 0, .object = route};
  std::int64_t from = 0;
  std::int64_t to = 0;
  for (const Json& r : member(gateway_rules(route)[**ours], "backendRefs")) {
    const std::int64_t weight = std::clamp<std::int64_t>(int_or(r, "weight", 1), 0, 1000000);
    if (names_service(r, services.stable, ref.namespace_name, services))
      from += weight;
    else if (names_service(r, services.canary, ref.namespace_name, services))
      to += weight;
  }
  return {.weight = from == 0 && to > 0 ? 100 : canary_share(from, to), .object = route};
}

std::expected<Json, std::string> gateway_move_edit(const Json& route, const RouteRef& ref,
                                                   const WeightedServices& services,
                                                   const RouteTarget& target) {
  const RouteReading reading = read_gateway_move(route, ref, services);
  if (!reading.problem.empty())
    return std::unexpected(reading.problem);
  const auto ours = *gateway_ours(route, ref, services);
  Json wanted;
  if (target.weight > 0 || wanted_mirror(target)) {
    auto rule = gateway_rule(route, ref, services, target, *gateway_source(route, ref, services));
    if (!rule)
      return std::unexpected(rule.error());
    wanted = std::move(*rule);
  }
  const Json& rules = gateway_rules(route);
  if (!ours && wanted.is_null())
    return Json();
  if (ours && *ours == 0 && !wanted.is_null() && json_contains(rules[0], wanted) &&
      rules[0].size() == wanted.size()) {
    return Json();
  }
  if (!ours && rules.size() + 1 > kMaxRules) {
    return std::unexpected(fmt::format(
        "{} has {} rules, and Gateway API allows {}: a Migration adds one; merge or move some",
        ref.describe(), rules.size(), kMaxRules));
  }
  Json patch = Json::array({guard(route)});
  if (ours) {
    const std::string path = fmt::format("/spec/rules/{}", *ours);
    patch.push_back({{"op", "test"}, {"path", path + "/name"}, {"value", services.move->rule}});
    patch.push_back({{"op", "remove"}, {"path", path}});
  }
  if (!wanted.is_null())
    patch.push_back({{"op", "add"}, {"path", "/spec/rules/0"}, {"value", std::move(wanted)}});
  return patch;
}

// --- Istio -------------------------------------------------------------------------------

const Json& http_routes(const Json& vs) {
  return member(member(vs, "spec"), "http");
}

// Whether an Istio HTTPMatchRequest can match `path` (a regex uri is taken not to).
bool istio_covers(const Json& match, const std::string& path) {
  const Json& uri = member(match, "uri");
  if (!uri.is_object())
    return true;
  if (uri.contains("exact"))
    return string_or(uri, "exact") == path;
  if (uri.contains("prefix"))
    return path.starts_with(string_or(uri, "prefix"));
  return false;
}

bool istio_route_covers(const Json& route, const std::string& path) {
  const Json& matches = member(route, "match");
  if (!matches.is_array() || matches.empty())
    return true;
  return std::ranges::any_of(matches, [&](const Json& m) { return istio_covers(m, path); });
}

std::expected<std::optional<std::size_t>, std::string> istio_ours(
    const Json& vs, const RouteRef& ref, const WeightedServices& services) {
  const Json& http = http_routes(vs);
  for (std::size_t i = 0; http.is_array() && i < http.size(); ++i) {
    if (string_or(http[i], "name") != services.move->rule)
      continue;
    const Json& dests = member(http[i], "route");
    const bool names_to =
        (dests.is_array() && std::ranges::any_of(dests,
                                                 [&](const Json& d) {
                                                   return names_host(member(d, "destination"),
                                                                     services.canary,
                                                                     ref.namespace_name, services);
                                                 })) ||
        names_host(member(http[i], "mirror"), services.canary, ref.namespace_name, services);
    if (!names_to) {
      return std::unexpected(fmt::format(
          "{} has an http route of its own named {}, the name of this Migration's route: rename "
          "that route",
          ref.describe(), services.move->rule));
    }
    return i;
  }
  return std::nullopt;
}

// The user's http route that carries the path today: the first that matches it (Istio: first
// match wins), which must send it to `from`.
std::expected<std::size_t, std::string> istio_source(const Json& vs, const RouteRef& ref,
                                                     const WeightedServices& services) {
  const Json& http = http_routes(vs);
  const std::string& path = first_path(*services.move);
  for (std::size_t i = 0; http.is_array() && i < http.size(); ++i) {
    if (string_or(http[i], "name") == services.move->rule || !istio_route_covers(http[i], path))
      continue;
    const Json& dests = member(http[i], "route");
    const bool sends_from = dests.is_array() && std::ranges::any_of(dests, [&](const Json& d) {
                              return names_host(member(d, "destination"), services.stable,
                                                ref.namespace_name, services);
                            });
    if (sends_from)
      return i;
    break;
  }
  return std::unexpected(fmt::format(
      "{} sends no request for {} to the Service {} (spec.from.service): the first http route "
      "that matches the path must route to {}; fix the VirtualService, spec.from or spec.matches",
      ref.describe(), path, services.stable, services.stable));
}

// The user's match `user` narrowed to one block of the move: Istio matches for the path (a
// PathPrefix is exact P and prefix P/, whole elements), the method and the headers.
std::expected<std::vector<Json>, std::string> istio_and(const Json& user, const RouteMatch& block,
                                                        const RouteRef& ref) {
  Json base = user.is_object() ? user : Json::object();
  if (block.method)
    base["method"] = istio_string_match(*block.method);
  if (!block.headers.empty()) {
    Json headers = member(base, "headers").is_object() ? base["headers"] : Json::object();
    for (const HeaderMatch& header : block.headers) {
      const std::string name = lowercase(header.name);
      if (headers.contains(name)) {
        return std::unexpected(fmt::format(
            "{}: the http route that carries the path already tests header {}, and Istio allows "
            "one condition per header name in a match: fix spec.matches[].headers",
            ref.describe(), name));
      }
      headers[name] = istio_string_match(header.value);
    }
    base["headers"] = std::move(headers);
  }
  std::vector<Json> out;
  if (!block.path)
    return std::vector<Json>{base};
  const std::string& value = block.path->value;
  if (block.path->type == StringMatch::Type::exact || value.ends_with('/')) {
    base["uri"] = block.path->type == StringMatch::Type::exact ? Json{{"exact", value}}
                                                               : Json{{"prefix", value}};
    return std::vector<Json>{base};
  }
  Json exact = base;
  exact["uri"] = {{"exact", value}};
  base["uri"] = {{"prefix", value + "/"}};
  return std::vector<Json>{std::move(exact), std::move(base)};
}

std::expected<Json, std::string> istio_entry(const Json& vs, const RouteRef& ref,
                                             const WeightedServices& services,
                                             const RouteTarget& target, std::size_t source) {
  const PathMove& move = *services.move;
  const Json& user = http_routes(vs)[source];
  Json entry = user;
  entry["name"] = move.rule;
  Json user_matches = Json::array();
  for (const Json& m : member(user, "match").is_array() ? user["match"] : Json::array()) {
    if (istio_covers(m, first_path(move)))
      user_matches.push_back(m);
  }
  if (user_matches.empty())
    user_matches.push_back(Json::object());
  Json matches = Json::array();
  for (const Json& m : user_matches) {
    for (const RouteMatch& block : move.matches) {
      auto narrowed = istio_and(m, block, ref);
      if (!narrowed)
        return std::unexpected(narrowed.error());
      for (Json& one : *narrowed)
        matches.push_back(std::move(one));
    }
  }
  entry["match"] = std::move(matches);
  Json from;
  for (const Json& d : user["route"]) {
    if (names_host(member(d, "destination"), services.stable, ref.namespace_name, services)) {
      from = d;
      break;
    }
  }
  // `to` in the same form as the user wrote `from` (svc, svc.ns or the full name).
  std::string host = string_or(from["destination"], "host");
  host = services.canary + host.substr(std::min(host.find('.'), host.size()));
  if (host == services.canary && ref.namespace_name != services.namespace_name)
    host += "." + services.namespace_name + ".svc.cluster.local";
  from["destination"]["port"] = {{"number", move.from_port}};
  const Json to_destination = {{"host", host}, {"port", {{"number", move.to_port}}}};
  Json dests = Json::array();
  if (!(move.remove_legacy && target.weight >= 100)) {
    from["weight"] = 100 - target.weight;
    dests.push_back(std::move(from));
  }
  dests.push_back({{"destination", to_destination}, {"weight", target.weight}});
  entry["route"] = std::move(dests);
  if (const ManagedRoute* mirror = wanted_mirror(target)) {
    if (user.contains("mirror") || user.contains("mirrors")) {
      return std::unexpected(fmt::format(
          "{}: the http route that carries the path mirrors requests already, and a copy of it "
          "can carry one mirror only: remove that mirror, or the setMirrorRoute step",
          ref.describe()));
    }
    entry["mirror"] = to_destination;
    entry["mirrorPercentage"] = {{"value", mirror->mirror_percent}};
  }
  return entry;
}

RouteReading read_istio_move(const Json& vs, const RouteRef& ref,
                             const WeightedServices& services) {
  if (!vs.is_object()) {
    return {.problem = fmt::format(
                "{} not found: create it, or fix spec.route.istio.virtualService", ref.describe())};
  }
  if (auto source = istio_source(vs, ref, services); !source)
    return {.problem = source.error(), .object = vs};
  auto ours = istio_ours(vs, ref, services);
  if (!ours)
    return {.problem = ours.error(), .object = vs};
  if (!*ours)
    return {.weight = 0, .object = vs};
  std::int64_t from = 0;
  std::int64_t to = 0;
  for (const Json& d : member(http_routes(vs)[**ours], "route")) {
    const std::int64_t weight = std::clamp<std::int64_t>(int_or(d, "weight", 0), 0, 100);
    if (names_host(member(d, "destination"), services.stable, ref.namespace_name, services))
      from += weight;
    else if (names_host(member(d, "destination"), services.canary, ref.namespace_name, services))
      to += weight;
  }
  // One destination alone weighs 100 whatever it says.
  if (member(http_routes(vs)[**ours], "route").size() == 1)
    return {.weight = to > 0 || from == 0 ? 100 : 0, .object = vs};
  return {.weight = canary_share(from, to), .object = vs};
}

std::expected<Json, std::string> istio_move_edit(const Json& vs, const RouteRef& ref,
                                                 const WeightedServices& services,
                                                 const RouteTarget& target) {
  const RouteReading reading = read_istio_move(vs, ref, services);
  if (!reading.problem.empty())
    return std::unexpected(reading.problem);
  const auto ours = *istio_ours(vs, ref, services);
  const std::size_t source = *istio_source(vs, ref, services);
  Json wanted;
  if (target.weight > 0 || wanted_mirror(target)) {
    auto entry = istio_entry(vs, ref, services, target, source);
    if (!entry)
      return std::unexpected(entry.error());
    wanted = std::move(*entry);
  }
  if (!ours && wanted.is_null())
    return Json();
  // Right before the source route, counted among the user's routes.
  const std::size_t place = ours && *ours < source ? source - 1 : source;
  const Json& http = http_routes(vs);
  if (ours && *ours == place && !wanted.is_null() && json_contains(http[*ours], wanted) &&
      http[*ours].size() == wanted.size()) {
    return Json();
  }
  Json patch = Json::array({guard(vs)});
  if (ours) {
    const std::string path = fmt::format("/spec/http/{}", *ours);
    patch.push_back({{"op", "test"}, {"path", path + "/name"}, {"value", services.move->rule}});
    patch.push_back({{"op", "remove"}, {"path", path}});
  }
  if (!wanted.is_null()) {
    patch.push_back({{"op", "add"},
                     {"path", fmt::format("/spec/http/{}", place)},
                     {"value", std::move(wanted)}});
  }
  return patch;
}

}  // namespace

RouteReading read_migration_route(const Json& route, const RouteRef& ref,
                                  const WeightedServices& services) {
  if (ref.kind == kVirtualServiceKind)
    return read_istio_move(route, ref, services);
  return read_gateway_move(route, ref, services);
}

std::expected<Json, std::string> migration_route_edit(const Json& route, const RouteRef& ref,
                                                      const WeightedServices& services,
                                                      const RouteTarget& target) {
  for (const ManagedRoute& managed : target.managed) {
    if (managed.kind != ManagedRoute::Kind::mirror) {
      return std::unexpected(
          fmt::format("a Migration moves {} by weight and mirrors it; it sets no header route",
                      paths_text(*services.move)));
    }
  }
  if (ref.kind == kVirtualServiceKind)
    return istio_move_edit(route, ref, services, target);
  return gateway_move_edit(route, ref, services, target);
}

std::string path_regex(const std::vector<RouteMatch>& matches) {
  std::vector<std::string> parts;
  for (const RouteMatch& match : matches) {
    if (!match.path)
      continue;
    const std::string& value = match.path->value;
    std::string part;
    if (match.path->type == StringMatch::Type::exact)
      part = regex_escape(value);
    else if (value == "/")
      part = "/.*";
    else if (value.ends_with('/'))
      part = regex_escape(value.substr(0, value.size() - 1)) + "(/.*)?";
    else
      part = regex_escape(value) + "(/.*)?";
    if (std::ranges::find(parts, part) == parts.end())
      parts.push_back(std::move(part));
  }
  std::string out;
  for (const std::string& part : parts)
    out += (out.empty() ? "" : "|") + part;
  return out.empty() ? "/.*" : out;
}

bool paths_overlap(const StringMatch& a, const StringMatch& b) {
  const bool a_exact = a.type == StringMatch::Type::exact;
  const bool b_exact = b.type == StringMatch::Type::exact;
  if (a_exact && b_exact)
    return a.value == b.value;
  if (a_exact)
    return element_prefix(b.value, a.value);
  if (b_exact)
    return element_prefix(a.value, b.value);
  return element_prefix(a.value, b.value) || element_prefix(b.value, a.value);
}

}  // namespace cutover::traffic
