#include "flags/feature_flag.hpp"

#include <utility>

#include "util/json_fields.hpp"

namespace cutover::flags {

std::string feature_flag_source_name(const Json& feature_flag) {
  const Json& metadata = member(feature_flag, "metadata");
  return "core.openfeature.dev/" + string_or(metadata, "namespace") + "/" +
         string_or(metadata, "name");
}

std::string FeatureFlagError::describe() const {
  return "FeatureFlag " + object + ": spec.flagSpec: " + definition.describe();
}

std::expected<FlagSource, FeatureFlagError> read_feature_flag(const Json& feature_flag) {
  const Json& metadata = member(feature_flag, "metadata");
  const std::string object = string_or(metadata, "namespace") + "/" + string_or(metadata, "name");
  const Json& flag_spec = member(member(feature_flag, "spec"), "flagSpec");
  if (flag_spec.is_null()) {
    return std::unexpected(FeatureFlagError{
        object, {"", "", "is missing", "give the FeatureFlag a spec.flagSpec with its flags"}});
  }
  auto flags = parse_flag_definition(flag_spec);
  if (!flags)
    return std::unexpected(FeatureFlagError{object, std::move(flags.error())});
  return FlagSource{feature_flag_source_name(feature_flag), std::move(*flags)};
}

}  // namespace cutover::flags
