// libFuzzer target: any JSON as a Migration must parse or fail cleanly; whatever parses must read
// and edit any route object (the input's `route` member, if any: an HTTPRoute, a VirtualService
// or an NGINX pair by the Migration's router) without crashing, and plan from what it read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rollout/migration_json.hpp"
#include "rollout/plan.hpp"
#include "rollout/router_for.hpp"
#include "traffic/route_edit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rollout = cutover::rollout;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return 0;
  const nlohmann::json route = json.value("route", nlohmann::json());
  json["kind"] = "Migration";
  auto migration = rollout::parse_migration(json);
  if (!migration) {
    (void)migration.error().describe();
    return 0;
  }
  const auto& ref = migration->spec.canary().routes.front();
  const auto services = rollout::weighted_services(*migration);
  rollout::Observed observed;
  observed.routes[ref.describe()] = cutover::traffic::read_route(route, ref, services);
  for (const int weight : {0, 5, 100}) {
    const auto mirror = rollout::migration_mirror_at(migration->spec.canary(), 0);
    auto edit = cutover::traffic::route_edit(route, ref, services, {weight, mirror, {}});
    if (edit)
      (void)edit->dump();
  }
  const auto plan = rollout::plan_migration(*migration, observed, cutover::WallTime{});
  (void)rollout::status_to_json(plan.status).dump();
  return 0;
}
