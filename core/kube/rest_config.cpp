#include "kube/rest_config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <sstream>

#include "util/file_io.hpp"

namespace cutover::kube {

Environment Environment::system() {
  Environment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str()); value != nullptr) {
      return std::string(value);
    }
    return std::nullopt;
  };
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    env.home = home;
  }
  return env;
}

std::string describe_auth(const AuthConfig& auth) {
  std::string method;
  switch (auth.method) {
    case AuthMethod::none:
      method = "none (anonymous)";
      break;
    case AuthMethod::token:
      method = "bearer token";
      break;
    case AuthMethod::token_file:
      method = "token file " + auth.token_file;
      break;
    case AuthMethod::client_certificate:
      method = "client certificate";
      break;
    case AuthMethod::basic:
      method = "basic auth as " + auth.username;
      break;
    case AuthMethod::exec:
      method = "exec plugin " + (auth.exec ? auth.exec->command : std::string("?"));
      break;
    case AuthMethod::service_account:
      method = "service account token " + auth.token_file;
      break;
  }
  if (auth.has_client_certificate && auth.method != AuthMethod::client_certificate) {
    method += " + client certificate";
  }
  return method;
}

std::expected<void, std::string> parse_server_url(const std::string& url, RestConfig& out) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return std::unexpected("must start with https:// or http://");
  }
  out.scheme = url.substr(0, scheme_end);
  if (out.scheme != "https" && out.scheme != "http") {
    return std::unexpected(fmt::format("scheme \"{}\" is not http or https", out.scheme));
  }
  std::string rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  out.base_path = path_start == std::string::npos ? "" : rest.substr(path_start);
  while (out.base_path.ends_with('/')) {
    out.base_path.pop_back();
  }
  std::string authority = rest.substr(0, path_start);
  std::string port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string::npos) {
      return std::unexpected("has an unterminated [IPv6] host");
    }
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return std::unexpected("has junk after the [IPv6] host");
      }
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return std::unexpected("has no host");
  }
  out.port = out.scheme == "https" ? 443 : 80;
  const bool has_colon = authority.starts_with('[') ? authority.find("]:") != std::string::npos
                                                    : authority.find(':') != std::string::npos;
  if (has_colon && port_text.empty()) {
    return std::unexpected("has a ':' but no port after it");
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port <= 0 ||
        port > 65535) {
      return std::unexpected(fmt::format("port \"{}\" is not a number from 1 to 65535", port_text));
    }
    out.port = port;
  }
  return {};
}

