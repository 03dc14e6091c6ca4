#pragma once
// Flags every command shares, and the client they lead to.

#include <CLI/CLI.hpp>
#include <expected>
#include <memory>
#include <string>

#include "kube/rest_client.hpp"
#include "kube/rest_config.hpp"

namespace cutover::cli {

struct GlobalOptions {
  std::string kubeconfig;
  std::string context;
  std::string namespace_name;

  /// Adds --kubeconfig, --context and -n/--namespace to `app`.
  void add_to(CLI::App& app);
  [[nodiscard]] kube::LoadOptions load_options() const {
    return {kubeconfig, context, namespace_name};
  }
};

/// A resolved configuration and a client for it.
struct Connection {
  kube::RestConfig config;
  std::unique_ptr<kube::RestClient> client;
};

/// Resolves the kubeconfig (or in-cluster config) and builds a client. On failure it prints
/// the error to stderr and returns the exit code to use (kUsage for a bad config,
/// kUnreachable for a client that cannot be built).
std::expected<Connection, int> connect(const GlobalOptions& globals,
                                       kube::ClientOptions options = {});

}  // namespace cutover::cli
