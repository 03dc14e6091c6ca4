#pragma once
// An HTTP/1.1 server on GNU libmicrohttpd: epoll, a fixed pool of event-loop threads, keep-alive
// connections that cost a socket and not a thread, and Server-Sent Event streams that cost no
// thread while they wait. deploy-flags serves OFREP on it and `deploy dashboard` its pages, API
// and event stream. The handler is one function from a request to an answer; it knows no HTTP
// library.
//
// **Example**:
//     auto listener = HttpListener::start(
//         [](const ServerRequest& request) {
//           return ServerResponse{.content_type = "text/plain", .body = "hello"};
//         },
//         "127.0.0.1:0", "--address", {});
//     int port = (*listener)->port();

#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct MHD_Daemon;
struct MHD_Connection;

namespace cutover::net {

/// The request as the handler sees it. Views live as long as the call to the handler.
class ServerRequest {
 public:
  virtual ~ServerRequest() = default;
  [[nodiscard]] virtual std::string_view method() const = 0;
  /// Percent-decoded, without the query.
  [[nodiscard]] virtual std::string_view path() const = 0;
  /// A header's value (names are case-insensitive); empty when absent.
  [[nodiscard]] virtual std::string_view header(const char* name) const = 0;
  /// A query argument's value, percent-decoded; empty when absent.
  [[nodiscard]] virtual std::string_view query(const char* name) const = 0;
  /// A cookie's value; empty when absent.
  [[nodiscard]] virtual std::string_view cookie(const char* name) const = 0;
  [[nodiscard]] virtual std::string_view body() const = 0;
  /// The body was longer than the listener's `max_body` and was not kept: answer 413.
  [[nodiscard]] virtual bool body_too_large() const = 0;
};

/// A Server-Sent Events stream (or any endless body): the handler returns it in its answer and
/// keeps a pointer to push to. While nothing is pushed the connection waits without a thread.
/// Thread-safe.
class EventStream {
 public:
  /// Queues `text` (already framed: `event: x\ndata: y\n\n`). Returns false once the stream is
  /// closed or the client has gone: drop the pointer then.
  bool push(std::string_view text);
  /// Ends the body after what is queued.
  void close();
  /// False once closed or the client has gone.
  [[nodiscard]] bool open() const;
  /// Bytes queued and not yet written (a slow client's backlog).
  [[nodiscard]] std::size_t backlog() const;

  // Used by the listener only: copies queued bytes to `buffer`, or suspends the connection and
  // returns 0 when none are queued, or returns -1 at the end.
  long read(char* buffer, std::size_t size);
  void attach(MHD_Connection* connection);
  void detach();

 private:
  mutable std::mutex mutex_;
  std::string queued_;
  MHD_Connection* connection_ = nullptr;
  bool suspended_ = false;
  bool closed_ = false;
  bool gone_ = false;
};

struct ServerResponse {
  int status = 200;
  std::string content_type;  // left out when empty
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, the body is this stream (chunked), until it is closed or the client goes.
  std::shared_ptr<EventStream> stream;
};

using ServerHandler = std::function<ServerResponse(const ServerRequest&)>;

struct ListenerOptions {
  /// Event-loop threads; 0: one per CPU.
  int threads = 0;
  /// Request bodies over this are read to their end, dropped and flagged (`body_too_large`).
  std::size_t max_body = 1024 * 1024;
  /// Memory per connection for its request line, headers and buffers; a longer header block
  /// is refused with 431.
  std::size_t connection_memory = 16 * 1024;
  /// An idle keep-alive connection is closed after this long (streams that are waiting for an
  /// event do not time out).
  unsigned idle_seconds = 30;
  /// Names the listener in log lines, e.g. "OFREP listener".
  std::string log_name = "HTTP listener";
};

class HttpListener {
 public:
  /// Listens on `address` (`HOST:PORT`, `:PORT` for every interface; port 0 picks a free one)
  /// and serves `handler`. It serves as many connections at once as open files allow: it raises
  /// the process's soft RLIMIT_NOFILE to the hard limit and keeps 64 for the rest. The error
  /// names the address and `flag`, in the operating system's words when the bind fails.
  static std::expected<std::unique_ptr<HttpListener>, std::string> start(ServerHandler handler,
                                                                         const std::string& address,
                                                                         std::string_view flag,
                                                                         ListenerOptions options);

  /// Ends every stream, stops listening, closes every connection and joins the threads.
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  /// The port it listens on (the one picked, for port 0).
  [[nodiscard]] int port() const;

  // Used by the request callbacks.
  struct State;

 private:
  explicit HttpListener(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace cutover::net
