#include "kube/kubeconfig.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace cutover::kube {

namespace {

using Result = std::expected<void, ConfigError>;

// Field readers. Each checks the YAML type, so `token: [1]` is an error that names the field
// instead of an exception from deep inside yaml-cpp.
class Reader {
 public:
  Reader(std::string_view origin, std::filesystem::path base_dir)
      : origin_(origin), base_dir_(std::move(base_dir)) {}

  [[nodiscard]] ConfigError error(const std::string& field, std::string message,
                                  std::string fix = {}) const {
    if (fix.empty()) {
      fix = "compare with the shape that `kubectl config view --raw` prints";
    }
    return ConfigError{origin_, "", field, std::move(message), std::move(fix)};
  }

  // `users[0].user` + `token`; top-level fields have no parent path.
  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

  Result string(const YAML::Node& parent, const char* key, const std::string& path,
                std::string& out) const {
    const YAML::Node node = parent[key];
    if (!node || node.IsNull()) {
      return {};
    }
    if (!node.IsScalar()) {
      return std::unexpected(error(join(path, key), "must be a string",
                                   "write a single value, not a list or mapping"));
    }
    out = node.Scalar();
    return {};
  }

  Result boolean(const YAML::Node& parent, const char* key, const std::string& path,
                 bool& out) const {
    const YAML::Node node = parent[key];
    if (!node || node.IsNull()) {
      return {};
    }
    const std::string& text = node.IsScalar() ? node.Scalar() : std::string{};
    if (text == "true" || text == "True" || text == "TRUE") {
      out = true;
    } else if (text == "false" || text == "False" || text == "FALSE") {
      out = false;
    } else {
      return std::unexpected(
          error(join(path, key), "must be true or false", "write true or false"));
    }
    return {};
  }

  // A `*-data` field: base64 in the file, PEM after decoding.
  Result data(const YAML::Node& parent, const char* key, const std::string& path,
              std::string& out) const {
    std::string encoded;
    if (auto r = string(parent, key, path, encoded); !r) {
      return r;
    }
    if (encoded.empty()) {
      return {};
    }
    auto decoded = base64_decode(encoded);
    if (!decoded) {
      return std::unexpected(error(path + "." + key, "is not valid base64: " + decoded.error(),
                                   "store the PEM file base64-encoded, e.g. `base64 -w0 ca.crt`"));
    }
    out = std::move(*decoded);
    return {};
  }

  // A path field: made absolute against the kubeconfig's folder, as kubectl does.
  Result path(const YAML::Node& parent, const char* key, const std::string& field_path,
              std::string& out) const {
    std::string raw;
    if (auto r = string(parent, key, field_path, raw); !r) {
      return r;
    }
    if (raw.empty()) {
      return {};
    }
    std::filesystem::path p(raw);
    if (raw.starts_with("~/")) {
      if (const char* home = std::getenv("HOME"); home != nullptr) {
        p = std::filesystem::path(home) / raw.substr(2);
      }
    }
    out = (p.is_absolute() ? p : base_dir_ / p).lexically_normal().string();
    return {};
  }

  // Named list entries: `clusters: [{name: x, cluster: {...}}]`.
  template <typename Fn>
  Result named_list(const YAML::Node& root, const char* key, const char* body_key,
                    Fn&& parse_body) const {
    const YAML::Node list = root[key];
    if (!list || list.IsNull()) {
      return {};
    }
    if (!list.IsSequence()) {
      return std::unexpected(
          error(key, "must be a list of {name, " + std::string(body_key) + "} entries"));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string entry_path = fmt::format("{}[{}]", key, i);
      const YAML::Node entry = list[i];
      if (!entry.IsMap()) {
        return std::unexpected(
            error(entry_path, "must be a mapping with name and " + std::string(body_key)));
      }
      std::string name;
      if (auto r = string(entry, "name", entry_path, name); !r) {
        return r;
      }
      if (name.empty()) {
        return std::unexpected(
            error(entry_path + ".name", "is missing or empty", "give every entry a unique name"));
      }
      const YAML::Node body = entry[body_key];
      const std::string body_path = entry_path + "." + body_key;
      if (body && !body.IsNull() && !body.IsMap()) {
        return std::unexpected(error(body_path, "must be a mapping"));
      }
      if (auto r = parse_body(name, body ? body : YAML::Node(YAML::NodeType::Map), body_path); !r) {
        return r;
      }
    }
    return {};
  }

