#include "global_options.hpp"

#include <iostream>

#include "deploy_main.hpp"

namespace cutover::cli {

void GlobalOptions::add_to(CLI::App& app) {
  app.add_option("--kubeconfig", kubeconfig,
                 "Path to a kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
  app.add_option("--context", context, "The kubeconfig context to use");
  app.add_option("-n,--namespace", namespace_name, "The namespace to use");
}

std::expected<Connection, int> connect(const GlobalOptions& globals, kube::ClientOptions options) {
  auto config = kube::resolve_rest_config(globals.load_options(), kube::Environment::system());
  if (!config) {
    std::cerr << "error: " << config.error().describe() << "\n";
    return std::unexpected(kUsage);
  }
  auto client = kube::RestClient::create(*config, std::move(options));
  if (!client) {
    std::cerr << "error: " << client.error().describe() << "\n";
    return std::unexpected(kUnreachable);
  }
  return Connection{std::move(*config), std::move(*client)};
}

}  // namespace cutover::cli
