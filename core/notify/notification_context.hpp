#pragma once
// What a notification's templates see, and the rendering. The context (Mustache names):
//
//   trigger, kind, namespace, name, phase, message, revision, images, promotedBy, abortReason,
//   step, weight, gitSha, rollout (the whole object: {{rollout.metadata.labels.team}}),
//   analysis: {run, gate, phase, message, metrics: [{name, phase, verdict, value, values,
//              condition, query, message}]}   (absent when the release has no AnalysisRun yet)
//
// `analysis` is the evidence: the newest AnalysisRun of the release's current revision, each
// metric's last measured value (and up to five before it), its success condition and verdict.
// Pure.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cutover::notify {

using Json = nlohmann::json;

/// The context for `trigger` on `object` (a Rollout, Migration or FlagRollout as the API
/// serves it, the status after the pass) with its AnalysisRuns.
Json notification_context(const std::string& trigger, const Json& object,
                          const std::vector<Json>& analysis_runs);

/// `text` rendered with `context` (Mustache; nothing escaped). Nested names use dots
/// (`{{analysis.phase}}`); a missing name renders empty. The error is Mustache's, for a
/// malformed template.
std::expected<std::string, std::string> render_text(const std::string& text, const Json& context);

/// The value at a dotted `path` of `context` as text ("" when absent): oncePer's key.
std::string context_value(const Json& context, const std::string& path);

}  // namespace cutover::notify
