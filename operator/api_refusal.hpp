#pragma once
// A 403 from the API server, as the operator reports it: a log line that names the verb, the
// resource and the namespace to grant, so a missing RBAC rule is found from one line. A
// refusal on the leader-election Lease is an error (the operator cannot lead at all) and names
// the flag that moves the Lease.

#include <nlohmann/json.hpp>
#include <string>

#include "kube/api_call.hpp"
#include "lease_location.hpp"
#include "util/log.hpp"

namespace cutover::op {

struct Refusal {
  log::Level level = log::Level::warn;
  std::string message;
  nlohmann::json fields;
};

/// The log line for a refused (403) call. Pure; the caller writes it.
Refusal describe_refusal(const kube::ApiCall& call, const LeaseLocation& leader_lease);

}  // namespace cutover::op
