#include "traffic/object_router.hpp"

#include <fmt/format.h>

#include "traffic/route_edit.hpp"

namespace cutover::traffic {

ObjectRouter::ObjectRouter(kube::KubeClient& client, std::vector<RouteRef> routes,
                           WeightedServices services, std::vector<std::string> owned)
    : client_(client),
      routes_(std::move(routes)),
      services_(std::move(services)),
      owned_(std::move(owned)) {}

kube::Result<void> ObjectRouter::set(int weight, const std::vector<ManagedRoute>& managed) {
  const RouteTarget target{weight, managed, owned_};
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
  for (const auto& route : routes_) {
    auto object = get_route_object(client_, route.resource(), route.name);
    if (!object)
      return std::unexpected(object.error());
    out[route.describe()] = read_route(*object, route, services_);
  }
  return out;
}

}  // namespace cutover::traffic
