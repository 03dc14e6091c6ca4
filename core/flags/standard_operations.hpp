#pragma once
// The operations diegoholiveira/jsonlogic v3.9.1 registers in its init() (operation.go), as it
// defines them: logic.go, comp.go, math.go, strings.go and vars.go here, lists.go and arrays.go
// in list_operations.cpp. flagd adds its own (flagd_operations.hpp); `log` is not one of them.

#include <map>
#include <string_view>

#include "flags/json_logic_interpreter.hpp"

namespace cutover::flags {

/// and, or, if, ?:, !, !!, ==, ===, !=, !==, <, <=, >, >=, +, -, *, /, %, abs, min, max, cat,
/// substr, var, set, and those of list_operations().
const std::map<std::string_view, StandardOperation>& standard_operations();

/// filter, map, reduce, all, none, some, in, merge, missing, missing_some, contains_all,
/// contains_any, contains_none.
std::map<std::string_view, StandardOperation> list_operations();

}  // namespace cutover::flags
