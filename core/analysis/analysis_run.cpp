#include "analysis/analysis_run.hpp"

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::analysis {

namespace {

std::optional<WallTime> time_at(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return std::nullopt;
  return parse_rfc3339(it->get<std::string>());
}

Measurement parse_measurement(const Json& j) {
  Measurement m;
  m.started_at = time_at(j, "startedAt").value_or(WallTime{});
  m.finished_at = time_at(j, "finishedAt").value_or(m.started_at);
  m.phase = parse_measurement_phase(string_or(j, "phase")).value_or(MeasurementPhase::inconclusive);
  m.value = string_or(j, "value");
  m.message = string_or(j, "message");
  return m;
}

MetricResult parse_metric_result(const Json& j) {
  MetricResult r;
  r.name = string_or(j, "name");
  r.phase = parse_run_phase(string_or(j, "phase")).value_or(RunPhase::pending);
  r.message = string_or(j, "message");
  r.dry_run = bool_or(j, "dryRun");
  auto& c = r.counts;
  c.measured = static_cast<int>(int_or(j, "count"));
  c.successful = static_cast<int>(int_or(j, "successful"));
  c.failed = static_cast<int>(int_or(j, "failed"));
  c.inconclusive = static_cast<int>(int_or(j, "inconclusive"));
  c.error = static_cast<int>(int_or(j, "error"));
  c.consecutive_error = static_cast<int>(int_or(j, "consecutiveError"));
  r.waiting_for_data_since = time_at(j, "waitingForDataSince");
  r.last_attempt_at = time_at(j, "lastAttemptAt");
  const Json& list = member(j, "measurements");
  if (list.is_array()) {
    for (const auto& m : list) {
      if (m.is_object())
        r.measurements.push_back(parse_measurement(m));
    }
  }
  return r;
}

RunStatus parse_status(const Json& j) {
  RunStatus s;
  if (!j.is_object())
    return s;
  const std::string phase = string_or(j, "phase");
  s.terminated = phase == "Terminated";
  s.phase =
      s.terminated ? RunPhase::successful : parse_run_phase(phase).value_or(RunPhase::pending);
  s.message = string_or(j, "message");
  s.started_at = time_at(j, "startedAt");
  s.finished_at = time_at(j, "finishedAt");
  const Json& results = member(j, "metricResults");
  if (results.is_array()) {
    for (const auto& r : results) {
      if (r.is_object())
        s.metric_results.push_back(parse_metric_result(r));
    }
  }
  return s;
}

}  // namespace

std::expected<AnalysisRun, FieldError> parse_analysis_run(const Json& object) {
  AnalysisRun run;
  const Json& metadata = member(object, "metadata");
  run.name = string_or(metadata, "name");
  run.namespace_name = string_or(metadata, "namespace");
  run.resource_version = string_or(metadata, "resourceVersion");
  const SpecReader r("AnalysisRun", run.namespace_name + "/" + run.name);
  const Json& spec = member(object, "spec");
  if (!spec.is_object())
    return r.error("spec", "is missing");
  auto& s = run.spec;
  s.rollout = string_or(spec, "rollout");
  s.revision = string_or(spec, "revision");
  s.gate = string_or(spec, "gate");
  s.error = string_or(spec, "error");
  s.args = spec.value("args", Json::object());
  for (const auto& p : member(spec, "policies")) {
    if (p.is_string())
      s.policies.push_back(p.get<std::string>());
  }
  if (auto ok = r.duration(spec, "noDataTimeout", "spec", s.no_data_timeout); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(spec, "measurementRetention", "spec", s.measurement_retention, 1, 1000);
      !ok) {
    return std::unexpected(ok.error());
  }
  const Json& metrics = member(spec, "metrics");
  if (metrics.is_array()) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const std::string path = fmt::format("spec.metrics[{}]", i);
      RunMetric metric;
      metric.policy = string_or(metrics[i], "policy");
      auto parsed = parse_metric(r, metrics[i], path);
      if (!parsed)
        return std::unexpected(parsed.error());
      metric.spec = std::move(*parsed);
      auto provider = parse_provider(r, member(metrics[i], "provider"), path + ".provider");
      if (!provider)
        return std::unexpected(provider.error());
      metric.provider = std::move(*provider);
      s.metrics.push_back(std::move(metric));
    }
  }
  run.status = parse_status(member(object, "status"));
  return run;
}

Json run_spec_to_json(const RunSpec& s) {
  Json metrics = Json::array();
  for (const auto& m : s.metrics) {
    Json j = metric_to_json(m.spec);
    j["policy"] = m.policy;
    j["provider"] = provider_to_json(m.provider);
    metrics.push_back(std::move(j));
  }
  Json out = {{"rollout", s.rollout},
              {"revision", s.revision},
              {"gate", s.gate},
              {"policies", s.policies},
              {"args", s.args},
              {"noDataTimeout", format_duration(s.no_data_timeout)},
              {"measurementRetention", s.measurement_retention},
              {"metrics", metrics}};
  if (!s.error.empty())
    out["error"] = s.error;
  return out;
}

Json run_status_to_json(const RunStatus& s) {
  Json results = Json::array();
  for (const auto& r : s.metric_results) {
    Json measurements = Json::array();
    for (const auto& m : r.measurements) {
      Json j = {{"startedAt", format_rfc3339(m.started_at)},
                {"finishedAt", format_rfc3339(m.finished_at)},
                {"phase", to_string(m.phase)},
                {"value", m.value}};
      if (!m.message.empty())
        j["message"] = m.message;
      measurements.push_back(std::move(j));
    }
    Json j = {{"name", r.name},
              {"phase", to_string(r.phase)},
              {"count", r.counts.measured},
              {"successful", r.counts.successful},
              {"failed", r.counts.failed},
              {"inconclusive", r.counts.inconclusive},
              {"error", r.counts.error},
              {"consecutiveError", r.counts.consecutive_error},
              {"measurements", measurements}};
    if (r.dry_run)
      j["dryRun"] = true;
    if (!r.message.empty())
      j["message"] = r.message;
    if (r.last_attempt_at)
      j["lastAttemptAt"] = format_rfc3339(*r.last_attempt_at);
    if (r.waiting_for_data_since)
      j["waitingForDataSince"] = format_rfc3339(*r.waiting_for_data_since);
    results.push_back(std::move(j));
  }
  Json out = {{"phase", s.terminated ? std::string("Terminated") : std::string(to_string(s.phase))},
              {"metricResults", results}};
  if (!s.message.empty())
    out["message"] = s.message;
  if (s.started_at)
    out["startedAt"] = format_rfc3339(*s.started_at);
  if (s.finished_at)
    out["finishedAt"] = format_rfc3339(*s.finished_at);
  return out;
}

}  // namespace cutover::analysis
