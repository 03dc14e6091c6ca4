#include "lease_location.hpp"

#include <fstream>

namespace cutover::op {

std::expected<LeaseLocation, std::string> leader_lease(const OperatorOptions& options,
                                                       const kube::Environment& env) {
  if (!options.leader_elect)
    return LeaseLocation{};
  LeaseLocation lease{options.leader_election_namespace, options.leader_election_id};
  if (lease.namespace_name.empty() && env.getenv) {
    lease.namespace_name = env.getenv("POD_NAMESPACE").value_or("");
  }
  if (lease.namespace_name.empty()) {
    std::ifstream file(env.service_account_dir / "namespace");
    std::getline(file, lease.namespace_name);
  }
  if (lease.namespace_name.empty())
    lease.namespace_name = options.watch_namespace;
  if (lease.namespace_name.empty()) {
    return std::unexpected(std::string(
        "--leader-election-namespace is not set and this is not a pod (no POD_NAMESPACE, no "
        "ServiceAccount namespace file): set --leader-election-namespace to a namespace where "
        "the operator may get, create and update Leases (for example cutover-system), or run "
        "with --leader-elect=false"));
  }
  return lease;
}

}  // namespace cutover::op
