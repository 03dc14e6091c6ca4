#include "rollout/rollout_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "traffic/nginx_route.hpp"
#include "util/duration.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"
#include "util/spec_reader.hpp"

namespace cutover::rollout {

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::progressing:
      return "Progressing";
    case Phase::paused:
      return "Paused";
    case Phase::healthy:
      return "Healthy";
    case Phase::degraded:
      return "Degraded";
  }
  return "Progressing";
}

namespace {

using Result = std::expected<void, SpecError>;

// `{policies: [{name, clusterScope}], args: [{name, value}]}`: an SLO gate.
Result parse_analysis_ref(const SpecReader& r, const Json& j, const std::string& path,
                          AnalysisRef& out) {
  if (!j.is_object())
    return r.error(path, "must be an object", "e.g. {policies: [{name: http-error-rate}]}");
  const auto policies = j.find("policies");
  if (policies == j.end() || !policies->is_array() || policies->empty()) {
    return r.error(path + ".policies", "must list at least one policy",
                   "e.g. policies: [{name: http-error-rate}]");
  }
  for (std::size_t i = 0; i < policies->size(); ++i) {
    const std::string ppath = fmt::format("{}.policies[{}]", path, i);
    const Json& p = (*policies)[i];
    if (!p.is_object())
      return r.error(ppath, "must be {name, clusterScope}");
    PolicyRef ref;
    if (auto ok = r.string(p, "name", ppath, ref.name); !ok)
      return ok;
    if (ref.name.empty())
      return r.error(ppath + ".name", "is required", "name an SLOPolicy or ClusterSLOPolicy");
    if (auto ok = r.boolean(p, "clusterScope", ppath, ref.cluster_scope); !ok)
      return ok;
    if (std::find(out.policies.begin(), out.policies.end(), ref) != out.policies.end())
      return r.error(ppath + ".name", fmt::format("\"{}\" is listed twice", ref.name));
    out.policies.push_back(std::move(ref));
  }
  if (const auto args = j.find("args"); args != j.end() && !args->is_null()) {
    if (!args->is_array())
      return r.error(path + ".args", "must be a list of {name, value}");
    for (std::size_t i = 0; i < args->size(); ++i) {
      const std::string apath = fmt::format("{}.args[{}]", path, i);
      const Json& a = (*args)[i];
      if (!a.is_object())
        return r.error(apath, "must be {name, value}");
      AnalysisArg arg;
      if (auto ok = r.string(a, "name", apath, arg.name); !ok)
        return ok;
      if (arg.name.empty())
        return r.error(apath + ".name", "is required");
      if (auto ok = r.string(a, "value", apath, arg.value); !ok)
        return r.error(apath + ".value", "must be a string", "quote it, e.g. value: \"0.01\"");
      out.args.push_back(std::move(arg));
    }
  }
  return {};
}

Result optional_analysis(const SpecReader& r, const Json& parent, const char* key,
                         const std::string& path, std::optional<AnalysisRef>& out) {
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null())
    return {};
  AnalysisRef ref;
  if (auto ok = parse_analysis_ref(r, *it, path + "." + key, ref); !ok)
    return ok;
  out = std::move(ref);
  return {};
}

// `{exact|prefix|regex: VALUE}`, as Argo's setHeaderRoute and setMirrorRoute write it.
Result parse_string_match(const SpecReader& r, const Json& j, const std::string& path,
                          traffic::StringMatch& out) {
  const char* example = "e.g. {exact: \"beta\"}, {prefix: \"/api\"} or {regex: \"^v[12]$\"}";
  if (!j.is_object())
    return r.error(path, "must be an object with one of exact, prefix, regex", example);
  int set = 0;
  for (const auto& [key, type] : {std::pair{"exact", traffic::StringMatch::Type::exact},
                                  std::pair{"prefix", traffic::StringMatch::Type::prefix},
                                  std::pair{"regex", traffic::StringMatch::Type::regex}}) {
    if (!j.contains(key))
      continue;
    ++set;
    out.type = type;
    if (auto ok = r.string(j, key, path, out.value); !ok)
      return ok;
  }
  if (set != 1)
    return r.error(path, "must set exactly one of exact, prefix, regex", example);
  if (out.type == traffic::StringMatch::Type::regex && out.value.empty())
    return r.error(path + ".regex", "is empty", "give a regex, or use prefix: \"\" to match all");
  return {};
}

