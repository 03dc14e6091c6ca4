// libFuzzer target: any bytes as an AnalysisRun YAML document, the shape the operator reads back
// from the API server (a person with write access can edit an unfinished run). Errors come back
// as values with a message; a run that parses survives run_spec_to_json/run_status_to_json ->
// parse_analysis_run unchanged, so what the operator writes is what it reads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/analysis_run.hpp"
#include "util/yaml_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cutover::analysis::parse_analysis_run;
  using cutover::analysis::run_spec_to_json;
  using cutover::analysis::run_status_to_json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto documents = cutover::parse_yaml_documents(text);
  if (!documents) {
    if (documents.error().message.empty())
      std::abort();
    return 0;
  }
  for (const auto& document : *documents) {
    const auto run = parse_analysis_run(document);
    if (!run) {
      if (run.error().message.empty() || run.error().describe().empty())
        std::abort();
      continue;
    }
    const nlohmann::json written = {{"apiVersion", "cutover.dev/v1alpha1"},
                                    {"kind", "AnalysisRun"},
                                    {"metadata", {{"name", run->name}}},
                                    {"spec", run_spec_to_json(run->spec)},
                                    {"status", run_status_to_json(run->status)}};
    const auto again = parse_analysis_run(written);
    if (!again || run_spec_to_json(again->spec) != written["spec"] ||
        run_status_to_json(again->status) != written["status"]) {
      std::abort();
    }
  }
  return 0;
}
