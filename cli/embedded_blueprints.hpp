#pragma once
// The shipped blueprints (blueprints/<name>/), compiled into `deploy` at build time
// (cli/embed_blueprints.cmake), so `deploy new` works from an installed binary.

#include <span>

#include "blueprint/blueprint.hpp"

namespace cutover::cli {

/// Every file of every shipped blueprint, grouped by blueprint; empty when none was shipped.
/// Static storage; thread-safe.
std::span<const blueprint::EmbeddedFile> embedded_blueprints();

}  // namespace cutover::cli
