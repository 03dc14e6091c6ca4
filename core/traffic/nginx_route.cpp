#include "traffic/nginx_route.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

constexpr const char* kPrefix = "nginx.ingress.kubernetes.io/";
constexpr const char* kField = "spec.strategy.canary.trafficRouting.nginx";

std::string annotation(const char* name) {
  return std::string(kPrefix) + name;
}

// Whether an Ingress backend is Service `name` (an IngressServiceBackend; a resource backend
// never is).
bool names_service(const Json& backend, const std::string& name) {
  return string_or(member(backend, "service"), "name") == name;
}

// The backend with its Service renamed to canaryService (a Migration's: spec.to's Service and
// port).
Json to_canary(Json backend, const WeightedServices& services) {
  backend["service"]["name"] = services.canary;
  if (services.move)
    backend["service"]["port"] = {{"number", services.move->to_port}};
  return backend;
}

// Whether an Ingress path is one a Migration moves: the same path, Exact for Exact, Prefix (or
// ImplementationSpecific) for PathPrefix. ingress-nginx applies a canary only to a host and
// path its main Ingress serves, so the user's Ingress must have that very path.
bool moved_path(const Json& path, const WeightedServices& services) {
  if (!services.move)
    return true;
  const std::string type = string_or(path, "pathType", "ImplementationSpecific");
  return std::ranges::any_of(services.move->matches, [&](const RouteMatch& match) {
    if (!match.path || match.path->value != string_or(path, "path", "/"))
      return false;
    return match.path->type == StringMatch::Type::exact ? type == "Exact" : type != "Exact";
  });
}

const char* owner_label(const WeightedServices& services) {
  return services.move ? kMigrationOwnerLabel : kOwnerLabel;
}

// The user's spec narrowed to what goes to stableService, sent to canaryService: the class, the
// default backend if it is stable, and every host's paths whose backend is stable. TLS stays
// with the user's Ingress (NGINX serves a canary's host with the main Ingress's settings).
Json canary_spec(const Json& stable, const WeightedServices& services) {
  const Json& spec = member(stable, "spec");
  Json out = Json::object();
  if (spec.contains("ingressClassName"))
    out["ingressClassName"] = spec["ingressClassName"];
  if (!services.move && names_service(member(spec, "defaultBackend"), services.stable))
    out["defaultBackend"] = to_canary(spec["defaultBackend"], services);
  Json rules = Json::array();
  const Json& user_rules = member(spec, "rules");
  for (const Json& rule : user_rules.is_array() ? user_rules : Json::array()) {
    Json paths = Json::array();
    const Json& user_paths = member(member(rule, "http"), "paths");
    for (const Json& path : user_paths.is_array() ? user_paths : Json::array()) {
      if (!names_service(member(path, "backend"), services.stable) || !moved_path(path, services))
        continue;
      Json copy = path;
      copy["backend"] = to_canary(path["backend"], services);
      paths.push_back(std::move(copy));
    }
    if (paths.empty())
      continue;
    Json copy = Json::object();
    if (rule.contains("host"))
      copy["host"] = rule["host"];
    copy["http"]["paths"] = std::move(paths);
    rules.push_back(std::move(copy));
  }
  if (!rules.empty())
    out["rules"] = std::move(rules);
  return out;
}

bool routes_to_stable(const Json& canary_spec) {
  return canary_spec.contains("rules") || canary_spec.contains("defaultBackend");
}

}  // namespace

std::string canary_ingress_name(const RouteRef& ref, const WeightedServices& services) {
  return fmt::format("{}-{}-{}", services.rollout, ref.name,
                     services.move ? "migration" : "canary");
}

Json nginx_pair(Json stable, Json canary, Json others) {
  return {
      {"stable", std::move(stable)}, {"canary", std::move(canary)}, {"others", std::move(others)}};
}

