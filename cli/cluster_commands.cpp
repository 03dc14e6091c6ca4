#include "cluster_commands.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "deploy_main.hpp"

namespace cutover::cli {

namespace {

struct ClusterInfoOptions {
  std::string output = "text";
};

int run_cluster_info(const GlobalOptions& globals, const ClusterInfoOptions& options) {
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const kube::RestConfig* config = &connection->config;
  auto& client = connection->client;
  auto version = client->get_path("/version");
  if (!version) {
    std::cerr << "error: cannot read the server version from " << config->server << ": "
              << version.error().describe() << "\n";
    return kUnreachable;
  }
  const std::string git_version = version->value("gitVersion", "unknown");
  const std::string auth = kube::describe_auth(config->auth);
  if (options.output == "json") {
    nlohmann::json out = {{"serverVersion", *version},
                          {"context", config->context_name},
                          {"cluster", config->cluster_name},
                          {"user", config->user_name},
                          {"server", config->server},
                          {"namespace", config->namespace_name},
                          {"auth", auth},
                          {"source", config->source},
                          {"tlsVerify", !config->tls.insecure_skip_verify}};
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::cout << "Server version: " << git_version << " (" << version->value("platform", "") << ")\n"
            << "Context:        "
            << (config->context_name.empty() ? "(in-cluster)" : config->context_name) << "\n"
            << "Server:         " << config->server << "\n"
            << "Namespace:      " << config->namespace_name << "\n"
            << "Auth:           " << auth << "\n"
            << "TLS verify:     " << (config->tls.insecure_skip_verify ? "OFF (insecure)" : "on")
            << "\n"
            << "Config:         " << config->source << "\n";
  return kOk;
}

}  // namespace

void add_cluster_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto options = std::make_shared<ClusterInfoOptions>();
  auto* cmd = app.add_subcommand("cluster-info",
                                 "Show the cluster this command talks to, and how it "
                                 "authenticates");
  cmd->add_option("-o,--output", options->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback(
      [&globals, &exit_code, options] { exit_code = run_cluster_info(globals, *options); });
}

}  // namespace cutover::cli
