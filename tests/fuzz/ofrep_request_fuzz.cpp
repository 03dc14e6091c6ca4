// libFuzzer target: an OFREP request as a client sends it: the first line is the Flagd-Selector
// header, the second the If-None-Match header, the rest the body (any bytes). It is answered for
// one flag and in bulk against a fixed FeatureFlag. Every answer must be a status OFREP
// defines with a JSON body (none for 304), and a bulk 200 must carry an ETag. Nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "flags/feature_flag.hpp"
#include "flags/ofrep.hpp"

namespace {

using cutover::flags::FlagSnapshot;
using cutover::flags::Json;
using cutover::flags::OfrepResponse;

const FlagSnapshot& snapshot() {
  static const FlagSnapshot flags = [] {
    const Json feature_flag = Json::parse(R"({
      "metadata": {"namespace": "shop", "name": "flags"},
      "spec": {"flagSpec": {"flags": {
        "split": {"state": "ENABLED", "variants": {"on": true, "off": false},
                  "defaultVariant": "off",
                  "targeting": {"fractional": [{"cat": [{"var": "$flagd.flagKey"},
                                                         {"var": "targetingKey"}]},
                                               ["on", 25], ["off", 75]]}},
        "tier": {"state": "ENABLED", "variants": {"gold": "gold", "basic": "basic"},
                 "defaultVariant": null,
                 "targeting": {"if": [{"sem_ver": [{"var": "version"}, ">=", "2.0.0"]},
                                      "gold", null]}},
        "off": {"state": "DISABLED", "variants": {"x": 1}, "defaultVariant": "x"}}}}})");
    auto source = cutover::flags::read_feature_flag(feature_flag);
    if (!source)
      std::abort();
    return FlagSnapshot(
        std::vector{std::make_shared<const cutover::flags::FlagSource>(std::move(*source))});
  }();
  return flags;
}

void check(const OfrepResponse& response, bool bulk) {
  switch (response.status) {
    case 200:
    case 400:
    case 404:
      break;
    case 304:
      if (!bulk || !response.body.empty() || response.etag.empty())
        std::abort();
      return;
    default:
      std::abort();
  }
  if (!Json::accept(response.body))
    std::abort();
  if (bulk && response.status == 200 && response.etag.empty())
    std::abort();
}

std::string_view line(std::string_view& input) {
  const auto end = input.find('\n');
  const std::string_view first = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  return first;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view selector = line(input);
  const std::string_view if_none_match = line(input);
  const cutover::flags::OfrepRequest request{input, selector, if_none_match, 1'700'000'000};
  for (const std::string_view key : {"split", "tier", "off", "absent"})
    check(cutover::flags::ofrep_evaluate_flag(snapshot(), key, request), false);
  check(cutover::flags::ofrep_evaluate_flags(snapshot(), request), true);
  return 0;
}
