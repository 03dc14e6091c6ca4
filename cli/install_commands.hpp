#pragma once

#include <CLI/CLI.hpp>

#include "command_context.hpp"

namespace cutover::cli {

/// `deploy install [--namespaced NS] [--dry-run] [--version V]`: server-side apply (field
/// manager "deploy") of the embedded CRDs, RBAC and operator Deployment; `--dry-run` prints
/// them as YAML and contacts no cluster.
///
/// `deploy uninstall [--force] [--keep-crds] [--dry-run] [--namespaced NS] [--workloads-only]`:
/// removes the operator, its RBAC and the CRDs. It refuses while Rollouts exist unless
/// `--force`; then it first detaches their slot Deployments (removes the ownerReferences to
/// the Rollout) and removes our finalizer, so that deleting the CRD never deletes a workload.
/// `--workloads-only` does just that detaching, in -n NAMESPACE (or -A), and deletes nothing.
void add_install_commands(CLI::App& app, CommandContext& context, int& exit_code);

}  // namespace cutover::cli
