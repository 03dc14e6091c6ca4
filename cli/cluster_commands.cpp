#include "cluster_commands.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "exit_code.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

int run_cluster_info(const GlobalOptions& globals) {
  auto connection = connect(globals);
  if (!connection)
    return connection.error();
  const kube::RestConfig* config = &connection->config;
  auto& client = connection->client;
  auto version = client->get_path("/version");
  if (!version) {
    return report_error(version.error(), *config, "reading the server version", std::cerr);
  }
  const std::string git_version = version->value("gitVersion", "unknown");
  const std::string auth = kube::describe_auth(config->auth);
  const Output output = globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    nlohmann::json out = {{"serverVersion", *version},
                          {"context", config->context_name},
                          {"cluster", config->cluster_name},
                          {"user", config->user_name},
                          {"server", config->server},
                          {"namespace", config->namespace_name},
                          {"auth", auth},
                          {"source", config->source},
                          {"tlsVerify", !config->tls.insecure_skip_verify}};
    std::cout << (output == Output::json ? out.dump(2) + "\n" : to_yaml(out));
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
  app.add_subcommand("cluster-info",
                     "Show the cluster this command talks to, and how it authenticates "
                     "(-o json|yaml)")
      ->callback([&globals, &exit_code] { exit_code = run_cluster_info(globals); });
}

}  // namespace cutover::cli
