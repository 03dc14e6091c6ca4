#pragma once

#include <string>
#include <vector>

namespace cutover::flag_server {

/// deploy-flags' flags, with the defaults its Deployment manifest expects. The ports are
/// flagd's: OFREP on 8016, management (metrics and probes) on 8014.
struct FlagsOptions {
  std::string kubeconfig;  // empty: in-cluster config
  std::string context;
  std::string watch_namespace;  // empty: all namespaces
  std::string bind_address = ":8016";
  std::string metrics_bind_address = ":8014";
  /// A file of bearer tokens, one per line (a mounted Secret). Empty: no authentication.
  std::string token_file;
  /// Origins allowed to call from a browser (CORS); "*" allows any. Empty: none.
  std::vector<std::string> cors_allowed_origins;
  /// The OFREP port's event-loop threads (0: one per CPU). Connections are not bound to a
  /// thread's life: each thread serves many keep-alive connections.
  int http_threads = 0;
  /// After SIGTERM, how long to keep serving OFREP (with /readyz at 503) before stopping; the
  /// Deployment's terminationGracePeriodSeconds must exceed it.
  int shutdown_delay_seconds = 5;
};

}  // namespace cutover::flag_server
