// libFuzzer target: any bytes as a flagd flag definition. Errors come back as values whose
// description names the fix; a definition that parses holds only consistent flags (the
// default variant is a variant, every variant has the flag's type), and every flag evaluates,
// without a context and with one, serving only its own variants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flags/evaluator.hpp"
#include "flags/flag_definition.hpp"

namespace {

using cutover::flags::ErrorCode;
using cutover::flags::EvaluationResult;
using cutover::flags::Flag;
using cutover::flags::Json;
using cutover::flags::Reason;
using cutover::flags::VariantType;

bool has_type(const Json& value, VariantType type) {
  switch (type) {
    case VariantType::boolean:
      return value.is_boolean();
    case VariantType::string:
      return value.is_string();
    case VariantType::number:
      return value.is_number();
    case VariantType::object:
      return value.is_object();
  }
  return false;
}

void check_flag(const Flag& flag) {
  if (flag.variants.empty() || !flag.variants.is_object())
    std::abort();
  if (flag.default_variant && !flag.variants.contains(*flag.default_variant))
    std::abort();
  for (const auto& [name, value] : flag.variants.items()) {
    if (name.empty() || !has_type(value, flag.type))
      std::abort();
  }
}

// A value comes with the variant that holds it; an error has a code and a message.
void check_result(const EvaluationResult& result, const Flag& flag) {
  if (result.value) {
    if (!result.variant || !flag.variants.contains(*result.variant) ||
        flag.variants[*result.variant] != *result.value)
      std::abort();
  }
  const bool failed = result.reason == Reason::error;
  if (failed != (result.error_code != ErrorCode::none) || failed == result.error_message.empty())
    std::abort();
  if (failed && result.value)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto flags = cutover::flags::parse_flag_definition(text);
  if (!flags) {
    if (flags.error().message.empty() || flags.error().describe().empty())
      std::abort();
    return 0;
  }
  const Json context = {{"targetingKey", "user-1"},
                        {"email", "ballmer@macrosoft.com"},
                        {"version", "1.2.3"},
                        {"user", {{"name", "jack"}}}};
  for (const auto& [key, flag] : flags->flags) {
    if (flag.key != key)
      std::abort();
    check_flag(flag);
    check_result(cutover::flags::evaluate_flag(*flags, key, Json(), 0), flag);
    check_result(cutover::flags::evaluate_flag(*flags, key, context, 1'700'000'000), flag);
  }
  return 0;
}