// A header name as Gateway API accepts it (RFC 7230 token characters).
bool header_name_ok(const std::string& name) {
  return !name.empty() && name.size() <= 256 && std::ranges::all_of(name, [](unsigned char c) {
    return std::isalnum(c) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

Result parse_header_name(const SpecReader& r, const std::string& name, const std::string& path) {
  if (!header_name_ok(name)) {
    return r.error(path, fmt::format("\"{}\" is not a header name", name),
                   "use letters, digits and -, e.g. x-canary");
  }
  return {};
}

// setHeaderRoute: {name, match: [{headerName, headerValue: {exact|prefix|regex}}]}; the
// headers of `match` are ANDed. Without match, the step removes the route.
Result parse_header_route(const SpecReader& r, const Json& j, const std::string& path,
                          traffic::ManagedRoute& out) {
  out.kind = traffic::ManagedRoute::Kind::header;
  if (!j.is_object()) {
    return r.error(path, "must be an object",
                   "e.g. {name: beta, match: [{headerName: x-beta, headerValue: {exact: \"1\"}}]}");
  }
  if (auto ok = r.string(j, "name", path, out.name); !ok)
    return ok;
  if (out.name.empty())
    return r.error(path + ".name", "is required", "name one of trafficRouting.managedRoutes");
  const auto match = j.find("match");
  if (match == j.end() || match->is_null() || (match->is_array() && match->empty()))
    return {};
  if (!match->is_array())
    return r.error(path + ".match", "must be a list of {headerName, headerValue}");
  traffic::RouteMatch block;
  for (std::size_t i = 0; i < match->size(); ++i) {
    const std::string item_path = fmt::format("{}.match[{}]", path, i);
    const Json& item = (*match)[i];
    if (!item.is_object())
      return r.error(item_path, "must be {headerName, headerValue}");
    traffic::HeaderMatch header;
    if (auto ok = r.string(item, "headerName", item_path, header.name); !ok)
      return ok;
    if (auto ok = parse_header_name(r, header.name, item_path + ".headerName"); !ok)
      return ok;
    if (auto ok = parse_string_match(r, item.value("headerValue", Json()),
                                     item_path + ".headerValue", header.value);
        !ok) {
      return ok;
    }
    block.headers.push_back(std::move(header));
  }
  out.matches.push_back(std::move(block));
  return {};
}

// setMirrorRoute: {name, percentage, match: [{method, path, headers}]}: the blocks are ORed,
// the conditions of one block ANDed. Without match, the step removes the route.
Result parse_mirror_route(const SpecReader& r, const Json& j, const std::string& path,
                          traffic::ManagedRoute& out) {
  out.kind = traffic::ManagedRoute::Kind::mirror;
  if (!j.is_object()) {
    return r.error(path, "must be an object",
                   "e.g. {name: shadow, percentage: 50, match: [{method: {exact: GET}}]}");
  }
  if (auto ok = r.string(j, "name", path, out.name); !ok)
    return ok;
  if (out.name.empty())
    return r.error(path + ".name", "is required", "name one of trafficRouting.managedRoutes");
  out.mirror_percent = 100;
  if (auto ok = r.integer(j, "percentage", path, out.mirror_percent, 0, 100); !ok)
    return ok;
  const auto match = j.find("match");
  if (match == j.end() || match->is_null() || (match->is_array() && match->empty()))
    return {};
  if (!match->is_array())
    return r.error(path + ".match", "must be a list of {method, path, headers}");
  for (std::size_t i = 0; i < match->size(); ++i) {
    const std::string item_path = fmt::format("{}.match[{}]", path, i);
    const Json& item = (*match)[i];
    if (!item.is_object())
      return r.error(item_path, "must be {method?, path?, headers?}");
    traffic::RouteMatch block;
    if (const auto method = item.find("method"); method != item.end() && !method->is_null()) {
      block.method.emplace();
      if (auto ok = parse_string_match(r, *method, item_path + ".method", *block.method); !ok)
        return ok;
      static constexpr std::array kMethods{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                           "CONNECT", "OPTIONS", "TRACE", "PATCH"};
      // A prefix or regex method is for routers that match one (Istio); the steps' check
      // below refuses it on Gateway API.
      if (block.method->type == traffic::StringMatch::Type::exact &&
          std::ranges::find(kMethods, block.method->value) == kMethods.end()) {
        return r.error(item_path + ".method.exact",
                       fmt::format("\"{}\" is not an HTTP method", block.method->value),
                       "use GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE or PATCH");
      }
    }
    if (const auto p = item.find("path"); p != item.end() && !p->is_null()) {
      block.path.emplace();
      if (auto ok = parse_string_match(r, *p, item_path + ".path", *block.path); !ok)
        return ok;
      if (block.path->type != traffic::StringMatch::Type::regex &&
          !block.path->value.starts_with("/")) {
        return r.error(item_path + ".path",
                       fmt::format("\"{}\" does not start with /", block.path->value),
                       "e.g. path: {prefix: /api}");
      }
    }
    if (const auto headers = item.find("headers"); headers != item.end() && !headers->is_null()) {
      if (!headers->is_object()) {
        return r.error(item_path + ".headers", "must map header names to {exact|prefix|regex}",
                       "e.g. headers: {x-beta: {exact: \"1\"}}");
      }
      for (const auto& [name, value] : headers->items()) {
        traffic::HeaderMatch header{name, {}};
        const std::string header_path = fmt::format("{}.headers[{}]", item_path, name);
        if (auto ok = parse_header_name(r, name, header_path); !ok)
          return ok;
        if (auto ok = parse_string_match(r, value, header_path, header.value); !ok)
          return ok;
        block.headers.push_back(std::move(header));
      }
    }
    out.matches.push_back(std::move(block));
  }
  return {};
}

}  // namespace

Result parse_canary_step(const SpecReader& r, const Json& step, const std::string& path,
                         CanaryStep& out) {
  if (!step.is_object())
    return r.error(path, "must be an object");
  int kinds = 0;
  if (step.contains("setWeight")) {
    ++kinds;
    out.kind = CanaryStep::Kind::set_weight;
    if (auto ok = r.integer(step, "setWeight", path, out.weight, 0, 100); !ok)
      return ok;
  }
  if (step.contains("pause")) {
    ++kinds;
    out.kind = CanaryStep::Kind::pause;
    const Json& pause = step["pause"];
    if (!pause.is_object() && !pause.is_null())
      return r.error(path + ".pause", "must be an object");
    if (pause.is_object() && pause.contains("duration")) {
      const Json& duration = pause["duration"];
      if (duration.is_number_integer() && duration.get<long long>() >= 0) {
        out.pause_duration = std::chrono::seconds{duration.get<long long>()};
      } else if (duration.is_string()) {
        auto parsed = parse_duration(duration.get<std::string>());
        if (!parsed) {
          return r.error(path + ".pause.duration", parsed.error(), "e.g. duration: 30s");
        }
        out.pause_duration = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
      } else {
        return r.error(path + ".pause.duration", "must be seconds or a duration string",
                       "e.g. duration: 30s");
      }
    }
  }
  if (step.contains("setCanaryScale")) {
    ++kinds;
    out.kind = CanaryStep::Kind::set_canary_scale;
    const Json& scale = step["setCanaryScale"];
    if (!scale.is_object())
      return r.error(path + ".setCanaryScale", "must be an object");
    const std::string scale_path = path + ".setCanaryScale";
    int set = 0;
    if (scale.contains("replicas")) {
      int replicas = 0;
      if (auto ok = r.integer(scale, "replicas", scale_path, replicas, 0, 100000); !ok)
        return ok;
      out.scale_replicas = replicas;
      ++set;
    }
    if (scale.contains("weight")) {
      int weight = 0;
      if (auto ok = r.integer(scale, "weight", scale_path, weight, 0, 100); !ok)
        return ok;
      out.scale_weight = weight;
      ++set;
    }
    if (scale.contains("matchTrafficWeight")) {
      if (auto ok = r.boolean(scale, "matchTrafficWeight", scale_path, out.match_traffic_weight);
          !ok) {
        return ok;
      }
      ++set;
    }
    if (set != 1) {
      return r.error(scale_path, "must set exactly one of replicas, weight, matchTrafficWeight");
    }
  }
  if (step.contains("analysis")) {
    ++kinds;
    out.kind = CanaryStep::Kind::analysis;
    if (auto ok = parse_analysis_ref(r, step["analysis"], path + ".analysis", out.analysis); !ok)
      return ok;
  }
  if (step.contains("setHeaderRoute")) {
    ++kinds;
    out.kind = CanaryStep::Kind::set_header_route;
    if (auto ok =
            parse_header_route(r, step["setHeaderRoute"], path + ".setHeaderRoute", out.route);
        !ok) {
      return ok;
    }
  }
  if (step.contains("setMirrorRoute")) {
    ++kinds;
    out.kind = CanaryStep::Kind::set_mirror_route;
    if (auto ok =
            parse_mirror_route(r, step["setMirrorRoute"], path + ".setMirrorRoute", out.route);
        !ok) {
      return ok;
    }
  }
  if (kinds != 1) {
    return r.error(path,
                   "must set exactly one of setWeight, pause, setCanaryScale, analysis, "
                   "setHeaderRoute, setMirrorRoute",
                   "split it into separate steps");
  }
  return {};
}

namespace {

// spec.strategy.canary.trafficRouting: exactly one router, Gateway API's HTTPRoutes and
// GRPCRoutes or Istio's VirtualServices (host level). NGINX and the others are refused by name
// rather than ignored (a canary the user meant to run at 5% must not silently run by replica
// ratio).
// istio.destinationRule: {name, canarySubsetName, stableSubsetName}, subset-level routing. The
// subsets take the place of stableService and canaryService (CanaryStrategy::stable_service),
// so those must be left out: one host, two subsets, pinned to the slots.
Result parse_destination_rule(const SpecReader& r, const Json& rule, CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary.trafficRouting.istio.destinationRule";
  const char* const fix =
      "set destinationRule: {name: DR, stableSubsetName: stable, "
      "canarySubsetName: canary}";
  if (!rule.is_object())
    return r.error(path, "must be an object", fix);
  if (!out.stable_service.empty() || !out.canary_service.empty()) {
    return r.error(path,
                   "routes by subset, and the subsets take the places of stableService and "
                   "canaryService",
                   "leave spec.strategy.canary.stableService and canaryService out (the "
                   "VirtualService's destinations name one host and the two subsets), or leave "
                   "destinationRule out to route by host");
  }
  std::string stable;
  std::string canary;
  if (auto ok = r.string(rule, "name", path, out.destination_rule); !ok)
    return ok;
  if (auto ok = r.string(rule, "stableSubsetName", path, stable); !ok)
    return ok;
  if (auto ok = r.string(rule, "canarySubsetName", path, canary); !ok)
    return ok;
  for (const auto& [field, value] :
       {std::pair{"name", &out.destination_rule}, std::pair{"stableSubsetName", &stable},
        std::pair{"canarySubsetName", &canary}}) {
    if (value->empty())
      return r.error(path + "." + field, "is required", fix);
  }
  if (stable == canary) {
    return r.error(path + ".canarySubsetName", "is the same subset as stableSubsetName",
                   "name two subsets: Cutover points one at the stable pods and the other at "
                   "the candidate's");
  }
  out.stable_service = std::move(stable);
  out.canary_service = std::move(canary);
  return {};
}

Result parse_istio(const SpecReader& r, const Json& istio, const std::string& rollout_namespace,
                   CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary.trafficRouting.istio";
  if (!istio.is_object())
    return r.error(path, "must be an object", "set istio: {virtualService: {name: VS}}");
  if (const auto rule = istio.find("destinationRule"); rule != istio.end() && !rule->is_null()) {
    if (auto ok = parse_destination_rule(r, *rule, out); !ok)
      return ok;
  }
  const auto parse_one = [&](const Json& item, const std::string& item_path) -> Result {
    if (!item.is_object())
      return r.error(item_path, "must be an object {name, routes?}");
    traffic::RouteRef route{traffic::kVirtualServiceKind, rollout_namespace, "", {}};
    if (auto ok = r.string(item, "name", item_path, route.name); !ok)
      return ok;
    if (route.name.empty())
      return r.error(item_path + ".name", "is required", "name the VirtualService");
    if (const auto routes = item.find("routes"); routes != item.end() && !routes->is_null()) {
      if (!routes->is_array())
        return r.error(item_path + ".routes", "must be a list of http route names");
      for (std::size_t i = 0; i < routes->size(); ++i) {
        const std::string name_path = fmt::format("{}.routes[{}]", item_path, i);
        if (!(*routes)[i].is_string() || (*routes)[i].get<std::string>().empty())
          return r.error(name_path, "must be the name of an http route of the VirtualService");
        std::string name = (*routes)[i].get<std::string>();
        if (std::ranges::find(route.http_routes, name) != route.http_routes.end())
          return r.error(name_path, fmt::format("names http route {} twice", name));
        route.http_routes.push_back(std::move(name));
      }
    }
    if (std::ranges::any_of(out.routes,
                            [&](const auto& other) { return other.name == route.name; }))
      return r.error(item_path, fmt::format("names {} twice", route.describe()));
    out.routes.push_back(std::move(route));
    return {};
  };
  if (const auto one = istio.find("virtualService"); one != istio.end() && !one->is_null()) {
    if (auto ok = parse_one(*one, path + ".virtualService"); !ok)
      return ok;
  }
  if (const auto list = istio.find("virtualServices"); list != istio.end() && !list->is_null()) {
    if (!list->is_array())
      return r.error(path + ".virtualServices", "must be a list of {name, routes?}");
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (auto ok = parse_one((*list)[i], fmt::format("{}.virtualServices[{}]", path, i)); !ok)
        return ok;
    }
  }
  if (out.routes.empty()) {
    return r.error(path, "names no VirtualService",
                   "set virtualService: {name: VS} (or virtualServices: [{name: VS}])");
  }
  return {};
}

// nginx: {stableIngress, additionalIngressAnnotations?}: the user's Ingress, and annotations
// for the canary Ingress Cutover derives from it.
Result parse_nginx(const SpecReader& r, const Json& nginx, const std::string& rollout_namespace,
                   CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary.trafficRouting.nginx";
  if (!nginx.is_object())
    return r.error(path, "must be an object", "set nginx: {stableIngress: INGRESS}");
  if (nginx.contains("stableIngresses")) {
    return r.error(path + ".stableIngresses",
                   "several Ingresses are not supported by this version of Cutover",
                   "name one Ingress in stableIngress");
  }
  traffic::RouteRef route{traffic::kIngressKind, rollout_namespace, "", {}, {}};
  if (auto ok = r.string(nginx, "stableIngress", path, route.name); !ok)
    return ok;
  if (route.name.empty()) {
    return r.error(path + ".stableIngress", "is required",
                   "name the Ingress that sends the traffic to stableService");
  }
  if (const auto extra = nginx.find("additionalIngressAnnotations");
      extra != nginx.end() && !extra->is_null()) {
    const std::string extra_path = path + ".additionalIngressAnnotations";
    if (!extra->is_object())
      return r.error(extra_path, "must map annotation names to strings");
    for (const auto& [key, value] : extra->items()) {
      const std::string item_path = fmt::format("{}[{}]", extra_path, key);
      if (!value.is_string())
        return r.error(item_path, "must be a string", "quote it, e.g. \"true\"");
      const std::string bare =
          key.starts_with("nginx.ingress.kubernetes.io/")
              ? key.substr(std::string_view("nginx.ingress.kubernetes.io/").size())
              : key;
      if (bare == "canary" || bare.starts_with("canary-weight") || bare.starts_with("canary-by-")) {
        return r.error(item_path, "is an annotation Cutover sets from the steps",
                       "remove it: the weight comes from setWeight, a header from setHeaderRoute");
      }
      route.canary_annotations[key] = value.get<std::string>();
    }
  }
  out.routes.push_back(std::move(route));
  return {};
}

Result parse_traffic_routing(const SpecReader& r, const Json& routing,
                             const std::string& rollout_namespace, CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary.trafficRouting";
  if (!routing.is_object())
    return r.error(path, "must be an object", "set gatewayAPI: {httpRoutes: [{name: ROUTE}]}");
  for (const char* unsupported : {"smi", "alb", "traefik", "plugins"}) {
    if (routing.contains(unsupported)) {
      return r.error(path + "." + unsupported, "is not supported by this version of Cutover",
                     "route through Gateway API (gatewayAPI: {httpRoutes: [{name: ROUTE}]}), "
                     "Istio (istio: {virtualService: {name: VS}}) or Ingress-NGINX (nginx: "
                     "{stableIngress: INGRESS}), or leave trafficRouting out for a replica-ratio "
                     "canary");
    }
  }
  const auto gateway = routing.find("gatewayAPI");
  const auto istio = routing.find("istio");
  const auto nginx = routing.find("nginx");
  const bool has_gateway = gateway != routing.end() && !gateway->is_null();
  const bool has_istio = istio != routing.end() && !istio->is_null();
  const bool has_nginx = nginx != routing.end() && !nginx->is_null();
  if (int{has_gateway} + int{has_istio} + int{has_nginx} > 1) {
    return r.error(path, "sets more than one of gatewayAPI, istio and nginx",
                   "keep the one router that carries this Service's traffic");
  }
  if (has_istio) {
    if (auto ok = parse_istio(r, *istio, rollout_namespace, out); !ok)
      return ok;
  } else if (has_nginx) {
    if (auto ok = parse_nginx(r, *nginx, rollout_namespace, out); !ok)
      return ok;
  } else if (!has_gateway || !gateway->is_object()) {
    return r.error(path, "must set gatewayAPI, istio or nginx",
                   "set gatewayAPI: {httpRoutes: [{name: ROUTE}]}, istio: {virtualService: "
                   "{name: VS}} or nginx: {stableIngress: INGRESS}, or leave trafficRouting out");
  }
  const std::string gateway_path = path + ".gatewayAPI";
  for (const auto& [key, kind] :
       {std::pair{"httpRoutes", "HTTPRoute"}, std::pair{"grpcRoutes", "GRPCRoute"}}) {
    if (!has_gateway)
      break;
    const auto list = gateway->find(key);
    if (list == gateway->end() || list->is_null())
      continue;
    if (!list->is_array())
      return r.error(gateway_path + "." + key, "must be a list of {name, namespace?}");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string item_path = fmt::format("{}.{}[{}]", gateway_path, key, i);
      const Json& item = (*list)[i];
      if (!item.is_object())
        return r.error(item_path, "must be an object {name, namespace?}");
      traffic::RouteRef route{kind, rollout_namespace, ""};
      if (auto ok = r.string(item, "name", item_path, route.name); !ok)
        return ok;
      if (route.name.empty())
        return r.error(item_path + ".name", "is required", fmt::format("name the {}", kind));
      if (auto ok = r.string(item, "namespace", item_path, route.namespace_name); !ok)
        return ok;
      if (route.namespace_name.empty())
        route.namespace_name = rollout_namespace;
      if (std::ranges::find(out.routes, route) != out.routes.end())
        return r.error(item_path, fmt::format("names {} twice", route.describe()));
      out.routes.push_back(std::move(route));
    }
  }
  if (const auto managed = routing.find("managedRoutes");
      managed != routing.end() && !managed->is_null()) {
    const std::string managed_path = path + ".managedRoutes";
    if (!managed->is_array())
      return r.error(managed_path, "must be a list of {name}",
                     "e.g. managedRoutes: [{name: beta}]");
    for (std::size_t i = 0; i < managed->size(); ++i) {
      const std::string item_path = fmt::format("{}[{}]", managed_path, i);
      std::string name;
      if (!(*managed)[i].is_object())
        return r.error(item_path, "must be {name}");
      if (auto ok = r.string((*managed)[i], "name", item_path, name); !ok)
        return ok;
      // It names rules of the routes: a lowercase DNS subdomain, with room for a -N suffix.
      const bool valid =
          !name.empty() && name.size() <= 240 && std::isalnum(name.front()) != 0 &&
          std::isalnum(name.back()) != 0 && std::ranges::all_of(name, [](unsigned char c) {
            return (std::islower(c) != 0) || (std::isdigit(c) != 0) || c == '-' || c == '.';
          });
      if (!valid) {
        return r.error(item_path + ".name", fmt::format("\"{}\" cannot name a route rule", name),
                       "use lowercase letters, digits and -, starting and ending with a letter "
                       "or digit (at most 240 characters)");
      }
      if (std::ranges::find(out.managed_routes, name) != out.managed_routes.end())
        return r.error(item_path + ".name", fmt::format("\"{}\" is listed twice", name));
      out.managed_routes.push_back(std::move(name));
    }
  }
  if (has_gateway && out.routes.empty()) {
    return r.error(gateway_path, "names no route",
                   "list the routes: httpRoutes: [{name: ROUTE}] or grpcRoutes: [{name: ROUTE}]");
  }
  if (out.stable_service.empty() || out.canary_service.empty()) {
    return r.error(path, "needs both stableService and canaryService",
                   has_istio   ? "name the two Services whose destination weights the "
                                 "VirtualService's http routes split"
                   : has_nginx ? "name the two Services: the Ingress's paths to stableService "
                                 "go to canaryService in the canary Ingress"
                               : "name the two Services whose backendRef weights the routes split");
  }
  return {};
}

// spec.strategy.canary.flags: [{featureFlag, flag, variant, otherVariant, onPromotion?}].
// Whether the FeatureFlag, the flag and its variants exist is the planner's to check (they can
// change after the Rollout): here only the shape, and that no flag is bound twice.
Result parse_flag_bindings(const SpecReader& r, const Json& list,
                           const std::string& rollout_namespace, CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary.flags";
  if (!list.is_array()) {
    return r.error(path, "must be a list",
                   "flags: [{featureFlag: NAME, flag: KEY, variant: V, otherVariant: W}]");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    const Json& item = list[i];
    if (!item.is_object()) {
      return r.error(item_path, "must be an object",
                     "{featureFlag: NAME, flag: KEY, variant: V, otherVariant: W}");
    }
    FlagBinding binding;
    binding.ref.namespace_name = rollout_namespace;
    binding.ref.field = item_path;
    for (const auto& [key, field] :
         {std::pair{"featureFlag", &binding.ref.feature_flag}, std::pair{"flag", &binding.ref.flag},
          std::pair{"variant", &binding.ref.variant},
          std::pair{"otherVariant", &binding.ref.other_variant}}) {
      if (auto ok = r.string(item, key, item_path, *field); !ok)
        return ok;
      if (field->empty()) {
        return r.error(item_path + "." + key, "is required",
                       "{featureFlag: NAME, flag: KEY, variant: V, otherVariant: W}");
      }
    }
    if (binding.ref.variant == binding.ref.other_variant) {
      return r.error(item_path + ".otherVariant", "is the same variant as variant",
                     "name the variant the rest of the keys get");
    }
    std::string on_promotion = "promote";
    if (auto ok = r.string(item, "onPromotion", item_path, on_promotion); !ok)
      return ok;
    if (on_promotion == "promote") {
      binding.on_promotion = OnPromotion::promote;
    } else if (on_promotion == "keep") {
      binding.on_promotion = OnPromotion::keep;
    } else if (on_promotion == "reset") {
      binding.on_promotion = OnPromotion::reset;
    } else {
      return r.error(item_path + ".onPromotion",
                     fmt::format("is \"{}\", not one of promote, keep, reset", on_promotion),
                     "promote (the variant to 100%), keep (the last step's split) or reset (the "
                     "variant back to 0%)");
    }
    for (const auto& other : out.flags) {
      if (other.ref.feature_flag == binding.ref.feature_flag &&
          other.ref.flag == binding.ref.flag) {
        return r.error(item_path,
                       fmt::format("binds flag {} of FeatureFlag {} again", binding.ref.flag,
                                   binding.ref.feature_flag),
                       "bind each flag once");
      }
    }
    out.flags.push_back(std::move(binding));
  }
  return {};
}

Result parse_canary(const SpecReader& r, const Json& canary, const std::string& rollout_namespace,
                    CanaryStrategy& out) {
  const std::string path = "spec.strategy.canary";
  if (auto ok = r.string(canary, "stableService", path, out.stable_service); !ok)
    return ok;
  if (auto ok = r.string(canary, "canaryService", path, out.canary_service); !ok)
    return ok;
  if (!out.stable_service.empty() && out.stable_service == out.canary_service) {
    return r.error(path + ".canaryService", "is the same Service as stableService",
                   "use two different Services, or leave canaryService out");
  }
  if (auto ok =
          r.integer(canary, "scaleDownDelaySeconds", path, out.scale_down_delay_seconds, 0, 86400);
      !ok) {
    return ok;
  }
  if (auto ok = r.integer(canary, "abortScaleDownDelaySeconds", path,
                          out.abort_scale_down_delay_seconds, 0, 86400);
      !ok) {
    return ok;
  }
  out.max_surge = canary.value("maxSurge", Json());
  out.max_unavailable = canary.value("maxUnavailable", Json());
  if (const auto routing = canary.find("trafficRouting");
      routing != canary.end() && !routing->is_null()) {
    if (auto ok = parse_traffic_routing(r, *routing, rollout_namespace, out); !ok)
      return ok;
  }
  if (const auto flags = canary.find("flags"); flags != canary.end() && !flags->is_null()) {
    if (auto ok = parse_flag_bindings(r, *flags, rollout_namespace, out); !ok)
      return ok;
  }
  if (const auto steps = canary.find("steps"); steps != canary.end() && !steps->is_null()) {
    if (!steps->is_array())
      return r.error(path + ".steps", "must be a list");
    for (std::size_t i = 0; i < steps->size(); ++i) {
      CanaryStep step;
      if (auto ok = parse_canary_step(r, (*steps)[i], fmt::format("{}.steps[{}]", path, i), step);
          !ok) {
        return ok;
      }
      if (step.kind == CanaryStep::Kind::set_header_route ||
          step.kind == CanaryStep::Kind::set_mirror_route) {
        const std::string step_path = fmt::format(
            "{}.steps[{}].{}.name", path, i,
            step.kind == CanaryStep::Kind::set_header_route ? "setHeaderRoute" : "setMirrorRoute");
        if (out.routes.empty()) {
          return r.error(step_path, "needs trafficRouting: a replica-ratio canary has no routes",
                         "set spec.strategy.canary.trafficRouting (gatewayAPI or istio) and "
                         "managedRoutes");
        }
        // An NGINX canary carries one header and nothing else: refused here, so that `deploy
        // lint` says so before a release stops on it.
        if (out.routes.front().kind == traffic::kIngressKind && !step.route.matches.empty()) {
          if (const std::string why = traffic::nginx_cannot_express(step.route); !why.empty()) {
            return r.error(
                fmt::format("{}.steps[{}].{}", path, i,
                            step.kind == CanaryStep::Kind::set_header_route ? "setHeaderRoute"
                                                                            : "setMirrorRoute"),
                why + " (trafficRouting.nginx)",
                "route through gatewayAPI or istio, or match one header: [{headerName, "
                "headerValue}]");
          }
        }
        // Gateway API matches a method only exactly; Istio by exact, prefix or regex.
        const bool gateway_api = out.routes.front().kind != traffic::kVirtualServiceKind &&
                                 out.routes.front().kind != traffic::kIngressKind;
        for (std::size_t m = 0; gateway_api && m < step.route.matches.size(); ++m) {
          const auto& method = step.route.matches[m].method;
          if (method && method->type != traffic::StringMatch::Type::exact) {
            return r.error(fmt::format("{}.steps[{}].setMirrorRoute.match[{}].method", path, i, m),
                           "can only be exact: the gatewayAPI router matches a method exactly",
                           "list one block per method, e.g. method: {exact: GET}");
          }
        }
        if (std::ranges::find(out.managed_routes, step.route.name) == out.managed_routes.end()) {
          return r.error(
              step_path,
              fmt::format("\"{}\" is not in trafficRouting.managedRoutes", step.route.name),
              fmt::format("add {{name: {}}} to spec.strategy.canary.trafficRouting."
                          "managedRoutes (its order is the routes' precedence)",
                          step.route.name));
        }
      }
      out.steps.push_back(std::move(step));
    }
  }
  if (auto ok = optional_analysis(r, canary, "analysis", path, out.analysis); !ok)
    return ok;
  if (out.analysis) {
    const Json& background = canary["analysis"];
    if (auto ok = r.integer(background, "startingStep", path + ".analysis",
                            out.analysis_starting_step, 0, static_cast<int>(out.steps.size()));
        !ok) {
      return ok;
    }
  }
  return {};
}

Result parse_blue_green(const SpecReader& r, const Json& bg, BlueGreenStrategy& out) {
  const std::string path = "spec.strategy.blueGreen";
  if (auto ok = r.string(bg, "activeService", path, out.active_service); !ok)
    return ok;
  if (auto ok = r.string(bg, "previewService", path, out.preview_service); !ok)
    return ok;
  if (out.active_service.empty()) {
    return r.error(path + ".activeService", "is required",
                   "name the Service that receives production traffic");
  }
  if (out.active_service == out.preview_service) {
    return r.error(path + ".previewService", "is the same Service as activeService",
                   "use a separate Service for the preview, or leave previewService out");
  }
  if (auto ok = r.boolean(bg, "autoPromotionEnabled", path, out.auto_promotion_enabled); !ok) {
    return ok;
  }
  if (auto ok = r.integer(bg, "autoPromotionSeconds", path, out.auto_promotion_seconds, 0, 86400);
      !ok) {
    return ok;
  }
  if (bg.contains("previewReplicaCount")) {
    int count = 0;
    if (auto ok = r.integer(bg, "previewReplicaCount", path, count, 0, 100000); !ok)
      return ok;
    out.preview_replica_count = count;
  }
  if (auto ok =
          r.integer(bg, "scaleDownDelaySeconds", path, out.scale_down_delay_seconds, 0, 86400);
      !ok) {
    return ok;
  }
  if (auto ok = r.integer(bg, "abortScaleDownDelaySeconds", path,
                          out.abort_scale_down_delay_seconds, 0, 86400);
      !ok) {
    return ok;
  }
  if (auto ok = optional_analysis(r, bg, "prePromotionAnalysis", path, out.pre_promotion_analysis);
      !ok) {
    return ok;
  }
  return optional_analysis(r, bg, "postPromotionAnalysis", path, out.post_promotion_analysis);
}

std::optional<AnalysisStatus> parse_analysis_status(const Json& status, const char* key) {
  const Json& j = member(status, key);
  if (!j.is_object() || string_or(j, "name").empty())
    return std::nullopt;
  return AnalysisStatus{string_or(j, "name"), string_or(j, "gate"), string_or(j, "phase"),
                        string_or(j, "message")};
}

Json analysis_status_json(const AnalysisStatus& a) {
  return {{"name", a.name}, {"gate", a.gate}, {"phase", a.phase}, {"message", a.message}};
}

std::optional<WallTime> time_field(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return std::nullopt;
  return parse_rfc3339(it->get<std::string>());
}

}  // namespace

