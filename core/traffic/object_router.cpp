#include "traffic/object_router.hpp"

#include <fmt/format.h>

#include "traffic/reference_grant.hpp"
#include "traffic/route_edit.hpp"

namespace cutover::traffic {

ObjectRouter::ObjectRouter(kube::KubeClient& client, std::vector<RouteRef> routes,
                           WeightedServices services, std::vector<std::string> owned)
    : client_(client),
      routes_(std::move(routes)),
      services_(std::move(services)),
      owned_(std::move(owned)) {}

kube::Result<std::string> ObjectRouter::grant_problem(const RouteRef& route,
                                                      std::optional<kube::Json>& grants) {
  if (!needs_reference_grant(route, services_))
    return "";
  if (!grants) {
    auto listed = client_.list_all(
        {kReferenceGrantApiVersion, kReferenceGrantKind, services_.namespace_name}, {});
    // No ReferenceGrant kind served (Gateway API absent or older than v0.6): no grant exists.
    if (!listed && listed.error().reason != kube::ErrorReason::not_found)
      return std::unexpected(listed.error());
    grants = listed ? std::move(*listed) : kube::Json::array();
  }
  return reference_grant_problem(route, services_, *grants);
}

kube::Result<void> ObjectRouter::set(int weight, const std::vector<ManagedRoute>& managed) {
  const RouteTarget target{weight, managed, owned_};
  // The planner sends no weight through a route whose ReferenceGrant is missing: a grant deleted
  // since it looked is a conflict, found before the first write, so no route is written then.
  std::optional<kube::Json> grants;
  for (const auto& route : routes_) {
    auto ungranted = grant_problem(route, grants);
    if (!ungranted)
      return std::unexpected(ungranted.error());
    if (!ungranted->empty()) {
      return std::unexpected(
          kube::Error{.reason = kube::ErrorReason::conflict, .message = *ungranted});
    }
  }
  for (const auto& route : routes_) {
    auto object = get_route_object(client_, route.resource(), route.name);
    if (!object)
      return std::unexpected(object.error());
    auto patch = route_edit(*object, route, services_, target);
    if (patch && patch->is_null())
      continue;  // already so: no write
    if (!patch) {
      // The planner sends no weight through a route with a problem: this one changed since it
      // looked. A conflict: the next pass re-reads it and says what is wrong.
      return std::unexpected(
          kube::Error{.reason = kube::ErrorReason::conflict, .message = patch.error()});
    }
    auto patched = client_.patch(route.resource(), route.name, kube::PatchType::json_patch, *patch);
    if (!patched) {
      kube::Error error = patched.error();
      // A failed `test` (the route changed since the cache saw it: a gateway's status write is
      // enough) is 422 Invalid: a conflict, retried from a fresh read, not a bug.
      if (error.reason == kube::ErrorReason::invalid)
        error.reason = kube::ErrorReason::conflict;
      error.message =
          fmt::format("setting the canary weight of {} to {}%{}: {}", route.describe(), weight,
                      managed.empty() ? "" : " with its managed routes", error.message);
      return std::unexpected(std::move(error));
    }
  }
  return {};
}

kube::Result<std::map<std::string, RouteReading>> ObjectRouter::read() {
  std::map<std::string, RouteReading> out;
  std::optional<kube::Json> grants;
  for (const auto& route : routes_) {
    auto object = get_route_object(client_, route.resource(), route.name);
    if (!object)
      return std::unexpected(object.error());
    RouteReading reading = read_route(*object, route, services_);
    if (reading.problem.empty()) {
      // The route's own problem first (a missing route needs fixing before its grant matters).
      auto ungranted = grant_problem(route, grants);
      if (!ungranted)
        return std::unexpected(ungranted.error());
      reading.problem = std::move(*ungranted);
    }
    out[route.describe()] = std::move(reading);
  }
  return out;
}

}  // namespace cutover::traffic
