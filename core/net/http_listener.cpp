#include "net/http_listener.hpp"

#include <microhttpd.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "util/listen_address.hpp"
#include "util/log.hpp"

namespace cutover::net {

namespace {

// Descriptors left for the rest of the process: the API client's connections, the management
// port, the informers' watches, logs.
constexpr rlim_t kReservedFiles = 64;

// A stream whose client reads slower than events come is cut off past this backlog: it
// reconnects and starts from a fresh list, rather than the server holding its bytes forever.
constexpr std::size_t kMaxStreamBacklog = 8 * 1024 * 1024;

// Raises the soft limit on open files to the hard one, as Go's runtime does at start (a
// container's soft limit is often 1024), and returns how many connections that leaves.
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

std::string_view value_of(MHD_Connection* connection, MHD_ValueKind kind, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, kind, name);
  return value == nullptr ? std::string_view{} : std::string_view(value);
}

// One request's state between libmicrohttpd's calls: the body as it arrives.
struct Upload {
  std::string body;
  bool too_large = false;
};

class MhdRequest final : public ServerRequest {
 public:
  MhdRequest(MHD_Connection* connection, const char* method, const char* url, const Upload& upload)
      : connection_(connection), method_(method), url_(url), upload_(upload) {}
  [[nodiscard]] std::string_view method() const override { return method_; }
  [[nodiscard]] std::string_view path() const override { return url_; }
  [[nodiscard]] std::string_view header(const char* name) const override {
    return value_of(connection_, MHD_HEADER_KIND, name);
  }
  [[nodiscard]] std::string_view query(const char* name) const override {
    return value_of(connection_, MHD_GET_ARGUMENT_KIND, name);
  }
  [[nodiscard]] std::string_view cookie(const char* name) const override {
    return value_of(connection_, MHD_COOKIE_KIND, name);
  }
  [[nodiscard]] std::string_view body() const override { return upload_.body; }
  [[nodiscard]] bool body_too_large() const override { return upload_.too_large; }

 private:
  MHD_Connection* connection_;
  std::string_view method_;
  std::string_view url_;
  const Upload& upload_;
};

// libmicrohttpd's own messages (a failed bind, a client that broke the protocol).
void log_message(void* context, const char* format, va_list arguments) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, arguments);
  std::string_view message(text);
  while (message.ends_with('\n'))
    message.remove_suffix(1);
  log::warn(*static_cast<const std::string*>(context), {{"detail", message}});
}

ssize_t read_stream(void* context, std::uint64_t /*position*/, char* buffer, std::size_t size) {
  return (*static_cast<std::shared_ptr<EventStream>*>(context))->read(buffer, size);
}

void free_stream(void* context) {
  auto* stream = static_cast<std::shared_ptr<EventStream>*>(context);
  (*stream)->detach();
  delete stream;
}

}  // namespace

bool EventStream::push(std::string_view text) {
  const std::scoped_lock lock(mutex_);
  if (closed_ || gone_)
    return false;
  if (queued_.size() + text.size() > kMaxStreamBacklog) {
    closed_ = true;  // ends after what is queued; the client reconnects
  } else {
    queued_.append(text);
  }
  if (suspended_) {
    suspended_ = false;
    MHD_resume_connection(connection_);
  }
  return !closed_;
}

void EventStream::close() {
  const std::scoped_lock lock(mutex_);
  closed_ = true;
  if (suspended_) {
    suspended_ = false;
    MHD_resume_connection(connection_);
  }
}

bool EventStream::open() const {
  const std::scoped_lock lock(mutex_);
  return !closed_ && !gone_;
}

std::size_t EventStream::backlog() const {
  const std::scoped_lock lock(mutex_);
  return queued_.size();
}

long EventStream::read(char* buffer, std::size_t size) {
  const std::scoped_lock lock(mutex_);
  if (!queued_.empty()) {
    const std::size_t n = std::min(size, queued_.size());
    std::memcpy(buffer, queued_.data(), n);
    queued_.erase(0, n);
    return static_cast<long>(n);
  }
  if (closed_ || connection_ == nullptr)
    return MHD_CONTENT_READER_END_OF_STREAM;
  // Nothing to send: the connection leaves the event loop until `push` or `close` resumes it
  // (libmicrohttpd allows this only here and in the request handler).
  MHD_suspend_connection(connection_);
  suspended_ = true;
  return 0;
}

void EventStream::attach(MHD_Connection* connection) {
  const std::scoped_lock lock(mutex_);
  connection_ = connection;
}

void EventStream::detach() {
  const std::scoped_lock lock(mutex_);
  gone_ = true;
  connection_ = nullptr;
  suspended_ = false;
}

struct HttpListener::State {
  ServerHandler handler;
  ListenerOptions options;
  MHD_Daemon* daemon = nullptr;
  std::mutex mutex;
  std::vector<std::weak_ptr<EventStream>> streams;

