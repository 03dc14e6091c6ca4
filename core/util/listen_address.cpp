#include "util/listen_address.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <memory>
#include <system_error>

namespace cutover {

namespace {

// "Address already in use" -> "address already in use": the reason follows a colon.
std::string lower_first(std::string text) {
  if (!text.empty())
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// Why `at` cannot be bound now, in the OS's words ("address already in use"); empty when the
// bind succeeds. SO_REUSEADDR as civetweb and cpp-httplib set it, so a port in TIME_WAIT is not
// reported as busy.
std::string bind_failure(const ListenAddress& at) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(at.port);
  if (const int rc = getaddrinfo(at.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    return lower_first(gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  const int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0)
    return lower_first(std::error_code(errno, std::system_category()).message());
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const int rc = bind(fd, found->ai_addr, found->ai_addrlen);
  const int error = errno;
  close(fd);
  if (rc == 0)
    return "";
  return lower_first(std::error_code(error, std::system_category()).message());
}

}  // namespace

std::expected<ListenAddress, std::string> parse_listen_address(const std::string& address,
                                                               std::string_view flag) {
  const auto colon = address.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const char* first = address.data() + colon + 1;
    const char* last = address.data() + address.size();
    const auto [end, error] = std::from_chars(first, last, port);
    if (error != std::errc{} || end != last || first == last || port < 0 || port > 65535)
      port = -1;
  }
  if (port < 0) {
    return std::unexpected(fmt::format(
        "cannot listen on {} ({}): expected HOST:PORT with a port from 0 to 65535, e.g. "
        "0.0.0.0:8080",
        address, flag));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);  // [::1]:8080
  if (host.empty())
    host = "0.0.0.0";
  return ListenAddress{host, port};
}

std::string listen_error(const std::string& address, std::string_view flag,
                         std::string_view fallback) {
  const auto at = parse_listen_address(address, flag);
  if (!at)
    return at.error();
  std::string reason = bind_failure(*at);
  if (reason.empty())
    reason = fallback;
  return fmt::format("cannot listen on {} ({}): {}", address, flag, reason);
}

std::expected<void, std::string> bind_http_server(httplib::Server& server,
                                                  const std::string& address,
                                                  std::string_view flag) {
  const auto at = parse_listen_address(address, flag);
  if (!at)
    return std::unexpected(at.error());
  if (!server.bind_to_port(at->host, at->port))
    return std::unexpected(listen_error(address, flag, "the address cannot be bound"));
  return {};
}

}  // namespace cutover
