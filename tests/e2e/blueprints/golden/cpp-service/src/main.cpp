// The process: configuration from the environment, the server, and graceful shutdown.
//
// Environment:
//   HOST                    address to listen on (default 0.0.0.0)
//   PORT                    port to listen on (default DEFAULT_PORT, set by CMakeLists.txt)
//   SHUTDOWN_DELAY_SECONDS  how long to keep serving after SIGTERM with /readyz failing, so
//                           that the endpoints controller and the proxies stop routing here
//                           before the listener closes (default 0; deploy/rollout.yaml sets it)
//
// Exit codes: 0 after a graceful shutdown, 1 when the configuration or the bind fails.
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "service.hpp"

#ifndef SERVICE_NAME
#define SERVICE_NAME "service"
#endif
#ifndef DEFAULT_PORT
#define DEFAULT_PORT 8080
#endif

namespace {

// One JSON object per line on stdout; the messages and keys are ours, never user input.
void log(std::string_view level, std::string_view message, std::string_view extra = {}) {
  std::cout << R"({"level":")" << level << R"(","service":")" << SERVICE_NAME << R"(","msg":")"
            << message << '"' << extra << "}" << std::endl;
}

std::string env_or(const char* key, std::string fallback) {
  const char* value = std::getenv(key);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

// An integer environment variable within [min, max]; nullopt (and a logged error) otherwise.
std::optional<int> env_int(const char* key, int fallback, int min, int max) {
  const std::string text = env_or(key, std::to_string(fallback));
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    log("error", std::string(key) + " must be an integer in [" + std::to_string(min) + ", " +
                     std::to_string(max) + "], got " + text);
    return std::nullopt;
  }
  return value;
}

}  // namespace

int main() {
  const std::string host = env_or("HOST", "0.0.0.0");
  const auto port = env_int("PORT", DEFAULT_PORT, 1, 65535);
  const auto delay = env_int("SHUTDOWN_DELAY_SECONDS", 0, 0, 300);
  if (!port || !delay)
    return 1;

  // Block the signals before any thread starts (threads inherit the mask), then wait for
  // them in this thread with sigwait: no async-signal-safety concerns in a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  service::Service service(SERVICE_NAME);
  httplib::Server& server = service.server();
  if (!server.bind_to_port(host, *port)) {
    log("error", "cannot listen on " + host + ":" + std::to_string(*port));
    return 1;
  }
  std::thread listener([&server] { server.listen_after_bind(); });
  log("info", "listening", R"(,"address":")" + host + ":" + std::to_string(*port) + '"');

  int received = 0;
  sigwait(&signals, &received);
  // Readiness first: the pod leaves the Services' endpoints while it still answers.
  service.set_ready(false);
  log("info", "shutting down", R"(,"signal":)" + std::to_string(received));
  std::this_thread::sleep_for(std::chrono::seconds(*delay));
  // stop() closes the listening socket; httplib's worker pool then finishes the requests it
  // holds (an idle keep-alive connection is closed after its keep-alive timeout, 5 s at most).
  server.stop();
  listener.join();
  log("info", "stopped");
  return 0;
}
