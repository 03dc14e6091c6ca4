#pragma once
// Flags every command shares, and the client they lead to.

#include <CLI/CLI.hpp>
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

}  // namespace cutover::cli
