#pragma once
// The Ingress-NGINX router: reads the user's Ingress and Cutover's canary Ingress, and applies
// the canary Ingress that traffic/nginx_route.hpp computes (server-side apply under
// kNginxFieldManager, forced: the object is Cutover's alone). The user's Ingress is never
// written. Reads go through the client, which in the operator answers from its informer cache.

#include <map>
#include <string>
#include <vector>

#include "traffic/route_ref.hpp"
#include "traffic/traffic_router.hpp"

namespace cutover::traffic {

class NginxRouter final : public TrafficRouter {
 public:
  NginxRouter(kube::KubeClient& client, std::vector<RouteRef> ingresses, WeightedServices services);

  kube::Result<void> set(int weight, const std::vector<ManagedRoute>& managed) override;
  kube::Result<std::map<std::string, RouteReading>> read() override;

 private:
  /// nginx_pair(the user's Ingress, the canary Ingress), each null when it does not exist.
  kube::Result<kube::Json> pair(const RouteRef& ingress);

  kube::KubeClient& client_;
  std::vector<RouteRef> ingresses_;
  WeightedServices services_;
};

}  // namespace cutover::traffic
