#include "rollout/migration_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <tuple>

#include "traffic/migration_route.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

constexpr const char* kShape =
    "spec: {route: {gatewayAPI: {httpRoute: NAME}}, from: {service, port}, to: {service, port}, "
    "matches: [{path: {type: PathPrefix, value: /payments}}], steps: [...]}";

using Result = std::expected<void, SpecError>;

// spec.route: exactly one of gatewayAPI.httpRoute, istio.virtualService, nginx.ingress.
Result parse_route(const SpecReader& r, const Json& spec, const std::string& ns,
                   traffic::RouteRef& out) {
  const Json& route = member(spec, "route");
  const char* example = "e.g. route: {gatewayAPI: {httpRoute: web}}";
  if (!route.is_object())
    return r.error("spec.route", "is required", example);
  int set = 0;
  for (const auto& [router, key, kind] :
       {std::tuple{"gatewayAPI", "httpRoute", "HTTPRoute"},
        std::tuple{"istio", "virtualService", traffic::kVirtualServiceKind},
        std::tuple{"nginx", "ingress", traffic::kIngressKind}}) {
    const Json& block = member(route, router);
    if (block.is_null())
      continue;
    ++set;
    const std::string path = fmt::format("spec.route.{}", router);
    if (!block.is_object())
      return r.error(path, fmt::format("must be {{{}: NAME}}", key), example);
    out = {.kind = kind, .namespace_name = ns};
    if (auto ok = r.string(block, key, path, out.name); !ok)
      return ok;
    if (out.name.empty())
      return r.error(fmt::format("{}.{}", path, key), "is required", example);
  }
  if (set != 1) {
    return r.error("spec.route", "must set exactly one of gatewayAPI, istio, nginx",
                   "e.g. route: {istio: {virtualService: web}}");
  }
  return {};
}

Result parse_backend(const SpecReader& r, const Json& spec, const char* key, std::string& service,
                     int& port) {
  const std::string path = fmt::format("spec.{}", key);
  const Json& block = member(spec, key);
  if (!block.is_object())
    return r.error(path, "is required", fmt::format("e.g. {}: {{service: web, port: 80}}", key));
  if (auto ok = r.string(block, "service", path, service); !ok)
    return ok;
  if (service.empty())
    return r.error(path + ".service", "is required", "name a Service in this namespace");
  if (!block.contains("port"))
    return r.error(path + ".port", "is required", "the Service's port the route sends to, e.g. 80");
  return r.integer(block, "port", path, port, 1, 65535);
}

// spec.matches[i]: {path: {type: Exact|PathPrefix, value}, method?, headers?: [{name, type?,
// value}]}, Gateway API's HTTPRouteMatch.
Result parse_match(const SpecReader& r, const Json& item, const std::string& path,
                   traffic::RouteMatch& out) {
  if (!item.is_object())
    return r.error(path, "must be {path: {type, value}, method?, headers?}");
  const Json& p = member(item, "path");
  if (!p.is_object()) {
    return r.error(path + ".path", "is required",
                   "e.g. path: {type: PathPrefix, value: /payments}");
  }
  std::string type = "PathPrefix";
  traffic::StringMatch match;
  if (auto ok = r.string(p, "type", path + ".path", type); !ok)
    return ok;
  if (type.empty())
    type = "PathPrefix";
  if (type != "Exact" && type != "PathPrefix") {
    return r.error(path + ".path.type", fmt::format("is \"{}\"", type),
                   "use Exact or PathPrefix (a Migration moves whole paths, not regexes)");
  }
  match.type =
      type == "Exact" ? traffic::StringMatch::Type::exact : traffic::StringMatch::Type::prefix;
  if (auto ok = r.string(p, "value", path + ".path", match.value); !ok)
    return ok;
  if (!match.value.starts_with("/")) {
    return r.error(path + ".path.value", fmt::format("\"{}\" does not start with /", match.value),
                   "e.g. /payments");
  }
  out.path = std::move(match);
  if (const Json& method = member(item, "method"); !method.is_null()) {
    static constexpr std::array kMethods{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                         "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    if (!method.is_string() ||
        std::ranges::find(kMethods, method.get<std::string>()) == kMethods.end()) {
      return r.error(path + ".method", "is not an HTTP method",
                     "use GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE or PATCH");
    }
    out.method = traffic::StringMatch{traffic::StringMatch::Type::exact, method.get<std::string>()};
  }
  const Json& headers = member(item, "headers");
  if (headers.is_null())
    return {};
  if (!headers.is_array()) {
    return r.error(path + ".headers", "must be a list of {name, type?, value}",
                   "e.g. headers: [{name: x-tenant, value: beta}]");
  }
  for (std::size_t h = 0; h < headers.size(); ++h) {
    const std::string header_path = fmt::format("{}.headers[{}]", path, h);
    traffic::HeaderMatch header;
    std::string header_type = "Exact";
    if (!headers[h].is_object())
      return r.error(header_path, "must be {name, type?, value}");
    for (const auto& [key, field] :
         {std::pair{"name", &header.name}, std::pair{"type", &header_type},
          std::pair{"value", &header.value.value}}) {
      if (auto ok = r.string(headers[h], key, header_path, *field); !ok)
        return ok;
    }
    if (header.name.empty())
      return r.error(header_path + ".name", "is required", "e.g. x-tenant");
    if (header_type != "Exact" && header_type != "RegularExpression") {
      return r.error(header_path + ".type", fmt::format("is \"{}\"", header_type),
                     "use Exact or RegularExpression");
    }
    header.value.type = header_type == "Exact" ? traffic::StringMatch::Type::exact
                                               : traffic::StringMatch::Type::regex;
    out.headers.push_back(std::move(header));
  }
  return {};
}

}  // namespace

