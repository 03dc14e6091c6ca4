#include "flags/fractional.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "flags/murmur3.hpp"

namespace cutover::flags {

namespace {

constexpr std::int64_t max_weight = std::numeric_limits<std::int32_t>::max();

struct Bucket {
  Json variant;
  std::int64_t weight = 1;
};

// A WEIGHT: absent or null is 1, negative is 0; nullopt when it is no integer or too large.
std::optional<std::int64_t> weight_of(const Json& bucket) {
  if (bucket.size() < 2 || bucket[1].is_null())
    return 1;
  if (!bucket[1].is_number())
    return std::nullopt;
  const double weight = bucket[1].get<double>();
  if (weight != std::trunc(weight) || weight > static_cast<double>(max_weight))
    return std::nullopt;
  return weight < 0 ? 0 : static_cast<std::int64_t>(weight);
}

std::optional<Bucket> parse_bucket(const Json& bucket) {
  if (!bucket.is_array() || bucket.empty())
    return std::nullopt;
  const Json& variant = bucket[0];
  if (variant.is_structured())
    return std::nullopt;
  const auto weight = weight_of(bucket);
  if (!weight)
    return std::nullopt;
  return Bucket{variant, *weight};
}

std::optional<std::vector<Bucket>> parse_buckets(std::span<const Json> arguments) {
  std::vector<Bucket> buckets;
  std::int64_t total = 0;
  for (const Json& argument : arguments) {
    auto bucket = parse_bucket(argument);
    if (!bucket)
      return std::nullopt;
    total += bucket->weight;
    if (total > max_weight)
      return std::nullopt;
    buckets.push_back(std::move(*bucket));
  }
  if (buckets.empty() || total == 0)
    return std::nullopt;
  return buckets;
}

// `$flagd.flagKey` + `targetingKey`, flagd's bucket key when the rule names none.
std::optional<std::string> default_bucket_key(const Json& data) {
  if (!data.is_object())
    return std::nullopt;
  const auto targeting_key = data.find("targetingKey");
  if (targeting_key == data.end() || !targeting_key->is_string())
    return std::nullopt;
  std::string flag_key;
  if (const auto flagd = data.find("$flagd"); flagd != data.end() && flagd->is_object()) {
    if (const auto key = flagd->find("flagKey"); key != flagd->end() && key->is_string())
      flag_key = key->get<std::string>();
  }
  return flag_key + targeting_key->get<std::string>();
}

Json distribute(std::uint32_t hash, const std::vector<Bucket>& buckets) {
  std::uint64_t total = 0;
  for (const Bucket& bucket : buckets)
    total += static_cast<std::uint64_t>(bucket.weight);
  // hash < 2^32 and total < 2^31: the product fits in 64 bits, and bucket < total.
  const std::uint64_t bucket_index = (static_cast<std::uint64_t>(hash) * total) >> 32;
  std::uint64_t range_end = 0;
  for (const Bucket& bucket : buckets) {
    range_end += static_cast<std::uint64_t>(bucket.weight);
    if (bucket_index < range_end)
      return bucket.variant;
  }
  return Json();  // unreachable: bucket_index < total
}

}  // namespace

JsonLogicResult fractional(std::span<const Json> arguments, const Json& data) {
  std::optional<std::string> key;
  if (!arguments.empty() && arguments.front().is_string()) {
    key = arguments.front().get<std::string>();
    arguments = arguments.subspan(1);
  } else if (!arguments.empty() && arguments.front().is_null()) {
    arguments = arguments.subspan(1);  // a bucket key that evaluated to nothing
  }
  const auto buckets = parse_buckets(arguments);
  if (!buckets)
    return Json();
  if (!key)
    key = default_bucket_key(data);
  if (!key)
    return Json();
  return distribute(murmur3_x86_32(*key), *buckets);
}

}  // namespace cutover::flags