namespace {

// Another Rollout's canary Ingress of the same Ingress that came first (the problem to report),
// or empty. Migrations are left out: theirs are narrowed to their paths, and two Migrations on
// one path are refused by the Migration's own check.
std::string other_canary(const Json& pair, const RouteRef& ref, const WeightedServices& services) {
  if (services.move)
    return "";
  const Json& others = member(pair, "others");
  const Json& own = member(member(pair, "canary"), "metadata");
  const std::string own_name = canary_ingress_name(ref, services);
  for (const Json& other : others.is_array() ? others : Json::array()) {
    const Json& metadata = member(other, "metadata");
    const std::string name = string_or(metadata, "name");
    const std::string rollout = string_or(member(metadata, "labels"), kOwnerLabel);
    if (name == own_name || rollout.empty() || rollout == services.rollout ||
        string_or(member(metadata, "annotations"), kStableIngressAnnotation) != ref.name) {
      continue;
    }
    // RFC 3339 timestamps of one API server compare as text.
    const std::string theirs = string_or(metadata, "creationTimestamp");
    const std::string ours = string_or(own, "creationTimestamp");
    const bool first = !own.is_object() || theirs < ours || (theirs == ours && name < own_name);
    if (!first)
      continue;
    return fmt::format(
        "{} is already routed by Rollout {} (its canary Ingress {}/{}): ingress-nginx applies "
        "one canary per Ingress, so two Rollouts cannot share one; give this Rollout an Ingress "
        "of its own in {}.stableIngress",
        ref.describe(), rollout, ref.namespace_name, name, kField);
  }
  return "";
}

}  // namespace

RouteReading read_nginx(const Json& pair, const RouteRef& ref, const WeightedServices& services) {
  const Json& stable = member(pair, "stable");
  const Json& canary = member(pair, "canary");
  if (!stable.is_object()) {
    return {.problem = fmt::format("{} not found: create it, or fix {}.stableIngress",
                                   ref.describe(), kField),
            .object = pair};
  }
  if (services.move && !routes_to_stable(canary_spec(stable, services))) {
    std::string paths;
    for (const RouteMatch& match : services.move->matches)
      paths += (paths.empty() ? "" : ", ") + (match.path ? match.path->value : "/");
    return {.problem = fmt::format(
                "{} has no path {} whose backend is the Service {} (spec.from.service): add it "
                "(ingress-nginx applies a canary only to a host and path its main Ingress "
                "serves), or fix spec.from or spec.matches",
                ref.describe(), paths, services.stable),
            .object = pair};
  }
  if (!routes_to_stable(canary_spec(stable, services))) {
    return {.problem = fmt::format(
                "{} sends no path to the Service {}: point the paths that carry the traffic at "
                "{}, or fix {}.stableIngress",
                ref.describe(), services.stable, services.stable, kField),
            .object = pair};
  }
  if (canary.is_object() && string_or(member(member(canary, "metadata"), "labels"),
                                      owner_label(services)) != services.rollout) {
    return {.problem = fmt::format(
                "Ingress {}/{} exists and is not this {}'s (label {}={} missing): Cutover "
                "names its canary Ingress so; rename or delete that Ingress",
                ref.namespace_name, canary_ingress_name(ref, services), services.owner_kind(),
                owner_label(services), services.rollout),
            .object = pair};
  }
  if (std::string clash = other_canary(pair, ref, services); !clash.empty())
    return {.problem = std::move(clash), .object = pair};
  if (!canary.is_object())
    return {.weight = 0, .object = pair};
  const Json& annotations = member(member(canary, "metadata"), "annotations");
  const auto number = [&](const char* name, std::int64_t fallback) -> std::int64_t {
    const std::string text = string_or(annotations, annotation(name).c_str());
    try {
      return text.empty() ? fallback : static_cast<std::int64_t>(std::stoll(text));
    } catch (const std::exception&) {
      return std::int64_t{-1};
    }
  };
  const std::int64_t weight = number("canary-weight", 0);
  const std::int64_t total = number("canary-weight-total", 100);
  if (string_or(annotations, annotation("canary").c_str()) != "true" || weight < 0 || total <= 0)
    return {.object = pair};  // not a canary NGINX would use: rewritten by the next edit
  return {.weight = canary_share(total - std::min(weight, total), std::min(weight, total)),
          .object = pair};
}

