// libFuzzer target: any JSON as a Gateway API route (what the API server or a user's edit may
// hold) must read and edit without crashing; an edit must apply cleanly (its `test` operations
// hold on the route it was made from), and the edited route must need no further edit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "traffic/gateway_api_route.hpp"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto route = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (route.is_discarded())
    return 0;
  const cutover::traffic::RouteRef ref{"HTTPRoute", "shop", "web"};
  const cutover::traffic::WeightedServices services{"web-stable", "web-canary", "shop"};
  (void)cutover::traffic::read_route(route, ref, services);
  const auto edit = cutover::traffic::route_edit(route, ref, services, target());
  // Applying the edit models the API server, whose objects always carry a resourceVersion (the
  // edit's first `test`); without one the server refuses the patch, and so it must here.
  const auto& metadata =
      route.is_object() ? route.value("metadata", nlohmann::json()) : nlohmann::json();
  if (!edit || edit->is_null() || !metadata.is_object() ||
      !metadata.value("resourceVersion", nlohmann::json()).is_string()) {
    return 0;
  }
  const auto edited = route.patch(*edit);  // throws (and so fails) if a `test` does not hold
  const auto again = cutover::traffic::route_edit(edited, ref, services, target());
  if (!again || !again->is_null())
    __builtin_trap();  // an edit that does not settle would be written on every pass
  return 0;
}
