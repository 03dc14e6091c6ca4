#include "net/http_listener.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <thread>

namespace cutover::net {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<HttpListener> listen(ServerHandler handler) {
  // cpp-httplib's client writes without MSG_NOSIGNAL; a client that left must not kill the test.
  std::signal(SIGPIPE, SIG_IGN);
  auto listener = HttpListener::start(std::move(handler), "127.0.0.1:0", "--address",
                                      {.threads = 2, .log_name = "test listener"});
  EXPECT_TRUE(listener.has_value()) << listener.error();
  return std::move(*listener);
}

TEST(HttpListenerTest, TheHandlerSeesHeadersQueryCookiesAndBody) {
  auto listener = listen([](const ServerRequest& request) {
    return ServerResponse{
        .status = 201,
        .content_type = "text/plain",
        .headers = {{"X-Seen", std::string(request.header("x-custom"))}},
        .body = std::string(request.method()) + " " + std::string(request.path()) + " q=" +
                std::string(request.query("q")) + " c=" + std::string(request.cookie("session")) +
                " b=" + std::string(request.body())};
  });
  httplib::Client client("127.0.0.1", listener->port());
  auto answer =
      client.Post("/a%20b?q=x%2Fy", {{"X-Custom", "v"}, {"Cookie", "other=1; session=s1"}},
                  "payload", "text/plain");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 201);
  EXPECT_EQ(answer->get_header_value("X-Seen"), "v");
  EXPECT_EQ(answer->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(answer->body, "POST /a b q=x/y c=s1 b=payload");
}

TEST(HttpListenerTest, AHandlerThatThrowsIsA500NotACrash) {
  auto listener =
      listen([](const ServerRequest&) -> ServerResponse { throw std::runtime_error("boom"); });
  httplib::Client client("127.0.0.1", listener->port());
  auto answer = client.Get("/");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 500);
  EXPECT_EQ(answer->body, "internal error");
}

TEST(HttpListenerTest, ABodyOverTheLimitIsFlaggedAndDropped) {
  auto listener = HttpListener::start(
      [](const ServerRequest& request) {
        return ServerResponse{.status = request.body_too_large() ? 413 : 200,
                              .body = std::to_string(request.body().size())};
      },
      "127.0.0.1:0", "--address", {.threads = 1, .max_body = 10});
  ASSERT_TRUE(listener);
  httplib::Client client("127.0.0.1", (*listener)->port());
  auto small = client.Post("/", "0123456789", "text/plain");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  auto large = client.Post("/", "0123456789x", "text/plain");
  ASSERT_TRUE(large);
  EXPECT_EQ(large->status, 413);
  EXPECT_EQ(large->body, "0");
}

// A stream waits without a thread and sends what is pushed, in order, as it is pushed.
TEST(HttpListenerTest, AStreamSendsWhatIsPushedUntilClosed) {
  std::promise<std::shared_ptr<EventStream>> opened;
  auto listener = listen([&opened](const ServerRequest& request) {
    if (request.path() != "/events")
      return ServerResponse{.body = "other"};
    auto stream = std::make_shared<EventStream>();
    opened.set_value(stream);
    return ServerResponse{.content_type = "text/event-stream", .stream = stream};
  });
  std::string received;
  std::thread reader([&] {
    httplib::Client client("127.0.0.1", listener->port());
    client.Get("/events", [&](const char* data, std::size_t size) {
      received.append(data, size);
      return true;
    });
  });
  auto stream = opened.get_future().get();
  // Other requests are served while the stream waits.
  httplib::Client other("127.0.0.1", listener->port());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(other.Get("/other"));
  EXPECT_TRUE(stream->push("event: a\ndata: 1\n\n"));
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(stream->push("event: b\ndata: 2\n\n"));
  stream->close();
  EXPECT_FALSE(stream->push("late"));
  reader.join();
  EXPECT_EQ(received, "event: a\ndata: 1\n\nevent: b\ndata: 2\n\n");
}

// A client that goes away is found at the next write: push turns false and the stream lets go.
TEST(HttpListenerTest, AStreamWhoseClientLeftRefusesPushes) {
  std::promise<std::shared_ptr<EventStream>> opened;
  auto listener = listen([&opened](const ServerRequest&) {
    auto stream = std::make_shared<EventStream>();
    opened.set_value(stream);
    return ServerResponse{.content_type = "text/event-stream", .stream = stream};
  });
  std::thread reader([&] {
    httplib::Client client("127.0.0.1", listener->port());
    client.Get("/events", [&](const char*, std::size_t) { return false; });  // leaves at once
  });
  auto stream = opened.get_future().get();
  stream->push(": hello\n\n");
  reader.join();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (stream->open() && std::chrono::steady_clock::now() < deadline) {
    stream->push(": ping\n\n");
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_FALSE(stream->open());
}

// Stopping the listener with a stream waiting (suspended) ends the stream; it must not hang or
// break libmicrohttpd's rule against stopping with suspended connections.
TEST(HttpListenerTest, StoppingWithAWaitingStreamEndsIt) {
  std::promise<std::shared_ptr<EventStream>> opened;
  auto listener = listen([&opened](const ServerRequest&) {
    auto stream = std::make_shared<EventStream>();
    opened.set_value(stream);
    return ServerResponse{.content_type = "text/event-stream", .stream = stream};
  });
  std::atomic<bool> done{false};
  std::thread reader([&, port = listener->port()] {
    httplib::Client client("127.0.0.1", port);
    client.Get("/events", [&](const char*, std::size_t) { return true; });
    done = true;
  });
  auto stream = opened.get_future().get();
  stream->push(": hello\n\n");
  std::this_thread::sleep_for(100ms);  // the stream is suspended again, waiting
  listener.reset();
  reader.join();
  EXPECT_TRUE(done);
  EXPECT_FALSE(stream->open());
}

TEST(HttpListenerTest, ABusyOrMalformedAddressIsAnErrorNamingTheFlag) {
  auto first = listen([](const ServerRequest&) { return ServerResponse{}; });
  auto busy = HttpListener::start([](const ServerRequest&) { return ServerResponse{}; },
                                  "127.0.0.1:" + std::to_string(first->port()), "--address", {});
  ASSERT_FALSE(busy);
  EXPECT_NE(busy.error().find("--address"), std::string::npos) << busy.error();
  EXPECT_NE(busy.error().find("in use"), std::string::npos) << busy.error();
  auto malformed = HttpListener::start([](const ServerRequest&) { return ServerResponse{}; },
                                       "nowhere", "--address", {});
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().find("HOST:PORT"), std::string::npos) << malformed.error();
}

}  // namespace
}  // namespace cutover::net