std::string nginx_cannot_express(const ManagedRoute& route) {
  if (route.kind == ManagedRoute::Kind::mirror)
    return "an Ingress-NGINX canary cannot mirror requests";
  if (route.matches.size() != 1 || route.matches[0].headers.size() != 1)
    return "an Ingress-NGINX canary routes by one header (canary-by-header), not several";
  if (route.matches[0].method || route.matches[0].path)
    return "an Ingress-NGINX canary routes by a header only, not by method or path";
  return "";
}

std::expected<Json, std::string> nginx_edit(const Json& pair, const RouteRef& ref,
                                            const WeightedServices& services,
                                            const RouteTarget& target) {
  const RouteReading reading = read_nginx(pair, ref, services);
  if (!reading.problem.empty())
    return std::unexpected(reading.problem);
  const std::string name = canary_ingress_name(ref, services);
  Json annotations = Json::object();
  for (const auto& [key, value] : ref.canary_annotations)
    annotations[key.find('/') == std::string::npos ? std::string(kPrefix) + key : key] = value;
  if (!services.move)
    annotations[kStableIngressAnnotation] = ref.name;
  annotations[annotation("canary")] = "true";
  annotations[annotation("canary-weight")] = std::to_string(target.weight);
  annotations[annotation("canary-weight-total")] = "100";
  if (services.move) {
    for (const RouteMatch& match : services.move->matches) {
      if (match.method || !match.headers.empty()) {
        return std::unexpected(fmt::format(
            "{}: an Ingress-NGINX canary moves a path by weight only, not by method or header: "
            "remove spec.matches[].method and .headers, or route through Gateway API or Istio",
            ref.describe()));
      }
    }
  }
  const ManagedRoute* header = nullptr;
  for (const ManagedRoute& managed : target.managed) {
    if (const std::string why = nginx_cannot_express(managed); !why.empty()) {
      return std::unexpected(fmt::format("managed route {} cannot be expressed on {}: {}; {}",
                                         managed.name, ref.describe(), why,
                                         "route through Gateway API or Istio for it"));
    }
    if (header) {
      return std::unexpected(fmt::format(
          "managed routes {} and {} cannot both be set on {}: an Ingress-NGINX canary carries "
          "one header route at a time; remove one in an earlier step",
          header->name, managed.name, ref.describe()));
    }
    header = &managed;
  }
  if (header) {
    const HeaderMatch& match = header->matches[0].headers[0];
    annotations[annotation("canary-by-header")] = match.name;
    if (match.value.type == StringMatch::Type::exact)
      annotations[annotation("canary-by-header-value")] = match.value.value;
    else
      annotations[annotation("canary-by-header-pattern")] =
          match.value.type == StringMatch::Type::prefix ? prefix_regex(match.value.value)
                                                        : match.value.value;
  }
  Json wanted = {{"apiVersion", "networking.k8s.io/v1"},
                 {"kind", "Ingress"},
                 {"metadata",
                  {{"name", name},
                   {"namespace", ref.namespace_name},
                   {"labels", {{owner_label(services), services.rollout}}},
                   {"annotations", std::move(annotations)}}},
                 {"spec", canary_spec(pair["stable"], services)}};
  if (!services.rollout_uid.empty() && !(services.move && services.move->keep_on_delete)) {
    wanted["metadata"]["ownerReferences"] = Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                                          {"kind", services.owner_kind()},
                                                          {"name", services.rollout},
                                                          {"uid", services.rollout_uid}}});
  }
  // Applied whole under one field manager, so an annotation left out is removed: compare the
  // annotations exactly, the rest as "contains" (the API server adds its own metadata).
  const Json& canary = member(pair, "canary");
  if (canary.is_object() &&
      member(member(canary, "metadata"), "annotations") == wanted["metadata"]["annotations"] &&
      json_contains(canary["metadata"], wanted["metadata"]) &&
      member(canary, "spec") == wanted["spec"]) {
    return Json();
  }
  return wanted;
}

}  // namespace cutover::traffic
