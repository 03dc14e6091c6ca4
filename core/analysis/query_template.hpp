#pragma once
// `{{name}}` placeholders in PromQL (and in threshold conditions): `{{args.NAME}}`,
// `{{rollout.name}}`, `{{rollout.namespace}}`, `{{rollout.stableRevision}}`,
// `{{rollout.currentRevision}}`, `{{rollout.stableSlot}}`, `{{rollout.canarySlot}}`,
// `{{rollout.stablePods}}` and `{{rollout.canaryPods}}` (a pod-name regex for exactly the pods
// of that slot's current ReplicaSet, e.g. `web-b-7d4f9c8b6-.*`, so samples of an earlier release
// on the same slot never count), `{{flag.key}}`, `{{flag.variant}}`, `{{flag.otherVariant}}` and
// `{{flag.featureFlag}}` (a FlagRollout's flag, or a Rollout's one bound flag; an error where
// there is none), `{{migration.from}}`, `{{migration.to}}` (a Migration's Services),
// `{{migration.path}}` (its first path) and `{{migration.pathRegex}}` (a regex matching exactly
// its paths: `/payments(/.*)?` for a PathPrefix), and `{{window}}` in burn-rate queries.
//
// Values cannot inject PromQL. Inside a string literal ("...", '...') a value is escaped as
// PromQL escapes strings; inside a raw `...` string a backtick is refused. Outside any literal a
// value must be a number, a duration (5m, 1h30m) or an identifier (a metric or label name);
// anything else is refused with an error that names the placeholder. A `{` in a quoted value is
// written `\x7b` (the same string to PromQL), so a value never forms a placeholder when the
// rendered query is rendered again for `{{window}}`. A placeholder in a `#` comment follows the
// bare-token rule, and quotes in comments open no string.

#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::analysis {

using TemplateValues = std::map<std::string, std::string, std::less<>>;

/// The placeholder names of `text`, in order, or an error for malformed or unknown ones
/// (`{{args.x}` unclosed, `{{rollout.colour}}`).
std::expected<std::vector<std::string>, std::string> template_placeholders(std::string_view text);

/// Replaces every placeholder with its (escaped) value. A placeholder without a value is an
/// error naming it, except those named in `keep`, which stay as they are (`window` is rendered
/// per measurement, the rest when the AnalysisRun is created).
std::expected<std::string, std::string> render_template(std::string_view text,
                                                        const TemplateValues& values,
                                                        const std::vector<std::string>& keep = {});

}  // namespace cutover::analysis
