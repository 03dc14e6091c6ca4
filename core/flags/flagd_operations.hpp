#pragma once
// flagd's custom JsonLogic operations, and the JsonLogic that flag targeting runs on.
//
// - fractional: see fractional.hpp.
// - sem_ver: [VERSION, OPERATOR, VERSION] -> boolean. Operators =, !=, <, <=, >, >= (SemVer
//   precedence, build metadata ignored), ^ (same major), ~ (same major and minor). Versions
//   are strings as semantic_version.hpp reads them, or numbers as Go's %v writes them (2 is
//   "2", 1.2 is "1.2", 1e6 is "1e+06").
// - starts_with, ends_with: [STRING, STRING] -> boolean.
//
// Every one returns null, never false, on bad input (a wrong argument count, a value that is
// no string or version, an unknown operator): flagd then serves the default variant rather
// than a branch chosen by a malformed rule (flagd issue #1874).

#include <span>

#include "flags/json_logic.hpp"

namespace cutover::flags {

JsonLogicResult sem_ver(std::span<const Json> arguments, const Json& data);
JsonLogicResult starts_with(std::span<const Json> arguments, const Json& data);
JsonLogicResult ends_with(std::span<const Json> arguments, const Json& data);

/// The standard operations plus flagd's. Built once; safe to use from any thread.
const JsonLogic& flagd_json_logic();

}  // namespace cutover::flags
