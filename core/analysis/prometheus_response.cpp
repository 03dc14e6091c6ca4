#include "analysis/prometheus_response.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

namespace cutover::analysis {

namespace {

using Json = nlohmann::json;
using Result = std::expected<QueryResult, PrometheusError>;

std::unexpected<PrometheusError> decode_error(int status, std::string message) {
  return std::unexpected(PrometheusError{PrometheusError::Kind::decode, status, "", message});
}

// A [time, "value"] pair.
std::expected<Sample, std::string> parse_pair(const Json& pair) {
  if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) {
    return std::unexpected("a sample must be [time, \"value\"]");
  }
  auto value = parse_sample_value(pair[1].get_ref<const std::string&>());
  if (!value)
    return std::unexpected(value.error());
  return Sample{pair[0].get<double>(), *value};
}

std::expected<Series, std::string> parse_series(const Json& item, bool matrix) {
  if (!item.is_object())
    return std::unexpected("a series must be an object");
  Series series;
  if (const auto metric = item.find("metric"); metric != item.end() && metric->is_object()) {
    for (const auto& [key, value] : metric->items()) {
      if (value.is_string())
        series.labels[key] = value.get<std::string>();
    }
  }
  if (matrix) {
    const auto values = item.find("values");
    if (values == item.end() || !values->is_array())
      return std::unexpected("a matrix series needs \"values\"");
    for (const auto& pair : *values) {
      auto sample = parse_pair(pair);
      if (!sample)
        return std::unexpected(sample.error());
      series.samples.push_back(*sample);
    }
  } else {
    const auto value = item.find("value");
    if (value == item.end())
      return std::unexpected("a vector series needs \"value\"");
    auto sample = parse_pair(*value);
    if (!sample)
      return std::unexpected(sample.error());
    series.samples.push_back(*sample);
  }
  return series;
}

}  // namespace

std::string PrometheusError::describe() const {
  std::string what;
  switch (kind) {
    case Kind::transport:
      what = "cannot reach Prometheus";
      break;
    case Kind::timeout:
      what = "timed out";
      break;
    case Kind::query:
      what = error_type.empty() ? "query failed" : error_type;
      break;
    case Kind::http:
      what = "unexpected HTTP answer";
      break;
    case Kind::decode:
      what = "unreadable response";
      break;
  }
  if (http_status != 0)
    what += fmt::format(" ({})", http_status);
  return message.empty() ? what : what + ": " + message;
}

bool QueryResult::empty() const {
  return std::all_of(series.begin(), series.end(),
                     [](const Series& s) { return s.samples.empty(); });
}

std::vector<double> QueryResult::latest_values() const {
  std::vector<const Series*> ordered;
  for (const auto& s : series) {
    if (!s.samples.empty())
      ordered.push_back(&s);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Series* a, const Series* b) { return a->labels < b->labels; });
  std::vector<double> out;
  out.reserve(ordered.size());
  for (const Series* s : ordered)
    out.push_back(s->samples.back().value);
  return out;
}

std::vector<double> QueryResult::all_values() const {
  std::vector<double> out;
  for (const auto& s : series) {
    for (const auto& sample : s.samples)
      out.push_back(sample.value);
  }
  return out;
}

std::expected<double, std::string> parse_sample_value(std::string_view text) {
  if (text == "NaN")
    return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf")
    return std::numeric_limits<double>::infinity();
  if (text == "-Inf")
    return -std::numeric_limits<double>::infinity();
  double value = 0;
  const auto* first = text.data();
  const auto* last = text.data() + text.size();
  if (!text.empty() && text.front() == '+')
    ++first;
  // from_chars also reads "nan", "inf" and "infinity" in any case, and after a '+' we took off
  // it would read a second sign; Prometheus writes none of these.
  const bool decimal = first != last && (std::isdigit(static_cast<unsigned char>(*first)) != 0 ||
                                         *first == '.' || (*first == '-' && first == text.data()));
  const bool letters = std::any_of(first, last, [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 && c != 'e' && c != 'E';
  });
  const auto [end, ec] = std::from_chars(first, last, value);
  if (!decimal || letters || ec != std::errc{} || end != last) {
    return std::unexpected(fmt::format("\"{}\" is not a sample value", text.substr(0, 64)));
  }
  return value;
}

std::expected<QueryResult, PrometheusError> parse_query_response(int http_status,
                                                                 std::string_view body) {
  const Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    // Not the Prometheus API: a proxy's error page, an auth wall, the wrong URL.
    const auto kind = http_status >= 200 && http_status < 300 ? PrometheusError::Kind::decode
                                                              : PrometheusError::Kind::http;
    std::string snippet(body.substr(0, 200));
    std::replace(snippet.begin(), snippet.end(), '\n', ' ');
    return std::unexpected(
        PrometheusError{kind, http_status, "", snippet.empty() ? "empty body" : snippet});
  }
  const auto string_at = [&](const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  if (string_at("status") != "success") {
    PrometheusError error{PrometheusError::Kind::query, http_status, string_at("errorType"),
                          string_at("error")};
    if (error.error_type == "timeout")
      error.kind = PrometheusError::Kind::timeout;
    if (error.message.empty() && error.error_type.empty()) {
      error.kind = PrometheusError::Kind::http;
      error.message = "response without status \"success\" or an error";
    }
    return std::unexpected(error);
  }
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_object())
    return decode_error(http_status, "missing \"data\"");
  const auto type = data->find("resultType");
  const auto result = data->find("result");
  if (type == data->end() || !type->is_string() || result == data->end())
    return decode_error(http_status, "missing data.resultType or data.result");
  QueryResult out;
  if (const auto warnings = doc.find("warnings"); warnings != doc.end() && warnings->is_array()) {
    for (const auto& w : *warnings) {
      if (w.is_string())
        out.warnings.push_back(w.get<std::string>());
    }
  }
  const std::string& kind = type->get_ref<const std::string&>();
  if (kind == "vector" || kind == "matrix") {
    out.type = kind == "vector" ? ResultType::vector : ResultType::matrix;
    if (!result->is_array())
      return decode_error(http_status, "data.result must be a list");
    for (const auto& item : *result) {
      auto series = parse_series(item, out.type == ResultType::matrix);
      if (!series)
        return decode_error(http_status, series.error());
      out.series.push_back(std::move(*series));
    }
    return out;
  }
  if (kind == "scalar") {
    out.type = ResultType::scalar;
    auto sample = parse_pair(*result);
    if (!sample)
      return decode_error(http_status, sample.error());
    out.series.push_back(Series{{}, {*sample}});
    return out;
  }
  if (kind == "string") {
    out.type = ResultType::string;
    if (!result->is_array() || result->size() != 2 || !(*result)[1].is_string())
      return decode_error(http_status, "a string result must be [time, \"text\"]");
    out.text = (*result)[1].get<std::string>();
    // A string that holds a number still counts as a value; anything else is not a number.
    if (auto value = parse_sample_value(out.text); value) {
      const double time = (*result)[0].is_number() ? (*result)[0].get<double>() : 0;
      out.series.push_back(Series{{}, {Sample{time, *value}}});
    }
    return out;
  }
  return decode_error(http_status, fmt::format("unknown resultType \"{}\"", kind.substr(0, 32)));
}

}  // namespace cutover::analysis
