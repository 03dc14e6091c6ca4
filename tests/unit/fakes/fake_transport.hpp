#pragma once
// An HttpTransport that answers from a script and records what it was sent.

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "kube/http_transport.hpp"

namespace cutover::testing {

class FakeTransport final : public kube::HttpTransport {
 public:
  using Responder = std::function<kube::HttpResponse(const kube::HttpRequest&)>;

  explicit FakeTransport(Responder responder) : responder_(std::move(responder)) {}

  std::expected<kube::HttpResponse, kube::Error> send(const kube::HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    return responder_(request);
  }

  std::expected<kube::HttpResponse, kube::Error> stream(const kube::HttpRequest& request,
                                                        const kube::ChunkHandler& on_chunk,
                                                        std::stop_token) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    auto response = responder_(request);
    if (response.status >= 200 && response.status < 300) {
      on_chunk(response.body);
      response.body.clear();
    }
    return response;
  }

  std::vector<kube::HttpRequest> requests;

 private:
  std::mutex mutex_;
  Responder responder_;
};

}  // namespace cutover::testing
