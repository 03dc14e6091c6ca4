#include "util/process_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <map>
#include <system_error>

extern char** environ;

namespace cutover {

namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  ~Pipe() {
    if (read_end >= 0)
      close(read_end);
    if (write_end >= 0)
      close(write_end);
  }
  bool open() {
    std::array<int, 2> fds{};
    if (pipe2(fds.data(), O_CLOEXEC) != 0) {
      return false;
    }
    read_end = fds[0];
    write_end = fds[1];
    return true;
  }
  void close_read() {
    if (read_end >= 0)
      close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0)
      close(write_end);
    write_end = -1;
  }
};

}  // namespace

std::expected<ProcessResult, std::string> SystemProcessRunner::run(const ProcessRequest& request) {
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    return std::unexpected(fmt::format("cannot create pipes: {}",
                                       std::error_code(errno, std::generic_category()).message()));
  }
  // The child's environment: ours, with the extra variables overriding.
  std::map<std::string, std::string> env_map;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) {
      env_map[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
    }
  }
  for (const auto& [name, value] : request.extra_env) {
    env_map[name] = value;
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(env_map.size());
  for (const auto& [name, value] : env_map) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& entry : env_strings) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{request.command};
  argv_strings.insert(argv_strings.end(), request.args.begin(), request.args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned =
      posix_spawnp(&pid, request.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return std::unexpected(
        fmt::format("cannot run \"{}\": {}", request.command,
                    std::error_code(spawned, std::generic_category()).message()));
  }
  in.close_read();
  out.close_write();
  err.close_write();

  // Feed stdin (small payloads only: credential plugins read none, hooks little).
  std::size_t written = 0;
  while (written < request.standard_input.size()) {
    const ssize_t n = write(in.write_end, request.standard_input.data() + written,
                            request.standard_input.size() - written);
    if (n <= 0) {
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  in.close_write();

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  std::array<pollfd, 2> fds{pollfd{out.read_end, POLLIN, 0}, pollfd{err.read_end, POLLIN, 0}};
  int open_streams = 2;
  bool timed_out = false;
  std::array<char, 4096> buffer{};
  while (open_streams > 0) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(remaining.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
      if (n <= 0) {
        fds[i].fd = -1;
        --open_streams;
        continue;
      }
      (i == 0 ? result.standard_output : result.standard_error)
          .append(buffer.data(), static_cast<std::size_t>(n));
    }
  }
  if (timed_out) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return std::unexpected(fmt::format("\"{}\" did not finish within {} ms and was killed",
                                       request.command, request.timeout.count()));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  // posix_spawnp reports a missing command as exit 127 from the child on glibc.
  if (result.exit_code == 127 && result.standard_output.empty()) {
    return std::unexpected(
        fmt::format("cannot run \"{}\": command not found or not executable", request.command));
  }
  return result;
}

SystemProcessRunner& SystemProcessRunner::instance() {
  static SystemProcessRunner runner;
  return runner;
}

}  // namespace cutover
