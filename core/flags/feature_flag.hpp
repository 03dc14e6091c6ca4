#pragma once
// The OpenFeature Operator's FeatureFlag (core.openfeature.dev/v1beta1), where flags live:
// `spec.flagSpec` holds one flag definition in flagd's format (`flags`, `$evaluators`, and
// the optional top-level `metadata`). flagd's Kubernetes sync reads the same field, so what
// Cutover serves and what a flagd started with `--uri core.openfeature.dev/NS/NAME` serves
// come from one object.

#include <expected>
#include <string>

#include "flags/flag_definition.hpp"
#include "flags/flag_snapshot.hpp"

namespace cutover::flags {

inline constexpr const char* kFeatureFlagApiVersion = "core.openfeature.dev/v1beta1";
inline constexpr const char* kFeatureFlagKind = "FeatureFlag";

/// `core.openfeature.dev/<namespace>/<name>`: flagd's name for the source, which a
/// `Flagd-Selector` uses.
std::string feature_flag_source_name(const Json& feature_flag);

/// A FeatureFlag's definition error, for a person: `FeatureFlag shop/checkout-flags:
/// spec.flagSpec.flags.new-checkout.defaultVariant: ...: fix`.
struct FeatureFlagError {
  std::string object;  // namespace/name
  FlagDefinitionError definition;

  [[nodiscard]] std::string describe() const;
};

/// The FeatureFlag's flags as a source. Never throws.
std::expected<FlagSource, FeatureFlagError> read_feature_flag(const Json& feature_flag);

}  // namespace cutover::flags
