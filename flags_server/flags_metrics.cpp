#include "flags_metrics.hpp"

#include <prometheus/text_serializer.h>

#include <string_view>

namespace cutover::flag_server {

namespace {

std::string_view name_of(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::flag:
      return "flag";
    case Endpoint::flags:
      return "flags";
    case Endpoint::other:
      break;
  }
  return "other";
}

// The slot of a status among the cached ones, or -1.
int status_slot(int status) {
  switch (status) {
    case 200:
      return 0;
    case 304:
      return 1;
    case 400:
      return 2;
    case 401:
      return 3;
    case 404:
      return 4;
    case 405:
      return 5;
    case 413:
      return 6;
    case 503:
      return 7;
    default:
      return -1;
  }
}

// From 50 µs (an evaluation served from memory) to 100 ms (a machine in trouble).
prometheus::Histogram::BucketBoundaries buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1};
}

}  // namespace

FlagsMetrics::FlagsMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("cutover_flags_requests_total")
                    .Help("OFREP requests served, by endpoint (flag, flags) and HTTP status")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("cutover_flags_request_duration_seconds")
                     .Help("Time from a request's arrival to its answer, by endpoint")
                     .Register(*registry_)),
      flag_duration_(durations_.Add({{"endpoint", "flag"}}, buckets())),
      flags_duration_(durations_.Add({{"endpoint", "flags"}}, buckets())),
      feature_flags_(prometheus::BuildGauge()
                         .Name("cutover_flags_feature_flags")
                         .Help("FeatureFlags in scope, by whether their flagSpec is valid (an "
                               "invalid one serves nothing)")
                         .Register(*registry_)),
      valid_(feature_flags_.Add({{"state", "valid"}})),
      invalid_(feature_flags_.Add({{"state", "invalid"}})),
      flags_(prometheus::BuildGauge()
                 .Name("cutover_flags_flags")
                 .Help("Flags defined by the valid FeatureFlags in scope")
                 .Register(*registry_)
                 .Add({})),
      snapshots_(prometheus::BuildCounter()
                     .Name("cutover_flags_snapshots_total")
                     .Help("Flag snapshots published (one per FeatureFlag change seen)")
                     .Register(*registry_)
                     .Add({})) {}

void FlagsMetrics::request(Endpoint endpoint, int status, std::chrono::duration<double> took) {
  const auto add = [&] {
    return &requests_.Add(
        {{"endpoint", std::string(name_of(endpoint))}, {"code", std::to_string(status)}});
  };
  if (const int slot = status_slot(status); slot >= 0) {
    auto& cached = request_counters_[static_cast<std::size_t>(endpoint) * kCachedStatuses +
                                     static_cast<std::size_t>(slot)];
    prometheus::Counter* counter = cached.load(std::memory_order_acquire);
    if (counter == nullptr) {
      counter = add();  // the same counter for the same labels, whoever adds it first
      cached.store(counter, std::memory_order_release);
    }
    counter->Increment();
  } else {
    add()->Increment();
  }
  if (endpoint == Endpoint::flag)
    flag_duration_.Observe(took.count());
  else if (endpoint == Endpoint::flags)
    flags_duration_.Observe(took.count());
}

void FlagsMetrics::catalog(std::size_t valid, std::size_t invalid, std::size_t flags) {
  valid_.Set(static_cast<double>(valid));
  invalid_.Set(static_cast<double>(invalid));
  flags_.Set(static_cast<double>(flags));
  snapshots_.Increment();
}

std::string FlagsMetrics::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace cutover::flag_server
