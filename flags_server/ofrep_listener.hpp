#pragma once
// The OFREP port: net::HttpListener (GNU libmicrohttpd) serving OfrepHttp. Flag evaluations are
// deploy-flags' whole load, so they get an event-driven server (epoll, a fixed pool of threads,
// keep-alive connections cost a socket and not a thread); /metrics and the probes stay on
// cpp-httplib.

#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_listener.hpp"
#include "ofrep_http.hpp"

namespace cutover::flag_server {

class OfrepListener {
 public:
  /// Listens on `address` (`HOST:PORT`, `:PORT` for every interface; port 0 picks a free one)
  /// with `threads` event loops (0: one per CPU) and serves `http`, which must outlive the
  /// listener. It serves as many connections at once as open files allow: it raises the
  /// process's soft RLIMIT_NOFILE to the hard limit and keeps 64 for the rest. The error names the
  /// address and `flag`, in the operating system's words when the bind fails (`listen_error`).
  static std::expected<std::unique_ptr<OfrepListener>, std::string> start(
      const OfrepHttp& http, const std::string& address, std::string_view flag, int threads);

  /// The port it listens on (the one picked, for port 0).
  int port() const;

 private:
  explicit OfrepListener(std::unique_ptr<net::HttpListener> listener)
      : listener_(std::move(listener)) {}
  // Stopping it closes every connection and joins the threads.
  std::unique_ptr<net::HttpListener> listener_;
};

}  // namespace cutover::flag_server
