#pragma once
// What a command works through: the global flags, a way to reach the cluster, the clock and the
// output streams. `deploy_main` builds one context (the kubeconfig and a RestClient,
// SystemClock, std::cout and std::cerr) and hands it to every command group, so commands build
// none of these themselves; unit tests build one over a fake client and a fake clock and read
// what the command printed.
//
// **Example** (a test; tests/unit/cli/command_fixture.hpp does this for every command test):
// ```
// FakeKubeClient client;  FakeClock clock;  std::ostringstream out, err;
// CommandContext context{[&](const GlobalOptions&, kube::ClientOptions, std::ostream&) {
//                          return std::expected<Cluster, int>(Cluster{config, fake_client});
//                        },
//                        clock, out, err, Terminal{}};
// deploy_main(argc, argv, context);  // then assert on out.str()
// ```

#include <expected>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "global_options.hpp"
#include "kube/kube_client.hpp"
#include "kube/rest_config.hpp"
#include "terminal.hpp"
#include "util/clock.hpp"

namespace cutover::cli {

/// A cluster as a command sees it: the resolved configuration (server, user, default namespace,
/// for messages and defaults) and a client for it. Copies share the client.
struct Cluster {
  kube::RestConfig config;
  std::shared_ptr<kube::KubeClient> client;
  /// GET of a raw API path such as `/version` (`deploy cluster-info`). Empty for a client
  /// without one (a test's fake that does not set it).
  std::function<kube::Result<kube::Json>(const std::string& path)> get_path;
};

struct CommandContext {
  /// Resolves the global flags into a Cluster with `options` applied. On failure it has
  /// printed why to `err` and returns the exit code (kUsage for a bad config or flag,
  /// kUnreachable for a client that cannot be built).
  using Connector = std::function<std::expected<Cluster, int>(
      const GlobalOptions& globals, kube::ClientOptions options, std::ostream& err)>;

  Connector connector;
  Clock& clock;
  std::ostream& out;  // what the command answers: tables, trees, YAML
  std::ostream& err;  // errors, warnings and progress
  /// The terminal `out` goes to. Unset: detected (stdout a TTY, --no-color, NO_COLOR, TERM)
  /// when a command asks; tests fix it, usually to `Terminal{}` (no colour, not a TTY).
  std::optional<Terminal> fixed_terminal = std::nullopt;
  /// The global flags, filled in by the parse before any command runs.
  GlobalOptions globals = {};

  /// `connector` over the current global flags.
  [[nodiscard]] std::expected<Cluster, int> connect(kube::ClientOptions options = {}) const {
    return connector(globals, std::move(options), err);
  }
  [[nodiscard]] Terminal terminal() const { return fixed_terminal.value_or(globals.terminal()); }
};

/// The real connector: the kubeconfig (or in-cluster config) named by the global flags, and a
/// RestClient with `--request-timeout` and `-v` applied (global_options.hpp, `connect`).
std::expected<Cluster, int> connect_with_kubeconfig(const GlobalOptions& globals,
                                                    kube::ClientOptions options, std::ostream& err);

}  // namespace cutover::cli