RolloutStatus parse_rollout_status(const Json& status) {
  RolloutStatus out;
  if (!status.is_object())
    return out;
  auto str = [&](const char* key) {
    const auto it = status.find(key);
    return it != status.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  auto integer = [&](const char* key) {
    const auto it = status.find(key);
    return it != status.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  const std::string phase = str("phase");
  if (phase == "Paused") {
    out.phase = Phase::paused;
  } else if (phase == "Healthy") {
    out.phase = Phase::healthy;
  } else if (phase == "Degraded") {
    out.phase = Phase::degraded;
  }
  out.message = str("message");
  if (const auto it = status.find("observedGeneration");
      it != status.end() && it->is_number_integer()) {
    out.observed_generation = it->get<std::int64_t>();
  }
  out.stable_revision = str("stableRevision");
  out.current_revision = str("currentRevision");
  out.stable_slot = parse_slot(str("stableSlot"));
  out.current_step_index = integer("currentStepIndex");
  out.current_weight = integer("currentWeight");
  out.replicas = integer("replicas");
  out.ready_replicas = integer("readyReplicas");
  out.available_replicas = integer("availableReplicas");
  out.updated_replicas = integer("updatedReplicas");
  out.selector = str("selector");
  out.abort = bool_or(status, "abort");
  out.abort_reason = str("abortReason");
  out.aborted_at = time_field(status, "abortedAt");
  out.promote_full = bool_or(status, "promoteFull");
  if (const Json& weights = member(member(status, "canary"), "weights"); weights.is_array()) {
    for (const auto& w : weights) {
      RouteWeightStatus entry{string_or(w, "route"), std::nullopt};
      if (member(w, "weight").is_number_integer())
        entry.weight = static_cast<int>(int_or(w, "weight"));
      out.route_weights.push_back(std::move(entry));
    }
  }
  if (const Json& flags = member(member(status, "canary"), "flags"); flags.is_array()) {
    for (const auto& f : flags) {
      FlagSplitStatus entry{string_or(f, "featureFlag"), string_or(f, "flag"),
                            string_or(f, "variant"),     std::nullopt,
                            string_or(f, "revision"),    bool_or(f, "promoted")};
      if (member(f, "weight").is_number_integer())
        entry.weight = static_cast<int>(int_or(f, "weight"));
      out.flag_splits.push_back(std::move(entry));
    }
  }
  out.promoted_by = str("promotedBy");
  out.retry_analysis = bool_or(status, "retryAnalysis");
  out.release_attempt = static_cast<int>(int_or(status, "releaseAttempt"));
  out.current_step_analysis = parse_analysis_status(status, "currentStepAnalysis");
  out.background_analysis = parse_analysis_status(status, "backgroundAnalysis");
  out.step_started_at = time_field(status, "stepStartedAt");
  out.progress_started_at = time_field(status, "progressStartedAt");
  out.scale_down_slot = parse_slot(str("scaleDownSlot"));
  out.scale_down_at = time_field(status, "scaleDownAt");
  out.strategy = str("strategy");
  if (const auto it = status.find("pauseConditions"); it != status.end() && it->is_array()) {
    for (const auto& entry : *it) {
      if (!entry.is_object())
        continue;
      out.pause_conditions.push_back(
          {string_or(entry, "reason"), time_field(entry, "startTime").value_or(WallTime{})});
    }
  }
  if (const auto it = status.find("conditions"); it != status.end() && it->is_array()) {
    for (const auto& entry : *it) {
      if (!entry.is_object())
        continue;
      out.conditions.push_back({string_or(entry, "type"), string_or(entry, "status"),
                                string_or(entry, "reason"), string_or(entry, "message"),
                                time_field(entry, "lastTransitionTime").value_or(WallTime{}),
                                time_field(entry, "lastUpdateTime").value_or(WallTime{}),
                                int_or(entry, "observedGeneration")});
    }
  }
  if (const auto it = status.find("history"); it != status.end() && it->is_array()) {
    for (const auto& entry : *it) {
      if (!entry.is_object())
        continue;
      HistoryEntry h;
      h.revision = string_or(entry, "revision");
      if (const auto images = entry.find("images"); images != entry.end() && images->is_array()) {
        for (const auto& image : *images) {
          if (image.is_string())
            h.images.push_back(image.get<std::string>());
        }
      }
      h.git_sha = string_or(entry, "gitSha");
      h.change_cause = string_or(entry, "changeCause");
      h.started_at = time_field(entry, "startedAt").value_or(WallTime{});
      h.finished_at = time_field(entry, "finishedAt");
      h.result = string_or(entry, "result");
      h.reason = string_or(entry, "reason");
      if (const auto flags = entry.find("flags"); flags != entry.end() && flags->is_array()) {
        for (const auto& flag : *flags) {
          if (flag.is_string())
            h.flags.push_back(flag.get<std::string>());
        }
      }
      out.history.push_back(std::move(h));
    }
  }
  return out;
}

void parse_object_meta(const Json& object, Rollout& out) {
  const Json& metadata = member(object, "metadata");
  out.name = string_or(metadata, "name");
  out.namespace_name = string_or(metadata, "namespace");
  out.uid = string_or(metadata, "uid");
  out.resource_version = string_or(metadata, "resourceVersion");
  out.generation = int_or(metadata, "generation");
  out.deleting = metadata.contains("deletionTimestamp") && !metadata["deletionTimestamp"].is_null();
  if (const Json& annotations = member(metadata, "annotations"); annotations.is_object())
    out.annotations = annotations;
}

std::expected<void, SpecError> parse_run_history_limits(const SpecReader& r, const Json& spec,
                                                        RolloutSpec& s) {
  const Json& analysis = member(spec, "analysis");
  if (analysis.is_null())
    return {};
  if (!analysis.is_object())
    return r.error("spec.analysis", "must be an object");
  for (auto [key, target] :
       {std::pair{"successfulRunHistoryLimit", &s.successful_run_history_limit},
        std::pair{"unsuccessfulRunHistoryLimit", &s.unsuccessful_run_history_limit}}) {
    if (analysis.contains(key)) {
      int limit = 0;
      if (auto ok = r.integer(analysis, key, "spec.analysis", limit, 1, 10000); !ok)
        return std::unexpected(ok.error());
      *target = limit;
    }
  }
  return {};
}

std::expected<Rollout, SpecError> parse_rollout(const Json& object) {
  Rollout out;
  if (!object.is_object()) {
    return std::unexpected(SpecError{"?", "", "is not an object", ""});
  }
  parse_object_meta(object, out);
  const SpecReader r("rollout", out.namespace_name + "/" + out.name);
  const auto spec_it = object.find("spec");
  if (spec_it == object.end() || !spec_it->is_object()) {
    return r.error("spec", "is missing");
  }
  const Json& spec = *spec_it;
  RolloutSpec& s = out.spec;
  if (auto ok = r.integer(spec, "replicas", "spec", s.replicas, 0, 100000); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = r.integer(spec, "revisionHistoryLimit", "spec", s.revision_history_limit, 0, 1000);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = r.integer(spec, "progressDeadlineSeconds", "spec", s.progress_deadline_seconds, 1,
                          86400 * 7);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = r.boolean(spec, "progressDeadlineAbort", "spec", s.progress_deadline_abort); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = parse_run_history_limits(r, spec, s); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.boolean(spec, "analyzeFirstDeploy", "spec", s.analyze_first_deploy); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = r.boolean(spec, "paused", "spec", s.paused); !ok) {
    return std::unexpected(ok.error());
  }
  s.selector = spec.value("selector", Json());
  s.pod_template = spec.value("template", Json());
  if (const auto ref = spec.find("workloadRef"); ref != spec.end() && ref->is_object()) {
    WorkloadRef w;
    w.name = string_or(*ref, "name");
    w.kind = string_or(*ref, "kind", "Deployment");
    w.api_version = string_or(*ref, "apiVersion", "apps/v1");
    w.scale_down = string_or(*ref, "scaleDown", "never");
    if (w.name.empty()) {
      return r.error("spec.workloadRef.name", "is required", "name the Deployment to adopt");
    }
    s.workload_ref = std::move(w);
  }
  if (s.pod_template.is_object() == s.workload_ref.has_value()) {
    return r.error("spec.template", "exactly one of spec.template and spec.workloadRef is needed",
                   "give the pod template inline, or reference an existing Deployment");
  }
  if (s.workload_ref) {
    if (s.workload_ref->kind != "Deployment" || s.workload_ref->api_version != "apps/v1") {
      return r.error(
          "spec.workloadRef.kind",
          fmt::format("{} {} cannot be adopted", s.workload_ref->api_version, s.workload_ref->kind),
          "reference an apps/v1 Deployment");
    }
    const auto& mode = s.workload_ref->scale_down;
    if (mode != "never" && mode != "onsuccess" && mode != "progressively") {
      return r.error("spec.workloadRef.scaleDown",
                     fmt::format("'{}' is not a scale-down mode", mode),
                     "use never, onsuccess or progressively");
    }
  }
  // With a workloadRef the selector may come from the Deployment (resolve_workload).
  if (!s.selector.is_object() && !s.workload_ref) {
    return r.error("spec.selector", "is required", "match the labels of spec.template");
  }
  const Json strategy = spec.value("strategy", Json::object());
  const bool has_canary =
      strategy.is_object() && strategy.contains("canary") && strategy["canary"].is_object();
  const bool has_blue_green =
      strategy.is_object() && strategy.contains("blueGreen") && strategy["blueGreen"].is_object();
  if (has_canary == has_blue_green) {
    return r.error("spec.strategy", "must set exactly one of canary and blueGreen",
                   "choose one strategy");
  }
  if (has_canary) {
    CanaryStrategy canary;
    if (auto ok = parse_canary(r, strategy["canary"], out.namespace_name, canary); !ok) {
      return std::unexpected(ok.error());
    }
    s.strategy = std::move(canary);
  } else {
    BlueGreenStrategy bg;
    if (auto ok = parse_blue_green(r, strategy["blueGreen"], bg); !ok) {
      return std::unexpected(ok.error());
    }
    s.strategy = std::move(bg);
  }
  out.status = parse_rollout_status(object.value("status", Json::object()));
  return out;
}

Json status_to_json(const RolloutStatus& s) {
  auto time = [](const std::optional<WallTime>& t) -> Json {
    return t ? Json(format_rfc3339(*t)) : Json();
  };
  Json out = {{"phase", to_string(s.phase)},
              {"message", s.message},
              {"observedGeneration", s.observed_generation},
              {"stableRevision", s.stable_revision},
              {"currentRevision", s.current_revision},
              {"currentStepIndex", s.current_step_index},
              {"currentWeight", s.current_weight},
              {"replicas", s.replicas},
              {"readyReplicas", s.ready_replicas},
              {"availableReplicas", s.available_replicas},
              {"updatedReplicas", s.updated_replicas},
              {"selector", s.selector},
              {"abort", s.abort},
              {"promoteFull", s.promote_full}};
  // Enum fields of the CRD schema: leave them out rather than send an empty string.
  if (!s.strategy.empty())
    out["strategy"] = s.strategy;
  if (s.stable_slot)
    out["stableSlot"] = to_string(*s.stable_slot);
  if (!s.abort_reason.empty())
    out["abortReason"] = s.abort_reason;
  if (s.aborted_at)
    out["abortedAt"] = time(s.aborted_at);
  if (!s.promoted_by.empty())
    out["promotedBy"] = s.promoted_by;
  if (s.retry_analysis)
    out["retryAnalysis"] = true;
  if (s.step_started_at)
    out["stepStartedAt"] = time(s.step_started_at);
  if (s.progress_started_at)
    out["progressStartedAt"] = time(s.progress_started_at);
  if (s.scale_down_slot)
    out["scaleDownSlot"] = to_string(*s.scale_down_slot);
  if (s.scale_down_at)
    out["scaleDownAt"] = time(s.scale_down_at);
  if (s.release_attempt != 0)
    out["releaseAttempt"] = s.release_attempt;
  if (!s.route_weights.empty()) {
    Json weights = Json::array();
    for (const auto& w : s.route_weights) {
      weights.push_back({{"route", w.route}});
      if (w.weight)
        weights.back()["weight"] = *w.weight;
    }
    out["canary"]["weights"] = std::move(weights);
  }
  if (!s.flag_splits.empty()) {
    Json flags = Json::array();
    for (const auto& f : s.flag_splits) {
      flags.push_back({{"featureFlag", f.feature_flag}, {"flag", f.flag}, {"variant", f.variant}});
      if (f.weight)
        flags.back()["weight"] = *f.weight;
      if (!f.revision.empty())
        flags.back()["revision"] = f.revision;
      if (f.promoted)
        flags.back()["promoted"] = true;
    }
    out["canary"]["flags"] = std::move(flags);
  }
  if (s.current_step_analysis)
    out["currentStepAnalysis"] = analysis_status_json(*s.current_step_analysis);
  if (s.background_analysis)
    out["backgroundAnalysis"] = analysis_status_json(*s.background_analysis);
  out["pauseConditions"] = Json::array();
  for (const auto& p : s.pause_conditions) {
    out["pauseConditions"].push_back({{"reason", p.reason}, {"startTime", time(p.start_time)}});
  }
  out["conditions"] = Json::array();
  for (const auto& c : s.conditions) {
    out["conditions"].push_back({{"type", c.type},
                                 {"status", c.status},
                                 {"reason", c.reason},
                                 {"message", c.message},
                                 {"lastTransitionTime", time(c.last_transition_time)},
                                 {"lastUpdateTime", time(c.last_update_time)}});
    if (c.observed_generation != 0)
      out["conditions"].back()["observedGeneration"] = c.observed_generation;
  }
  out["history"] = Json::array();
  for (const auto& h : s.history) {
    Json entry = {
        {"revision", h.revision}, {"images", h.images}, {"startedAt", time(h.started_at)}};
    if (!h.result.empty())
      entry["result"] = h.result;
    if (!h.git_sha.empty())
      entry["gitSha"] = h.git_sha;
    if (!h.change_cause.empty())
      entry["changeCause"] = h.change_cause;
    if (h.finished_at)
      entry["finishedAt"] = time(h.finished_at);
    if (!h.reason.empty())
      entry["reason"] = h.reason;
    if (!h.flags.empty())
      entry["flags"] = h.flags;
    out["history"].push_back(std::move(entry));
  }
  return out;
}

}  // namespace cutover::rollout
