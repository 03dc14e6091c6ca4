#include "manager.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "kube/rest_client.hpp"
#include "version.hpp"

namespace cutover::op {

namespace {

std::pair<std::string, int> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return {address, 0};
  std::string host = address.substr(0, colon);
  if (host.empty())
    host = "0.0.0.0";
  return {host, std::stoi(address.substr(colon + 1))};
}

}  // namespace

int run_manager(const OperatorOptions& options) {
  auto config = kube::resolve_rest_config(
      {options.kubeconfig, options.context, options.watch_namespace}, kube::Environment::system());
  if (!config) {
    std::cerr << "error: " << config.error().describe() << "\n";
    return 2;
  }
  auto client = kube::RestClient::create(*config);
  if (!client) {
    std::cerr << "error: " << client.error().describe() << "\n";
    return 3;
  }
  auto version = (*client)->get_path("/version");
  if (!version) {
    std::cerr << "error: cannot reach the API server: " << version.error().describe() << "\n";
    return 3;
  }
  std::cerr << fmt::format(
      "{{\"level\":\"info\",\"msg\":\"connected\",\"server\":\"{}\",\"version\":\"{}\"}}\n",
      config->server, version->value("gitVersion", "unknown"));

  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge()
      .Name("cutover_build_info")
      .Help("Build information of the running operator")
      .Register(*registry)
      .Add({{"version", kVersion}})
      .Set(1);
  prometheus::Exposer exposer(options.metrics_bind_address);
  exposer.RegisterCollectable(registry);

  // Block the signals in every thread, then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server probes;
  std::atomic<bool> ready{true};
  probes.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  probes.Get("/readyz", [&ready](const httplib::Request&, httplib::Response& res) {
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ok" : "not ready", "text/plain");
  });
  const auto [probe_host, probe_port] = split_address(options.health_probe_bind_address);
  std::thread probe_thread([&] { probes.listen(probe_host, probe_port); });

  int received = 0;
  sigwait(&signals, &received);
  std::cerr << fmt::format("{{\"level\":\"info\",\"msg\":\"shutting down\",\"signal\":{}}}\n",
                           received);
  ready = false;
  probes.stop();
  probe_thread.join();
  return 0;
}

}  // namespace cutover::op
