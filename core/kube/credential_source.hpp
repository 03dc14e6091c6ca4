#pragma once
// Supplies the `Authorization` header for each request, from a static token, a token file
// that is re-read when it changes, basic auth, or an exec plugin whose credential is cached.
// Thread-safe. Secrets never leave this class except in the header value itself.

#include <expected>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "kube/error.hpp"
#include "kube/exec_credential.hpp"
#include "kube/rest_config.hpp"
#include "util/clock.hpp"
#include "util/process_runner.hpp"

namespace cutover::kube {

class CredentialSource {
 public:
  CredentialSource(RestConfig config, Clock& clock, ProcessRunner& runner);

  /// The `Authorization` header value, or nullopt when the config has no token-like credential.
  /// Runs the exec plugin when there is no valid cached credential.
  std::expected<std::optional<std::string>, Error> authorization();

  /// Called after a 401. Drops the cached exec credential and forces the token file to be re-read.
  /// Returns true if retrying the request could help.
  bool invalidate();

  /// How many times the exec plugin ran (observable in tests and metrics).
  [[nodiscard]] int exec_runs() const;

 private:
  std::expected<std::string, Error> exec_token();
  std::expected<std::string, Error> file_token();

  RestConfig config_;
  Clock& clock_;
  ProcessRunner& runner_;
  mutable std::mutex mutex_;
  std::optional<ExecCredential> cached_;
  int exec_runs_ = 0;
  std::string file_token_;
  std::filesystem::file_time_type file_mtime_{};
  bool file_loaded_ = false;
};

}  // namespace cutover::kube
