#include "cluster_commands.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "exit_code.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

int run_cluster_info(const CommandContext& context) {
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const kube::RestConfig* config = &connection->config;
  if (!connection->get_path) {
    context.err << "error: cluster-info: this client cannot read /version (fix: run it against "
                   "a real API server)\n";
    return kFailed;
  }
  auto version = connection->get_path("/version");
  if (!version) {
    return report_error(version.error(), *config, "reading the server version", context.err);
  }
  const std::string git_version = version->value("gitVersion", "unknown");
  const std::string auth = kube::describe_auth(config->auth);
  const Output output = context.globals.output_format();
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
    context.out << (output == Output::json ? out.dump(2) + "\n" : to_yaml(out));
    return kOk;
  }
  context.out << "Server version: " << git_version << " (" << version->value("platform", "")
              << ")\n"
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

void add_cluster_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  app.add_subcommand("cluster-info",
                     "Show the cluster this command talks to, and how it authenticates "
                     "(-o json|yaml)")
      ->callback([&context, &exit_code] { exit_code = run_cluster_info(context); });
}

}  // namespace cutover::cli
