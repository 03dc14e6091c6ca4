#include "service.hpp"

#include <prometheus/text_serializer.h>

#include <chrono>
#include <optional>
#include <utility>

namespace service {
namespace {

using Clock = std::chrono::steady_clock;

// httplib runs the pre-routing handler, the route's handler and the logger for one request on
// one worker thread, so the start time can live in a thread_local between them. A request that
// fails to parse never reaches pre-routing; its start is unset and it is counted without a
// duration.
thread_local std::optional<Clock::time_point> request_start;

// Prometheus's default buckets (seconds): fine enough around the policies' p99 bound (0.5 s).
const prometheus::Histogram::BucketBoundaries kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1,    2.5,   5,    10};

}  // namespace

Service::Service(std::string name)
    : name_(std::move(name)),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("http_requests_total")
                    .Help("HTTP requests served, by method, route and status code.")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("http_request_duration_seconds")
                     .Help("HTTP request latency in seconds, by method, route and status code.")
                     .Register(*registry_)) {
  server_.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Counted before the response is written (httplib's logger runs after it): a client that
  // reads /metrics right after its answer sees its own request counted.
  server_.set_post_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        observe(request, response);
      });

  // Liveness: the process can answer at all. It stays 200 while shutting down, so that
  // Kubernetes does not restart a pod that is draining.
  route("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  route("/readyz", [this](const httplib::Request&, httplib::Response& response) {
    const bool is_ready = ready();
    response.status = is_ready ? 200 : 503;
    response.set_content(is_ready ? "ok\n" : "shutting down\n", "text/plain");
  });
  route("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics_text(), "text/plain; version=0.0.4");
  });
  // The application's own routes go here, registered with route() so that they are measured
  // under their own path label.
  route("/", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"service":")" + name_ + R"("})" + "\n", "application/json");
  });
}

void Service::route(const std::string& path, httplib::Server::Handler handler) {
  routes_.insert(path);
  server_.Get(path, std::move(handler));
}

void Service::observe(const httplib::Request& request, const httplib::Response& response) {
  const std::string path = routes_.contains(request.path) ? request.path : "unmatched";
  const prometheus::Labels labels{
      {"method", request.method}, {"path", path}, {"code", std::to_string(response.status)}};
  requests_.Add(labels).Increment();
  if (request_start) {
    const std::chrono::duration<double> elapsed = Clock::now() - *request_start;
    durations_.Add(labels, kBuckets).Observe(elapsed.count());
    request_start.reset();
  }
}

std::string Service::metrics_text() const {
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

}  // namespace service
