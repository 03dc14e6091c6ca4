#pragma once
// client-go credential plugins (`users[].user.exec`): what EKS (`aws eks get-token`) and GKE
// (`gke-gcloud-auth-plugin`) use. The plugin prints an `ExecCredential`; we cache its token until
// `status.expirationTimestamp` and run the plugin again after a 401.

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "kube/kubeconfig.hpp"

namespace cutover::kube {

struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: valid until a 401
};

/// Parses a plugin's standard output. `expected_api_version` is the one the kubeconfig asked
/// for; a mismatch is an error, as in client-go. Errors say what is wrong in plain words.
std::expected<ExecCredential, std::string> parse_exec_credential(
    std::string_view json, std::string_view expected_api_version);

/// The `KUBERNETES_EXEC_INFO` value handed to the plugin.
std::string exec_info_json(const ExecConfig& exec, std::string_view server,
                           std::string_view ca_pem);

}  // namespace cutover::kube
