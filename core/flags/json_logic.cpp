#include "flags/json_logic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "flags/js_value.hpp"
#include "flags/standard_operations.hpp"

namespace cutover::flags {

namespace {

using Operations = std::map<std::string, JsonLogicOperation, std::less<>>;

// The argument rules of an operation: JsonLogic lets a lone argument skip its array.
class ArgumentRules {
 public:
  explicit ArgumentRules(const Json& raw) : raw_(raw) {}
  [[nodiscard]] std::size_t size() const { return raw_.is_array() ? raw_.size() : 1; }
  const Json& operator[](std::size_t index) const { return raw_.is_array() ? raw_[index] : raw_; }

 private:
  const Json& raw_;
};

const Json& null_rule() {
  static const Json null;
  return null;
}

bool is_operation(const Json& rule) {
  return rule.is_object() && rule.size() == 1;
}

// One `apply`: the recursion, the lazy operations and the work budget.
class Interpreter {
 public:
  Interpreter(const Operations& operations, const JsonLogicLimits& limits)
      : operations_(operations), limits_(limits), work_left_(limits.max_work) {}

  JsonLogicResult eval(const Json& rule, const Json& data, int depth) {
    if (depth > limits_.max_depth) {
      return fail(JsonLogicError::Kind::limit_exceeded,
                  fmt::format("the rule nests deeper than {} levels", limits_.max_depth));
    }
    if (!spend(1))  // the visit itself, so that loops over small values end too
      return out_of_work();
    JsonLogicResult result = dispatch(rule, data, depth);
    if (result && !charge(*result))
      return out_of_work();
    return result;
  }

 private:
  using Lazy = JsonLogicResult (Interpreter::*)(const ArgumentRules&, const Json&, int);

  JsonLogicResult dispatch(const Json& rule, const Json& data, int depth) {
    if (rule.is_array())
      return eval_array(rule, data, depth);
    if (!is_operation(rule))
      return rule;  // a literal; charged as the result
    const auto entry = rule.begin();
    const std::string& name = entry.key();
    const ArgumentRules arguments(entry.value());
    if (const Lazy lazy = lazy_operation(name))
      return (this->*lazy)(arguments, data, depth + 1);
    const auto operation = operations_.find(name);
    if (operation == operations_.end()) {
      return fail(JsonLogicError::Kind::unknown_operation,
                  fmt::format("unknown JsonLogic operation {}",
                              Json(name).dump(-1, ' ', false, Json::error_handler_t::replace)));
    }
    std::vector<Json> values;
    values.reserve(arguments.size());
    for (std::size_t i = 0; i < arguments.size(); ++i) {
      auto value = eval(arguments[i], data, depth + 1);
      if (!value)
        return value;
      values.push_back(std::move(*value));
    }
    return operation->second(values, data);
  }

  static Lazy lazy_operation(std::string_view name) {
    static const std::map<std::string_view, Lazy> lazy = {
        {"if", &Interpreter::eval_if},         {"?:", &Interpreter::eval_if},
        {"and", &Interpreter::eval_and},       {"or", &Interpreter::eval_or},
        {"map", &Interpreter::eval_map},       {"filter", &Interpreter::eval_filter},
        {"reduce", &Interpreter::eval_reduce}, {"all", &Interpreter::eval_all},
        {"none", &Interpreter::eval_none},     {"some", &Interpreter::eval_some},
    };
    const auto it = lazy.find(name);
    return it != lazy.end() ? it->second : nullptr;
  }

  JsonLogicResult eval_array(const Json& rule, const Json& data, int depth) {
    Json values = Json::array();
    for (const Json& element : rule) {
      auto value = eval(element, data, depth + 1);
      if (!value)
        return value;
      values.push_back(std::move(*value));
    }
    return values;
  }

  // if / ?: — condition, then, [condition, then, ...] [else]; null when nothing matches.
  JsonLogicResult eval_if(const ArgumentRules& arguments, const Json& data, int depth) {
    std::size_t i = 0;
    for (; i + 1 < arguments.size(); i += 2) {
      auto condition = eval(arguments[i], data, depth);
      if (!condition)
        return condition;
      if (js::truthy(*condition))
        return eval(arguments[i + 1], data, depth);
    }
    if (i < arguments.size())
      return eval(arguments[i], data, depth);
    return Json();
  }

  // Which value settles `and` (the first falsy one) and `or` (the first truthy one).
  enum class Settles { when_falsy, when_truthy };

  // and / or: the first value that settles the answer, else the last value; null with no
  // argument.
  JsonLogicResult eval_connective(const ArgumentRules& arguments, const Json& data, int depth,
                                  Settles settles) {
    Json current;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
      auto value = eval(arguments[i], data, depth);
      if (!value)
        return value;
      current = std::move(*value);
      if (js::truthy(current) == (settles == Settles::when_truthy))
        break;
    }
    return current;
  }
  JsonLogicResult eval_and(const ArgumentRules& arguments, const Json& data, int depth) {
    return eval_connective(arguments, data, depth, Settles::when_falsy);
  }
  JsonLogicResult eval_or(const ArgumentRules& arguments, const Json& data, int depth) {
    return eval_connective(arguments, data, depth, Settles::when_truthy);
  }

