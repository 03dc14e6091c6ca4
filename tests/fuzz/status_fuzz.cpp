// libFuzzer target: decoding API error bodies must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const int status = size > 0 ? 400 + data[0] % 200 : 500;
  const auto error = cutover::kube::decode_status(status, text, text.substr(0, size % 8));
  (void)error.describe();
  return 0;
}
