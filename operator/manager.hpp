#pragma once
// Runs the operator process: checks the API server, serves /metrics and /healthz, /readyz,
// and hosts the controllers (added by the Rollout controller work) until SIGTERM.

#include <expected>
#include <string>
#include <string_view>

#include "operator_options.hpp"

namespace cutover::op {

/// Blocks until SIGINT/SIGTERM. Returns the process exit code: 0 after a signal, 2 for a bad
/// configuration (including a bind address that cannot be listened on), 3 when the API server
/// cannot be reached.
int run_manager(const OperatorOptions& options);

/// Where a listener binds: the value of `--metrics-bind-address` or
/// `--health-probe-bind-address`.
struct ListenAddress {
  std::string host;  // as given; an empty host is 0.0.0.0
  int port = 0;
};

/// Parses `HOST:PORT` (`:PORT` means 0.0.0.0). On error, the message names the value and the
/// flag and gives an example:
/// `cannot listen on web (--metrics-bind-address): expected HOST:PORT, e.g. 0.0.0.0:8080`.
std::expected<ListenAddress, std::string> parse_listen_address(const std::string& address,
                                                               std::string_view flag);

/// The error for a listener that did not start on `address` (as the user gave it):
/// `cannot listen on 0.0.0.0:8080 (--metrics-bind-address): address already in use`. The reason
/// is the operating system's, found by binding the address once more (neither civetweb nor
/// cpp-httplib reports it); `fallback` stands in when that bind succeeds (the port was freed
/// meanwhile) or the address does not parse.
std::string listen_error(const std::string& address, std::string_view flag,
                         std::string_view fallback);

}  // namespace cutover::op
