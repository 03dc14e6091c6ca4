#include "kube/leader_elector.hpp"

#include <fmt/format.h>

#include <thread>

#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::kube {

namespace {

const ResourceRef kLeases{"coordination.k8s.io/v1", "Lease", ""};

ResourceRef leases(const LeaseConfig& config) {
  ResourceRef ref = kLeases;
  ref.namespace_name = config.namespace_name;
  return ref;
}

}  // namespace

LeaseRecord lease_record(const Json& lease) {
  const Json& spec = member(lease, "spec");
  return {string_or(spec, "holderIdentity"), static_cast<int>(int_or(spec, "leaseDurationSeconds")),
          static_cast<int>(int_or(spec, "leaseTransitions")), string_or(spec, "renewTime"),
          string_or(spec, "acquireTime")};
}

Json lease_object(const LeaseConfig& config, const LeaseRecord& previous, WallTime now,
                  const std::string& resource_version, bool release) {
  const std::string time = format_rfc3339_micro(now);
  const bool new_holder = previous.holder != config.identity;
  Json spec = {
      {"holderIdentity", release ? "" : config.identity},
      {"leaseDurationSeconds", release ? 1 : static_cast<int>(config.lease_duration.count())},
      {"renewTime", time},
      {"leaseTransitions", previous.transitions + (new_holder && !release ? 1 : 0)}};
  if (new_holder && !release)
    spec["acquireTime"] = time;
  else if (!previous.acquire_time.empty())
    spec["acquireTime"] = previous.acquire_time;  // a renewal keeps when leadership began
  Json metadata = {{"name", config.name}, {"namespace", config.namespace_name}};
  if (!config.labels.empty())
    metadata["labels"] = config.labels;
  if (config.owner_references.is_array() && !config.owner_references.empty())
    metadata["ownerReferences"] = config.owner_references;
  if (!resource_version.empty())
    metadata["resourceVersion"] = resource_version;
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", metadata},
          {"spec", spec}};
}

LeaderElector::LeaderElector(KubeClient& client, LeaseConfig config, Clock& clock)
    : client_(client), config_(std::move(config)), clock_(clock) {}

Result<bool> LeaderElector::try_acquire_or_renew() {
  auto current = client_.get(leases(config_), config_.name);
  const auto now_steady = clock_.steady_now();
  if (!current) {
    if (current.error().reason != ErrorReason::not_found)
      return std::unexpected(current.error());
    auto created =
        client_.create(leases(config_), lease_object(config_, {}, clock_.wall_now(), "", false));
    if (!created) {
      // Another replica created it first: not leader this round.
      if (created.error().reason == ErrorReason::already_exists)
        return false;
      return std::unexpected(created.error());
    }
    observed_ = lease_record(*created);
    observed_at_ = now_steady;
    return true;
  }
  const LeaseRecord record = lease_record(*current);
  if (!observed_ || !(*observed_ == record)) {
    observed_ = record;
    observed_at_ = now_steady;
  }
  const bool ours = record.holder == config_.identity;
  const bool expired =
      record.holder.empty() ||
      now_steady >= observed_at_ + std::chrono::seconds{std::max(1, record.lease_duration_seconds)};
  if (!ours && !expired)
    return false;
  const std::string rv = string_or(member(*current, "metadata"), "resourceVersion");
  // The resourceVersion makes this a compare-and-swap: two candidates cannot both win.
  auto updated =
      client_.update(leases(config_), lease_object(config_, record, clock_.wall_now(), rv, false));
  if (!updated) {
    if (updated.error().reason == ErrorReason::conflict)
      return false;
    return std::unexpected(updated.error());
  }
  observed_ = lease_record(*updated);
  observed_at_ = now_steady;
  return true;
}

Result<void> LeaderElector::release() {
  auto current = client_.get(leases(config_), config_.name);
  if (!current) {
    if (current.error().reason == ErrorReason::not_found)
      return {};
    return std::unexpected(current.error());
  }
  const LeaseRecord record = lease_record(*current);
  leader_ = false;
  if (record.holder != config_.identity)
    return {};
  const std::string rv = string_or(member(*current, "metadata"), "resourceVersion");
  auto released =
      client_.update(leases(config_), lease_object(config_, record, clock_.wall_now(), rv, true));
  if (!released)
    return std::unexpected(released.error());
  return {};
}

void LeaderElector::run(const std::function<void(std::stop_token)>& lead, std::stop_token stop) {
  const auto retry = std::chrono::duration_cast<std::chrono::milliseconds>(config_.retry_period);
  while (!stop.stop_requested()) {
    // Follower: try every retry period.
    auto acquired = try_acquire_or_renew();
    if (!acquired || !*acquired) {
      clock_.sleep_for(retry, stop);
      continue;
    }
    leader_ = true;
    std::jthread leading([&lead](std::stop_token token) { lead(token); });
    auto last_renew = clock_.steady_now();
    while (!stop.stop_requested()) {
      clock_.sleep_for(retry, stop);
      if (stop.stop_requested())
        break;
      auto renewed = try_acquire_or_renew();
      if (renewed && *renewed) {
        last_renew = clock_.steady_now();
        continue;
      }
      if (renewed && !*renewed)
        break;  // someone else holds it now
      if (clock_.steady_now() - last_renew >= config_.renew_deadline)
        break;
    }
    // Lost it, or shutting down: stop leading and wait for in-flight work to finish.
    leading.request_stop();
    leading.join();
    leader_ = false;
    if (stop.stop_requested()) {
      (void)release();  // best effort: otherwise the next leader waits out the lease
      return;
    }
  }
}

}  // namespace cutover::kube
