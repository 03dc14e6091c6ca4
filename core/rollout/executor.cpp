#include "rollout/executor.hpp"

#include <fmt/format.h>

#include "flags/feature_flag.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout/router_for.hpp"
#include "rollout/slot_deployment.hpp"
#include "traffic/destination_rule.hpp"
#include "util/encoding.hpp"
#include "util/hash.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

using kube::Json;

kube::ResourceRef deployments(const Rollout& r) {
  return {"apps/v1", "Deployment", r.namespace_name};
}
kube::ResourceRef services(const Rollout& r) {
  return {"v1", "Service", r.namespace_name};
}
kube::ResourceRef events(const Rollout& r) {
  return {"v1", "Event", r.namespace_name};
}
kube::ResourceRef rollouts(const Rollout& r) {
  return {"cutover.dev/v1alpha1", r.kind, r.namespace_name};
}

// Something the Rollout's spec names is missing: a not-found error naming the Rollout.
std::unexpected<kube::Error> missing(const Rollout& r, const std::string& message) {
  return std::unexpected(
      kube::Error{kube::ErrorReason::not_found,
                  404,
                  fmt::format("rollout {}/{}: {}", r.namespace_name, r.name, message),
                  {},
                  std::nullopt});
}

// A stable, short name for an event: the same transition always gets the same name.
// Named after the transition as the planner recorded it (RecordEvent::transition), not after
// the status at the end of the pass: a pass replayed after a crash between the Events and the
// status write may end further on, and named that way it wrote a second Event (found by the
// chaos suite).
std::string event_name(const Rollout& r, const RecordEvent& e) {
  const std::string key = fmt::format("{}|{}|{}", r.uid, e.reason, e.transition);
  return fmt::format("{}.{:016x}", r.name, fnv1a64(key));
}

}  // namespace

Executor::Executor(kube::KubeClient& client, std::string field_manager,
                   kube::KubeClient* event_client)
    : client_(client),
      field_manager_(std::move(field_manager)),
      event_client_(event_client != nullptr ? *event_client : client) {}

Json Executor::slot_deployment(const Rollout& r, Slot slot, const std::string& revision,
                               int replicas) {
  return rollout::slot_deployment(r, slot, revision, replicas);
}

kube::Result<void> Executor::apply_action(const Rollout& r, const Action& action) {
  if (const auto* a = std::get_if<ApplySlot>(&action)) {
    auto applied =
        client_.apply(deployments(r), slot_deployment(r, a->slot, a->revision, a->replicas),
                      {field_manager_, kube::Force::yes});
    if (!applied)
      return std::unexpected(applied.error());
    return {};
  }
  if (const auto* s = std::get_if<ScaleSlot>(&action)) {
    const std::string name = slot_deployment_name(r.name, s->slot);
    auto scaled = client_.patch(deployments(r), name, kube::PatchType::json_merge,
                                {{"spec", {{"replicas", s->replicas}}}}, kube::kScale);
    if (!scaled && scaled.error().reason == kube::ErrorReason::not_found && s->replicas == 0) {
      return {};  // nothing to scale down
    }
    if (!scaled)
      return std::unexpected(scaled.error());
    return {};
  }
  if (const auto* w = std::get_if<ScaleWorkload>(&action)) {
    // The user's Deployment: only its replica count changes, through the scale subresource.
    auto scaled = client_.patch(deployments(r), w->name, kube::PatchType::json_merge,
                                {{"spec", {{"replicas", w->replicas}}}}, kube::kScale);
    if (!scaled && scaled.error().reason == kube::ErrorReason::not_found)
      return {};  // gone: nothing left to scale down
    if (!scaled)
      return std::unexpected(scaled.error());
    return {};
  }
  if (const auto* p = std::get_if<PinService>(&action)) {
    if (r.spec.is_canary() && !r.spec.canary().destination_rule.empty())
      return pin_subset(r, *p);
    // Only our selector key changes; everything else of the user's Service is left alone.
    const Json value = p->slot ? Json(std::string(to_string(*p->slot))) : Json();
    auto current = client_.get(services(r), p->service);
    if (!current) {
      if (current.error().reason == kube::ErrorReason::not_found) {
        if (!p->slot)
          return {};  // deleting, and the Service is gone already
        return missing(r, fmt::format("Service \"{}\" named in spec.strategy does not exist "
                                      "(fix: create it, or correct the name)",
                                      p->service));
      }
      return std::unexpected(current.error());
    }
    if (member(member(*current, "spec"), "selector").value(kSlotLabel, Json()) == value) {
      return {};  // already so: no write
    }
    auto patched = client_.patch(services(r), p->service, kube::PatchType::json_merge,
                                 {{"spec", {{"selector", {{kSlotLabel, value}}}}}});
    if (!patched)
      return std::unexpected(patched.error());
    return {};
  }
  if (const auto* w = std::get_if<SetRouteWeight>(&action)) {
    auto router = router_for(client_, r);
    return router ? router->set(w->weight, w->managed) : kube::Result<void>{};
  }
  if (const auto* f = std::get_if<SetFlagWeight>(&action))
    return set_flag_weight(r, *f);
  // StartAnalysis: the reconciler's AnalysisDriver creates runs after the traffic actions.
  return {};
}

