#include "flags_server.hpp"

#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <random>
#include <thread>

#include "flags/feature_flag.hpp"
#include "flags/flag_catalog.hpp"
#include "flags_metrics.hpp"
#include "kube/informer.hpp"
#include "kube/rest_client.hpp"
#include "ofrep_http.hpp"
#include "ofrep_listener.hpp"
#include "util/listen_address.hpp"
#include "util/log.hpp"

namespace cutover::flag_server {

namespace {

constexpr std::string_view kBindFlag = "--bind-address";
constexpr std::string_view kMetricsFlag = "--metrics-bind-address";

// Applies one FeatureFlag event to the catalog; says so when a flagSpec cannot be served.
void apply(flags::FlagCatalog& catalog, const kube::WatchEvent& event, FlagsMetrics& metrics) {
  if (event.type == kube::WatchEventType::deleted) {
    catalog.erase(event.object);
  } else if (!catalog.upsert(event.object)) {
    for (const auto& invalid : catalog.invalid()) {
      if (invalid.object == kube::object_key(event.object)) {
        log::warn("FeatureFlag not served: its flagSpec is invalid",
                  {{"featureflag", invalid.object}, {"error", invalid.describe()}});
      }
    }
  }
  const auto snapshot = catalog.snapshot();
  metrics.catalog(snapshot->sources().size(), catalog.invalid().size(), snapshot->flag_count());
}

}  // namespace

int run_flags_server(const FlagsOptions& options) {
  const auto bad_configuration = [](const std::string& error) {
    log::error("bad configuration", {{"error", error}});
    return 2;
  };
  auto config = kube::resolve_rest_config(
      {options.kubeconfig, options.context, options.watch_namespace}, kube::Environment::system());
  if (!config)
    return bad_configuration(config.error().describe());
  OfrepHttpOptions http_options{{}, options.cors_allowed_origins};
  if (!options.token_file.empty()) {
    auto tokens = read_tokens(options.token_file);
    if (!tokens)
      return bad_configuration(tokens.error());
    http_options.tokens = std::move(*tokens);
  }

  kube::ClientOptions client_options;
  client_options.user_agent = "cutover-flags";
  auto client = kube::RestClient::create(*config, client_options);
  if (!client) {
    log::error("cannot create the API client", {{"error", client.error().describe()}});
    return 3;
  }
  if (auto version = (*client)->get_path("/version"); !version) {
    log::error("cannot reach the API server", {{"error", version.error().describe()}});
    return 3;
  }

  // Block the signals in every thread (threads inherit the mask), then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  FlagsMetrics metrics;
  flags::FlagCatalog catalog;
  const bool all = options.watch_namespace.empty();
  kube::Informer feature_flags(
      **client, {flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind, options.watch_namespace},
      {.all_namespaces = all ? kube::AllNamespaces::yes : kube::AllNamespaces::no,
       .transform = kube::transform::drop_managed_fields},
      [engine = std::mt19937_64(std::random_device{}())]() mutable {
        return std::uniform_real_distribution<double>(0, 1)(engine);
      });
  // OFREP is served while the FeatureFlags are listed, draining included; /readyz turns 503
  // when draining starts, so that the Service stops sending new connections here first.
  std::atomic<bool> stopping{false};
  const auto listed = [&feature_flags] { return feature_flags.has_synced(); };
  const auto ready = [&listed, &stopping] { return listed() && !stopping.load(); };

  const OfrepHttp ofrep_http(catalog, std::move(http_options), metrics, listed);

  httplib::Server management;
  management.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.serialize(), "text/plain; version=0.0.4");
  });
  management.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok", "text/plain");
  });
  management.Get("/readyz", [&ready](const httplib::Request&, httplib::Response& response) {
    const bool is_ready = ready();
    response.status = is_ready ? 200 : 503;
    response.set_content(is_ready ? "ok" : "FeatureFlags not listed yet", "text/plain");
  });
  if (auto bound = bind_http_server(management, options.metrics_bind_address, kMetricsFlag); !bound)
    return bad_configuration(bound.error());
  auto ofrep =
      OfrepListener::start(ofrep_http, options.bind_address, kBindFlag, options.http_threads);
  if (!ofrep)
    return bad_configuration(ofrep.error());

  std::jthread watch([&](std::stop_token stop) {
    feature_flags.run([&](const kube::WatchEvent& event) { apply(catalog, event, metrics); }, stop);
  });
  std::thread management_thread([&management] { management.listen_after_bind(); });
  log::info("serving OFREP",
            {{"address", options.bind_address},
             {"management", options.metrics_bind_address},
             {"namespace", all ? std::string("(all)") : options.watch_namespace},
             {"authentication", ofrep_http.authenticated() ? "bearer tokens" : "none"}});

  int received = 0;
  sigwait(&signals, &received);
  stopping = true;
  // SIGTERM is the kubelet's (or a rollout's): keep serving for --shutdown-delay while the
  // endpoints drop this pod, so that no evaluation in flight or on its way fails. SIGINT (a
  // person at a terminal) and a second signal stop at once.
  if (received == SIGTERM && options.shutdown_delay_seconds > 0) {
    log::info("draining: /readyz answers 503, OFREP is served until the delay ends",
              {{"signal", received}, {"delay_seconds", options.shutdown_delay_seconds}});
    const timespec delay{.tv_sec = options.shutdown_delay_seconds, .tv_nsec = 0};
    if (const int again = sigtimedwait(&signals, nullptr, &delay); again > 0)
      received = again;
  }
  log::info("shutting down", {{"signal", received}});
  watch.request_stop();
  ofrep->reset();
  management.stop();
  management_thread.join();
  watch.join();
  log::info("stopped", {});
  return 0;
}

}  // namespace cutover::flag_server
