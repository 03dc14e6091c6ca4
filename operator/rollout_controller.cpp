#include "rollout_controller.hpp"

#include <fmt/format.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "kube/reflector.hpp"
#include "kube/work_queue.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/run_lease.hpp"
#include "rollout/slot.hpp"
#include "service_index.hpp"
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
void report_on_rollout(kube::KubeClient& client, const std::string& ns, const std::string& name,
                       const kube::Error& error) {
  const kube::ResourceRef rollouts{"cutover.dev/v1alpha1", "Rollout", ns};
  auto object = client.get(rollouts, name);
  if (!object)
    return;
  const auto patch =
      rollout::reconcile_error_patch(*object, error, SystemClock::instance().wall_now());
  if (!patch)
    return;
  auto written = client.patch(rollouts, name, kube::PatchType::json_merge, *patch, kube::kStatus);
  if (!written) {
    log::warn("cannot report the reconcile error on the Rollout",
              {{"rollout", ns + "/" + name}, {"error", written.error().describe()}});
  }
}

}  // namespace

RolloutController::RolloutController(kube::RestClient& client, ControllerOptions options,
                                     OperatorMetrics& metrics)
    : client_(client), options_(std::move(options)), metrics_(metrics) {}

void RolloutController::run(std::stop_token stop) {
  const auto random = thread_safe_random();
  kube::WorkQueue queue(SystemClock::instance(),
                        kube::BackoffPolicy{std::chrono::milliseconds{100},
                                            std::chrono::milliseconds{60'000}, 2.0, 0.5},
                        random);
  const bool all = options_.watch_namespace.empty();
  const auto scope = all ? kube::AllNamespaces::yes : kube::AllNamespaces::no;
  const std::string shard = options_.instance_id.empty()
                                ? "!cutover.dev/instance-id"
                                : "cutover.dev/instance-id=" + options_.instance_id;

  // Informers. Rollout events enqueue the Rollout; slot Deployment and Pod events enqueue the
  // Rollout named by their cutover.dev/rollout label.
  kube::Reflector rollouts(client_, {"cutover.dev/v1alpha1", "Rollout", options_.watch_namespace},
                           {.label_selector = shard, .all_namespaces = scope}, random);
  kube::Reflector deployments(client_, {"apps/v1", "Deployment", options_.watch_namespace},
                              {.label_selector = rollout::kRolloutLabel, .all_namespaces = scope},
                              random);
  kube::Reflector pods(client_, {"v1", "Pod", options_.watch_namespace},
                       {.label_selector = rollout::kRolloutLabel, .all_namespaces = scope}, random);
  // The user's Services carry no label of ours: every Service is watched, and an event wakes
  // the Rollouts that name it (so a Service re-applied without our selector key is re-pinned).
  kube::Reflector services(client_, {"v1", "Service", options_.watch_namespace},
                           {.all_namespaces = scope}, random);
  ServiceIndex service_index;
  // `deploy run`'s Leases (rollout/run_lease.hpp): a Rollout whose run Lease is held is not
  // reconciled (not even its status written); a release or deletion wakes it at once.
  rollout::RunLeaseIndex run_leases;
  kube::Reflector leases(client_, {"coordination.k8s.io/v1", "Lease", options_.watch_namespace},
                         {.label_selector = rollout::kRolloutLabel, .all_namespaces = scope},
                         random);
  // Keys derived from other objects name Rollouts of any shard: only ours are queued.
  const auto enqueue_owner = [&queue, &service_index](const kube::WatchEvent& event) {
    const kube::Json& metadata = member(event.object, "metadata");
    const std::string owner = string_or(member(metadata, "labels"), rollout::kRolloutLabel);
    const std::string key = string_or(metadata, "namespace") + "/" + owner;
    if (!owner.empty() && service_index.has_rollout(key))
      queue.add(key);
  };
  std::vector<std::jthread> threads;
  threads.emplace_back([&](std::stop_token s) {
    rollouts.run(
        [&](const kube::WatchEvent& e) {
          service_index.update(e);
          queue.add(kube::object_key(e.object));
        },
        s);
  });
  threads.emplace_back([&](std::stop_token s) { deployments.run(enqueue_owner, s); });
  threads.emplace_back([&](std::stop_token s) { pods.run(enqueue_owner, s); });
  threads.emplace_back([&](std::stop_token s) {
    leases.run(
        [&](const kube::WatchEvent& e) {
          if (auto key = run_leases.update(e, SystemClock::instance().steady_now());
              key && service_index.has_rollout(*key)) {
            queue.add(*key);
          }
        },
        s);
  });
  threads.emplace_back([&](std::stop_token s) {
    services.run(
        [&](const kube::WatchEvent& e) {
          for (const auto& key : service_index.rollouts_of(kube::object_key(e.object)))
            queue.add(key);
        },
        s);
  });

  // Reconcile nothing before the first list of run Leases; bounded, so that an install
  // whose RBAC lacks Leases runs (without the check) rather than stops.
  for (int i = 0; i < 50 && leases.resource_version().empty() && !stop.stop_requested(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  std::atomic<std::uint64_t> reconcile_ids{0};
  for (int w = 0; w < options_.workers; ++w) {
    threads.emplace_back([&](std::stop_token s) {
      rollout::Reconciler reconciler(client_, SystemClock::instance(), "cutover",
                                     {.default_prometheus = options_.prometheus_url});
      while (auto key = queue.get(s)) {
        const auto slash = key->find('/');
        const std::string ns = key->substr(0, slash);
        const std::string name = key->substr(slash + 1);
        if (!service_index.has_rollout(*key)) {
          // Deleted, or another shard's: nothing of ours to drive (its phase gauge goes).
          metrics_.forget_rollout(ns, name);
          queue.forget(*key);
          queue.done(*key);
          continue;
        }
        const auto id = ++reconcile_ids;
        const auto lease = run_leases.check(*key, SystemClock::instance().steady_now());
        if (lease.ended)
          log::info("deploy run's Lease ended; reconciling",
                    {{"rollout", *key}, {"holder", *lease.ended}});
        if (lease.hold) {
          // One driver per Rollout: `deploy run` holds it. Look again when the Lease would
          // expire (a renewal pushes that out; a release wakes the key earlier).
          if (lease.hold_started)
            log::info("deploy run holds the Lease; not reconciling",
                      {{"rollout", *key}, {"holder", lease.hold->holder}});
          queue.forget(*key);
          queue.add_after(*key, lease.hold->remaining + std::chrono::milliseconds{100});
          queue.done(*key);
          continue;
        }
        const auto started = std::chrono::steady_clock::now();
        auto outcome = reconciler.reconcile(ns, name);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!outcome) {
          metrics_.reconcile_error();
          metrics_.reconciled("error", seconds);
          const bool conflict = outcome.error().reason == kube::ErrorReason::conflict;
          log::write(
              conflict ? log::Level::info : log::Level::warn, "reconcile failed; retrying",
              {{"rollout", *key}, {"reconcile_id", id}, {"error", outcome.error().describe()}});
          if (rollout::reports_on_rollout(outcome.error(), queue.failures(*key)))
            report_on_rollout(client_, ns, name, outcome.error());
          queue.add_rate_limited(*key);
        } else {
          queue.forget(*key);
          if (!outcome->found) {
            metrics_.forget_rollout(ns, name);
            metrics_.reconciled("gone", seconds);
          } else {
            for (const auto& p : outcome->measurements)
              metrics_.measurement(p);
            for (const auto& r : outcome->finished_runs)
              metrics_.analysis_run_finished(r);
            if (outcome->rollback_reason)
              metrics_.rollback(*outcome->rollback_reason);
            const std::string phase(rollout::to_string(outcome->phase));
            metrics_.rollout_phase(ns, name, phase);
            metrics_.reconciled(outcome->invalid ? "invalid" : "success", seconds);
            if (outcome->status_written) {
              log::info("reconciled", {{"rollout", *key},
                                       {"reconcile_id", id},
                                       {"phase", phase},
                                       {"message", outcome->message}});
            }
            if (outcome->requeue_after)
              queue.add_after(*key, *outcome->requeue_after);
          }
        }
        queue.done(*key);
      }
    });
  }
  log::info("controller started", {{"namespace", all ? "*" : options_.watch_namespace},
                                   {"workers", options_.workers},
                                   {"shard", shard}});
  std::stop_callback on_stop(stop, [&queue] { queue.shut_down(); });
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
