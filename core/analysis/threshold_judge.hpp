#pragma once

#include <span>
#include <string>

#include "analysis/expression.hpp"
#include "analysis/measurement.hpp"

namespace cutover::analysis {

/// A judge's verdict on one measurement, with a sentence for people (status, events, logs).
struct Judgement {
  MeasurementPhase phase = MeasurementPhase::error;
  std::string message;
};

/// Judges one query result against a success and/or a failure condition, as Argo Rollouts'
/// `EvaluateResult` does:
///
/// - only `success`: Successful when it holds, Failed when it does not;
/// - only `failure`: Failed when it holds, Successful when it does not;
/// - both: Failed if `failure` holds, else Successful if `success` holds, else Inconclusive;
/// - neither: Successful (as in Argo: the measurement itself is the check).
///
/// No data is never a success: an empty `result` is Inconclusive with the message "no data",
/// unless `failure` is given and holds on the empty result (e.g. `len(result) == 0`), which is
/// Failed. An evaluation error (e.g. `result[2]` on a 2-element result) is Error. Null pointers
/// mean "no such condition".
Judgement judge_threshold(const Expression* success, const Expression* failure,
                          std::span<const double> result);

}  // namespace cutover::analysis
