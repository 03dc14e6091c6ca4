#pragma once
// `deploy dashboard` put together: informers over Rollouts, Migrations and FlagRollouts (the
// dashboard's own identity lists and watches them), the event hub they feed, the API, and the
// listener. Runs until SIGINT or SIGTERM.

#include <iosfwd>
#include <memory>
#include <string>

#include "kube/kube_client.hpp"
#include "kube/rest_config.hpp"

namespace cutover::dashboard {

struct DashboardOptions {
  std::string address = "127.0.0.1:3100";
  bool read_only = false;
  /// Print a one-time login link for the kubeconfig's own user. Never in the cluster: the link
  /// would log anyone who reads the pod's log in as the dashboard's ServiceAccount.
  bool login_link = true;
  /// Event-loop threads of the listener (0: one per CPU).
  int threads = 0;
};

/// Serves until a signal. `own` acts as `config`'s user. Prints the URL (and the login link)
/// to `out`; returns the process's exit code (2 for a bad address, 3 when the API server
/// cannot be reached).
int serve_dashboard(const DashboardOptions& options, const kube::RestConfig& config,
                    std::shared_ptr<kube::KubeClient> own, std::ostream& out, std::ostream& err);

}  // namespace cutover::dashboard
