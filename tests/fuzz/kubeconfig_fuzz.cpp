// libFuzzer target: kubeconfig parsing and context resolution must never crash, whatever
// the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/kubeconfig.hpp"
#include "kube/rest_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = cutover::kube::parse_kubeconfig(text, "fuzz", "/nonexistent");
  if (config) {
    (void)cutover::kube::rest_config_from_kubeconfig(*config, {});
  } else {
    (void)config.error().describe();
  }
  return 0;
}
