// The service's HTTP surface: its routes, the Kubernetes probes and the Prometheus metrics, on
// one httplib::Server. main.cpp owns the process (configuration, signals, lifecycle); the unit
// test drives this class directly.
#pragma once

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>

namespace service {

class Service {
 public:
  explicit Service(std::string name);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Bind and listen with it (bind_to_port + listen_after_bind); stop() it to shut down.
  // httplib calls the handlers from its worker threads, so everything below is thread-safe.
  httplib::Server& server() { return server_; }

  // /readyz answers 503 once this is false. On SIGTERM readiness goes false first, so the
  // Services stop routing to the pod while it still serves what is in flight.
  void set_ready(bool ready) noexcept { ready_.store(ready); }
  [[nodiscard]] bool ready() const noexcept { return ready_.load(); }

  // The Prometheus text exposition of every metric, as served on /metrics.
  [[nodiscard]] std::string metrics_text() const;

 private:
  void route(const std::string& path, httplib::Server::Handler handler);
  void observe(const httplib::Request& request, const httplib::Response& response);

  std::string name_;
  std::shared_ptr<prometheus::Registry> registry_;
  // The names and labels the SLO policies query: http_requests_total{method, path, code} and
  // http_request_duration_seconds{method, path, code} (a histogram, for p99 and the mean).
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  // The routes registered with route(); any other path is labelled "unmatched", so a scan of
  // random URLs cannot create unbounded label values.
  std::set<std::string> routes_;
  std::atomic<bool> ready_{true};
  httplib::Server server_;
};

}  // namespace service
