#include "rollout/router_for.hpp"

#include <algorithm>
#include <string_view>

#include "rollout/slot.hpp"
#include "traffic/nginx_route.hpp"
#include "traffic/nginx_router.hpp"
#include "traffic/object_router.hpp"
#include "traffic/route_edit.hpp"

namespace cutover::rollout {

static_assert(std::string_view(traffic::kOwnerLabel) == std::string_view(kRolloutLabel));

traffic::WeightedServices weighted_services(const Rollout& rollout) {
  const auto& canary = rollout.spec.canary();
  return {canary.stable_service, canary.canary_service, rollout.namespace_name, rollout.name,
          rollout.uid,           canary.move,           canary.destination_rule};
}

std::unique_ptr<traffic::TrafficRouter> router_for(kube::KubeClient& client,
                                                   const Rollout& rollout) {
  if (!rollout.spec.is_canary() || rollout.spec.canary().routes.empty())
    return nullptr;
  const auto& canary = rollout.spec.canary();
  if (canary.routes.front().kind == traffic::kIngressKind)
    return std::make_unique<traffic::NginxRouter>(client, canary.routes,
                                                  weighted_services(rollout));
  return std::make_unique<traffic::ObjectRouter>(client, canary.routes, weighted_services(rollout),
                                                 canary.managed_routes);
}

std::expected<bool, std::string> routes_need_edit(const Rollout& rollout, const Observed& observed,
                                                  const SetRouteWeight& route) {
  if (!rollout.spec.is_canary() || observed.routes.empty())
    return true;
  const auto& canary = rollout.spec.canary();
  if (canary.managed_routes.empty() && !canary.move) {
    return !std::ranges::all_of(observed.routes, [&](const auto& reading) {
      return reading.second.weight == route.weight;
    });
  }
  const traffic::WeightedServices services = weighted_services(rollout);
  const traffic::RouteTarget target{route.weight, route.managed, canary.managed_routes};
  bool need = false;
  for (const auto& ref : canary.routes) {
    const auto it = observed.routes.find(ref.describe());
    if (it == observed.routes.end())
      return true;
    auto edit = traffic::route_edit(it->second.object, ref, services, target);
    if (!edit)
      return std::unexpected(edit.error());
    need = need || !edit->is_null();
  }
  return need;
}

}  // namespace cutover::rollout
