#include "kube/exec_credential.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/encoding.hpp"

namespace cutover::kube {

std::expected<ExecCredential, std::string> parse_exec_credential(
    std::string_view json, std::string_view expected_api_version) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return std::unexpected("its output is not a JSON ExecCredential object");
  }
  const auto kind = doc.value("kind", nlohmann::json{});
  if (!kind.is_string() || kind.get<std::string>() != "ExecCredential") {
    return std::unexpected("its output has kind other than \"ExecCredential\"");
  }
  const auto api_version = doc.value("apiVersion", nlohmann::json{});
  if (!api_version.is_string() || api_version.get<std::string>() != expected_api_version) {
    return std::unexpected(
        fmt::format("it answered with apiVersion {} but the kubeconfig asked for {}",
                    api_version.is_string() ? api_version.get<std::string>() : "(missing)",
                    expected_api_version));
  }
  const auto status_it = doc.find("status");
  if (status_it == doc.end() || !status_it->is_object()) {
    return std::unexpected("its output has no status object");
  }
  const auto& status = *status_it;
  ExecCredential credential;
  auto read_string = [&](const char* key, std::string& out) -> std::expected<void, std::string> {
    const auto it = status.find(key);
    if (it == status.end() || it->is_null()) {
      return {};
    }
    if (!it->is_string()) {
      return std::unexpected(fmt::format("status.{} is not a string", key));
    }
    out = it->get<std::string>();
    return {};
  };
  std::string expiration;
  if (auto r = read_string("token", credential.token); !r)
    return std::unexpected(r.error());
  if (auto r = read_string("clientCertificateData", credential.client_certificate_pem); !r) {
    return std::unexpected(r.error());
  }
  if (auto r = read_string("clientKeyData", credential.client_key_pem); !r) {
    return std::unexpected(r.error());
  }
  if (auto r = read_string("expirationTimestamp", expiration); !r) {
    return std::unexpected(r.error());
  }
  if (credential.token.empty() && credential.client_certificate_pem.empty()) {
    return std::unexpected("status has neither token nor clientCertificateData");
  }
  if (credential.client_certificate_pem.empty() != credential.client_key_pem.empty()) {
    return std::unexpected("status has only one of clientCertificateData and clientKeyData");
  }
  if (!expiration.empty()) {
    credential.expiration = parse_rfc3339(expiration);
    if (!credential.expiration) {
      return std::unexpected(
          fmt::format("status.expirationTimestamp \"{}\" is not an RFC 3339 time", expiration));
    }
  }
  return credential;
}

std::string exec_info_json(const ExecConfig& exec, std::string_view server,
                           std::string_view ca_pem) {
  nlohmann::json spec = {{"interactive", false}};
  if (exec.provide_cluster_info) {
    spec["cluster"] = {{"server", server}, {"certificate-authority-data", base64_encode(ca_pem)}};
  }
  return nlohmann::json{
      {"apiVersion", exec.api_version}, {"kind", "ExecCredential"}, {"spec", spec}}
      .dump();
}

}  // namespace cutover::kube
