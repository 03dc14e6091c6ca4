#pragma once
// Reading and editing the weights of an Istio VirtualService (networking.istio.io/v1), host
// level: pure functions over the API object.
//
// Cutover owns only the `weight` of the two destinations that name the Rollout's stable and
// canary Services (host "svc", "svc.ns" or "svc.ns.svc.<domain>"), in the http routes that
// name both (or in the ones istio.virtualService.routes names). Their weights always sum to
// 100, as Istio requires, so such a route may carry no third destination. Everything else of
// the VirtualService stays byte-for-byte: its hosts, gateways, other routes, and every other
// field of the weighted routes (retries, timeouts, rewrites, fault injection).
//
// Managed routes (header and mirror) are http routes of Cutover's, named after the managed
// route (-2, -3 ... for the copies of the second and further weighted routes). Istio takes the
// first http route that matches, so each copy is placed right before the weighted route it
// copies, in managedRoutes order: a route of the user's that comes first keeps its requests.
// A copy keeps every field of the user's route and ANDs the managed route's conditions into
// each of its matches (one match per match of the user's times match block of the route):
// - a header route sends what matches to canaryService alone (weight 100);
// - a mirror route keeps the weights and sets `mirror` to canaryService with
//   `mirrorPercentage`.
// Istio matches methods, paths and headers by exact, prefix or regex, so every condition of
// a managed route can be expressed; header names are lowercased, as Istio requires.

#include <expected>
#include <string>

#include "traffic/route_ref.hpp"
#include "traffic/route_target.hpp"

namespace cutover::traffic {

/// An Istio StringMatch: {exact|prefix|regex: value} (Istio's prefix is a string prefix).
kube::Json istio_string_match(const StringMatch& match);

/// Whether an Istio Destination's host names Service `name` of `services.namespace_name`, as
/// seen from a VirtualService in `vs_namespace`: "svc", "svc.ns" or "svc.ns.svc.<domain>".
bool names_host(const kube::Json& destination, const std::string& name,
                const std::string& vs_namespace, const WeightedServices& services);

/// Reads a VirtualService (null when it does not exist).
RouteReading read_virtual_service(const kube::Json& vs, const RouteRef& ref,
                                  const WeightedServices& services);

/// The JSON patch that makes the VirtualService say `target`, or null when it already does
/// (the contract of traffic::route_edit).
std::expected<kube::Json, std::string> virtual_service_edit(const kube::Json& vs,
                                                            const RouteRef& ref,
                                                            const WeightedServices& services,
                                                            const RouteTarget& target);

}  // namespace cutover::traffic
