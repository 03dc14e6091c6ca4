#pragma once
// Flags every command shares, and the client they lead to.

#include <CLI/CLI.hpp>
#include <expected>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "exit_code.hpp"
#include "kube/rest_client.hpp"
#include "kube/rest_config.hpp"
#include "terminal.hpp"

namespace cutover::cli {

struct GlobalOptions {
  std::string kubeconfig;
  std::string context;
  std::string namespace_name;
  bool all_namespaces = false;
  std::string output = "table";
  bool no_color = false;
  int verbosity = 0;
  std::string request_timeout;

  /// Adds --kubeconfig, --context, -n/--namespace, -A, -o, --no-color, -v and
  /// --request-timeout to `app`.
  void add_to(CLI::App& app);
  [[nodiscard]] kube::LoadOptions load_options() const {
    return {kubeconfig, context, namespace_name};
  }
  [[nodiscard]] Output output_format() const { return parse_output(output); }
  [[nodiscard]] Terminal terminal() const { return Terminal::detect(no_color); }
};

/// A resolved configuration and a client for it.
struct Connection {
  kube::RestConfig config;
  std::unique_ptr<kube::RestClient> client;
};

/// Resolves the kubeconfig (or in-cluster config) and builds a client with the global
/// `--request-timeout` and `-v` applied (`-v` and `-vv` write to `err`). On failure it prints
/// the error to `err` and returns the exit code to use (kUsage for a bad config or flag,
/// kUnreachable for a client that cannot be built). Commands reach it through their
/// CommandContext (command_context.hpp), never directly.
std::expected<Connection, int> connect(const GlobalOptions& globals, kube::ClientOptions options,
                                       std::ostream& err);

/// True when the request never reached an API server: connection refused, reset, or a
/// client-side timeout.
bool is_unreachable(const kube::Error& error);

/// Prints `error` for the user, naming `what` was being done and the fix, and returns the
/// exit code: kUnreachable when the server could not be reached, kUsage for a missing object
/// or a rejected request, kFailed otherwise.
int report_error(const kube::Error& error, const kube::RestConfig& config, std::string_view what,
                 std::ostream& err);

}  // namespace cutover::cli
