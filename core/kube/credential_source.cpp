#include "kube/credential_source.hpp"

#include <fmt/format.h>

#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace cutover::kube {

CredentialSource::CredentialSource(RestConfig config, Clock& clock, ProcessRunner& runner)
    : config_(std::move(config)), clock_(clock), runner_(runner) {}

std::expected<std::optional<std::string>, Error> CredentialSource::authorization() {
  std::lock_guard lock(mutex_);
  switch (config_.auth.method) {
    case AuthMethod::token:
      return "Bearer " + config_.auth.token;
    case AuthMethod::token_file:
    case AuthMethod::service_account: {
      auto token = file_token();
      if (!token)
        return std::unexpected(token.error());
      return "Bearer " + *token;
    }
    case AuthMethod::basic:
      return "Basic " + base64_encode(config_.auth.username + ":" + config_.auth.password);
    case AuthMethod::exec: {
      auto token = exec_token();
      if (!token)
        return std::unexpected(token.error());
      return "Bearer " + *token;
    }
    case AuthMethod::none:
    case AuthMethod::client_certificate:
      return std::nullopt;
  }
  return std::nullopt;
}

bool CredentialSource::invalidate() {
  std::lock_guard lock(mutex_);
  switch (config_.auth.method) {
    case AuthMethod::exec:
      cached_.reset();
      return true;
    case AuthMethod::token_file:
    case AuthMethod::service_account:
      file_loaded_ = false;
      return true;
    default:
      return false;
  }
}

int CredentialSource::exec_runs() const {
  std::lock_guard lock(mutex_);
  return exec_runs_;
}

std::expected<std::string, Error> CredentialSource::file_token() {
  // Projected service-account tokens are rotated in place; re-read when the file changes.
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(config_.auth.token_file, ec);
  if (file_loaded_ && !ec && mtime == file_mtime_) {
    return file_token_;
  }
  auto text = read_file(config_.auth.token_file);
  if (!text) {
    return std::unexpected(Error{ErrorReason::auth,
                                 0,
                                 fmt::format("token file: {} (fix: check tokenFile in the "
                                             "kubeconfig or the mounted service account)",
                                             text.error()),
                                 {},
                                 std::nullopt});
  }
  while (!text->empty() && std::isspace(static_cast<unsigned char>(text->back())) != 0) {
    text->pop_back();
  }
  file_token_ = std::move(*text);
  file_mtime_ = ec ? std::filesystem::file_time_type{} : mtime;
  file_loaded_ = !ec;
  return file_token_;
}

std::expected<std::string, Error> CredentialSource::exec_token() {
  const auto now = clock_.wall_now();
  if (cached_ && (!cached_->expiration || *cached_->expiration > now)) {
    return cached_->token;
  }
  const ExecConfig& exec = *config_.auth.exec;
  ProcessRequest request;
  request.command = exec.command;
  request.args = exec.args;
  request.extra_env = exec.env;
  request.extra_env.emplace_back("KUBERNETES_EXEC_INFO",
                                 exec_info_json(exec, config_.server, config_.tls.ca_pem));
  ++exec_runs_;
  auto fail = [&](const std::string& what) {
    std::string message = fmt::format("exec plugin \"{}\" for user \"{}\": {}", exec.command,
                                      config_.user_name, what);
    if (!exec.install_hint.empty()) {
      message += "\n" + exec.install_hint;
    }
    return std::unexpected(Error{ErrorReason::auth, 0, std::move(message), {}, std::nullopt});
  };
  auto result = runner_.run(request);
  if (!result) {
    return fail(result.error());
  }
  if (result->exit_code != 0) {
    // The plugin's stderr explains itself (expired SSO session, missing profile); pass on its
    // first lines but never its stdout, which may hold a partial credential.
    std::string reason = result->standard_error.substr(0, 500);
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back())) != 0) {
      reason.pop_back();
    }
    return fail(fmt::format("exited with code {}{}", result->exit_code,
                            reason.empty() ? "" : ": " + reason));
  }
  auto credential = parse_exec_credential(result->standard_output, exec.api_version);
  if (!credential) {
    return fail(credential.error());
  }
  if (credential->token.empty()) {
    return fail(
        "returned a client certificate, which cutover does not support from exec "
        "plugins yet; configure the plugin to return a token");
  }
  cached_ = std::move(*credential);
  return cached_->token;
}

}  // namespace cutover::kube
