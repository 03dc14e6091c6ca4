#pragma once

#include <optional>
#include <string_view>

namespace cutover::analysis {

/// The outcome of one measurement of one metric, named as Argo Rollouts names it so that status
/// fields read the same to people who know Argo.
///
/// - `successful`: the gate's condition holds.
/// - `failed`: the gate's condition is broken (this counts towards `failureLimit`).
/// - `inconclusive`: neither holds, or there was no data to judge.
/// - `error`: the measurement could not be taken or judged (query or evaluation error).
enum class MeasurementPhase { successful, failed, inconclusive, error };

/// "Successful", "Failed", "Inconclusive" or "Error".
inline std::string_view to_string(MeasurementPhase phase) {
  switch (phase) {
    case MeasurementPhase::successful:
      return "Successful";
    case MeasurementPhase::failed:
      return "Failed";
    case MeasurementPhase::inconclusive:
      return "Inconclusive";
    case MeasurementPhase::error:
      return "Error";
  }
  return "Error";
}

/// The inverse of `to_string`; exact and case-sensitive. `std::nullopt` for anything else.
inline std::optional<MeasurementPhase> parse_measurement_phase(std::string_view text) {
  for (const auto phase : {MeasurementPhase::successful, MeasurementPhase::failed,
                           MeasurementPhase::inconclusive, MeasurementPhase::error}) {
    if (to_string(phase) == text) {
      return phase;
    }
  }
  return std::nullopt;
}

}  // namespace cutover::analysis