std::expected<Rollout, SpecError> parse_migration(const Json& object) {
  Rollout out;
  out.kind = kMigrationKind;
  if (!object.is_object())
    return std::unexpected(SpecError{kMigrationKind, "?", "", "is not an object", ""});
  parse_object_meta(object, out);
  const SpecReader r(kMigrationKind, out.namespace_name + "/" + out.name);
  const Json& spec = member(object, "spec");
  if (!spec.is_object())
    return r.error("spec", "is missing", kShape);
  CanaryStrategy canary;
  traffic::RouteRef route;
  if (auto ok = parse_route(r, spec, out.namespace_name, route); !ok)
    return std::unexpected(ok.error());
  const bool nginx = route.kind == traffic::kIngressKind;
  traffic::PathMove move;
  move.rule = "migration-" + out.name;
  if (auto ok = parse_backend(r, spec, "from", canary.stable_service, move.from_port); !ok)
    return std::unexpected(ok.error());
  if (auto ok = parse_backend(r, spec, "to", canary.canary_service, move.to_port); !ok)
    return std::unexpected(ok.error());
  if (canary.stable_service == canary.canary_service && move.from_port == move.to_port) {
    return r.error("spec.to", "is the same Service and port as spec.from",
                   "name the Service the path moves to");
  }
  const Json& matches = member(spec, "matches");
  if (!matches.is_array() || matches.empty()) {
    return r.error("spec.matches", "is required: a Migration moves the requests it matches",
                   "e.g. matches: [{path: {type: PathPrefix, value: /payments}}]");
  }
  for (std::size_t i = 0; i < matches.size(); ++i) {
    traffic::RouteMatch match;
    const std::string path = fmt::format("spec.matches[{}]", i);
    if (auto ok = parse_match(r, matches[i], path, match); !ok)
      return std::unexpected(ok.error());
    if (nginx && (match.method || !match.headers.empty())) {
      return r.error(path, "matches a method or headers, which an Ingress-NGINX canary cannot",
                     "match the path alone, or route through Gateway API or Istio");
    }
    move.matches.push_back(std::move(match));
  }
  std::string on_delete = "restore";
  if (auto ok = r.string(spec, "onDelete", "spec", on_delete); !ok)
    return std::unexpected(ok.error());
  if (on_delete != "restore" && on_delete != "keep" && !on_delete.empty()) {
    return r.error("spec.onDelete", fmt::format("is \"{}\"", on_delete),
                   "use restore (the path goes back to spec.from) or keep");
  }
  move.keep_on_delete = on_delete == "keep";
  std::string finalize;
  if (auto ok = r.string(spec, "finalize", "spec", finalize); !ok)
    return std::unexpected(ok.error());
  if (!finalize.empty() && finalize != "removeLegacyBackend") {
    return r.error("spec.finalize", fmt::format("is \"{}\"", finalize),
                   "use removeLegacyBackend, or leave it out");
  }
  if (!finalize.empty() && nginx) {
    return r.error("spec.finalize",
                   "cannot be carried by Ingress-NGINX: its canary Ingress only adds to the "
                   "user's, which Cutover never edits",
                   "leave it out (at 100% the canary Ingress sends every request of the path)");
  }
  move.remove_legacy = !finalize.empty();
  RolloutSpec& s = out.spec;
  s.replicas = 0;
  // The move as written stands in for the pod template: its hash is the release's revision.
  s.pod_template = {
      {"route", spec["route"]}, {"from", spec["from"]}, {"to", spec["to"]}, {"matches", matches}};
  if (auto ok = r.boolean(spec, "paused", "spec", s.paused); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(spec, "revisionHistoryLimit", "spec", s.revision_history_limit, 0, 1000);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = parse_run_history_limits(r, spec, s); !ok)
    return std::unexpected(ok.error());
  const Json& steps = member(spec, "steps");
  if (!steps.is_null() && !steps.is_array()) {
    return r.error("spec.steps", "must be a list",
                   "e.g. steps: [{setWeight: 5}, {analysis: {policies: [{name: errors}]}}]");
  }
  for (std::size_t i = 0; steps.is_array() && i < steps.size(); ++i) {
    const std::string path = fmt::format("spec.steps[{}]", i);
    Json step_json = steps[i];
    if (Json* mirror = step_json.is_object() && step_json.contains("setMirrorRoute")
                           ? &step_json["setMirrorRoute"]
                           : nullptr;
        mirror != nullptr && mirror->is_object()) {
      if (mirror->contains("match")) {
        return r.error(path + ".setMirrorRoute.match", "is for Rollouts",
                       "leave it out: a Migration mirrors the requests of spec.matches");
      }
      if (!mirror->contains("name"))
        (*mirror)["name"] = "shadow";
    }
    CanaryStep step;
    if (auto ok = parse_canary_step(r, step_json, path, step); !ok)
      return std::unexpected(ok.error());
    if (step.kind == CanaryStep::Kind::set_canary_scale) {
      return r.error(path + ".setCanaryScale", "is for Rollouts: a Migration has no pods",
                     "use setWeight, setMirrorRoute, pause and analysis steps");
    }
    if (step.kind == CanaryStep::Kind::set_header_route) {
      return r.error(path + ".setHeaderRoute", "is for Rollouts",
                     "narrow spec.matches (a header match) to move only some requests");
    }
    if (step.kind == CanaryStep::Kind::set_mirror_route && nginx) {
      return r.error(path + ".setMirrorRoute", "an Ingress-NGINX canary cannot mirror requests",
                     "remove the step, or route through Gateway API or Istio");
    }
    canary.steps.push_back(std::move(step));
  }
  canary.scale_down_delay_seconds = 0;
  canary.abort_scale_down_delay_seconds = 0;
  canary.routes.push_back(std::move(route));
  canary.move = std::move(move);
  s.strategy = std::move(canary);
  out.status = parse_rollout_status(member(object, "status"));
  return out;
}

