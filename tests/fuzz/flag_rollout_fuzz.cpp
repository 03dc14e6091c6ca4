// libFuzzer target: any JSON as a FlagRollout must parse or fail cleanly; whatever parses must
// resolve its other variant against any FeatureFlag (the input's `featureFlag` member, if any)
// and plan without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flags/flag_split.hpp"
#include "rollout/flag_rollout_json.hpp"
#include "rollout/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    return 0;
  const nlohmann::json feature_flag = json.value("featureFlag", nlohmann::json());
  json["kind"] = "FlagRollout";
  auto fr = cutover::rollout::parse_flag_rollout(json);
  if (!fr) {
    (void)fr.error().describe();
    return 0;
  }
  cutover::rollout::Observed observed;
  const auto& ref = cutover::rollout::flag_rollout_binding(*fr).ref;
  const std::string problem = cutover::rollout::resolve_other_variant(*fr, feature_flag);
  observed.flags[ref.describe()] =
      problem.empty() ? cutover::flags::read_flag_split(
                            feature_flag, cutover::rollout::flag_rollout_binding(*fr).ref)
                      : cutover::flags::FlagSplitReading{.problem = problem};
  const auto plan = cutover::rollout::plan_flag_rollout(*fr, observed, cutover::WallTime{});
  (void)cutover::rollout::status_to_json(plan.status).dump();
  return 0;
}
