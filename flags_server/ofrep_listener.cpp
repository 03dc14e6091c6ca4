#include "ofrep_listener.hpp"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <thread>

#include "util/listen_address.hpp"
#include "util/log.hpp"

namespace cutover::flag_server {

namespace {

// An idle keep-alive connection is closed after this long; clients reconnect at no cost.
constexpr unsigned kIdleSeconds = 30;

// Each connection's memory for its request line, headers, read buffer and the answer's headers
// (libmicrohttpd's default is 32 KiB, which it zeroes on every request). OFREP requests are
// small; a header block of 8 KiB still fits (tested), a much longer one is refused with 431.
constexpr std::size_t kConnectionMemory = 16 * 1024;

// Descriptors left for the rest of the process: the API client's connections, the management
// port, the informer's watch, logs.
constexpr rlim_t kReservedFiles = 64;

// Raises the soft limit on open files to the hard one, as Go's runtime does at start (a
// container's soft limit is often 1024), and returns how many connections that leaves for OFREP.
// libmicrohttpd's own default is FD_SETSIZE - 4 = 1020 connections, whatever the limit: the
// 1021st client waited in the accept queue until an idle connection timed out (30 s).
unsigned connection_limit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0)
    return 1020;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0)
      getrlimit(RLIMIT_NOFILE, &files);
  }
  const rlim_t usable =
      files.rlim_cur > 2 * kReservedFiles ? files.rlim_cur - kReservedFiles : files.rlim_cur / 2;
  return static_cast<unsigned>(std::min<rlim_t>(usable, 1U << 20U));
}

// One request's state between libmicrohttpd's calls: the body as it arrives.
struct Upload {
  std::string body;
  bool too_large = false;
};

std::string_view header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? std::string_view{} : std::string_view(value);
}

// Asks `http` and queues its answer on `connection`.
MHD_Result respond(const OfrepHttp& http, MHD_Connection* connection, const char* url,
                   const char* method, Upload& upload) {
  const OfrepHttpResponse answer =
      http.handle({.method = method,
                   .path = url,
                   .origin = header(connection, "Origin"),
                   .authorization = header(connection, "Authorization"),
                   .selector = header(connection, "Flagd-Selector"),
                   .if_none_match = header(connection, "If-None-Match"),
                   .body = upload.body,
                   .body_too_large = upload.too_large});
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr)
    return MHD_NO;  // out of memory: libmicrohttpd closes the connection
  if (!answer.body.empty())
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  for (const auto& [name, value] : answer.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return queued;
}

// libmicrohttpd calls this at least twice per request: once with the headers (`*state` still
// null), then with each piece of the body, then once with none, when the answer is made. A body
// over the limit is read to its end and dropped, then answered 413: an answer sent before the
// body's end makes most clients fail on a reset connection instead of reading it.
MHD_Result serve(void* context, MHD_Connection* connection, const char* url, const char* method,
                 const char* /*version*/, const char* data, std::size_t* size, void** state) {
  if (*state == nullptr) {
    *state = new Upload;
    return MHD_YES;
  }
  auto& upload = *static_cast<Upload*>(*state);
  if (*size != 0) {
    if (!upload.too_large && upload.body.size() + *size <= kMaxOfrepBody) {
      upload.body.append(data, *size);
    } else {
      upload.too_large = true;
      std::string().swap(upload.body);
    }
    *size = 0;
    return MHD_YES;
  }
  return respond(*static_cast<const OfrepHttp*>(context), connection, url, method, upload);
}

void completed(void* /*context*/, MHD_Connection* /*connection*/, void** state,
               MHD_RequestTerminationCode /*code*/) {
  delete static_cast<Upload*>(*state);
  *state = nullptr;
}

// libmicrohttpd's own messages (a failed bind, a client that broke the protocol).
void log_message(void* /*context*/, const char* format, va_list arguments) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, arguments);
  std::string_view message(text);
  while (message.ends_with('\n'))
    message.remove_suffix(1);
  log::warn("OFREP listener", {{"detail", message}});
}

}  // namespace

std::expected<std::unique_ptr<OfrepListener>, std::string> OfrepListener::start(
    const OfrepHttp& http, const std::string& address, std::string_view flag, int threads) {
  const auto at = parse_listen_address(address, flag);
  if (!at)
    return std::unexpected(at.error());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string host = at->host.empty() ? "0.0.0.0" : at->host;
  if (const int failed =
          getaddrinfo(host.c_str(), std::to_string(at->port).c_str(), &hints, &found);
      failed != 0) {
    return std::unexpected(listen_error(address, flag, gai_strerror(failed)));
  }
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  unsigned pool =
      threads > 0 ? static_cast<unsigned>(threads) : std::thread::hardware_concurrency();
  pool = pool == 0 ? 1 : pool;
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
  if (found->ai_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  // A pool of one is no pool (its single internal thread), and libmicrohttpd warns when told
  // a size of 0 or 1: the option goes in only for more (an array that starts with END is empty).
  MHD_OptionItem pool_size[] = {
      {pool > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool, nullptr},
      {MHD_OPTION_END, 0, nullptr}};
  // The logger first: libmicrohttpd prints what comes before it to stderr in its own format.
  MHD_Daemon* daemon = MHD_start_daemon(
      flags, static_cast<std::uint16_t>(at->port), nullptr, nullptr, &serve,
      const_cast<OfrepHttp*>(&http), MHD_OPTION_EXTERNAL_LOGGER, &log_message, nullptr,
      MHD_OPTION_SOCK_ADDR, found->ai_addr, MHD_OPTION_ARRAY, pool_size,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit(), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      kConnectionMemory, MHD_OPTION_CONNECTION_TIMEOUT, kIdleSeconds, MHD_OPTION_NOTIFY_COMPLETED,
      &completed, nullptr, MHD_OPTION_END);
  if (daemon == nullptr)
    return std::unexpected(listen_error(address, flag, "the address cannot be bound"));
  return std::unique_ptr<OfrepListener>(new OfrepListener(daemon));
}

OfrepListener::~OfrepListener() {
  MHD_stop_daemon(daemon_);
}

int OfrepListener::port() const {
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  return info == nullptr ? 0 : info->port;
}

}  // namespace cutover::flag_server