// Subset-level routing: a subset of the DestinationRule is pinned as a Service is, by
// cutover.dev/slot in its labels (traffic/destination_rule.hpp); nothing else of it changes.
kube::Result<void> Executor::pin_subset(const Rollout& r, const PinService& p) {
  const std::string& name = r.spec.canary().destination_rule;
  const kube::ResourceRef rules{traffic::kDestinationRuleApiVersion, traffic::kDestinationRuleKind,
                                r.namespace_name};
  const std::string describe = fmt::format("DestinationRule {}/{}", r.namespace_name, name);
  auto current = client_.get(rules, name);
  if (!current) {
    if (current.error().reason != kube::ErrorReason::not_found)
      return std::unexpected(current.error());
    if (!p.slot)
      return {};  // deleting, and the DestinationRule is gone already
    return missing(
        r,
        fmt::format(
            "{} named in spec.strategy.canary.trafficRouting.istio.destinationRule does not exist "
            "(fix: create it with subsets {} and {}, or correct the name)",
            describe, r.spec.canary().stable_service, r.spec.canary().canary_service));
  }
  const std::optional<std::string> value =
      p.slot ? std::optional<std::string>(to_string(*p.slot)) : std::nullopt;
  auto patch = traffic::subset_label_patch(*current, describe, p.service, kSlotLabel, value);
  if (!patch) {
    if (!p.slot)
      return {};  // deleting, and the subset is gone: nothing of ours is left in it
    return missing(r, patch.error());
  }
  if (patch->is_null())
    return {};  // already so: no write
  auto patched = client_.patch(rules, name, kube::PatchType::json_patch, *patch);
  if (!patched) {
    kube::Error error = patched.error();
    // A failed `test` (the subsets were reordered since the read) is retried from a fresh read.
    if (error.reason == kube::ErrorReason::invalid)
      error.reason = kube::ErrorReason::conflict;
    return std::unexpected(std::move(error));
  }
  return {};
}

