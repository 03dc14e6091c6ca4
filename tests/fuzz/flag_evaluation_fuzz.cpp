// libFuzzer target: a flagd flag definition, then a line "---", then an evaluation context
// (both any bytes). Every flag of a definition that parses is evaluated with the context, for
// every value type a caller may ask for, and must serve only its own variants; the definition
// text is also run as a bare JsonLogic rule against the context. Nothing may crash, and every
// failure must come back as a value with a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flags/evaluator.hpp"
#include "flags/flag_definition.hpp"
#include "flags/flagd_operations.hpp"

namespace {

using cutover::flags::ErrorCode;
using cutover::flags::EvaluationResult;
using cutover::flags::Flag;
using cutover::flags::Json;
using cutover::flags::Reason;
using cutover::flags::ValueType;

void check_result(const EvaluationResult& result, const Flag* flag) {
  if (result.value) {
    if (flag == nullptr || !result.variant || !flag->variants.contains(*result.variant) ||
        flag->variants[*result.variant] != *result.value)
      std::abort();
  }
  const bool failed = result.reason == Reason::error;
  if (failed != (result.error_code != ErrorCode::none) || failed == result.error_message.empty())
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t separator = input.find("\n---\n");
  const std::string_view definition = input.substr(0, separator);
  const std::string_view context_text =
      separator == std::string_view::npos ? std::string_view("{}") : input.substr(separator + 5);
  Json context = Json::parse(context_text, nullptr, /*allow_exceptions=*/false);
  if (context.is_discarded())
    context = nullptr;

  constexpr std::int64_t now = 1'700'000'000;
  if (const auto flags = cutover::flags::parse_flag_definition(definition)) {
    for (const auto& [key, flag] : flags->flags) {
      for (const ValueType type : {ValueType::any, ValueType::boolean, ValueType::string,
                                   ValueType::integer, ValueType::number, ValueType::object}) {
        check_result(cutover::flags::evaluate_flag(*flags, key, context, now, type), &flag);
      }
    }
    const EvaluationResult missing =
        cutover::flags::evaluate_flag(*flags, "no such flag \x01", context, now);
    if (missing.error_code != ErrorCode::flag_not_found)
      std::abort();
  }

  const Json rule = Json::parse(definition, nullptr, /*allow_exceptions=*/false);
  if (!rule.is_discarded()) {
    const auto result = cutover::flags::flagd_json_logic().apply(rule, context);
    if (!result && result.error().message.empty())
      std::abort();
  }
  return 0;
}
