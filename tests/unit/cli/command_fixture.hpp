#pragma once
// A whole `deploy` command line run against a FakeKubeClient and a FakeClock through a
// CommandContext, with what it printed captured: no cluster, no real time, no stdout.

#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "command_context.hpp"
#include "deploy_main.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_kube_client.hpp"
#include "util/encoding.hpp"

namespace cutover::cli {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CommandFixture {
 public:
  CommandFixture() { clock.set_wall(*parse_rfc3339("2026-11-22T12:00:00Z")); }

  /// Runs `deploy args...`. The cluster's default namespace is `default` (`-n` overrides it),
  /// its user `alice`.
  CommandRun run(std::vector<std::string> args) {
    std::ostringstream out;
    std::ostringstream err;
    CommandContext context{
        [this](const GlobalOptions& globals, kube::ClientOptions,
               std::ostream&) -> std::expected<Cluster, int> {
          ++connects;
          kube::RestConfig config;
          config.server = "https://fake.invalid";
          config.user_name = "alice";
          config.namespace_name =
              globals.namespace_name.empty() ? "default" : globals.namespace_name;
          // Not owned: the fixture outlives every command.
          return Cluster{config,
                         std::shared_ptr<kube::KubeClient>(std::shared_ptr<void>{}, &client),
                         get_path};
        },
        clock, out, err, Terminal{}};
    args.insert(args.begin(), "deploy");
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    const int code = deploy_main(static_cast<int>(argv.size()), argv.data(), context);
    return {code, out.str(), err.str()};
  }

  cutover::testing::FakeKubeClient client;
  cutover::testing::FakeClock clock;
  int connects = 0;
  /// What `/version` and other raw paths answer; unset: the client has no raw paths.
  std::function<kube::Result<kube::Json>(const std::string&)> get_path;
};

}  // namespace cutover::cli
