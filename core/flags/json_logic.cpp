#include "flags/json_logic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "flags/go_jsonlogic_value.hpp"
#include "flags/json_logic_interpreter.hpp"
#include "flags/standard_operations.hpp"

namespace cutover::flags {

// Leaves one level of nesting when the operation or array that entered it returns or panics.
struct Interpreter::Depth {
  explicit Depth(Interpreter& interpreter) : interpreter_(interpreter) { interpreter_.enter(); }
  ~Depth() { --interpreter_.depth_; }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;

 private:
  Interpreter& interpreter_;
};

Interpreter::Interpreter(const AddedOperations& added, const JsonLogicLimits& limits)
    : added_(added), limits_(limits), work_left_(limits.max_work) {}

void Interpreter::enter() {
  ++depth_;
  if (depth_ > limits_.max_depth) {
    throw go::Panic(fmt::format("the rule nests deeper than {} levels", limits_.max_depth),
                    JsonLogicError::Kind::limit_exceeded);
  }
  spend(1);  // the visit itself, so that loops over small values end too
}

Json Interpreter::parse_values(const Json& values, const Json& data) {
  if (values.is_object())
    return apply(values, data);
  if (!values.is_array() || values.empty())
    return values;
  const Depth depth(*this);
  Json parsed = Json::array();
  for (const Json& value : values)
    parsed.push_back(parse_values(value, data));
  return parsed;
}

Json Interpreter::apply(const Json& rule, const Json& data) {
  if (!rule.is_object())
    throw go::Panic("interface conversion: interface {} is not map[string]interface {}");
  if (rule.size() != 1)
    return rule;  // more than one key: a literal; {} stays {}
  const Depth depth(*this);
  const auto entry = rule.begin();
  Json result = operation(entry.key(), entry.value(), data);
  charge(result);
  return result;
}

Json Interpreter::operation(std::string_view name, const Json& values, const Json& data) {
  // operation.go: AddOperator's operations get their arguments parsed.
  if (const auto added = added_.find(name); added != added_.end()) {
    const Json parsed = parse_values(values, data);
    const std::span<const Json> arguments =
        parsed.is_array() ? std::span<const Json>(parsed.get_ref<const Json::array_t&>())
                          : std::span<const Json>(&parsed, 1);
    auto result = added->second(arguments, data);
    if (!result)
      throw go::Panic(result.error().message, result.error().kind);
    return std::move(*result);
  }
  const auto& standard = standard_operations();
  if (const auto found = standard.find(name); found != standard.end())
    return found->second(*this, values, data);
  throw go::Panic(
      fmt::format("unknown JsonLogic operation {}",
                  Json(std::string(name)).dump(-1, ' ', false, Json::error_handler_t::replace)),
      JsonLogicError::Kind::unknown_operation);
}

Json Interpreter::solve_vars(const Json& values, const Json& data) {
  if (values.is_object()) {
    const Depth depth(*this);
    Json logic = Json::object();
    for (const auto& [key, value] : values.items()) {
      if (key != "var") {
        logic[key] = solve_vars(value, data);
        continue;
      }
      if (value.is_string() && (value.get_ref<const std::string&>().empty() ||
                                value.get_ref<const std::string&>().starts_with("."))) {
        logic["var"] = value;
        continue;
      }
      Json found = get_var(*this, value, data);
      if (!found.is_null())
        return found;
      logic["var"] = value;
    }
    return logic;
  }
  if (values.is_array()) {
    const Depth depth(*this);
    Json logic = Json::array();
    for (const Json& value : values)
      logic.push_back(solve_vars(value, data));
    return logic;
  }
  return values;
}

void Interpreter::spend(std::size_t units) {
  if (units > work_left_) {
    work_left_ = 0;
    throw go::Panic(fmt::format("the rule needs more than {} units of work (values it produces)",
                                limits_.max_work),
                    JsonLogicError::Kind::limit_exceeded);
  }
  work_left_ -= units;
}

// Spends JSON nodes plus string bytes / 16. Walks with its own stack: values built by reduce
// can nest deeply.
void Interpreter::charge(const Json& value) {
  std::vector<const Json*> pending{&value};
  while (!pending.empty()) {
    const Json* next = pending.back();
    pending.pop_back();
    spend(1 + (next->is_string() ? next->get_ref<const std::string&>().size() / 16 : 0));
    if (next->is_structured()) {
      for (const Json& child : *next)
        pending.push_back(&child);
    }
  }
}

int nesting_depth(const Json& value) {
  int deepest = 0;
  std::vector<std::pair<const Json*, int>> pending{{&value, 0}};
  while (!pending.empty()) {
    const auto [next, depth] = pending.back();
    pending.pop_back();
    if (!next->is_structured())
      continue;
    deepest = std::max(deepest, depth + 1);
    for (const Json& child : *next)
      pending.emplace_back(&child, depth + 1);
  }
  return deepest;
}

JsonLogic::JsonLogic(JsonLogicLimits limits) : limits_(limits) {}

void JsonLogic::add_operation(std::string name, JsonLogicOperation operation) {
  operations_.insert_or_assign(std::move(name), std::move(operation));
}

JsonLogicResult JsonLogic::apply(const Json& rule, const Json& data) const {
  for (const auto& [what, value] : {std::pair{"rule", &rule}, std::pair{"data", &data}}) {
    if (nesting_depth(*value) > limits_.max_input_depth) {
      return std::unexpected(JsonLogicError{
          JsonLogicError::Kind::limit_exceeded,
          fmt::format("the {} nests deeper than {} levels", what, limits_.max_input_depth)});
    }
  }
  // ApplyInterface: the rule and the data as encoding/json decodes them, and a panic
  // anywhere recovered into an error.
  try {
    Interpreter interpreter(operations_, limits_);
    return interpreter.parse_values(go::go_numbers(rule), go::go_numbers(data));
  } catch (const go::Panic& panic) {
    return std::unexpected(JsonLogicError{panic.kind(), panic.what()});
  }
}

}  // namespace cutover::flags
