#include "global_options.hpp"

namespace cutover::cli {

void GlobalOptions::add_to(CLI::App& app) {
  app.add_option("--kubeconfig", kubeconfig,
                 "Path to a kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
  app.add_option("--context", context, "The kubeconfig context to use");
  app.add_option("-n,--namespace", namespace_name, "The namespace to use");
}

}  // namespace cutover::cli
