#pragma once
// Turns flags, environment, kubeconfig files or the in-cluster service account into one
// `RestConfig`: where the API server is, how to trust it, and how to authenticate.
//
// **Example**:
//     auto config = resolve_rest_config({.kubeconfig = "", .context = "prod"},
//                                       Environment::system());
//     if (!config) { std::cerr << config.error().describe(); }

#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kube/config_error.hpp"
#include "kube/kubeconfig.hpp"

namespace cutover::kube {

/// The command-line overrides (`--kubeconfig`, `--context`, `-n`). Empty means "not given".
struct LoadOptions {
  std::string kubeconfig;
  std::string context;
  std::string namespace_name;
};

/// What the process sees of its surroundings; injected so tests need no real HOME.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::filesystem::path home;
  std::filesystem::path service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  /// The real environment of this process.
  static Environment system();
};

enum class AuthMethod { none, token, token_file, client_certificate, basic, exec, service_account };

struct TlsConfig {
  std::string ca_pem;  // empty: use the system trust store
  bool insecure_skip_verify = false;
  std::string server_name;  // overrides the name checked in the server's certificate
  std::string client_certificate_pem;
  std::string client_key_pem;
};

struct AuthConfig {
  AuthMethod method = AuthMethod::none;
  std::string token;       // never logged; see `describe_auth`
  std::string token_file;  // re-read when it changes (projected tokens rotate)
  std::string username;
  std::string password;
  std::optional<ExecConfig> exec;
  bool has_client_certificate = false;
};

struct RestConfig {
  std::string server;  // e.g. https://127.0.0.1:6443
  std::string scheme;  // http or https
  std::string host;
  int port = 443;
  std::string base_path;  // a server URL may carry a path prefix (e.g. Rancher proxies)
  TlsConfig tls;
  AuthConfig auth;
  std::string context_name;  // empty for in-cluster
  std::string cluster_name;
  std::string user_name;
  std::string namespace_name = "default";
  std::string source;  // "kubeconfig /a:/b" or "in-cluster"
};

/// A human description of the authentication in use, never containing a secret:
/// "bearer token", "token file /var/run/...", "client certificate", "exec plugin aws", ...
std::string describe_auth(const AuthConfig& auth);

/// Resolves by kubectl's precedence: `--kubeconfig`, else `KUBECONFIG` (several files, merged,
/// missing ones skipped), else `~/.kube/config`, else the in-cluster service account.
/// Errors name the file, the context and the field.
std::expected<RestConfig, ConfigError> resolve_rest_config(const LoadOptions& options,
                                                           const Environment& env);

/// Resolves one context of an already loaded kubeconfig (used by the above and by tests).
std::expected<RestConfig, ConfigError> rest_config_from_kubeconfig(const Kubeconfig& config,
                                                                   const LoadOptions& options);

/// In-cluster configuration from `KUBERNETES_SERVICE_HOST`/`_PORT` and the service account
/// folder (token, ca.crt, namespace).
std::expected<RestConfig, ConfigError> in_cluster_config(const Environment& env);

/// Splits a server URL into scheme, host, port and path. Accepts `https://h`, `https://h:p/x`,
/// `http://h:p` and bracketed IPv6 hosts.
std::expected<void, std::string> parse_server_url(const std::string& url, RestConfig& out);

}  // namespace cutover::kube
