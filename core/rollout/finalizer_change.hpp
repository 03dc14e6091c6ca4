#pragma once
// When a Rollout carries our finalizer (`kFinalizer`, reconciler.hpp). It exists only to take
// our `cutover.dev/slot` key out of the user's Services before the Rollout goes, so a Rollout
// that pins no Service carries none, and deleting it needs no operator (`kubectl delete` just
// works after `deploy run`, in a pipeline with no operator installed).

#include <string>
#include <vector>

#include "kube/kube_client.hpp"
#include "rollout/plan.hpp"

namespace cutover::rollout {

enum class FinalizerChange { keep, add, remove };

/// What to do with the finalizer of a Rollout that is not being deleted, before `plan` is
/// applied. Pure.
///
/// The finalizer is wanted when a Service the strategy names already carries our slot key
/// (`observed.service_slots`) or `plan` is about to add it (a `PinService` with a slot). The
/// reconciler writes an `add` before the executor writes the first pin, so a crash between the
/// two never leaves a pinned Service without a finalizer. A finalizer on a Rollout that pins
/// nothing (one made by an earlier version, which added it to every Rollout) is removed.
///
/// **Example**: no Services named → `keep` when absent, `remove` when present; the first
/// deployment of a canary with a stableService → `add`.
FinalizerChange finalizer_change(bool has_finalizer, const Observed& observed, const Plan& plan);

/// metadata.finalizers of an object as read.
std::vector<std::string> finalizers_of(const Json& object);

/// Sets metadata.finalizers of `ref` `name`; returns the new resourceVersion. resourceVersion
/// makes the write conditional: a concurrent change (the operator and `deploy delete` at once)
/// yields `conflict` (retried).
kube::Result<std::string> set_finalizers(kube::KubeClient& client, const kube::ResourceRef& ref,
                                         const std::string& name,
                                         const std::string& resource_version,
                                         const std::vector<std::string>& finalizers);

}  // namespace cutover::rollout
