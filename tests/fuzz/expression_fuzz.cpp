// libFuzzer target: any bytes as a threshold condition must parse or fail cleanly with a
// position inside the input, and whatever parses must evaluate (to a value or an error) against
// empty, scalar, vector and non-finite results without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>

#include "analysis/expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto expression = cutover::analysis::Expression::parse(text);
  if (!expression) {
    if (expression.error().position > size || expression.error().message.empty()) {
      std::abort();
    }
    return 0;
  }
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  static constexpr double scalar[] = {0.5};
  static constexpr double vector[] = {0.99, 250, -1, 0};
  static constexpr double odd[] = {nan, inf, -inf, 1e308, -0.0};
  for (const std::span<const double> result :
       {std::span<const double>{}, std::span<const double>(scalar), std::span<const double>(vector),
        std::span<const double>(odd)}) {
    const auto value = expression->evaluate(result);
    if (!value && value.error().empty()) {
      std::abort();
    }
  }
  return 0;
}
