#pragma once
// deploy-flags' /metrics, through prometheus-cpp. Recording is lock-free for counters, so the
// request path pays a few atomic adds.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace cutover::flag_server {

/// Which OFREP endpoint a request was for.
enum class Endpoint { flag, flags, other };

class FlagsMetrics {
 public:
  FlagsMetrics();

  /// cutover_flags_requests_total{endpoint, code} and
  /// cutover_flags_request_duration_seconds{endpoint}.
  void request(Endpoint endpoint, int status, std::chrono::duration<double> took);
  /// cutover_flags_feature_flags{state="valid"|"invalid"}, cutover_flags_flags (served keys of
  /// every source) and cutover_flags_snapshots_total (snapshots published).
  void catalog(std::size_t valid, std::size_t invalid, std::size_t flags);

  /// The text exposition format of every metric.
  [[nodiscard]] std::string serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  /// The request counters of the usual (endpoint, status) pairs, found once: a Family::Add per
  /// request builds a label map and takes the family's lock, which 64 server threads contend
  /// for (bench/ofrep.sh). Null until first used, so /metrics shows no series never served.
  static constexpr std::size_t kCachedStatuses = 8;
  std::array<std::atomic<prometheus::Counter*>, 3 * kCachedStatuses> request_counters_{};
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Histogram& flag_duration_;
  prometheus::Histogram& flags_duration_;
  prometheus::Family<prometheus::Gauge>& feature_flags_;
  prometheus::Gauge& valid_;
  prometheus::Gauge& invalid_;
  prometheus::Gauge& flags_;
  prometheus::Counter& snapshots_;
};

}  // namespace cutover::flag_server
