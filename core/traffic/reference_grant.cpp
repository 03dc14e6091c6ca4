#include "traffic/reference_grant.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

constexpr const char* kGatewayGroup = "gateway.networking.k8s.io";

// Whether `object` has the string member `key` equal to `value` (a missing member never equals,
// not even ""; the schema requires `group` in both lists).
bool has_string(const Json& object, const char* key, const std::string& value) {
  const Json& field = member(object, key);
  return field.is_string() && field.get_ref<const std::string&>() == value;
}

bool allows_from(const Json& grant, const RouteRef& route) {
  const Json& from = member(member(grant, "spec"), "from");
  if (!from.is_array())
    return false;
  return std::ranges::any_of(from, [&](const Json& entry) {
    return has_string(entry, "group", kGatewayGroup) && has_string(entry, "kind", route.kind) &&
           has_string(entry, "namespace", route.namespace_name);
  });
}

bool allows_to(const Json& grant, const std::string& service) {
  const Json& to = member(member(grant, "spec"), "to");
  if (!to.is_array())
    return false;
  return std::ranges::any_of(to, [&](const Json& entry) {
    if (!has_string(entry, "group", "") || !has_string(entry, "kind", "Service"))
      return false;
    const Json& name = member(entry, "name");
    return name.is_null() || (name.is_string() && name.get_ref<const std::string&>() == service);
  });
}

}  // namespace

bool needs_reference_grant(const RouteRef& route, const WeightedServices& services) {
  return (route.kind == "HTTPRoute" || route.kind == "GRPCRoute") &&
         route.namespace_name != services.namespace_name;
}

std::vector<std::string> ungranted_services(const RouteRef& route, const WeightedServices& services,
                                            const Json& grants) {
  std::vector<std::string> out;
  if (!needs_reference_grant(route, services))
    return out;
  const Json& items = grants.is_array() ? grants : member(grants, "items");
  std::vector<const Json*> from_route;
  if (items.is_array()) {
    for (const Json& grant : items) {
      const std::string ns = string_or(member(grant, "metadata"), "namespace");
      if (grant.is_object() && (ns.empty() || ns == services.namespace_name) &&
          allows_from(grant, route)) {
        from_route.push_back(&grant);
      }
    }
  }
  for (const std::string* service : {&services.stable, &services.canary}) {
    if (service->empty() || std::ranges::find(out, *service) != out.end())
      continue;
    if (std::ranges::none_of(from_route,
                             [&](const Json* grant) { return allows_to(*grant, *service); }))
      out.push_back(*service);
  }
  return out;
}

std::string reference_grant_problem(const RouteRef& route, const WeightedServices& services,
                                    const Json& grants) {
  const auto missing = ungranted_services(route, services, grants);
  if (missing.empty())
    return "";
  // One Service: a grant for it alone; both: one grant for the namespace's Services.
  const bool one = missing.size() == 1;
  const std::string named =
      one ? "Service " + missing[0] : fmt::format("Services {} and {}", missing[0], missing[1]);
  const std::string to = one ? fmt::format("{{group: \"\", kind: Service, name: {}}}", missing[0])
                             : std::string("{group: \"\", kind: Service}");
  return fmt::format(
      "{} may not reach {}: Gateway API needs a ReferenceGrant in namespace {} for a route in "
      "another namespace, and none allows it; create a ReferenceGrant in namespace {} with from "
      "{{group: {}, kind: {}, namespace: {}}} and to {}",
      route.describe(), named, services.namespace_name, services.namespace_name, kGatewayGroup,
      route.kind, route.namespace_name, to);
}

}  // namespace cutover::traffic