std::vector<traffic::ManagedRoute> migration_mirror_at(const CanaryStrategy& canary,
                                                       std::size_t index) {
  const traffic::ManagedRoute* mirror = nullptr;
  for (std::size_t i = 0; i <= index && i < canary.steps.size(); ++i) {
    const CanaryStep& step = canary.steps[i];
    if (step.kind == CanaryStep::Kind::set_mirror_route)
      mirror = step.route.mirror_percent > 0 ? &step.route : nullptr;
    else if (step.kind == CanaryStep::Kind::set_weight && step.weight > 0)
      mirror = nullptr;
  }
  if (mirror == nullptr || index >= canary.steps.size())
    return {};
  return {*mirror};
}

std::string migration_conflict(const Rollout& migration, const Rollout& other,
                               bool migration_first) {
  if (migration_first || !migration.spec.is_canary() || !other.spec.is_canary())
    return "";
  const auto& mine = migration.spec.canary();
  const auto& theirs = other.spec.canary();
  if (!mine.move || !theirs.move || mine.routes != theirs.routes)
    return "";
  for (const auto& a : mine.move->matches) {
    for (const auto& b : theirs.move->matches) {
      if (a.path && b.path && traffic::paths_overlap(*a.path, *b.path)) {
        return fmt::format(
            "Migration {}/{}: spec.matches: path {} is moved on {} by Migration {} already: "
            "two Migrations may not move one path; delete one, or give each its own path",
            migration.namespace_name, migration.name, a.path->value, mine.routes.front().describe(),
            other.name);
      }
    }
  }
  return "";
}

}  // namespace cutover::rollout
