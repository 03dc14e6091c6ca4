// libFuzzer target: any JSON as a route object, read as a Gateway API HTTPRoute, as an Istio
// VirtualService (host and subset level), as a DestinationRule and as an NGINX pair {stable,
// canary, others} (what the API server or a user's edit may hold), must read and edit without
// crashing; an edit must apply cleanly (its `test` operations hold on the object it was made
// from), and the edited object must need no further edit.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "traffic/destination_rule.hpp"
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
  const auto check = [&](const cutover::traffic::RouteRef& ref,
                         const cutover::traffic::WeightedServices& weighted) {
    (void)cutover::traffic::read_route(route, ref, weighted);
    const auto edit = cutover::traffic::route_edit(route, ref, weighted, target());
    if (!edit || edit->is_null() || !versioned)
      return;
    const auto edited = route.patch(*edit);  // throws (and so fails) if a `test` does not hold
    const auto again = cutover::traffic::route_edit(edited, ref, weighted, target());
    if (!again || !again->is_null())
      __builtin_trap();  // an edit that does not settle would be written on every pass
  };
  for (const cutover::traffic::RouteRef& ref :
       {cutover::traffic::RouteRef{"HTTPRoute", "shop", "web", {}},
        cutover::traffic::RouteRef{"VirtualService", "shop", "web", {}},
        cutover::traffic::RouteRef{"VirtualService", "shop", "web", {"primary"}}}) {
    check(ref, services);
  }
  // Subset level (istio.destinationRule): the destinations told apart by subset.
  cutover::traffic::WeightedServices subsets{"stable", "canary", "shop"};
  subsets.destination_rule = "web";
  check(cutover::traffic::RouteRef{"VirtualService", "shop", "web", {}}, subsets);
  // As a DestinationRule: its subsets' cutover.dev/slot, and the patch that sets (or removes)
  // it, which holds on the object it was made from and then needs no further patch.
  (void)cutover::traffic::subset_label_values(route, "cutover.dev/slot");
  for (const std::optional<std::string>& value :
       {std::optional<std::string>("b"), std::optional<std::string>()}) {
    const auto patch = cutover::traffic::subset_label_patch(route, "DestinationRule shop/web",
                                                            "canary", "cutover.dev/slot", value);
    if (!patch || patch->is_null())
      continue;
    const auto patched = route.patch(*patch);
    const auto again = cutover::traffic::subset_label_patch(patched, "DestinationRule shop/web",
                                                            "canary", "cutover.dev/slot", value);
    if (!again || !again->is_null())
      __builtin_trap();
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