  // The first argument of map, filter, reduce, all, none and some, evaluated.
  JsonLogicResult scoped_data(const ArgumentRules& arguments, const Json& data, int depth) {
    return arguments.size() > 0 ? eval(arguments[0], data, depth) : Json();
  }
  static const Json& scoped_logic(const ArgumentRules& arguments) {
    return arguments.size() > 1 ? arguments[1] : null_rule();
  }

  JsonLogicResult eval_map(const ArgumentRules& arguments, const Json& data, int depth) {
    auto scoped = scoped_data(arguments, data, depth);
    if (!scoped || !scoped->is_array())
      return scoped ? Json::array() : scoped;
    Json mapped = Json::array();
    for (const Json& element : *scoped) {
      auto value = eval(scoped_logic(arguments), element, depth);
      if (!value)
        return value;
      mapped.push_back(std::move(*value));
    }
    return mapped;
  }

  JsonLogicResult eval_filter(const ArgumentRules& arguments, const Json& data, int depth) {
    auto scoped = scoped_data(arguments, data, depth);
    if (!scoped || !scoped->is_array())
      return scoped ? Json::array() : scoped;
    Json kept = Json::array();
    for (Json& element : *scoped) {
      auto keep = eval(scoped_logic(arguments), element, depth);
      if (!keep)
        return keep;
      if (js::truthy(*keep))
        kept.push_back(std::move(element));
    }
    return kept;
  }

  // reduce: [array, logic, initial]; the logic sees {"current": element, "accumulator": ...}.
  JsonLogicResult eval_reduce(const ArgumentRules& arguments, const Json& data, int depth) {
    auto scoped = scoped_data(arguments, data, depth);
    if (!scoped)
      return scoped;
    auto accumulator = arguments.size() > 2 ? eval(arguments[2], data, depth) : Json();
    if (!accumulator || !scoped->is_array())
      return accumulator;
    for (Json& element : *scoped) {
      Json scope = Json::object();
      scope["current"] = std::move(element);
      scope["accumulator"] = std::move(*accumulator);
      if (!charge(scope))
        return out_of_work();
      accumulator = eval(scoped_logic(arguments), scope, depth);
      if (!accumulator)
        return accumulator;
    }
    return accumulator;
  }

  // How many elements the logic holds for, stopping once it reaches `enough`.
  std::expected<std::size_t, JsonLogicError> count_matches(const Json& elements,
                                                           const ArgumentRules& arguments,
                                                           int depth, std::size_t enough) {
    std::size_t matches = 0;
    for (const Json& element : elements) {
      auto value = eval(scoped_logic(arguments), element, depth);
      if (!value)
        return std::unexpected(std::move(value.error()));
      if (js::truthy(*value) && ++matches >= enough)
        break;
    }
    return matches;
  }

  // all: false for an empty (or non-array) subject, as json-logic-js.
  JsonLogicResult eval_all(const ArgumentRules& arguments, const Json& data, int depth) {
    auto scoped = scoped_data(arguments, data, depth);
    if (!scoped || !scoped->is_array() || scoped->empty())
      return scoped ? Json(false) : scoped;
    for (const Json& element : *scoped) {
      auto value = eval(scoped_logic(arguments), element, depth);
      if (!value)
        return value;
      if (!js::truthy(*value))
        return false;
    }
    return true;
  }

  JsonLogicResult eval_some(const ArgumentRules& arguments, const Json& data, int depth) {
    auto scoped = scoped_data(arguments, data, depth);
    if (!scoped || !scoped->is_array())
      return scoped ? Json(false) : scoped;
    const auto matches = count_matches(*scoped, arguments, depth, 1);
    if (!matches)
      return std::unexpected(matches.error());
    return *matches > 0;
  }

  JsonLogicResult eval_none(const ArgumentRules& arguments, const Json& data, int depth) {
    auto some = eval_some(arguments, data, depth);
    if (!some)
      return some;
    return !some->get<bool>();
  }

  bool spend(std::size_t units) {
    if (units > work_left_) {
      work_left_ = 0;
      return false;
    }
    work_left_ -= units;
    return true;
  }

  // Spends the size of `value` (JSON nodes, plus string bytes / 16) from the budget; false
  // once it is spent. Walks with its own stack: values built by reduce can nest deeply.
  bool charge(const Json& value) {
    std::vector<const Json*> pending{&value};
    while (!pending.empty()) {
      const Json* next = pending.back();
      pending.pop_back();
      if (!spend(1 + (next->is_string() ? next->get_ref<const std::string&>().size() / 16 : 0)))
        return false;
      if (next->is_structured()) {
        for (const Json& child : *next)
          pending.push_back(&child);
      }
    }
    return true;
  }

  JsonLogicResult out_of_work() const {
    return fail(JsonLogicError::Kind::limit_exceeded,
                fmt::format("the rule needs more than {} units of work (values it produces)",
                            limits_.max_work));
  }

  static JsonLogicResult fail(JsonLogicError::Kind kind, std::string message) {
    return std::unexpected(JsonLogicError{kind, std::move(message)});
  }

  const Operations& operations_;
  const JsonLogicLimits& limits_;
  std::size_t work_left_;
};

}  // namespace

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

JsonLogic::JsonLogic(JsonLogicLimits limits)
    : limits_(limits), operations_(standard_operations()) {}

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
  Interpreter interpreter(operations_, limits_);
  return interpreter.eval(rule, data, 0);
}

}  // namespace cutover::flags
