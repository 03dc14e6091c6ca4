#pragma once
// `deploy delete ROLLOUT`: deletes a Rollout with or without an operator. The user's Services
// get their selectors back (only our `cutover.dev/slot` key is removed) through the same
// reconciler deletion path the operator runs, then our finalizer goes and the Rollout with it;
// its slot Deployments follow by garbage collection (owner references).

#include <CLI/CLI.hpp>
#include <chrono>
#include <iosfwd>
#include <string>

#include "command_context.hpp"
#include "kube/kube_client.hpp"
#include "util/clock.hpp"

namespace cutover::cli {

/// With `yes`, `deploy delete` returns once the Rollout and both slot Deployments are gone.
enum class WaitForGone { no, yes };

struct DeleteRequest {
  std::string namespace_name;
  std::string name;
  WaitForGone wait = WaitForGone::no;
  /// Bounds the whole command: retries of conflicting writes and `wait`.
  std::chrono::milliseconds timeout{std::chrono::minutes{1}};
};

/// Deletes `request.name`, whether it is already Terminating (stuck on our finalizer with no
/// operator running) or not. Safe beside a running operator: every write is idempotent or
/// conditional on the resourceVersion read, and a conflict is retried. Returns the exit code
/// (exit_code.hpp): kOk; kUsage for a missing Rollout (the message names it and its
/// namespace) or an invalid spec; kTimedOut; kUnreachable; kFailed. Sleeps go through `clock`.
int delete_rollout(kube::KubeClient& client, const kube::RestConfig& config, Clock& clock,
                   const DeleteRequest& request, std::ostream& out, std::ostream& err);

void add_delete_command(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
