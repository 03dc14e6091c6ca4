// libFuzzer target: any JSON as a Rollout must parse or fail cleanly, and whatever parses must
// plan without crashing (the planner sees user input through the spec and the status).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rollout/plan.hpp"
#include "rollout/rollout_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return 0;
  auto rollout = cutover::rollout::parse_rollout(json);
  if (!rollout) {
    (void)rollout.error().describe();
    return 0;
  }
  cutover::rollout::Observed observed;
  observed.slot(cutover::rollout::Slot::a).exists = true;
  observed.slot(cutover::rollout::Slot::a).spec_replicas = 1;
  const auto plan = cutover::rollout::plan(*rollout, observed, cutover::WallTime{});
  (void)cutover::rollout::status_to_json(plan.status).dump();
  return 0;
}
