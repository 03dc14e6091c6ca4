#include "rollout/run_lease.hpp"

#include <fmt/format.h>

#include "rollout/slot.hpp"
#include "util/duration.hpp"
#include "util/encoding.hpp"
#include "util/hash.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

constexpr std::size_t kMaxObjectName = 253;

std::string seconds_text(std::chrono::nanoseconds duration) {
  return format_duration(
      std::chrono::round<std::chrono::seconds>(std::max(duration, std::chrono::nanoseconds{0})));
}

}  // namespace

std::string run_lease_name(std::string_view rollout) {
  std::string name = std::string(kRunLeasePrefix) + std::string(rollout);
  if (name.size() <= kMaxObjectName)
    return name;
  // prefix + cut + "-" + 16 hex digits = 253. The cut may not end in '-' or '.' (a DNS label
  // must end in a letter or digit).
  const std::string hash = fmt::format("{:016x}", fnv1a64(rollout));
  name.resize(kMaxObjectName - 1 - hash.size());
  while (!name.empty() && (name.back() == '-' || name.back() == '.'))
    name.pop_back();
  return name + "-" + hash;
}

std::string run_lease_identity(std::string_view host, long pid, const EnvLookup& env) {
  std::string identity = fmt::format("deploy run@{}/{}", host.empty() ? "unknown-host" : host, pid);
  const std::string run_id = env("GITHUB_RUN_ID");
  const std::string workflow = env("GITHUB_WORKFLOW");
  if (!run_id.empty() || !workflow.empty()) {
    identity += " (GitHub Actions";
    if (!workflow.empty())
      identity += fmt::format(" \"{}\"", workflow);
    if (!run_id.empty())
      identity += " run " + run_id;
    identity += ")";
  }
  return identity;
}

kube::LeaseConfig run_lease_config(const std::string& namespace_name, const std::string& rollout,
                                   const std::string& rollout_uid, std::string identity,
                                   std::chrono::seconds lease_duration) {
  kube::LeaseConfig config;
  config.namespace_name = namespace_name;
  config.name = run_lease_name(rollout);
  config.identity = std::move(identity);
  config.lease_duration = lease_duration;
  config.renew_deadline = std::max(std::chrono::seconds{1}, lease_duration * 2 / 3);
  config.retry_period =
      std::clamp(lease_duration / 7, std::chrono::seconds{1}, std::chrono::seconds{2});
  config.labels = {{kRolloutLabel, rollout}};
  if (!rollout_uid.empty()) {
    config.owner_references = kube::Json::array({{{"apiVersion", "cutover.dev/v1alpha1"},
                                                  {"kind", "Rollout"},
                                                  {"name", rollout},
                                                  {"uid", rollout_uid}}});
  }
  return config;
}

bool RunLeaseView::held_at(WallTime now) const {
  const auto expiry = expires_at();
  return expiry && now < *expiry;
}

std::optional<WallTime> RunLeaseView::expires_at() const {
  if (holder.empty() || !renewed_at)
    return std::nullopt;
  return *renewed_at + duration;
}

RunLeaseView run_lease_view(const kube::Json& lease) {
  return run_lease_view(kube::lease_record(lease));
}

RunLeaseView run_lease_view(const kube::LeaseRecord& record) {
  RunLeaseView view;
  view.holder = record.holder;
  view.renewed_at = parse_rfc3339(record.renew_time);
  view.duration = std::chrono::seconds{std::max(0, record.lease_duration_seconds)};
  return view;
}

std::string describe_refusal(const std::string& namespace_name, const std::string& rollout,
                             const RunLeaseView& lease, WallTime now) {
  std::string when;
  if (lease.renewed_at) {
    when = fmt::format(", renewed {} ago", seconds_text(now - *lease.renewed_at));
    if (const auto expiry = lease.expires_at())
      when += fmt::format(", expires in {} unless renewed", seconds_text(*expiry - now));
  }
  return fmt::format(
      "rollout {}/{} is driven by {} (Lease {}/{}{}); only one deploy run drives a Rollout at "
      "a time: wait for that run to finish or stop it, then run deploy run again",
      namespace_name, rollout, lease.holder, namespace_name, run_lease_name(rollout), when);
}

std::string describe_driver(const RunLeaseView& lease, WallTime now) {
  if (!lease.held_at(now))
    return "";
  std::string holder = lease.holder;
  // The identity starts with "deploy run@": say "deploy run runner-7/4242", not the name twice.
  if (constexpr std::string_view kPrefix = "deploy run@"; holder.starts_with(kPrefix))
    holder = "deploy run " + holder.substr(kPrefix.size());
  return fmt::format("{} (lease renewed {} ago); the operator will take over if it expires", holder,
                     seconds_text(now - *lease.renewed_at));
}

std::optional<std::string> RunLeaseIndex::update(const kube::WatchEvent& event, SteadyTime now) {
  const kube::Json& metadata = member(event.object, "metadata");
  const std::string rollout = string_or(member(metadata, "labels"), kRolloutLabel);
  if (rollout.empty() ||
      (event.type != kube::WatchEventType::added && event.type != kube::WatchEventType::modified &&
       event.type != kube::WatchEventType::deleted)) {
    return std::nullopt;
  }
  const std::string key = string_or(metadata, "namespace") + "/" + rollout;
  std::lock_guard lock(mutex_);
  const auto it = by_rollout_.find(key);
  const bool was_held = it != by_rollout_.end() && !it->second.record.holder.empty();
  if (event.type == kube::WatchEventType::deleted) {
    if (it != by_rollout_.end())
      by_rollout_.erase(it);
    return was_held ? std::optional(key) : std::nullopt;
  }
  const kube::LeaseRecord record = kube::lease_record(event.object);
  if (it == by_rollout_.end()) {
    by_rollout_.emplace(key, Entry{record, now});
  } else if (!(it->second.record == record)) {
    // A change (a renewal moves renewTime) restarts the lease duration; a relist that reports
    // the same Lease again does not.
    it->second = Entry{record, now};
  }
  return was_held && record.holder.empty() ? std::optional(key) : std::nullopt;
}

RunLeaseIndex::Check RunLeaseIndex::check(const std::string& rollout_key, SteadyTime now) {
  Check out;
  out.hold = held(rollout_key, now);
  std::lock_guard lock(mutex_);
  const auto it = skipping_.find(rollout_key);
  if (out.hold) {
    out.hold_started = it == skipping_.end() || it->second != out.hold->holder;
    if (it != skipping_.end() && it->second != out.hold->holder)
      out.ended = it->second;
    skipping_[rollout_key] = out.hold->holder;
  } else if (it != skipping_.end()) {
    out.ended = it->second;
    skipping_.erase(it);
  }
  return out;
}

std::optional<RunLeaseIndex::Hold> RunLeaseIndex::held(const std::string& rollout_key,
                                                       SteadyTime now) const {
  std::lock_guard lock(mutex_);
  const auto it = by_rollout_.find(rollout_key);
  if (it == by_rollout_.end() || it->second.record.holder.empty())
    return std::nullopt;
  const auto expiry = it->second.observed_at +
                      std::chrono::seconds{std::max(1, it->second.record.lease_duration_seconds)};
  if (now >= expiry)
    return std::nullopt;
  return Hold{it->second.record.holder, std::chrono::ceil<std::chrono::milliseconds>(expiry - now)};
}

}  // namespace cutover::rollout
