#pragma once
// Rollout <-> JSON. Parsing validates what the CRD schema cannot (or what an older CRD may have
// let through), and every error names the Rollout, the field and the fix.

#include <expected>
#include <string>

#include "rollout/rollout.hpp"
#include "util/spec_reader.hpp"

namespace cutover::rollout {

/// A spec error names the Rollout (`namespace/name`), the field and the fix.
using SpecError = FieldError;

/// Parses a Rollout object as the API serves it. Status fields that are missing or malformed
/// take their defaults (status is ours to rewrite); spec errors are reported.
std::expected<Rollout, SpecError> parse_rollout(const Json& object);

/// The `status` object to write back.
Json status_to_json(const RolloutStatus& status);

/// Reads a status as the API serves it; missing or malformed fields take their defaults (status
/// is ours to rewrite). Shared by Rollouts and FlagRollouts, whose status has the same shape.
RolloutStatus parse_rollout_status(const Json& status);

/// metadata: name, namespace, uid, resourceVersion, generation, deletionTimestamp, annotations
/// (a missing or malformed member keeps its default). Shared by every kind held as a Rollout.
void parse_object_meta(const Json& object, Rollout& out);

/// spec.analysis: {successfulRunHistoryLimit, unsuccessfulRunHistoryLimit}, each 1..10000.
std::expected<void, SpecError> parse_run_history_limits(const SpecReader& reader, const Json& spec,
                                                        RolloutSpec& out);

/// One canary step (`{setWeight}`, `{pause}`, `{setCanaryScale}` or `{analysis}`) at `path`.
std::expected<void, SpecError> parse_canary_step(const SpecReader& reader, const Json& step,
                                                 const std::string& path, CanaryStep& out);

}  // namespace cutover::rollout
