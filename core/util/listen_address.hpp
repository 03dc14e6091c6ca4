#pragma once
// Listening addresses given on a command line (`--metrics-bind-address 0.0.0.0:8080`): parsed,
// bound, and, when binding fails, explained in the operating system's words. The operator and
// the flag server share these.

#include <expected>
#include <string>
#include <string_view>

namespace httplib {
class Server;
}

namespace cutover {

/// Where a listener binds: the value of a `--...-bind-address` flag.
struct ListenAddress {
  std::string host;  // as given; an empty host is 0.0.0.0
  int port = 0;
};

/// Parses `HOST:PORT` (`:PORT` means 0.0.0.0). On error, the message names the value and the
/// flag and gives an example:
/// `cannot listen on web (--metrics-bind-address): expected HOST:PORT, e.g. 0.0.0.0:8080`.
std::expected<ListenAddress, std::string> parse_listen_address(const std::string& address,
                                                               std::string_view flag);

/// The error for a listener that did not start on `address` (as the user gave it):
/// `cannot listen on 0.0.0.0:8080 (--metrics-bind-address): address already in use`. The reason
/// is the operating system's, found by binding the address once more (neither civetweb nor
/// cpp-httplib reports it); `fallback` stands in when that bind succeeds (the port was freed
/// meanwhile) or the address does not parse.
std::string listen_error(const std::string& address, std::string_view flag,
                         std::string_view fallback);

/// Binds `server` to `address` now (it listens later, with `listen_after_bind` on a thread of
/// its own), so that a busy port is an error here rather than a thread that returns unnoticed.
/// The error is `listen_error`'s.
std::expected<void, std::string> bind_http_server(httplib::Server& server,
                                                  const std::string& address,
                                                  std::string_view flag);

}  // namespace cutover
