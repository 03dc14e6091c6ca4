#include "traffic/route_edit.hpp"

#include "traffic/gateway_api_route.hpp"
#include "traffic/istio_route.hpp"
#include "traffic/migration_route.hpp"
#include "traffic/nginx_route.hpp"

namespace cutover::traffic {

RouteReading read_route(const kube::Json& route, const RouteRef& ref,
                        const WeightedServices& services) {
  if (services.move && ref.kind != kIngressKind)
    return read_migration_route(route, ref, services);
  if (ref.kind == kVirtualServiceKind)
    return read_virtual_service(route, ref, services);
  if (ref.kind == kIngressKind)
    return read_nginx(route, ref, services);
  return read_gateway_route(route, ref, services);
}

std::expected<kube::Json, std::string> route_edit(const kube::Json& route, const RouteRef& ref,
                                                  const WeightedServices& services,
                                                  const RouteTarget& target) {
  if (services.move && ref.kind != kIngressKind)
    return migration_route_edit(route, ref, services, target);
  if (ref.kind == kVirtualServiceKind)
    return virtual_service_edit(route, ref, services, target);
  if (ref.kind == kIngressKind)
    return nginx_edit(route, ref, services, target);
  return gateway_route_edit(route, ref, services, target);
}

}  // namespace cutover::traffic
