#include "flags_main.hpp"

#include <CLI/CLI.hpp>

#include "flags_options.hpp"
#include "flags_server.hpp"

namespace cutover::flag_server {

int flags_main(int argc, char** argv) {
  CLI::App app{
      "deploy-flags: serves the OpenFeature FeatureFlags of the cluster over OFREP "
      "(POST /ofrep/v1/evaluate/flags[/KEY]), evaluated as flagd evaluates them"};
  app.name("deploy-flags");
  FlagsOptions options;
  app.add_option("--kubeconfig", options.kubeconfig,
                 "Path to a kubeconfig (default: in-cluster service account)");
  app.add_option("--context", options.context, "The kubeconfig context to use");
  app.add_option("--namespace", options.watch_namespace,
                 "Serve only this namespace's FeatureFlags (default: all namespaces)");
  app.add_option("--bind-address", options.bind_address, "Address of the OFREP endpoint")
      ->capture_default_str();
  app.add_option("--metrics-bind-address", options.metrics_bind_address,
                 "Address of /metrics, /healthz and /readyz")
      ->capture_default_str();
  app.add_option("--token-file", options.token_file,
                 "File of accepted bearer tokens, one per line (default: no authentication)");
  app.add_option("--cors-allowed-origins", options.cors_allowed_origins,
                 "Browser origins allowed to call (CORS), comma-separated; * allows any")
      ->delimiter(',');
  app.add_option("--http-threads", options.http_threads,
                 "Event-loop threads of the OFREP port (0: one per CPU)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--shutdown-delay", options.shutdown_delay_seconds,
                 "Seconds to keep serving after SIGTERM, with /readyz at 503, so that the Service "
                 "drops this replica before it stops (0: stop at once)")
      ->check(CLI::Range(0, 300))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return run_flags_server(options);
}

}  // namespace cutover::flag_server
