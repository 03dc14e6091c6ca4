#pragma once
// The Prometheus HTTP API's query responses (`/api/v1/query`, `/api/v1/query_range`) as data.
// Every result type is read: vector, scalar, matrix and string. Sample values arrive as strings
// and may be "NaN", "+Inf" or "-Inf"; they become the matching doubles. An empty result is
// "no data", which no judge ever counts as success.

#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::analysis {

struct Sample {
  double time = 0;  // Unix seconds
  double value = 0;
};

struct Series {
  std::map<std::string, std::string> labels;
  std::vector<Sample> samples;  // one for an instant vector, many for a matrix
};

enum class ResultType { vector, scalar, matrix, string };

struct QueryResult {
  ResultType type = ResultType::vector;
  std::vector<Series> series;  // scalar and string results are one unlabelled series
  std::string text;            // the value of a string result
  std::vector<std::string> warnings;

  /// No series, or only series without samples.
  [[nodiscard]] bool empty() const;
  /// What a threshold judge sees as `result`: the latest value of each series, in the order of
  /// the series' label sets (so `result[0]` is stable between measurements).
  [[nodiscard]] std::vector<double> latest_values() const;
  /// Every sample of every series, for the statistical judge.
  [[nodiscard]] std::vector<double> all_values() const;
};

/// Why a query produced no result.
struct PrometheusError {
  enum class Kind {
    transport,  // no connection, TLS failure
    timeout,    // ours or the server's
    query,      // Prometheus refused the query: bad_data (syntax), execution, ...
    http,       // another non-2xx answer (auth, proxy)
    decode,     // the body is not a Prometheus API response
  };
  Kind kind = Kind::transport;
  int http_status = 0;
  std::string error_type;  // Prometheus' errorType, e.g. bad_data
  std::string message;
  /// "bad_data (400): 1:8: parse error: unexpected ..." and the like.
  [[nodiscard]] std::string describe() const;
};

/// Parses one API response. Any HTTP status is accepted: Prometheus puts its error in the body
/// (400 bad_data, 422 execution, 503 timeout).
std::expected<QueryResult, PrometheusError> parse_query_response(int http_status,
                                                                 std::string_view body);

/// A sample value as Prometheus writes it: a decimal, "NaN", "+Inf", "-Inf".
std::expected<double, std::string> parse_sample_value(std::string_view text);

}  // namespace cutover::analysis
