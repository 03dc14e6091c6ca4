// libFuzzer target: any bytes as a FeatureFlag that a Rollout binds (flags/flag_split.hpp).
// Reading never throws; a reading is either a problem (named, with no weight) or a weight in
// 0..100; and a split Cutover writes reads back as written, whatever the flag held before.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flags/flag_split.hpp"

namespace {

using cutover::flags::FlagSplitReading;
using cutover::flags::FlagSplitRef;
using cutover::flags::Json;

void check(const FlagSplitReading& reading) {
  if (!reading.problem.empty() && reading.weight)
    std::abort();
  if (reading.weight && (*reading.weight < 0 || *reading.weight > 100))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Json object = Json::parse(text, nullptr, false);
  if (object.is_discarded())
    return 0;
  const FlagSplitRef ref{"shop", "checkout", "new-checkout", "on", "off", "spec.flags[0]"};
  const FlagSplitReading reading = cutover::flags::read_flag_split(object, ref);
  check(reading);
  if (!reading.problem.empty())
    return 0;
  for (const int weight : {0, 5, 100}) {
    const Json body = cutover::flags::flag_split_apply(ref, reading, weight);
    Json written = object;
    written["spec"]["flagSpec"]["flags"]["new-checkout"]["targeting"] =
        body["spec"]["flagSpec"]["flags"]["new-checkout"]["targeting"];
    const FlagSplitReading back = cutover::flags::read_flag_split(written, ref);
    if (!back.problem.empty() || back.weight != weight || back.bucket_by != reading.bucket_by)
      std::abort();
  }
  return 0;
}