 private:
  std::string origin_;
  std::filesystem::path base_dir_;
};

Result parse_exec(const Reader& reader, const YAML::Node& node, const std::string& path,
                  ExecConfig& exec) {
  if (!node.IsMap()) {
    return std::unexpected(reader.error(path, "must be a mapping"));
  }
  if (auto r = reader.string(node, "apiVersion", path, exec.api_version); !r)
    return r;
  if (auto r = reader.string(node, "command", path, exec.command); !r)
    return r;
  if (auto r = reader.string(node, "installHint", path, exec.install_hint); !r)
    return r;
  if (auto r = reader.string(node, "interactiveMode", path, exec.interactive_mode); !r)
    return r;
  if (auto r = reader.boolean(node, "provideClusterInfo", path, exec.provide_cluster_info); !r) {
    return r;
  }
  if (exec.command.empty()) {
    return std::unexpected(reader.error(path + ".command", "is missing",
                                        "name the credential plugin, e.g. `aws` or "
                                        "`gke-gcloud-auth-plugin`"));
  }
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    return std::unexpected(reader.error(
        path + ".apiVersion", fmt::format("\"{}\" is not supported", exec.api_version),
        "use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1"));
  }
  if (const YAML::Node args = node["args"]; args && !args.IsNull()) {
    if (!args.IsSequence()) {
      return std::unexpected(reader.error(path + ".args", "must be a list of strings"));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (!args[i].IsScalar()) {
        return std::unexpected(
            reader.error(fmt::format("{}.args[{}]", path, i), "must be a string"));
      }
      exec.args.push_back(args[i].Scalar());
    }
  }
  if (const YAML::Node env = node["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) {
      return std::unexpected(reader.error(path + ".env", "must be a list of {name, value}"));
    }
    for (std::size_t i = 0; i < env.size(); ++i) {
      const std::string entry_path = fmt::format("{}.env[{}]", path, i);
      if (!env[i].IsMap()) {
        return std::unexpected(reader.error(entry_path, "must be a mapping with name and value"));
      }
      std::string name, value;
      if (auto r = reader.string(env[i], "name", entry_path, name); !r)
        return r;
      if (auto r = reader.string(env[i], "value", entry_path, value); !r)
        return r;
      if (name.empty()) {
        return std::unexpected(reader.error(entry_path + ".name", "is missing"));
      }
      exec.env.emplace_back(std::move(name), std::move(value));
    }
  }
  return {};
}

Result parse_cluster(const Reader& reader, const YAML::Node& node, const std::string& path,
                     KubeconfigCluster& cluster) {
  if (auto r = reader.string(node, "server", path, cluster.server); !r)
    return r;
  if (auto r = reader.path(node, "certificate-authority", path, cluster.certificate_authority);
      !r) {
    return r;
  }
  if (auto r =
          reader.data(node, "certificate-authority-data", path, cluster.certificate_authority_data);
      !r) {
    return r;
  }
  if (auto r =
          reader.boolean(node, "insecure-skip-tls-verify", path, cluster.insecure_skip_tls_verify);
      !r) {
    return r;
  }
  if (auto r = reader.string(node, "tls-server-name", path, cluster.tls_server_name); !r)
    return r;
  return reader.string(node, "proxy-url", path, cluster.proxy_url);
}

Result parse_user(const Reader& reader, const YAML::Node& node, const std::string& path,
                  KubeconfigUser& user) {
  if (auto r = reader.string(node, "token", path, user.token); !r)
    return r;
  if (auto r = reader.path(node, "tokenFile", path, user.token_file); !r)
    return r;
  if (auto r = reader.path(node, "client-certificate", path, user.client_certificate); !r) {
    return r;
  }
  if (auto r = reader.data(node, "client-certificate-data", path, user.client_certificate_data);
      !r) {
    return r;
  }
  if (auto r = reader.path(node, "client-key", path, user.client_key); !r)
    return r;
  if (auto r = reader.data(node, "client-key-data", path, user.client_key_data); !r)
    return r;
  if (auto r = reader.string(node, "username", path, user.username); !r)
    return r;
  if (auto r = reader.string(node, "password", path, user.password); !r)
    return r;
  if (const YAML::Node exec = node["exec"]; exec && !exec.IsNull()) {
    ExecConfig config;
    if (auto r = parse_exec(reader, exec, path + ".exec", config); !r)
      return r;
    user.exec = std::move(config);
  }
  if (const YAML::Node provider = node["auth-provider"]; provider && !provider.IsNull()) {
    if (!provider.IsMap()) {
      return std::unexpected(reader.error(path + ".auth-provider", "must be a mapping"));
    }
    if (auto r = reader.string(provider, "name", path + ".auth-provider", user.auth_provider); !r) {
      return r;
    }
    if (user.auth_provider.empty()) {
      user.auth_provider = "unnamed";
    }
  }
  return {};
}

