#include "traffic/nginx_router.hpp"

#include <fmt/format.h>

#include "traffic/nginx_route.hpp"
#include "util/json_fields.hpp"

namespace cutover::traffic {

NginxRouter::NginxRouter(kube::KubeClient& client, std::vector<RouteRef> ingresses,
                         WeightedServices services)
    : client_(client), ingresses_(std::move(ingresses)), services_(std::move(services)) {}

kube::Result<kube::Json> NginxRouter::pair(const RouteRef& ingress) {
  auto stable = get_route_object(client_, ingress.resource(), ingress.name);
  if (!stable)
    return std::unexpected(stable.error());
  auto canary =
      get_route_object(client_, ingress.resource(), canary_ingress_name(ingress, services_));
  if (!canary)
    return std::unexpected(canary.error());
  if (services_.move)  // a Migration's canary is narrowed to its path: no clash to look for
    return nginx_pair(std::move(*stable), std::move(*canary));
  // The other Rollouts' canary Ingresses, to refuse a second Rollout on one Ingress (from the
  // operator's cache; labelled with their Rollout).
  auto others = client_.list(ingress.resource(), {.label_selector = kOwnerLabel});
  if (!others)
    return std::unexpected(others.error());
  return nginx_pair(std::move(*stable), std::move(*canary), member(*others, "items"));
}

kube::Result<void> NginxRouter::set(int weight, const std::vector<ManagedRoute>& managed) {
  const RouteTarget target{weight, managed, {}};
  for (const auto& ingress : ingresses_) {
    auto current = pair(ingress);
    if (!current)
      return std::unexpected(current.error());
    auto canary = nginx_edit(*current, ingress, services_, target);
    if (canary && canary->is_null())
      continue;  // already so: no write
    if (!canary) {
      // The planner sends no weight through an Ingress with a problem: it changed since it
      // looked. A conflict: the next pass re-reads it and says what is wrong.
      return std::unexpected(
          kube::Error{.reason = kube::ErrorReason::conflict, .message = canary.error()});
    }
    auto applied =
        client_.apply(ingress.resource(), *canary, {kNginxFieldManager, kube::Force::yes});
    if (!applied) {
      kube::Error error = applied.error();
      error.message = fmt::format("setting the canary weight of {} to {}% (Ingress {}/{}): {}",
                                  ingress.describe(), weight, ingress.namespace_name,
                                  canary_ingress_name(ingress, services_), error.message);
      return std::unexpected(std::move(error));
    }
  }
  return {};
}

kube::Result<std::map<std::string, RouteReading>> NginxRouter::read() {
  std::map<std::string, RouteReading> out;
  for (const auto& ingress : ingresses_) {
    auto current = pair(ingress);
    if (!current)
      return std::unexpected(current.error());
    out[ingress.describe()] = read_nginx(*current, ingress, services_);
  }
  return out;
}

}  // namespace cutover::traffic
