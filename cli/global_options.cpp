#include "global_options.hpp"

#include <fmt/format.h>

#include <ostream>

#include "exit_code.hpp"
#include "util/duration.hpp"

namespace cutover::cli {

void GlobalOptions::add_to(CLI::App& app) {
  app.add_option("--kubeconfig", kubeconfig,
                 "Path to a kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
  app.add_option("--context", context, "The kubeconfig context to use");
  app.add_option("-n,--namespace", namespace_name, "The namespace to use");
  app.add_flag("-A,--all-namespaces", all_namespaces, "List across all namespaces");
  app.add_option("-o,--output", output, "Output format: table, wide, json or yaml")
      ->check(CLI::IsMember({"table", "wide", "json", "yaml"}));
  app.add_flag("--no-color", no_color, "No colours (also when NO_COLOR is set)");
  app.add_flag("-v,--verbose", verbosity,
               "More detail on stderr; repeat for more (-vv logs every API request)");
  app.add_option("--request-timeout", request_timeout,
                 "Give up on one API request after this long, e.g. 10s (default 30s)");
}

std::expected<Connection, int> connect(const GlobalOptions& globals, kube::ClientOptions options,
                                       std::ostream& err) {
  if (!globals.request_timeout.empty()) {
    const auto timeout = parse_duration(globals.request_timeout);
    if (!timeout || timeout->count() == 0) {
      err << "error: --request-timeout "
          << (timeout ? std::string("must be more than 0") : timeout.error())
          << " (fix: e.g. --request-timeout 10s)\n";
      return std::unexpected(kUsage);
    }
    options.timeout = *timeout;
  }
  if (globals.verbosity >= 2 && !options.on_response) {
    // `err` outlives the client: it is the context's stream, which outlives every command.
    options.on_response = [&err](const kube::ApiCall& call) {
      err << fmt::format("api: {} {} -> {}\n", call.method,
                         call.target.substr(0, call.target.find('?')),
                         call.status == 0 ? std::string("no answer") : std::to_string(call.status));
    };
  }
  auto config = kube::resolve_rest_config(globals.load_options(), kube::Environment::system());
  if (!config) {
    err << "error: " << config.error().describe() << "\n";
    return std::unexpected(kUsage);
  }
  if (globals.verbosity >= 1) {
    err << fmt::format("using {} (context {}, namespace {}, {})\n", config->server,
                       config->context_name.empty() ? "in-cluster" : config->context_name,
                       config->namespace_name, config->source);
  }
  auto client = kube::RestClient::create(*config, std::move(options));
  if (!client) {
    err << "error: " << client.error().describe() << "\n";
    return std::unexpected(kUnreachable);
  }
  return Connection{std::move(*config), std::move(*client)};
}

bool is_unreachable(const kube::Error& error) {
  return error.http_status == 0 && (error.reason == kube::ErrorReason::transport ||
                                    error.reason == kube::ErrorReason::timeout);
}

int report_error(const kube::Error& error, const kube::RestConfig& config, std::string_view what,
                 std::ostream& err) {
  if (is_unreachable(error)) {
    err << fmt::format(
        "error: cannot reach the API server at {} while {}: {} (fix: check that the cluster is up "
        "and that --kubeconfig/--context point at it; deploy cluster-info shows which one is "
        "used)\n",
        config.server, what, error.describe());
    return kUnreachable;
  }
  switch (error.reason) {
    case kube::ErrorReason::unauthorized:
    case kube::ErrorReason::forbidden:
      err << fmt::format(
          "error: {}: the API server refused the credentials of user '{}': {} (fix: check the "
          "user's RBAC, or use another --context)\n",
          what, config.user_name, error.describe());
      return kUsage;
    case kube::ErrorReason::invalid:
    case kube::ErrorReason::bad_request:
    case kube::ErrorReason::not_found:
      err << fmt::format("error: {}: {}\n", what, error.describe());
      return kUsage;
    default:
      err << fmt::format("error: {}: {}\n", what, error.describe());
      return kFailed;
  }
}

}  // namespace cutover::cli
