// libFuzzer target: a watch stream chopped into arbitrary chunks must never crash the decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/watch_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cutover::kube::WatchDecoder decoder;
  const std::size_t step = size > 0 ? 1 + data[0] % 64 : 1;
  for (std::size_t i = 0; i < text.size(); i += step) {
    decoder.feed(text.substr(i, step),
                 [](const cutover::kube::Result<cutover::kube::WatchEvent>&) {});
  }
  return 0;
}
