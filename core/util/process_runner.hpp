#pragma once
// Running a child process and capturing its output. An I/O seam: credential plugins and
// blueprint hooks take a `ProcessRunner&`, and unit tests pass a fake.

#include <chrono>
#include <expected>
#include <string>
#include <utility>
#include <vector>

namespace cutover {

struct ProcessRequest {
  std::string command;  // looked up on PATH unless it contains a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> extra_env;  // added to this process's env
  std::string standard_input;
  std::chrono::milliseconds timeout{60'000};
};

struct ProcessResult {
  int exit_code = 0;  // 128 + signal when killed by a signal
  std::string standard_output;
  std::string standard_error;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs to completion. Returns an error when the process cannot be started (not found, not
  /// executable) or times out (it is then killed); a non-zero exit is a `ProcessResult`.
  virtual std::expected<ProcessResult, std::string> run(const ProcessRequest& request) = 0;
};

/// The real thing: posix_spawnp with pipes, a deadline, and SIGKILL on timeout.
class SystemProcessRunner final : public ProcessRunner {
 public:
  std::expected<ProcessResult, std::string> run(const ProcessRequest& request) override;
  static SystemProcessRunner& instance();
};

}  // namespace cutover
