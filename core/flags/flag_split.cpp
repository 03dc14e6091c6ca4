#include "flags/flag_split.hpp"

#include <fmt/format.h>

#include "flags/feature_flag.hpp"
#include "util/hash.hpp"
#include "util/json_fields.hpp"

namespace cutover::flags {

namespace {

constexpr const char* kManagerPrefix = "cutover-rollout/";
constexpr std::size_t kMaxManagerLength = 128;

std::string variant_list(const Json& variants) {
  std::string out;
  for (const auto& [name, value] : variants.items())
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

// `[name, integer weight]` of a fractional bucket, when it is one.
std::optional<std::pair<std::string, std::int64_t>> bucket(const Json& entry) {
  if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
      !entry[1].is_number_integer() || entry[1].get<std::int64_t>() < 0) {
    return std::nullopt;
  }
  return std::pair{entry[0].get<std::string>(), entry[1].get<std::int64_t>()};
}

}  // namespace

std::string FlagSplitRef::describe() const {
  return fmt::format("FeatureFlag {}/{} flag {}", namespace_name, feature_flag, flag);
}

FlagSplitReading read_flag_split(const Json& feature_flag, const FlagSplitRef& ref) {
  FlagSplitReading out;
  const std::string object = fmt::format("FeatureFlag {}/{}", ref.namespace_name, ref.feature_flag);
  if (!feature_flag.is_object()) {
    out.problem = fmt::format(
        "{} does not exist ({}.featureFlag): create it, or name an existing FeatureFlag", object,
        ref.field);
    return out;
  }
  if (auto source = read_feature_flag(feature_flag); !source) {
    out.problem = fmt::format(
        "{} is not a valid flag definition: {} (fix it before a release "
        "moves its flags)",
        object, source.error().describe());
    return out;
  }
  const Json& flags = member(member(member(feature_flag, "spec"), "flagSpec"), "flags");
  const Json& flag = member(flags, ref.flag.c_str());
  if (!flag.is_object()) {
    out.problem = fmt::format(
        "{} has no flag \"{}\" ({}.flag): add it to "
        "spec.flagSpec.flags, or name one of its flags",
        object, ref.flag, ref.field);
    return out;
  }
  const Json& variants = member(flag, "variants");
  for (const auto& [name, field] :
       {std::pair{ref.variant, "variant"}, std::pair{ref.other_variant, "otherVariant"}}) {
    if (!variants.is_object() || !variants.contains(name)) {
      out.problem =
          fmt::format("{} flag {} has no variant \"{}\" ({}.{}): name one of its variants ({})",
                      object, ref.flag, name, ref.field, field, variant_list(variants));
      return out;
    }
  }
  const Json& targeting = member(flag, "targeting");
  if (targeting.is_null() || (targeting.is_object() && targeting.empty()))
    return out;  // no split yet: every key gets the default variant
  const std::string field = fmt::format("spec.flagSpec.flags.{}.targeting of {}", ref.flag, object);
  const auto fractional = targeting.find("fractional");
  if (targeting.size() != 1 || fractional == targeting.end()) {
    out.problem = fmt::format(
        "{} holds a rule Cutover does not own ({}): a bound flag's targeting is the release's "
        "split; remove the rule, or bind another flag",
        field, targeting.dump().substr(0, 200));
    return out;
  }
  if (!fractional->is_array()) {
    out.problem = fmt::format("{}: fractional must be a list of [variant, weight]", field);
    return out;
  }
  std::size_t first = 0;
  if (!fractional->empty() && !(*fractional)[0].is_array()) {
    out.bucket_by = (*fractional)[0];
    first = 1;
  }
  std::optional<std::int64_t> v_weight;
  std::optional<std::int64_t> w_weight;
  bool ours = fractional->size() == first + 2;
  for (std::size_t i = first; ours && i < fractional->size(); ++i) {
    const auto entry = bucket((*fractional)[i]);
    if (!entry) {
      ours = false;
    } else if (entry->first == ref.variant && !v_weight) {
      v_weight = entry->second;
    } else if (entry->first == ref.other_variant && !w_weight) {
      w_weight = entry->second;
    } else {
      ours = false;
    }
  }
  if (!ours || !v_weight || !w_weight || *v_weight + *w_weight == 0) {
    out.problem = fmt::format(
        "{} is a fractional split Cutover does not own ({}): a bound flag's split is between "
        "exactly {} and {} with weights that sum above 0; remove it, or bind the variants it "
        "splits",
        field, fractional->dump().substr(0, 200), ref.variant, ref.other_variant);
    out.bucket_by = Json();
    return out;
  }
  out.weight = static_cast<int>(*v_weight * 100 / (*v_weight + *w_weight));
  return out;
}

Json flag_split_apply(const FlagSplitRef& ref, const FlagSplitReading& reading, int weight) {
  return flag_split_apply(ref, reading, weight, 100 - weight);
}

Json flag_split_apply(const FlagSplitRef& ref, const FlagSplitReading& reading,
                      std::int64_t variant_weight, std::int64_t other_weight) {
  Json fractional = Json::array();
  if (!reading.bucket_by.is_null())
    fractional.push_back(reading.bucket_by);
  fractional.push_back({ref.variant, variant_weight});
  fractional.push_back({ref.other_variant, other_weight});
  return {
      {"apiVersion", kFeatureFlagApiVersion},
      {"kind", kFeatureFlagKind},
      {"metadata", {{"name", ref.feature_flag}, {"namespace", ref.namespace_name}}},
      {"spec",
       {{"flagSpec", {{"flags", {{ref.flag, {{"targeting", {{"fractional", fractional}}}}}}}}}}}};
}

std::string flag_field_manager(const std::string& namespace_name, const std::string& rollout) {
  std::string manager = kManagerPrefix + namespace_name + "/" + rollout;
  if (manager.size() > kMaxManagerLength) {
    const std::string hash = fmt::format("-{:016x}", fnv1a64(manager));
    manager = manager.substr(0, kMaxManagerLength - hash.size()) + hash;
  }
  return manager;
}

bool conflicts_with_rollout(const std::string& apply_error_message) {
  return apply_error_message.find(std::string("conflict with \"") + kManagerPrefix) !=
         std::string::npos;
}

}  // namespace cutover::flags
