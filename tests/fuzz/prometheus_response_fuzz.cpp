// libFuzzer target: any bytes as a Prometheus API response body, under the status codes the API
// and proxies send. Parsing never throws; an error always says why, and a success is consistent
// (latest_values has one value per non-empty series, all_values every sample).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/prometheus_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const int status : {200, 400, 422, 503, 502}) {
    const auto result = cutover::analysis::parse_query_response(status, body);
    if (!result) {
      if (result.error().describe().empty() || result.error().http_status != status)
        std::abort();
      continue;
    }
    std::size_t samples = 0;
    std::size_t non_empty = 0;
    for (const auto& series : result->series) {
      samples += series.samples.size();
      non_empty += series.samples.empty() ? 0 : 1;
    }
    if (result->latest_values().size() != non_empty || result->all_values().size() != samples ||
        result->empty() != (samples == 0)) {
      std::abort();
    }
  }
  return 0;
}