// The flag's split by server-side apply under the Rollout's own field manager, so that only
// `targeting.fractional` of that flag is ours. Not forced at first: a conflict with another
// Rollout's manager means the flag is bound twice, which is refused (nothing written); a
// conflict with anyone else (a person's `kubectl edit` of the split) is taken back by force,
// since the binding says the release owns the split.
kube::Result<void> Executor::set_flag_weight(const Rollout& r, const SetFlagWeight& f) {
  const auto& ref = f.binding.ref;
  const kube::ResourceRef feature_flags{flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind,
                                        ref.namespace_name};
  auto current = client_.get(feature_flags, ref.feature_flag);
  if (!current)
    return std::unexpected(current.error());
  const auto reading = flags::read_flag_split(*current, ref);
  if (!reading.problem.empty()) {
    // The planner writes no flag with a problem: this one changed since it looked.
    return std::unexpected(
        kube::Error{.reason = kube::ErrorReason::conflict, .message = reading.problem});
  }
  if (reading.weight == f.weight)
    return {};
  const Json body = flags::flag_split_apply(ref, reading, f.weight);
  // A FlagRollout's manager names its kind (a name holds no '/'): a Rollout and a FlagRollout
  // of one name are two drivers, and binding one flag from both is refused like any other pair.
  const std::string manager = flags::flag_field_manager(
      r.namespace_name,
      r.is_flag_rollout() ? std::string(kFlagRolloutKind) + "/" + r.name : r.name);
  auto applied = client_.apply(feature_flags, body, {manager, kube::Force::no});
  if (!applied && applied.error().reason == kube::ErrorReason::conflict &&
      !flags::conflicts_with_rollout(applied.error().message)) {
    applied = client_.apply(feature_flags, body, {manager, kube::Force::yes});
  }
  if (!applied) {
    kube::Error error = applied.error();
    if (error.reason == kube::ErrorReason::conflict &&
        flags::conflicts_with_rollout(error.message)) {
      // Permanent until a person fixes the spec: not a conflict to retry at once.
      error.reason = kube::ErrorReason::invalid;
      error.message = fmt::format(
          "{} is driven by another Rollout or FlagRollout too: let one of them drive each flag "
          "(remove {} from one of them); API server: {}",
          ref.describe(), ref.field, applied.error().message);
      return std::unexpected(std::move(error));
    }
    error.message = fmt::format("setting {} {} to {}%: {}", ref.describe(), ref.variant, f.weight,
                                error.message);
    return std::unexpected(std::move(error));
  }
  return {};
}

kube::Result<void> Executor::apply(const Rollout& r, const Plan& plan) {
  std::vector<RecordEvent> told;
  for (const auto& action : plan.actions) {
    if (const auto* e = std::get_if<RecordEvent>(&action)) {
      told.push_back(*e);
      continue;
    }
    if (auto done = apply_action(r, action); !done)
      return done;
  }
  return record(r, told);
}

kube::Result<void> Executor::record(const Rollout& r, const std::vector<RecordEvent>& recorded) {
  for (const RecordEvent& e : recorded) {
    const std::string now = format_rfc3339(e.at);
    const Json event = {{"apiVersion", "v1"},
                        {"kind", "Event"},
                        {"metadata", {{"name", event_name(r, e)}, {"namespace", r.namespace_name}}},
                        {"involvedObject",
                         {{"apiVersion", "cutover.dev/v1alpha1"},
                          {"kind", r.kind},
                          {"name", r.name},
                          {"namespace", r.namespace_name},
                          {"uid", r.uid}}},
                        {"reason", e.reason},
                        {"message", e.message},
                        {"type", e.type},
                        {"firstTimestamp", now},
                        {"lastTimestamp", now},
                        {"count", 1},
                        {"source", {{"component", "cutover"}}},
                        {"reportingComponent", "cutover.dev/rollout-controller"}};
    auto created = event_client_.create(events(r), event);
    // Already there: this transition was recorded by an earlier run that then crashed.
    if (!created && created.error().reason != kube::ErrorReason::already_exists) {
      return std::unexpected(created.error());
    }
  }
  return {};
}

kube::Result<Json> Executor::write_status(const Rollout& r, const RolloutStatus& status) {
  Json object = {{"apiVersion", "cutover.dev/v1alpha1"},
                 {"kind", r.kind},
                 {"metadata",
                  {{"name", r.name},
                   {"namespace", r.namespace_name},
                   {"resourceVersion", r.resource_version}}},
                 {"status", status_to_json(status)}};
  return client_.update(rollouts(r), object, kube::kStatus);
}

}  // namespace cutover::rollout
