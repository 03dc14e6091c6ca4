#pragma once
// Where the leader-election Lease lives.

#include <expected>
#include <string>

#include "kube/rest_config.hpp"
#include "operator_options.hpp"

namespace cutover::op {

struct LeaseLocation {
  std::string namespace_name;  // empty: no leader election
  std::string name;
};

/// --leader-election-namespace, else the pod's namespace ($POD_NAMESPACE, or the mounted
/// ServiceAccount's `namespace` file), else the one watched namespace (--namespace). Out of a
/// cluster with none of these it is an error that says which flag to set, rather than a guess
/// of "default": a Lease there is usually forbidden, and the operator would wait for
/// leadership for ever. With --leader-elect=false the location is empty.
std::expected<LeaseLocation, std::string> leader_lease(const OperatorOptions& options,
                                                       const kube::Environment& env);

}  // namespace cutover::op
