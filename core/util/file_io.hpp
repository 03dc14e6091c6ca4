#pragma once

#include <expected>
#include <filesystem>
#include <string>

namespace cutover {

/// Reads a whole file. The error names the path and the OS reason.
std::expected<std::string, std::string> read_file(const std::filesystem::path& path);

}  // namespace cutover
