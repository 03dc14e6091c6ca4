#include "ofrep_listener.hpp"

namespace cutover::flag_server {

std::expected<std::unique_ptr<OfrepListener>, std::string> OfrepListener::start(
    const OfrepHttp& http, const std::string& address, std::string_view flag, int threads) {
  auto listener = net::HttpListener::start(
      [&http](const net::ServerRequest& request) {
        OfrepHttpResponse answer = http.handle({.method = request.method(),
                                                .path = request.path(),
                                                .origin = request.header("Origin"),
                                                .authorization = request.header("Authorization"),
                                                .selector = request.header("Flagd-Selector"),
                                                .if_none_match = request.header("If-None-Match"),
                                                .body = request.body(),
                                                .body_too_large = request.body_too_large()});
        return net::ServerResponse{
            .status = answer.status,
            .content_type = answer.body.empty() ? std::string() : "application/json",
            .headers = std::move(answer.headers),
            .body = std::move(answer.body)};
      },
      address, flag,
      // OFREP requests are small; a header block of 8 KiB still fits in 16 KiB (tested), a much
      // longer one is refused with 431.
      {.threads = threads,
       .max_body = kMaxOfrepBody,
       .connection_memory = 16 * 1024,
       .idle_seconds = 30,
       .log_name = "OFREP listener"});
  if (!listener)
    return std::unexpected(listener.error());
  return std::unique_ptr<OfrepListener>(new OfrepListener(std::move(*listener)));
}

int OfrepListener::port() const {
  return listener_->port();
}

}  // namespace cutover::flag_server
