// Reconciler::reconcile_migration: one pass of a Migration, with the Rollout's parts (the
// router, the analysis driver, the executor, the unchanged-action filter, the status
// comparison). With onDelete restore (the default) it carries a finalizer from before its first
// route write until the route reads 0% again after a delete.
#include <fmt/format.h>

#include <algorithm>

#include "rollout/executor.hpp"
#include "rollout/finalizer_change.hpp"
#include "rollout/migration_json.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/router_for.hpp"
#include "rollout/unchanged_actions.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

// Why this Migration may not move its path: another of the namespace moves an overlapping one
// on the same route and came first ("" when none).
kube::Result<std::string> path_taken(kube::KubeClient& client, const kube::ResourceRef& ref,
                                     const Json& object, const Rollout& migration) {
  auto list = client.list_all(ref, {});
  if (!list)
    return std::unexpected(list.error());
  const auto created = [](const Json& o) {
    return string_or(member(o, "metadata"), "creationTimestamp");
  };
  const Json& items = member(*list, "items");
  for (const Json& item : items.is_array() ? items : Json::array()) {
    auto other = parse_migration(item);
    if (!other || other->name == migration.name || other->deleting)
      continue;
    // RFC 3339 in UTC with whole seconds: ordered as strings.
    const bool first = created(object) < created(item) ||
                       (created(object) == created(item) && migration.name < other->name);
    if (std::string why = migration_conflict(migration, *other, first); !why.empty())
      return why;
  }
  return std::string();
}

}  // namespace

kube::Result<ReconcileOutcome> Reconciler::reconcile_migration(const std::string& ns,
                                                               const std::string& name) {
  ReconcileOutcome outcome;
  const kube::ResourceRef ref{"cutover.dev/v1alpha1", kMigrationKind, ns};
  auto object = client_.get(ref, name);
  if (!object) {
    if (object.error().reason == kube::ErrorReason::not_found) {
      outcome.found = false;
      return outcome;
    }
    return std::unexpected(object.error());
  }
  const WallTime now = clock_.wall_now();
  auto finalizers = finalizers_of(*object);
  const bool has_finalizer = std::ranges::find(finalizers, kMigrationFinalizer) != finalizers.end();
  auto migration = parse_migration(*object);
  // A Migration that cannot be read cannot be restored either: its finalizer goes with it.
  const auto release = [&]() -> kube::Result<ReconcileOutcome> {
    std::erase(finalizers, std::string(kMigrationFinalizer));
    const std::string rv = string_or(member(*object, "metadata"), "resourceVersion");
    if (auto set = set_finalizers(client_, ref, name, rv, finalizers); !set)
      return std::unexpected(set.error());
    outcome.found = false;
    return outcome;
  };
  const bool deleting = member(member(*object, "metadata"), "deletionTimestamp").is_string();
  if (deleting && !has_finalizer) {
    outcome.found = false;
    return outcome;
  }
  if (!migration && deleting)
    return release();
  std::string invalid = migration ? std::string() : migration.error().describe();
  if (migration && !deleting) {
    auto taken = path_taken(client_, ref, *object, *migration);
    if (!taken)
      return std::unexpected(taken.error());
    invalid = *taken;
  }
  if (!invalid.empty()) {
    outcome.invalid = true;
    outcome.phase = Phase::degraded;
    outcome.message = invalid;
    if (auto reported = report_invalid(ref, *object, outcome, now); !reported)
      return std::unexpected(reported.error());
    return outcome;
  }
  const bool keep = migration->spec.canary().move->keep_on_delete;
  Observed observed;
  auto router = router_for(client_, *migration);
  auto routes = router->read();
  if (!routes)
    return std::unexpected(routes.error());
  observed.routes = std::move(*routes);
  AnalysisDriver analyses(client_, analysis_);
  auto next_measurement = analyses.measure(*migration, observed, now);
  if (!next_measurement)
    return std::unexpected(next_measurement.error());
  Plan plan = plan_migration(*migration, observed, now);
  drop_unchanged_actions(*migration, observed, plan);
  if (deleting) {
    // Restored (Cutover's rule is gone, or the route cannot be used at all): let it go.
    const bool restored = std::ranges::none_of(
        plan.actions, [](const Action& a) { return std::holds_alternative<SetRouteWeight>(a); });
    if (restored || keep)
      return release();
    // The restore is written; the route's watch (or this requeue) brings the pass that lets go.
    Executor executor(client_, field_manager_, event_client_);
    if (auto applied = executor.apply(*migration, plan); !applied)
      return std::unexpected(applied.error());
    outcome.requeue_after = std::chrono::seconds{1};
    return outcome;
  }
  if (has_finalizer == keep) {
    // Before the first route write with restore; off again when switched to keep.
    if (keep)
      std::erase(finalizers, std::string(kMigrationFinalizer));
    else
      finalizers.emplace_back(kMigrationFinalizer);
    auto set = set_finalizers(client_, ref, name, migration->resource_version, finalizers);
    if (!set)
      return std::unexpected(set.error());
    migration->resource_version = *set;  // the status write below is conditional on it
  }
  // The route first (an abort's 0% before anything else), then the Events, the runs, the status.
  return finish_podless(*migration, observed, plan, analyses, *next_measurement, now, outcome);
}

}  // namespace cutover::rollout
