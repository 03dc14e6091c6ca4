#pragma once
// A two-variant split of one flag of a FeatureFlag, as a release drives it: the flag's
// `targeting` is `{"fractional": [[V, w], [W, 100 - w]]}`, so variant V goes to w percent of
// the targeting keys and W to the rest. V is listed first, so it owns the buckets [0, w): a key
// that got V at 5% keeps it at 25% (V's share of the buckets only grows while w grows).
//
// Cutover owns exactly `spec.flagSpec.flags.<key>.targeting.fractional` of a bound flag, and
// writes it by server-side apply under a field manager of its own (`flag_field_manager`):
// the rest of the FeatureFlag (other flags, variants, `$evaluators`, metadata) is the user's
// and is never sent. A targeting that holds another rule is refused rather than overwritten.
// Pure: no I/O.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cutover::flags {

using Json = nlohmann::json;

/// Which flag, and which two of its variants, a split moves between.
struct FlagSplitRef {
  std::string namespace_name;
  std::string feature_flag;   // the FeatureFlag's name
  std::string flag;           // the flag's key in spec.flagSpec.flags
  std::string variant;        // V: the one that grows
  std::string other_variant;  // W: the rest
  /// Where the user named it, for errors: "spec.strategy.canary.flags[0]".
  std::string field;

  /// "FeatureFlag shop/checkout flag new-checkout": how status, Events and errors name it.
  [[nodiscard]] std::string describe() const;
  bool operator==(const FlagSplitRef&) const = default;
};

/// What a bound flag says now.
struct FlagSplitReading {
  /// V's percent of the buckets; nullopt while the flag has no split (empty targeting: every
  /// key gets the default variant).
  std::optional<int> weight;
  /// Why Cutover cannot drive this flag, naming the object, the field and the fix; "" when it
  /// can. Nothing is written while a problem stands.
  std::string problem;
  /// The bucketing expression of the user's own split, kept when the split is rewritten
  /// (`fractional`'s optional first argument); null for flagd's default (flagKey+targetingKey).
  Json bucket_by;
  bool operator==(const FlagSplitReading&) const = default;
};

/// Reads `feature_flag` (null when it does not exist) for `ref`: the flag and both variants
/// must exist, the FeatureFlag must be a valid flagd definition, and the flag's targeting must
/// be empty or a `fractional` between exactly V and W.
FlagSplitReading read_flag_split(const Json& feature_flag, const FlagSplitRef& ref);

/// The server-side apply body that sets V to `weight` percent (0..100) and W to the rest,
/// keeping `reading.bucket_by`. It names the FeatureFlag and that one field only.
Json flag_split_apply(const FlagSplitRef& ref, const FlagSplitReading& reading, int weight);

/// The same with integer weights of any positive total (`deploy flags set-weight on=1 off=3`).
Json flag_split_apply(const FlagSplitRef& ref, const FlagSplitReading& reading,
                      std::int64_t variant_weight, std::int64_t other_weight);

/// The field manager a Rollout writes its flag splits under: `cutover-rollout/NS/NAME`, cut
/// to the API's 128 characters with a hash. One manager per Rollout, so the API server's own
/// conflict check tells that two Rollouts bind one flag.
std::string flag_field_manager(const std::string& namespace_name, const std::string& rollout);

/// True when a server-side apply conflict message names another Rollout's flag manager.
bool conflicts_with_rollout(const std::string& apply_error_message);

}  // namespace cutover::flags
