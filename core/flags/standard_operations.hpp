#pragma once
// The eager operations of standard JsonLogic (those that take their arguments evaluated), as
// json-logic-js defines them. The lazy ones (if, ?:, and, or, map, filter, reduce, all, none,
// some) need the evaluator and live in json_logic.cpp.

#include <functional>
#include <map>
#include <string>

#include "flags/json_logic.hpp"

namespace cutover::flags {

/// var, missing, missing_some, ==, ===, !=, !==, !, !!, <, <=, >, >=, %, +, -, *, /, min, max,
/// cat, substr, in, merge, log.
std::map<std::string, JsonLogicOperation, std::less<>> standard_operations();

}  // namespace cutover::flags