  void remember(const std::shared_ptr<EventStream>& stream) {
    const std::scoped_lock lock(mutex);
    std::erase_if(streams, [](const auto& weak) { return weak.expired(); });
    streams.push_back(stream);
  }
};

namespace {

MHD_Result respond(HttpListener::State& state, MHD_Connection* connection, const char* url,
                   const char* method, Upload& upload) {
  const MhdRequest request(connection, method, url, upload);
  ServerResponse answer;
  try {
    answer = state.handler(request);
  } catch (const std::exception& e) {
    log::error(state.options.log_name + ": the handler failed", {{"error", e.what()}});
    answer = ServerResponse{.status = 500, .content_type = "text/plain", .body = "internal error"};
  }
  MHD_Response* response = nullptr;
  if (answer.stream) {
    answer.stream->attach(connection);
    state.remember(answer.stream);
    response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, &read_stream,
                                                 new std::shared_ptr<EventStream>(answer.stream),
                                                 &free_stream);
  } else {
    response = MHD_create_response_from_buffer(
        answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  }
  if (response == nullptr)
    return MHD_NO;  // out of memory: libmicrohttpd closes the connection
  if (!answer.content_type.empty())
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, answer.content_type.c_str());
  for (const auto& [name, value] : answer.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  const MHD_Result queued =
      MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return queued;
}

// libmicrohttpd calls this at least twice per request: once with the headers (`*state` still
// null), then with each piece of the body, then once with none, when the answer is made. A body
// over the limit is read to its end and dropped, then flagged: an answer sent before the body's
// end makes most clients fail on a reset connection instead of reading it.
MHD_Result serve(void* context, MHD_Connection* connection, const char* url, const char* method,
                 const char* /*version*/, const char* data, std::size_t* size, void** state) {
  auto& listener = *static_cast<HttpListener::State*>(context);
  if (*state == nullptr) {
    *state = new Upload;
    return MHD_YES;
  }
  auto& upload = *static_cast<Upload*>(*state);
  if (*size != 0) {
    if (!upload.too_large && upload.body.size() + *size <= listener.options.max_body) {
      upload.body.append(data, *size);
    } else {
      upload.too_large = true;
      std::string().swap(upload.body);
    }
    *size = 0;
    return MHD_YES;
  }
  return respond(listener, connection, url, method, upload);
}

void completed(void* /*context*/, MHD_Connection* /*connection*/, void** state,
               MHD_RequestTerminationCode /*code*/) {
  delete static_cast<Upload*>(*state);
  *state = nullptr;
}

}  // namespace

HttpListener::HttpListener(std::unique_ptr<State> state) : state_(std::move(state)) {}

std::expected<std::unique_ptr<HttpListener>, std::string> HttpListener::start(
    ServerHandler handler, const std::string& address, std::string_view flag,
    ListenerOptions options) {
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
  unsigned pool = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                      : std::thread::hardware_concurrency();
  pool = pool == 0 ? 1 : pool;
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
  if (found->ai_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->options = std::move(options);
  // A pool of one is no pool (its single internal thread), and libmicrohttpd warns when told
  // a size of 0 or 1: the option goes in only for more (an array that starts with END is empty).
  MHD_OptionItem pool_size[] = {
      {pool > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool, nullptr},
      {MHD_OPTION_END, 0, nullptr}};
  // The logger first: libmicrohttpd prints what comes before it to stderr in its own format.
  state->daemon = MHD_start_daemon(
      flags, static_cast<std::uint16_t>(at->port), nullptr, nullptr, &serve, state.get(),
      MHD_OPTION_EXTERNAL_LOGGER, &log_message, &state->options.log_name, MHD_OPTION_SOCK_ADDR,
      found->ai_addr, MHD_OPTION_ARRAY, pool_size, MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, state->options.connection_memory,
      MHD_OPTION_CONNECTION_TIMEOUT, state->options.idle_seconds, MHD_OPTION_NOTIFY_COMPLETED,
      &completed, nullptr, MHD_OPTION_END);
  if (state->daemon == nullptr)
    return std::unexpected(listen_error(address, flag, "the address cannot be bound"));
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(state)));
}

HttpListener::~HttpListener() {
  // libmicrohttpd must not be stopped with a connection suspended: every stream ends first.
  std::vector<std::shared_ptr<EventStream>> streams;
  {
    const std::scoped_lock lock(state_->mutex);
    for (const auto& weak : state_->streams) {
      if (auto stream = weak.lock())
        streams.push_back(std::move(stream));
    }
  }
  for (const auto& stream : streams)
    stream->close();
  MHD_stop_daemon(state_->daemon);
}

int HttpListener::port() const {
  const MHD_DaemonInfo* info = MHD_get_daemon_info(state_->daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == nullptr ? 0 : info->port;
}

}  // namespace cutover::net
