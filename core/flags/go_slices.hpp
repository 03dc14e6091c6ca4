#pragma once
// Go's `values.([]any)` and `slice[i]` on JSON values, panicking as Go does (a failed type
// assertion, an index out of range). Used by the standard operations.

#include <cstddef>

#include "flags/go_jsonlogic_value.hpp"

namespace cutover::flags::go {

inline const Json::array_t& as_slice(const Json& value) {
  if (!value.is_array())
    throw Panic("interface conversion: interface {} is not []interface {}");
  return value.get_ref<const Json::array_t&>();
}

inline const Json& at(const Json::array_t& slice, std::size_t index) {
  if (index >= slice.size())
    throw Panic("runtime error: index out of range");
  return slice[index];
}

}  // namespace cutover::flags::go
