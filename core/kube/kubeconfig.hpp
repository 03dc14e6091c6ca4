#pragma once
// The kubeconfig file format (`kind: Config`, as kubectl reads it) and kubectl's rules for
// merging several files. Resolving one context into something a client can use is
// `rest_config.hpp`'s job.

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/config_error.hpp"

namespace cutover::kube {

struct KubeconfigCluster {
  std::string server;
  std::string certificate_authority;       // a path, already made absolute
  std::string certificate_authority_data;  // decoded PEM
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::string origin;  // the file this entry came from, for error messages
};

/// `users[].user.exec`: a client-go credential plugin.
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or v1beta1
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // Never, IfAvailable, Always
};

struct KubeconfigUser {
  std::string token;
  std::string token_file;               // absolute path
  std::string client_certificate;       // absolute path
  std::string client_certificate_data;  // decoded PEM
  std::string client_key;               // absolute path
  std::string client_key_data;          // decoded PEM
  std::string username;
  std::string password;
  std::optional<ExecConfig> exec;
  std::string auth_provider;  // name only: legacy providers are refused with a fix.
  std::string origin;
};

struct KubeconfigContext {
  std::string cluster;
  std::string user;
  std::string namespace_name;
  std::string origin;
};

/// One or more kubeconfig files, merged.
struct Kubeconfig {
  std::map<std::string, KubeconfigCluster> clusters;
  std::map<std::string, KubeconfigUser> users;
  std::map<std::string, KubeconfigContext> contexts;
  std::string current_context;
  std::string current_context_origin;
  std::vector<std::string> files;  // the files that were read, in order
};

/// Parses one kubeconfig document. `origin` names the file in errors, and relative paths in
/// it are resolved against `base_dir`, as kubectl does.
/// Errors name the file and the field; malformed YAML, wrong types and bad base64 are errors.
std::expected<Kubeconfig, ConfigError> parse_kubeconfig(std::string_view text,
                                                        std::string_view origin,
                                                        const std::filesystem::path& base_dir);

/// Reads and parses one file.
std::expected<Kubeconfig, ConfigError> load_kubeconfig_file(const std::filesystem::path& path);

/// Merges by kubectl's rules: for clusters, users and contexts the first file that defines a name
/// wins, and the first file that sets current-context wins. `later` is merged into `earlier`.
void merge_kubeconfig(Kubeconfig& earlier, Kubeconfig&& later);

}  // namespace cutover::kube
