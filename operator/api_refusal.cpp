#include "api_refusal.hpp"

#include <fmt/format.h>

namespace cutover::op {

Refusal describe_refusal(const kube::ApiCall& call, const LeaseLocation& leader_lease) {
  const kube::ApiTarget target = kube::api_target(call.method, call.target);
  const std::string where =
      target.namespace_name.empty() ? "cluster-wide" : "in namespace " + target.namespace_name;
  const std::string group = target.group.empty() ? "\"\" (core)" : target.group;
  Refusal out;
  out.message = "API request forbidden";
  out.fields = {{"verb", target.verb},
                {"group", target.group},
                {"resource", target.resource},
                {"namespace", target.namespace_name},
                {"name", target.name},
                {"status", call.status},
                {"error", kube::status_message(call.body)},
                {"fix", fmt::format("grant the operator's ServiceAccount '{}' on '{}' in API group "
                                    "{} {} (operator/config/rbac)",
                                    target.verb, target.resource, group, where)}};
  const bool leader_lease_call =
      !leader_lease.namespace_name.empty() && target.group == "coordination.k8s.io" &&
      target.resource == "leases" && target.namespace_name == leader_lease.namespace_name &&
      (target.name.empty() || target.name == leader_lease.name);
  if (leader_lease_call) {
    out.level = log::Level::error;
    out.message = "leader election forbidden: this replica can never lead";
    out.fields["fix"] = fmt::format(
        "grant get, create and update on leases in namespace {} "
        "(operator/config/rbac/leader_election_role.yaml), or move the Lease with "
        "--leader-election-namespace",
        leader_lease.namespace_name);
  }
  return out;
}

}  // namespace cutover::op
