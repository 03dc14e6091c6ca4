#include "rollout/flag_rollout_json.hpp"

#include <fmt/format.h>

#include <tuple>

#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

constexpr const char* kShape =
    "spec: {featureFlag: NAME, flag: KEY, variant: V, otherVariant: W, steps: [...]}";

}  // namespace

std::expected<Rollout, SpecError> parse_flag_rollout(const Json& object) {
  Rollout out;
  out.kind = kFlagRolloutKind;
  if (!object.is_object())
    return std::unexpected(SpecError{kFlagRolloutKind, "?", "", "is not an object", ""});
  parse_object_meta(object, out);
  const SpecReader r(kFlagRolloutKind, out.namespace_name + "/" + out.name);
  const Json& spec = member(object, "spec");
  if (!spec.is_object())
    return r.error("spec", "is missing", kShape);

  FlagBinding binding;
  binding.ref.namespace_name = out.namespace_name;
  // Where read_flag_split's problems say the user named it: "(FlagRollout shop/x spec.variant)".
  binding.ref.field = fmt::format("{} {}/{} spec", kFlagRolloutKind, out.namespace_name, out.name);
  for (const auto& [key, field, required] :
       {std::tuple{"featureFlag", &binding.ref.feature_flag, true},
        std::tuple{"flag", &binding.ref.flag, true},
        std::tuple{"variant", &binding.ref.variant, true},
        std::tuple{"otherVariant", &binding.ref.other_variant, false}}) {
    if (auto ok = r.string(spec, key, "spec", *field); !ok)
      return std::unexpected(ok.error());
    if (required && field->empty())
      return r.error(fmt::format("spec.{}", key), "is required", kShape);
  }
  if (binding.ref.variant == binding.ref.other_variant) {
    return r.error("spec.otherVariant", "is the same variant as spec.variant",
                   "name the variant the rest of the keys get, or leave it out for the flag's "
                   "defaultVariant");
  }
  RolloutSpec& s = out.spec;
  s.replicas = 0;
  // The target as written stands in for the pod template: its hash is the release's revision.
  s.pod_template = {{"featureFlag", binding.ref.feature_flag},
                    {"flag", binding.ref.flag},
                    {"variant", binding.ref.variant},
                    {"otherVariant", binding.ref.other_variant}};
  if (auto ok = r.boolean(spec, "paused", "spec", s.paused); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(spec, "revisionHistoryLimit", "spec", s.revision_history_limit, 0, 1000);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = parse_run_history_limits(r, spec, s); !ok)
    return std::unexpected(ok.error());
  CanaryStrategy canary;
  const Json& steps = member(spec, "steps");
  if (!steps.is_null() && !steps.is_array()) {
    return r.error("spec.steps", "must be a list",
                   "e.g. steps: [{setWeight: 10}, {analysis: {policies: [{name: errors}]}}]");
  }
  for (std::size_t i = 0; steps.is_array() && i < steps.size(); ++i) {
    const std::string path = fmt::format("spec.steps[{}]", i);
    CanaryStep step;
    if (auto ok = parse_canary_step(r, steps[i], path, step); !ok)
      return std::unexpected(ok.error());
    if (step.kind == CanaryStep::Kind::set_canary_scale) {
      return r.error(path + ".setCanaryScale", "is for Rollouts: a FlagRollout has no pods",
                     "use setWeight, pause and analysis steps");
    }
    if (step.kind == CanaryStep::Kind::set_header_route ||
        step.kind == CanaryStep::Kind::set_mirror_route) {
      return r.error(path, "sets a route: a FlagRollout splits a flag, not traffic",
                     "use setWeight, pause and analysis steps");
    }
    canary.steps.push_back(std::move(step));
  }
  canary.scale_down_delay_seconds = 0;
  canary.abort_scale_down_delay_seconds = 0;
  canary.flags.push_back(std::move(binding));
  s.strategy = std::move(canary);
  out.status = parse_rollout_status(member(object, "status"));
  return out;
}

const FlagBinding& flag_rollout_binding(const Rollout& flag_rollout) {
  return flag_rollout.spec.canary().flags.front();
}

std::string resolve_other_variant(Rollout& flag_rollout, const Json& feature_flag) {
  auto& ref = std::get<CanaryStrategy>(flag_rollout.spec.strategy).flags.front().ref;
  if (!ref.other_variant.empty())
    return "";
  const std::string object =
      fmt::format("FlagRollout {}/{}", flag_rollout.namespace_name, flag_rollout.name);
  if (feature_flag.is_null()) {
    return fmt::format(
        "{}: spec.featureFlag: FeatureFlag {}/{} does not exist (create it, or "
        "name an existing one)",
        object, ref.namespace_name, ref.feature_flag);
  }
  const Json& flag =
      member(member(member(member(feature_flag, "spec"), "flagSpec"), "flags"), ref.flag.c_str());
  if (!flag.is_object()) {
    return fmt::format(
        "{}: spec.flag: FeatureFlag {}/{} has no flag \"{}\" (add it to "
        "spec.flagSpec.flags, or name an existing flag)",
        object, ref.namespace_name, ref.feature_flag, ref.flag);
  }
  const std::string fallback = string_or(flag, "defaultVariant");
  if (fallback.empty() || fallback == ref.variant) {
    return fmt::format(
        "{}: spec.otherVariant: is not set, and flag \"{}\" {} (set spec.otherVariant to the "
        "variant the rest of the keys get)",
        object, ref.flag,
        fallback.empty()
            ? std::string("has no defaultVariant")
            : fmt::format("has the variant itself, \"{}\", as its defaultVariant", fallback));
  }
  ref.other_variant = fallback;
  return "";
}

}  // namespace cutover::rollout
