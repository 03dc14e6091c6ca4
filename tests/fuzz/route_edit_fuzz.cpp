// libFuzzer target: any JSON as a route object, read as a Gateway API HTTPRoute, as an Istio
// VirtualService and as an NGINX pair {stable, canary} (what the API server or a user's edit may
// hold), must read and edit without crashing; an edit must apply cleanly (its `test` operations
// hold on the object it was made from), and the edited object must need no further edit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "traffic/nginx_route.hpp"
#include "traffic/route_edit.hpp"

namespace {

using cutover::traffic::ManagedRoute;
using cutover::traffic::RouteMatch;
using cutover::traffic::StringMatch;

const cutover::traffic::RouteTarget& target() {
  static const cutover::traffic::RouteTarget kTarget{
      20,
      {ManagedRoute{ManagedRoute::Kind::header,
                    "beta",
                    {RouteMatch{.headers = {{"x-beta", {StringMatch::Type::prefix, "a.b"}}}}},
                    0},
       ManagedRoute{ManagedRoute::Kind::mirror,
                    "shadow",
                    {RouteMatch{.method = StringMatch{StringMatch::Type::exact, "GET"}},
                     RouteMatch{.path = StringMatch{StringMatch::Type::exact, "/x"}}},
                    50}},
      {"beta", "shadow"}};
  return kTarget;
}

const cutover::traffic::RouteTarget& nginx_target() {
  static const cutover::traffic::RouteTarget kTarget{
      20,
      {ManagedRoute{ManagedRoute::Kind::header,
                    "beta",
                    {RouteMatch{.headers = {{"x-beta", {StringMatch::Type::prefix, "a.b"}}}}},
                    0}},
      {"beta"}};
  return kTarget;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto route = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (route.is_discarded())
    return 0;
  const cutover::traffic::WeightedServices services{"web-stable", "web-canary", "shop"};
  // Applying the edit models the API server, whose objects always carry a resourceVersion (the
  // edit's first `test`); without one the server refuses the patch, and so it must here.
  const auto& metadata =
      route.is_object() ? route.value("metadata", nlohmann::json()) : nlohmann::json();
  const bool versioned =
      metadata.is_object() && metadata.value("resourceVersion", nlohmann::json()).is_string();
  for (const cutover::traffic::RouteRef& ref :
       {cutover::traffic::RouteRef{"HTTPRoute", "shop", "web", {}},
        cutover::traffic::RouteRef{"VirtualService", "shop", "web", {}},
        cutover::traffic::RouteRef{"VirtualService", "shop", "web", {"primary"}}}) {
    (void)cutover::traffic::read_route(route, ref, services);
    const auto edit = cutover::traffic::route_edit(route, ref, services, target());
    if (!edit || edit->is_null() || !versioned)
      continue;
    const auto edited = route.patch(*edit);  // throws (and so fails) if a `test` does not hold
    const auto again = cutover::traffic::route_edit(edited, ref, services, target());
    if (!again || !again->is_null())
      __builtin_trap();  // an edit that does not settle would be written on every pass
  }
  // As an NGINX pair ({stable, canary}): the edit is the canary Ingress to apply, which then
  // needs no further edit.
  const cutover::traffic::RouteRef ingress{"Ingress", "shop", "web", {}, {{"x", "1"}}};
  const cutover::traffic::WeightedServices owned{"web-stable", "web-canary", "shop", "checkout",
                                                 "uid-1"};
  (void)cutover::traffic::read_route(route, ingress, owned);
  const auto canary = cutover::traffic::route_edit(route, ingress, owned, nginx_target());
  if (canary && !canary->is_null()) {
    // An edit exists only for a pair whose "stable" is an object, so at() finds it.
    const auto applied = cutover::traffic::nginx_pair(route.at("stable"), *canary);
    const auto again = cutover::traffic::route_edit(applied, ingress, owned, nginx_target());
    if (!again || !again->is_null())
      __builtin_trap();
  }
  return 0;
}
