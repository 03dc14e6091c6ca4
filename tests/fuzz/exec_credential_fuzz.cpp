// libFuzzer target: a credential plugin's output must never crash the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/exec_credential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cutover::kube::parse_exec_credential(text, "client.authentication.k8s.io/v1");
  return 0;
}