Result parse_context(const Reader& reader, const YAML::Node& node, const std::string& path,
                     KubeconfigContext& context) {
  if (auto r = reader.string(node, "cluster", path, context.cluster); !r)
    return r;
  if (auto r = reader.string(node, "user", path, context.user); !r)
    return r;
  return reader.string(node, "namespace", path, context.namespace_name);
}

}  // namespace

std::expected<Kubeconfig, ConfigError> parse_kubeconfig(std::string_view text,
                                                        std::string_view origin,
                                                        const std::filesystem::path& base_dir) {
  const Reader reader(origin, base_dir);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return std::unexpected(reader.error(
        "",
        fmt::format("is not valid YAML (line {}, column {}): {}", e.mark.line + 1,
                    e.mark.column + 1, e.msg),
        "check the indentation, or regenerate the file with `kubectl config view --raw`"));
  }
  Kubeconfig config;
  config.files.emplace_back(origin);
  if (!root || root.IsNull()) {
    return config;  // An empty file is allowed, as in kubectl.
  }
  if (!root.IsMap()) {
    return std::unexpected(reader.error("", "is not a kubeconfig: the top level must be a mapping",
                                        "see `kubectl config view` for the expected shape"));
  }
  std::string kind;
  if (auto r = reader.string(root, "kind", "", kind); !r)
    return std::unexpected(r.error());
  if (!kind.empty() && kind != "Config") {
    return std::unexpected(reader.error("kind", fmt::format("is \"{}\", not \"Config\"", kind),
                                        "point --kubeconfig at a kubeconfig file"));
  }
  if (auto r = reader.string(root, "current-context", "", config.current_context); !r) {
    return std::unexpected(r.error());
  }
  config.current_context_origin = std::string(origin);
  // Within one file the first entry of a name wins, as it does across files.
  auto clusters = reader.named_list(
      root, "clusters", "cluster",
      [&](const std::string& name, const YAML::Node& body, const std::string& path) -> Result {
        KubeconfigCluster cluster;
        cluster.origin = std::string(origin);
        if (auto r = parse_cluster(reader, body, path, cluster); !r)
          return r;
        config.clusters.try_emplace(name, std::move(cluster));
        return {};
      });
  if (!clusters)
    return std::unexpected(clusters.error());
  auto users = reader.named_list(
      root, "users", "user",
      [&](const std::string& name, const YAML::Node& body, const std::string& path) -> Result {
        KubeconfigUser user;
        user.origin = std::string(origin);
        if (auto r = parse_user(reader, body, path, user); !r)
          return r;
        config.users.try_emplace(name, std::move(user));
        return {};
      });
  if (!users)
    return std::unexpected(users.error());
  auto contexts = reader.named_list(
      root, "contexts", "context",
      [&](const std::string& name, const YAML::Node& body, const std::string& path) -> Result {
        KubeconfigContext context;
        context.origin = std::string(origin);
        if (auto r = parse_context(reader, body, path, context); !r)
          return r;
        config.contexts.try_emplace(name, std::move(context));
        return {};
      });
  if (!contexts)
    return std::unexpected(contexts.error());
  return config;
}

std::expected<Kubeconfig, ConfigError> load_kubeconfig_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) {
    return std::unexpected(ConfigError{path.string(), "", "", text.error(),
                                       "check the path given by --kubeconfig or KUBECONFIG"});
  }
  const auto absolute = std::filesystem::absolute(path);
  return parse_kubeconfig(*text, path.string(), absolute.parent_path());
}

void merge_kubeconfig(Kubeconfig& earlier, Kubeconfig&& later) {
  for (auto& [name, cluster] : later.clusters) {
    earlier.clusters.try_emplace(name, std::move(cluster));
  }
  for (auto& [name, user] : later.users) {
    earlier.users.try_emplace(name, std::move(user));
  }
  for (auto& [name, context] : later.contexts) {
    earlier.contexts.try_emplace(name, std::move(context));
  }
  if (earlier.current_context.empty() && !later.current_context.empty()) {
    earlier.current_context = std::move(later.current_context);
    earlier.current_context_origin = std::move(later.current_context_origin);
  }
  for (auto& file : later.files) {
    earlier.files.push_back(std::move(file));
  }
}

}  // namespace cutover::kube
