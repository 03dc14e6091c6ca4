// libFuzzer target: any bytes as an SLOPolicy YAML file. YAML errors and policy errors come back
// as values with a message; a policy that parses has metrics, and each of its metrics survives
// metric_to_json -> parse_metric unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/slo_policy.hpp"
#include "util/yaml_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto documents = cutover::parse_yaml_documents(text);
  if (!documents) {
    if (documents.error().message.empty())
      std::abort();
    return 0;
  }
  const cutover::SpecReader reader("AnalysisRun", "fuzz/run");
  for (const auto& document : *documents) {
    const auto policy = cutover::analysis::parse_slo_policy(document);
    if (!policy) {
      if (policy.error().message.empty() || policy.error().describe().empty())
        std::abort();
      continue;
    }
    if (policy->metrics.empty())
      std::abort();
    for (const auto& metric : policy->metrics) {
      const auto json = cutover::analysis::metric_to_json(metric);
      const auto again = cutover::analysis::parse_metric(reader, json, "spec.metrics[0]");
      if (!again || cutover::analysis::metric_to_json(*again) != json)
        std::abort();
    }
    const auto provider = cutover::analysis::provider_to_json(policy->provider);
    const auto parsed = cutover::analysis::parse_provider(reader, provider, "provider");
    if (!parsed || cutover::analysis::provider_to_json(*parsed) != provider)
      std::abort();
  }
  return 0;
}
