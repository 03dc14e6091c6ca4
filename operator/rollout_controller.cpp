#include "rollout_controller.hpp"

#include <fmt/format.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "flags/feature_flag.hpp"
#include "kube/cached_client.hpp"
#include "kube/informer.hpp"
#include "notifications.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout/slot.hpp"
#include "traffic/destination_rule.hpp"
#include "traffic/reference_grant.hpp"
#include "util/json_fields.hpp"
#include "util/log.hpp"

namespace cutover::op {

namespace {

std::function<double()> thread_safe_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mutex = std::make_shared<std::mutex>();
  return [engine, mutex] {
    std::lock_guard lock(*mutex);
    return std::uniform_real_distribution<double>(0, 1)(*engine);
  };
}

// Shows a failing reconcile on the Rollout (rollout/reconcile_error.hpp). Best effort: when
// this write fails too (the API server is down, or status writes are refused), the log line
// above and cutover_reconcile_errors_total still say it.
void report_on_rollout(kube::KubeClient& client, Clock& clock, const std::string& kind,
                       const std::string& ns, const std::string& name, const kube::Error& error) {
  const kube::ResourceRef rollouts{"cutover.dev/v1alpha1", kind, ns};
  auto object = client.get(rollouts, name);
  if (!object)
    return;
  const auto patch = rollout::reconcile_error_patch(*object, error, clock.wall_now());
  if (!patch)
    return;
  auto written = client.patch(rollouts, name, kube::PatchType::json_merge, *patch, kube::kStatus);
  if (!written) {
    log::warn("cannot report the reconcile error on the Rollout",
              {{"rollout", ns + "/" + name}, {"error", written.error().describe()}});
  }
}

}  // namespace

