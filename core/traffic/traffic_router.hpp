#pragma once
// The seam between the release engine and whatever carries a Rollout's traffic: set the
// canary's share, and read back what the routing objects now say. The planner asks for a
// weight (SetRouteWeight) and advances only once every route reads that weight back, so a
// weight that did not take effect never counts as reached (Argo's Gateway API plugin never
// checks). Today's replica-ratio canary needs no router: its weight is its pods, which the
// planner scales itself.

#include <map>
#include <string>
#include <vector>

#include "kube/kube_client.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// A route object read through `client` (in the operator, its cache), or null when it does not
/// exist: a missing route is a reading with a problem, not an error of the pass.
inline kube::Result<kube::Json> get_route_object(kube::KubeClient& client,
                                                 const kube::ResourceRef& ref,
                                                 const std::string& name) {
  auto object = client.get(ref, name);
  if (!object && object.error().reason == kube::ErrorReason::not_found)
    return kube::Json();
  return object;
}

class TrafficRouter {
 public:
  virtual ~TrafficRouter() = default;
  /// Gives the canary `weight` percent (0..100) on every route, with exactly `managed` as
  /// Cutover's own header and mirror routes. Idempotent; a route that already says so is not
  /// written.
  virtual kube::Result<void> set(int weight, const std::vector<ManagedRoute>& managed) = 0;
  /// What every managed route says now, by RouteRef::describe().
  virtual kube::Result<std::map<std::string, RouteReading>> read() = 0;
};

}  // namespace cutover::traffic
