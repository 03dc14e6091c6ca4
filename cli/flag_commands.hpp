#pragma once
// `deploy flags list|get|set-weight|evaluate`: the OpenFeature FeatureFlags
// (core.openfeature.dev/v1beta1) of a namespace, flag by flag.
//
//   list                       every flag: state, default, split, the Rollout that binds it
//   get KEY                    one flag's definition (YAML, or -o json)
//   set-weight KEY V=N W=M     the flag's targeting becomes {"fractional": [[V, N], [W, M]]}
//                              (server-side apply of that field only, manager cutover-cli)
//   evaluate KEY --context J   what flagd answers for context J, evaluated here by the same
//                              rules (core/flags), as an OFREP answer
//
// A key that several FeatureFlags define needs `--feature-flag NAME`. set-weight refuses, and
// writes nothing, when a Rollout binds the flag (its release owns the split), when the flag's
// targeting holds another rule, or when a variant is unknown or the weights sum to 0.
// Exit codes are deploy's (exit_code.hpp): 0, 1 for an evaluation error, 2 for bad input.

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

void add_flag_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