RolloutController::RolloutController(kube::KubeClient& server, ControllerOptions options,
                                     OperatorMetrics& metrics, Clock& clock)
    : server_(server),
      options_(std::move(options)),
      metrics_(metrics),
      clock_(clock),
      queue_(clock,
             kube::BackoffPolicy{std::chrono::milliseconds{100}, std::chrono::milliseconds{60'000},
                                 2.0, 0.5},
             thread_safe_random()) {
  queue_.set_observer(&metrics_.queue_observer());
}

void RolloutController::process(const std::string& key, rollout::Reconciler& reconciler,
                                kube::KubeClient& client) {
  // "FlagRollout:ns/name" is a FlagRollout's key, "Migration:ns/name" a Migration's
  // (rollout_index.hpp), "ns/name" a Rollout's.
  const bool migration = is_migration_key(key);
  const bool podless = is_flag_rollout_key(key) || migration;  // no pods, no run Lease
  const std::string object_key = key.substr(key.find(':') + 1);
  const std::string kind = migration ? rollout::kMigrationKind
                           : podless ? rollout::kFlagRolloutKind
                                     : rollout::kRolloutKind;
  const auto slash = object_key.find('/');
  const std::string ns = object_key.substr(0, slash);
  const std::string name = object_key.substr(slash + 1);
  if (!index_.has_rollout(key)) {
    // Deleted, or another shard's: nothing of ours to drive (its phase gauge goes).
    if (!podless)
      metrics_.forget_rollout(ns, name);
    queue_.forget(key);
    queue_.done(key);
    return;
  }
  const auto id = ++reconcile_ids_;
  // `deploy run` drives Rollouts only: a FlagRollout has no run Lease.
  const auto lease =
      podless ? rollout::RunLeaseIndex::Check{} : run_leases_.check(key, clock_.steady_now());
  if (lease.ended)
    log::info("deploy run's Lease ended; reconciling",
              {{"rollout", key}, {"holder", *lease.ended}});
  if (lease.hold) {
    // One driver per Rollout: `deploy run` holds it. Look again when the Lease would expire (a
    // renewal pushes that out; a release wakes the key earlier).
    if (lease.hold_started)
      log::info("deploy run holds the Lease; not reconciling",
                {{"rollout", key}, {"holder", lease.hold->holder}});
    queue_.forget(key);
    queue_.add_after(key, lease.hold->remaining + std::chrono::milliseconds{100});
    queue_.done(key);
    return;
  }
  const auto started = clock_.steady_now();
  auto outcome = migration ? reconciler.reconcile_migration(ns, name)
                 : podless ? reconciler.reconcile_flag_rollout(ns, name)
                           : reconciler.reconcile(ns, name);
  const double seconds = std::chrono::duration<double>(clock_.steady_now() - started).count();
  if (!outcome) {
    metrics_.reconcile_error();
    metrics_.reconciled("error", seconds);
    const bool conflict = outcome.error().reason == kube::ErrorReason::conflict;
    log::write(conflict ? log::Level::info : log::Level::warn, "reconcile failed; retrying",
               {{"rollout", key}, {"reconcile_id", id}, {"error", outcome.error().describe()}});
    if (rollout::reports_on_rollout(outcome.error(), queue_.failures(key)))
      report_on_rollout(client, clock_, kind, ns, name, outcome.error());
    queue_.add_rate_limited(key);
    queue_.done(key);
    return;
  }
  queue_.forget(key);
  if (!outcome->found) {
    if (!podless)
      metrics_.forget_rollout(ns, name);
    metrics_.reconciled("gone", seconds);
    queue_.done(key);
    return;
  }
  const std::string phase(rollout::to_string(outcome->phase));
  if (!podless)
    metrics_.rollout_phase(ns, name, phase);
  metrics_.reconciled(outcome->invalid ? "invalid" : "success", seconds);
  if (outcome->status_written) {
    log::info(
        "reconciled",
        {{"rollout", key}, {"reconcile_id", id}, {"phase", phase}, {"message", outcome->message}});
  }
  if (outcome->requeue_after)
    queue_.add_after(key, *outcome->requeue_after);
  queue_.done(key);
}

void RolloutController::run(std::stop_token stop) {
  const auto random = thread_safe_random();
  const bool all = options_.watch_namespace.empty();
  const auto scope = all ? kube::AllNamespaces::yes : kube::AllNamespaces::no;
  const std::string& ns = options_.watch_namespace;
  const std::string shard = options_.instance_id.empty()
                                ? "!cutover.dev/instance-id"
                                : "cutover.dev/instance-id=" + options_.instance_id;
  const auto trimmed = [](kube::Json& o) { kube::transform::drop_managed_fields(o); };

  // Informers: each keeps a store the workers read (through `cached`), and wakes the Rollouts an
  // event concerns. Everything a Rollout owns carries its name in cutover.dev/rollout.
  kube::Informer rollouts(server_, {"cutover.dev/v1alpha1", "Rollout", ns},
                          {.label_selector = shard, .all_namespaces = scope, .transform = trimmed},
                          random);
  // Every Deployment, not only our slots: a workloadRef adopts a user's Deployment, which carries
  // no label of ours. The transform drops our slots' pod templates (the Rollout has them).
  kube::Informer deployments(
      server_, {"apps/v1", "Deployment", ns},
      {.all_namespaces = scope,
       .transform = [](kube::Json& o) { kube::transform::deployment(o, rollout::kRolloutLabel); }},
      random, rollout::kRolloutLabel);
  kube::Informer pods(server_, {"v1", "Pod", ns},
                      {.label_selector = rollout::kRolloutLabel,
                       .all_namespaces = scope,
                       .transform = kube::transform::pod},
                      random, rollout::kRolloutLabel);
  // The user's Services carry no label of ours: every Service is watched, and an event wakes
  // the Rollouts that name it (so a Service re-applied without our selector key is re-pinned).
  kube::Informer services(server_, {"v1", "Service", ns},
                          {.all_namespaces = scope, .transform = trimmed}, random);
  // Every AnalysisRun: a Rollout's carry cutover.dev/rollout, a FlagRollout's
  // cutover.dev/flag-rollout (a store filtered on one label would answer "none" for the other).
  kube::Informer runs(server_, {"cutover.dev/v1alpha1", "AnalysisRun", ns},
                      {.all_namespaces = scope, .transform = trimmed}, random,
                      rollout::kRolloutLabel);
  kube::Informer policies(server_, {"cutover.dev/v1alpha1", "SLOPolicy", ns},
                          {.all_namespaces = scope, .transform = trimmed}, random);
  // Cluster-scoped: only an operator of the whole cluster may list them (a namespaced install's
  // Role cannot grant it); a namespaced one reads them from the server when a gate starts.
  std::optional<kube::Informer> cluster_policies;
  if (all) {
    cluster_policies.emplace(server_,
                             kube::ResourceRef{"cutover.dev/v1alpha1", "ClusterSLOPolicy", ""},
                             kube::ReflectorOptions{.transform = trimmed}, random);
  }
  // `deploy run`'s Leases (rollout/run_lease.hpp): a Rollout whose run Lease is held is not
  // reconciled (not even its status written); a release or deletion wakes it at once.
  kube::Informer leases(server_, {"coordination.k8s.io/v1", "Lease", ns},
                        {.label_selector = rollout::kRolloutLabel, .all_namespaces = scope},
                        random);

  // Gateway API routes, Istio VirtualServices and OpenFeature FeatureFlags, when the cluster has
  // their CRDs (they may be absent: then no Rollout can route or bind a flag through them, and
  // the planner says the object is missing). They carry no label of ours: every one is watched,
  // and an event wakes the Rollouts that name it.
  struct Optional {
    const char* api_version;
    const char* kind;
    Reference reference;
    const char* hint;
  };
  constexpr const char* kRouteHint =
      "restart the operator after installing Gateway API, or grant it get/list/watch/patch on "
      "the routes";
  std::vector<std::pair<std::unique_ptr<kube::Informer>, Reference>> routes;
  for (const auto& [api_version, kind, reference, hint] :
       {Optional{"gateway.networking.k8s.io/v1", "HTTPRoute", Reference::http_route, kRouteHint},
        Optional{"gateway.networking.k8s.io/v1", "GRPCRoute", Reference::grpc_route, kRouteHint},
        Optional{"networking.istio.io/v1", "VirtualService", Reference::virtual_service,
                 "restart the operator after installing Istio's CRDs, or grant it "
                 "get/list/watch/patch on virtualservices"},
        Optional{"networking.k8s.io/v1", "Ingress", Reference::ingress,
                 "grant the operator get/list/watch/create/patch on ingresses"},
        Optional{flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind, Reference::feature_flag,
                 "restart the operator after installing the OpenFeature FeatureFlag CRD, or "
                 "grant it get/list/watch/patch on featureflags"},
        // istio.destinationRule: subset-level routing pins its subsets.
        Optional{traffic::kDestinationRuleApiVersion, traffic::kDestinationRuleKind,
                 Reference::destination_rule,
                 "restart the operator after installing Istio's CRDs, or grant it "
                 "get/list/watch/patch on destinationrules"},
        // A route in another namespace reaches the Services only through one of these.
        Optional{traffic::kReferenceGrantApiVersion, traffic::kReferenceGrantKind,
                 Reference::reference_grant,
                 "restart the operator after installing Gateway API, or grant it list/watch on "
                 "referencegrants"}}) {
    const kube::ResourceRef ref{api_version, kind, ns};
    auto probe = server_.list(ref, {.limit = 1, .all_namespaces = scope});
    if (!probe) {
      // Not installed is normal. Anything else (a 403: the RBAC lacks the rule) is worth a
      // warning: Rollouts that use that kind then read it from the server each pass.
      const bool absent = probe.error().reason == kube::ErrorReason::not_found;
      log::write(absent ? log::Level::info : log::Level::warn,
                 fmt::format("not watching {} objects ({})", kind, hint),
                 {{"kind", kind}, {"reason", probe.error().describe()}});
      continue;
    }
    routes.emplace_back(
        std::make_unique<kube::Informer>(
            server_, ref, kube::ReflectorOptions{.all_namespaces = scope, .transform = trimmed},
            random),
        reference);
  }

  // FlagRollouts and Migrations, when their CRDs are served (an install from before they
  // existed lacks them).
  const auto podless_informer = [&](const char* kind,
                                    const char* plural) -> std::unique_ptr<kube::Informer> {
    const kube::ResourceRef ref{"cutover.dev/v1alpha1", kind, ns};
    auto probe = server_.list(ref, {.limit = 1, .all_namespaces = scope});
    if (probe) {
      return std::make_unique<kube::Informer>(
          server_, ref,
          kube::ReflectorOptions{
              .label_selector = shard, .all_namespaces = scope, .transform = trimmed},
          random);
    }
    const bool absent = probe.error().reason == kube::ErrorReason::not_found;
    log::write(absent ? log::Level::info : log::Level::warn,
               fmt::format("not watching {}s (apply the {}.cutover.dev CRD, or grant the operator "
                           "get/list/watch on {}, then restart it)",
                           kind, plural, plural),
               {{"reason", probe.error().describe()}});
    return nullptr;
  };
  const std::unique_ptr<kube::Informer> flag_rollouts =
      podless_informer(rollout::kFlagRolloutKind, "flagrollouts");
  const std::unique_ptr<kube::Informer> migrations =
      podless_informer(rollout::kMigrationKind, "migrations");

  kube::CachedClient cached(server_);
  // Notifications (declared before the workers, which use them, so they outlive them) hear every
  // pass (and pass the metrics on); without a namespace for their configuration the metrics hear it
  // directly.
  std::optional<Notifications> notifications;
  if (!options_.notifications_namespace.empty()) {
    notifications.emplace(metrics_, server_, cached,
                          NotificationOptions{.config_namespace = options_.notifications_namespace,
                                              .namespace_subscriptions = all});
    log::info("notifications on",
              {{"configuration", options_.notifications_namespace + "/" + notify::kConfigName}});
  }
  if (flag_rollouts)
    cached.serve(*flag_rollouts);
  if (migrations)
    cached.serve(*migrations);
  for (const auto& route : routes)
    cached.serve(*route.first);
  for (kube::Informer* informer : {&rollouts, &deployments, &pods, &services, &runs, &policies})
    cached.serve(*informer);
  if (cluster_policies)
    cached.serve(*cluster_policies);

  // Keys derived from other objects name Rollouts of any shard: only ours are queued.
  const auto enqueue_owner = [this](const kube::WatchEvent& event) {
    const kube::Json& metadata = member(event.object, "metadata");
    const kube::Json& labels = member(metadata, "labels");
    for (const auto& [label, prefix] :
         {std::pair{rollout::kRolloutLabel, std::string_view()},
          std::pair{rollout::kFlagRolloutLabel, kFlagRolloutKeyPrefix},
          std::pair{rollout::kMigrationLabel, kMigrationKeyPrefix}}) {
      const std::string owner = string_or(labels, label);
      const std::string key = std::string(prefix) + string_or(metadata, "namespace") + "/" + owner;
      if (!owner.empty() && index_.has_rollout(key))
        queue_.add(key);
    }
  };
  const auto enqueue_naming = [this](Reference kind) {
    return [this, kind](const kube::WatchEvent& event) {
      for (const auto& key : index_.rollouts_naming(kind, kube::object_key(event.object)))
        queue_.add(key);
    };
  };
  std::vector<std::jthread> threads;
  threads.emplace_back([&](std::stop_token s) {
    rollouts.run(
        [&](const kube::WatchEvent& e) {
          index_.update(e);
          queue_.add(kube::object_key(e.object));
        },
        s);
  });
  for (kube::Informer* informer : {flag_rollouts.get(), migrations.get()}) {
    if (informer == nullptr)
      continue;
    threads.emplace_back([&, informer](std::stop_token s) {
      informer->run(
          [&](const kube::WatchEvent& e) {
            index_.update(e);
            queue_.add(queue_key(e.object));
            // Another Migration of the namespace may wait for this one's path.
            if (is_migration_key(queue_key(e.object)) && e.type == kube::WatchEventType::deleted) {
              for (const auto& other :
                   informer->store().list(string_or(member(e.object, "metadata"), "namespace")))
                queue_.add(queue_key(other));
            }
          },
          s);
    });
  }
  threads.emplace_back([&](std::stop_token s) {
    deployments.run(
        [&](const kube::WatchEvent& e) {
          enqueue_owner(e);
          enqueue_naming(Reference::workload)(e);
        },
        s);
  });
  threads.emplace_back([&](std::stop_token s) { pods.run(enqueue_owner, s); });
  threads.emplace_back([&](std::stop_token s) { runs.run(enqueue_owner, s); });
  threads.emplace_back(
      [&](std::stop_token s) { services.run(enqueue_naming(Reference::service), s); });
  threads.emplace_back(
      [&](std::stop_token s) { policies.run(enqueue_naming(Reference::policy), s); });
  if (cluster_policies) {
    threads.emplace_back([&](std::stop_token s) {
      cluster_policies->run(enqueue_naming(Reference::cluster_policy), s);
    });
  }
  // An object of the Rollout's own among them (the NGINX canary Ingress, labelled with the
  // Rollout) wakes its Rollout too, so a hand edit or deletion of it is put right.
  for (const auto& [informer, reference] : routes) {
    threads.emplace_back([&, informer = informer.get(), reference = reference](std::stop_token s) {
      informer->run(
          [&, naming = enqueue_naming(reference)](const kube::WatchEvent& e) {
            naming(e);
            enqueue_owner(e);
          },
          s);
    });
  }
  threads.emplace_back([&](std::stop_token s) {
    leases.run(
        [&](const kube::WatchEvent& e) {
          if (auto key = run_leases_.update(e, clock_.steady_now());
              key && index_.has_rollout(*key)) {
            queue_.add(*key);
          }
        },
        s);
  });

  // The has-synced gate: a worker that read a store before its first list would take "not in
  // the cache" for "does not exist" and, say, create a slot Deployment that is already there.
  std::vector<const kube::Informer*> gate = {&rollouts, &deployments, &pods,  &services,
                                             &runs,     &policies,    &leases};
  if (cluster_policies)
    gate.push_back(&*cluster_policies);
  for (const kube::Informer* informer : {flag_rollouts.get(), migrations.get()}) {
    if (informer != nullptr)
      gate.push_back(informer);
  }
  for (const auto& route : routes)
    gate.push_back(route.first.get());
  const auto gate_started = clock_.steady_now();
  auto next_warning = gate_started + std::chrono::seconds{15};
  while (!stop.stop_requested()) {
    std::string waiting;
    for (const auto* informer : gate) {
      if (!informer->has_synced())
        waiting += (waiting.empty() ? "" : ", ") + informer->ref().kind;
    }
    if (waiting.empty())
      break;
    if (clock_.steady_now() >= next_warning) {
      // Usually RBAC: the refusal itself is logged by the API client (api_refusal.hpp).
      log::warn("informers have not listed yet; reconciling nothing until they have",
                {{"waiting_for", waiting}});
      next_warning += std::chrono::seconds{30};
    }
    clock_.sleep_for(std::chrono::milliseconds{50}, stop);
  }
  if (!stop.stop_requested()) {
    log::info(
        "caches synced",
        {{"seconds", std::chrono::duration<double>(clock_.steady_now() - gate_started).count()},
         {"rollouts", rollouts.store().size()}});
  }
  rollout::ReconcileObserver* observer =
      notifications ? static_cast<rollout::ReconcileObserver*>(&*notifications) : &metrics_;
  for (int w = 0; w < options_.workers && !stop.stop_requested(); ++w) {
    threads.emplace_back([&, observer](std::stop_token s) {
      rollout::Reconciler reconciler(cached, clock_, "cutover",
                                     {.default_prometheus = options_.prometheus_url}, observer,
                                     options_.event_client);
      while (auto key = queue_.get(s))
        process(*key, reconciler, cached);
    });
  }
  log::info("controller started", {{"namespace", all ? "*" : options_.watch_namespace},
                                   {"workers", options_.workers},
                                   {"shard", shard}});
  std::stop_callback on_stop(stop, [this] { queue_.shut_down(); });
  // Wait for stop, then let the workers finish what they hold (jthreads join in reverse order).
  {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, stop, [] { return false; });
  }
  for (auto& thread : threads)
    thread.request_stop();
  threads.clear();
  log::info("controller stopped", {});
}

}  // namespace cutover::op