namespace {

ConfigError context_error(const Kubeconfig& config, const std::string& origin,
                          const std::string& context, std::string field, std::string message,
                          std::string fix = {}) {
  ConfigError error;
  error.file =
      origin.empty() ? (config.files.empty() ? "kubeconfig" : config.files.front()) : origin;
  error.context = context;
  error.field = std::move(field);
  error.message = std::move(message);
  error.fix = std::move(fix);
  return error;
}

std::string names_of(const auto& map) {
  std::string out;
  for (const auto& [name, value] : map) {
    out += out.empty() ? name : ", " + name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::expected<RestConfig, ConfigError> rest_config_from_kubeconfig(const Kubeconfig& config,
                                                                   const LoadOptions& options) {
  const std::string context_name =
      options.context.empty() ? config.current_context : options.context;
  if (context_name.empty()) {
    return std::unexpected(
        context_error(config, config.current_context_origin, "", "current-context", "is not set",
                      "pass --context NAME or run `kubectl config use-context NAME`; contexts: " +
                          names_of(config.contexts)));
  }
  const auto context_it = config.contexts.find(context_name);
  if (context_it == config.contexts.end()) {
    return std::unexpected(
        context_error(config, options.context.empty() ? config.current_context_origin : "",
                      context_name, options.context.empty() ? "current-context" : "--context",
                      "names a context that no kubeconfig file defines",
                      "choose one of: " + names_of(config.contexts)));
  }
  const KubeconfigContext& context = context_it->second;
  RestConfig rest;
  rest.context_name = context_name;
  rest.cluster_name = context.cluster;
  rest.user_name = context.user;
  rest.source = "kubeconfig " + [&] {
    std::string joined;
    for (const auto& file : config.files) {
      joined += joined.empty() ? file : ":" + file;
    }
    return joined;
  }();
  if (!options.namespace_name.empty()) {
    rest.namespace_name = options.namespace_name;
  } else if (!context.namespace_name.empty()) {
    rest.namespace_name = context.namespace_name;
  }

  if (context.cluster.empty()) {
    return std::unexpected(context_error(config, context.origin, context_name,
                                         fmt::format("contexts[{}].context.cluster", context_name),
                                         "is empty", "set the cluster of this context"));
  }
  const auto cluster_it = config.clusters.find(context.cluster);
  if (cluster_it == config.clusters.end()) {
    return std::unexpected(context_error(
        config, context.origin, context_name,
        fmt::format("contexts[{}].context.cluster", context_name),
        fmt::format("names cluster \"{}\", which no kubeconfig file defines", context.cluster),
        "define it under clusters, or choose one of: " + names_of(config.clusters)));
  }
  const KubeconfigCluster& cluster = cluster_it->second;
  if (cluster.server.empty()) {
    return std::unexpected(
        context_error(config, cluster.origin, context_name,
                      fmt::format("clusters[{}].cluster.server", context.cluster), "is missing",
                      "set the API server URL, e.g. "
                      "https://127.0.0.1:6443"));
  }
  rest.server = cluster.server;
  if (auto parsed = parse_server_url(cluster.server, rest); !parsed) {
    return std::unexpected(
        context_error(config, cluster.origin, context_name,
                      fmt::format("clusters[{}].cluster.server", context.cluster),
                      fmt::format("\"{}\" {}", cluster.server, parsed.error()),
                      "use a URL such as https://api.example.com:6443"));
  }
  if (!cluster.proxy_url.empty()) {
    return std::unexpected(context_error(
        config, cluster.origin, context_name,
        fmt::format("clusters[{}].cluster.proxy-url", context.cluster),
        "is not supported by cutover yet", "remove proxy-url or reach the API server directly"));
  }
  rest.tls.insecure_skip_verify = cluster.insecure_skip_tls_verify;
  rest.tls.server_name = cluster.tls_server_name;
  if (!cluster.certificate_authority_data.empty()) {
    rest.tls.ca_pem = cluster.certificate_authority_data;
  } else if (!cluster.certificate_authority.empty()) {
    auto ca = read_file(cluster.certificate_authority);
    if (!ca) {
      return std::unexpected(context_error(
          config, cluster.origin, context_name,
          fmt::format("clusters[{}].cluster.certificate-authority", context.cluster), ca.error(),
          "fix the path, or embed the CA with certificate-authority-data"));
    }
    rest.tls.ca_pem = std::move(*ca);
  }
  if (rest.tls.insecure_skip_verify && !rest.tls.ca_pem.empty()) {
    return std::unexpected(
        context_error(config, cluster.origin, context_name,
                      fmt::format("clusters[{}].cluster.insecure-skip-tls-verify", context.cluster),
                      "is set together with a certificate authority",
                      "remove insecure-skip-tls-verify (kubectl refuses this combination too)"));
  }

  if (context.user.empty()) {
    return rest;  // Anonymous, which is legal if unusual.
  }
  const auto user_it = config.users.find(context.user);
  if (user_it == config.users.end()) {
    return std::unexpected(context_error(
        config, context.origin, context_name,
        fmt::format("contexts[{}].context.user", context_name),
        fmt::format("names user \"{}\", which no kubeconfig file defines", context.user),
        "define it under users, or choose one of: " + names_of(config.users)));
  }
  const KubeconfigUser& user = user_it->second;
  const std::string user_path = fmt::format("users[{}].user", context.user);
  if (!user.auth_provider.empty()) {
    return std::unexpected(context_error(
        config, user.origin, context_name, user_path + ".auth-provider",
        fmt::format("the legacy \"{}\" auth provider was removed from Kubernetes",
                    user.auth_provider),
        "use an exec plugin instead (gke-gcloud-auth-plugin, kubelogin, aws eks get-token)"));
  }
  // Client certificate: a file or inline data, and both halves are needed.
  std::string cert = user.client_certificate_data;
  std::string key = user.client_key_data;
  if (cert.empty() && !user.client_certificate.empty()) {
    auto read = read_file(user.client_certificate);
    if (!read) {
      return std::unexpected(context_error(config, user.origin, context_name,
                                           user_path + ".client-certificate", read.error(),
                                           "fix the path (relative to the kubeconfig's folder), "
                                           "or embed it with client-certificate-data"));
    }
    cert = std::move(*read);
  }
  if (key.empty() && !user.client_key.empty()) {
    auto read = read_file(user.client_key);
    if (!read) {
      return std::unexpected(context_error(config, user.origin, context_name,
                                           user_path + ".client-key", read.error(),
                                           "fix the path (relative to the kubeconfig's folder), "
                                           "or embed it with client-key-data"));
    }
    key = std::move(*read);
  }
  if (cert.empty() != key.empty()) {
    return std::unexpected(
        context_error(config, user.origin, context_name,
                      user_path + (cert.empty() ? ".client-certificate" : ".client-key"),
                      "is missing while its pair is set",
                      "give both client-certificate(-data) and client-key(-data)"));
  }
  if (!cert.empty()) {
    if (cert.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return std::unexpected(context_error(config, user.origin, context_name,
                                           user_path + ".client-certificate-data",
                                           "does not contain a PEM certificate",
                                           "store the PEM file base64-encoded, e.g. "
                                           "`base64 -w0 client.crt`"));
    }
    if (key.find("PRIVATE KEY-----") == std::string::npos) {
      return std::unexpected(context_error(config, user.origin, context_name,
                                           user_path + ".client-key-data",
                                           "does not contain a PEM private key",
                                           "store the PEM file base64-encoded, e.g. "
                                           "`base64 -w0 client.key`"));
    }
    rest.tls.client_certificate_pem = std::move(cert);
    rest.tls.client_key_pem = std::move(key);
    rest.auth.has_client_certificate = true;
    rest.auth.method = AuthMethod::client_certificate;
  }
  // token and tokenFile may both be set (token wins, as in client-go); any other mix of
  // methods is ambiguous and refused, as kubectl does.
  const bool has_token = !user.token.empty() || !user.token_file.empty();
  const bool has_basic = !user.username.empty() || !user.password.empty();
  if ((has_token && has_basic) || (user.exec && (has_token || has_basic))) {
    return std::unexpected(
        context_error(config, user.origin, context_name, user_path,
                      "sets more than one of token/tokenFile, username/password and exec",
                      "keep exactly one authentication method for this user"));
  }
  if (!user.token.empty()) {
    rest.auth.method = AuthMethod::token;
    rest.auth.token = user.token;
  } else if (!user.token_file.empty()) {
    rest.auth.method = AuthMethod::token_file;
    rest.auth.token_file = user.token_file;
  } else if (!user.username.empty()) {
    if (rest.scheme != "https") {
      return std::unexpected(context_error(
          config, user.origin, context_name, user_path + ".username",
          "basic auth over plain http would leak the password", "use an https server URL"));
    }
    rest.auth.method = AuthMethod::basic;
    rest.auth.username = user.username;
    rest.auth.password = user.password;
  } else if (user.exec) {
    rest.auth.method = AuthMethod::exec;
    rest.auth.exec = user.exec;
  }
  return rest;
}

std::expected<RestConfig, ConfigError> in_cluster_config(const Environment& env) {
  const auto host = env.getenv("KUBERNETES_SERVICE_HOST");
  const auto port = env.getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return std::unexpected(ConfigError{
        "in-cluster", "", "KUBERNETES_SERVICE_HOST",
        "no kubeconfig was found and this is not a pod (KUBERNETES_SERVICE_HOST/PORT unset)",
        "pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config"});
  }
  RestConfig rest;
  const bool ipv6 = host->find(':') != std::string::npos;
  rest.server = fmt::format("https://{}:{}", ipv6 ? "[" + *host + "]" : *host, *port);
  if (auto parsed = parse_server_url(rest.server, rest); !parsed) {
    return std::unexpected(ConfigError{"in-cluster", "", "KUBERNETES_SERVICE_PORT",
                                       fmt::format("\"{}\" {}", rest.server, parsed.error()), ""});
  }
  const auto token_path = env.service_account_dir / "token";
  if (auto token = read_file(token_path); !token) {
    return std::unexpected(ConfigError{"in-cluster", "", "token", token.error(),
                                       "mount a service account token (automountServiceAccount"
                                       "Token must not be false)"});
  }
  auto ca = read_file(env.service_account_dir / "ca.crt");
  if (!ca) {
    return std::unexpected(ConfigError{"in-cluster", "", "ca.crt", ca.error(),
                                       "the service account volume must include ca.crt"});
  }
  rest.tls.ca_pem = std::move(*ca);
  rest.auth.method = AuthMethod::service_account;
  rest.auth.token_file = token_path.string();
  if (auto ns = read_file(env.service_account_dir / "namespace"); ns && !ns->empty()) {
    rest.namespace_name = *ns;
    while (!rest.namespace_name.empty() &&
           std::isspace(static_cast<unsigned char>(rest.namespace_name.back())) != 0) {
      rest.namespace_name.pop_back();
    }
  }
  rest.source = "in-cluster";
  return rest;
}

std::expected<RestConfig, ConfigError> resolve_rest_config(const LoadOptions& options,
                                                           const Environment& env) {
  std::vector<std::filesystem::path> files;
  bool explicit_files = false;
  if (!options.kubeconfig.empty()) {
    files.emplace_back(options.kubeconfig);
    explicit_files = true;
  } else if (const auto list = env.getenv("KUBECONFIG"); list && !list->empty()) {
    std::stringstream stream(*list);
    std::string item;
    while (std::getline(stream, item, ':')) {
      // kubectl skips files in KUBECONFIG that do not exist, and duplicates.
      if (!item.empty() && std::filesystem::exists(item) &&
          std::find(files.begin(), files.end(), item) == files.end()) {
        files.emplace_back(item);
      }
    }
    if (files.empty()) {
      return std::unexpected(ConfigError{"KUBECONFIG", "", "",
                                         "none of the files in \"" + *list + "\" exists",
                                         "fix KUBECONFIG or unset it"});
    }
  } else if (!env.home.empty() && std::filesystem::exists(env.home / ".kube" / "config")) {
    files.push_back(env.home / ".kube" / "config");
  }
  if (files.empty()) {
    auto rest = in_cluster_config(env);
    if (rest && !options.namespace_name.empty()) {
      rest->namespace_name = options.namespace_name;
    }
    return rest;
  }
  Kubeconfig merged;
  for (const auto& file : files) {
    auto loaded = load_kubeconfig_file(file);
    if (!loaded) {
      if (!explicit_files && loaded.error().field.empty() && !std::filesystem::exists(file)) {
        continue;
      }
      return std::unexpected(loaded.error());
    }
    if (merged.files.empty()) {
      merged = std::move(*loaded);
    } else {
      merge_kubeconfig(merged, std::move(*loaded));
    }
  }
  return rest_config_from_kubeconfig(merged, options);
}

}  // namespace cutover::kube
