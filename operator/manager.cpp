#include "manager.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <prometheus/exposer.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <expected>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "api_refusal.hpp"
#include "kube/leader_elector.hpp"
#include "kube/rest_client.hpp"
#include "lease_location.hpp"
#include "operator_metrics.hpp"
#include "rollout_controller.hpp"
#include "util/listen_address.hpp"
#include "util/log.hpp"

namespace cutover::op {

namespace {

constexpr std::string_view kMetricsFlag = "--metrics-bind-address";
constexpr std::string_view kProbesFlag = "--health-probe-bind-address";

// /metrics (prometheus-cpp's civetweb), started here so that its failure is a value.
std::expected<std::unique_ptr<prometheus::Exposer>, std::string> start_metrics_server(
    const std::string& address, const OperatorMetrics& metrics) {
  if (auto parsed = parse_listen_address(address, kMetricsFlag); !parsed)
    return std::unexpected(parsed.error());
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(address);
    exposer->RegisterCollectable(metrics.registry());
    return exposer;
  } catch (const std::exception& e) {
    // civetweb's CivetException ("null context when constructing CivetServer. Possible problem
    // binding to port."): it names neither the address nor the reason.
    return std::unexpected(listen_error(address, kMetricsFlag, e.what()));
  }
}

std::string identity() {
  std::array<char, 256> host{};
  gethostname(host.data(), host.size() - 1);
  std::random_device device;
  return fmt::format("{}_{:08x}", host.data(), device());
}

}  // namespace

int run_manager(const OperatorOptions& options) {
  auto config = kube::resolve_rest_config(
      {options.kubeconfig, options.context, options.watch_namespace}, kube::Environment::system());
  if (!config) {
    log::error("bad configuration", {{"error", config.error().describe()}});
    return 2;
  }
  const auto lease = leader_lease(options, kube::Environment::system());
  if (!lease) {
    log::error("bad configuration", {{"error", lease.error()}});
    return 2;
  }
  OperatorMetrics metrics;
  kube::ClientOptions client_options;
  client_options.user_agent = "cutover-operator";
  client_options.qps = options.kube_api_qps;
  client_options.burst = options.kube_api_burst;
  client_options.on_response = [&metrics, lease = *lease](const kube::ApiCall& call) {
    metrics.api_request(call);
    // Every refusal is a missing RBAC rule: say which one, each time (a counter alone would
    // not name it).
    if (call.status == 403) {
      const Refusal refusal = describe_refusal(call, lease);
      log::write(refusal.level, refusal.message, refusal.fields);
    }
  };
  auto client = kube::RestClient::create(*config, client_options);
  if (!client) {
    log::error("cannot create the API client", {{"error", client.error().describe()}});
    return 3;
  }
  auto version = (*client)->get_path("/version");
  if (!version) {
    log::error("cannot reach the API server", {{"error", version.error().describe()}});
    return 3;
  }
  log::info("connected", {{"server", config->server},
                          {"version", version->value("gitVersion", "unknown")},
                          {"auth", kube::describe_auth(config->auth)}});

  // Block the signals in every thread (threads inherit the mask), then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const auto bad_listener = [](const std::string& error) {
    log::error(
        "bad configuration",
        {{"error", error}, {"fix", "give the flag a free HOST:PORT, or stop what listens there"}});
    return 2;
  };
  const auto exposer = start_metrics_server(options.metrics_bind_address, metrics);
  if (!exposer)
    return bad_listener(exposer.error());

  std::stop_source stop;
  std::atomic<bool> leading{!options.leader_elect};
  httplib::Server probes;
  probes.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  // Ready means "able to serve": a follower is ready too (it stands by for the leader).
  probes.Get("/readyz", [&stop](const httplib::Request&, httplib::Response& res) {
    const bool ready = !stop.stop_requested();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ok" : "shutting down", "text/plain");
  });
  if (auto bound = bind_http_server(probes, options.health_probe_bind_address, kProbesFlag); !bound)
    return bad_listener(bound.error());
  std::thread probe_thread([&probes] { probes.listen_after_bind(); });

  // Events get a client of their own, as client-go's event recorder does: its own QPS/burst,
  // so an Event never waits behind the release's writes (it is counted in the same metrics).
  auto event_client = kube::RestClient::create(*config, client_options);
  if (!event_client) {
    log::error("cannot create the API client", {{"error", event_client.error().describe()}});
    return 3;
  }
  ControllerOptions controller_options{options.watch_namespace, options.instance_id,
                                       options.workers, options.prometheus_url,
                                       event_client->get()};
  controller_options.notifications_namespace = options.notifications_namespace;
  // Default: a namespaced operator's configuration is in the namespace it watches (its Role
  // is there); a cluster-wide one's in its own namespace.
  if (controller_options.notifications_namespace.empty()) {
    if (!options.watch_namespace.empty())
      controller_options.notifications_namespace = options.watch_namespace;
    else if (const char* pod_namespace = std::getenv("POD_NAMESPACE"); pod_namespace != nullptr)
      controller_options.notifications_namespace = pod_namespace;
  }
  RolloutController controller(**client, controller_options, metrics);
  std::jthread engine([&](std::stop_token token) {
    if (!options.leader_elect) {
      metrics.leader(true);
      controller.run(token);
      return;
    }
    kube::LeaseConfig election;
    election.name = lease->name;
    election.namespace_name = lease->namespace_name;
    election.identity = identity();
    election.lease_duration = std::chrono::seconds{options.lease_duration_seconds};
    election.renew_deadline = std::chrono::seconds{options.renew_deadline_seconds};
    election.retry_period = std::chrono::seconds{options.retry_period_seconds};
    kube::LeaderElector elector(**client, election, SystemClock::instance());
    log::info("waiting for leadership", {{"lease", election.namespace_name + "/" + election.name},
                                         {"identity", election.identity}});
    elector.run(
        [&](std::stop_token lead_token) {
          leading = true;
          metrics.leader(true);
          log::info("became leader", {{"identity", election.identity}});
          controller.run(lead_token);
          leading = false;
          metrics.leader(false);
          log::info("stopped leading", {{"identity", election.identity}});
        },
        token);
  });

  int received = 0;
  sigwait(&signals, &received);
  log::info("shutting down: finishing in-flight work, then releasing the lease",
            {{"signal", received}});
  stop.request_stop();
  engine.request_stop();
  engine.join();
  probes.stop();
  probe_thread.join();
  log::info("stopped", {});
  return 0;
}

}  // namespace cutover::op
