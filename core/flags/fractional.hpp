#pragma once
// flagd's `fractional` operation, with the bucketing flagd adopted in its "fractional
// bucketing improvements" (flagd PR #1909; flagd-testbed tag fractional-v2): deterministic,
// sticky assignment of a context to weighted buckets.
//
//     {"fractional": [BUCKET_KEY?, [VARIANT, WEIGHT?], [VARIANT, WEIGHT?], ...]}
//
// - BUCKET_KEY is optional: when the first argument evaluates to a string, it is hashed;
//   otherwise (absent, null, or a bucket) `$flagd.flagKey` + `targetingKey` is (no
//   separator), and null is returned when the context has no string targetingKey. A null
//   first argument (a missing {"var"}) is dropped.
// - VARIANT is a string, boolean, number or null; WEIGHT an integer (default 1, null is 1).
//   Both may be nested JsonLogic: the arguments arrive evaluated.
// - A negative weight counts as 0 (flagd-testbed: "negative bucket weight is clamped to
//   zero"). A weight with a fraction (1.5), a weight or total above 2^31-1, a malformed
//   bucket, no bucket, or a total of 0 makes the result null, so the flag falls back to its
//   default.
// - Bucketing: h = MurmurHash3 x86_32(key, seed 0) read as unsigned;
//   bucket = (h * total) >> 32 in 64-bit integers; the first VARIANT whose running weight
//   exceeds the bucket wins.

#include <span>

#include "flags/json_logic.hpp"

namespace cutover::flags {

/// The operation, for JsonLogic::add_operation. Never fails: bad input yields null.
JsonLogicResult fractional(std::span<const Json> arguments, const Json& data);

}  // namespace cutover::flags
