#include "analysis/threshold_judge.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <string>

namespace cutover::analysis {

namespace {

// "[0.004]" or "[0.97, 180, ... 7 values]": enough to see why, short enough for a status field.
std::string describe_result(std::span<const double> result) {
  constexpr std::size_t shown = 4;
  std::string text = "[";
  for (std::size_t i = 0; i < result.size() && i < shown; ++i) {
    text += fmt::format("{}{:g}", i == 0 ? "" : ", ", result[i]);
  }
  if (result.size() > shown) {
    text += fmt::format(", ... {} values", result.size());
  }
  return text + "]";
}

}  // namespace

Judgement judge_threshold(const Expression* success, const Expression* failure,
                          std::span<const double> result) {
  if (result.empty()) {
    // Only an explicit failure condition may judge an empty result; everything else waits.
    if (failure != nullptr) {
      if (const auto holds = failure->evaluate(result); holds && *holds) {
        return {MeasurementPhase::failed,
                fmt::format("failure condition '{}' holds on no data", failure->source())};
      }
    }
    return {MeasurementPhase::inconclusive, "no data"};
  }

  bool success_holds = false;
  bool failure_holds = false;
  if (success != nullptr) {
    const auto holds = success->evaluate(result);
    if (!holds) {
      return {MeasurementPhase::error,
              fmt::format("success condition '{}': {}", success->source(), holds.error())};
    }
    success_holds = *holds;
  }
  if (failure != nullptr) {
    const auto holds = failure->evaluate(result);
    if (!holds) {
      return {MeasurementPhase::error,
              fmt::format("failure condition '{}': {}", failure->source(), holds.error())};
    }
    failure_holds = *holds;
  }

  const std::string values = describe_result(result);
  if (success == nullptr && failure == nullptr) {
    return {MeasurementPhase::successful, fmt::format("no condition to check; result {}", values)};
  }
  if (failure != nullptr && failure_holds) {
    return {MeasurementPhase::failed,
            fmt::format("failure condition '{}' holds for result {}", failure->source(), values)};
  }
  if (success != nullptr && !success_holds && failure == nullptr) {
    return {MeasurementPhase::failed, fmt::format("success condition '{}' does not hold for "
                                                  "result {}",
                                                  success->source(), values)};
  }
  if (success != nullptr && success_holds) {
    return {MeasurementPhase::successful,
            fmt::format("success condition '{}' holds for result {}", success->source(), values)};
  }
  if (success == nullptr) {
    return {MeasurementPhase::successful, fmt::format("failure condition '{}' does not hold for "
                                                      "result {}",
                                                      failure->source(), values)};
  }
  return {MeasurementPhase::inconclusive,
          fmt::format("neither success condition '{}' nor failure condition '{}' holds for "
                      "result {}",
                      success->source(), failure->source(), values)};
}

}  // namespace cutover::analysis
