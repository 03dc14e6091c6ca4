#pragma once

namespace cutover {

/// The release version, set by CMake from `project(VERSION)`.
inline constexpr const char* kVersion = CUTOVER_VERSION;

}  // namespace cutover
