#pragma once
// `deploy completion bash|zsh|fish`: static completion scripts generated from the CLI11 command
// tree, so they list exactly the subcommands and flags this binary has. `deploy
// install-plugin [DIR]`: the `kubectl-deploy` link that makes `kubectl deploy ...` work.

#include <CLI/CLI.hpp>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace cutover::cli {

enum class Shell { bash, zsh, fish };

/// The completion script for `app` (the root `deploy` App) in `shell`. It completes the
/// command words (`set image`), and per command its flags plus the global ones. Scripts are
/// registered for both `deploy` and `kubectl-deploy`.
std::string completion_script(CLI::App& app, Shell shell);

/// Creates `dir/kubectl-deploy` as a symlink to `target` (the running deploy). An existing
/// link to `target` is fine; anything else there is an error unless `Replace::yes`. Returns the
/// link's path, or the reason it could not be made.
enum class Replace { no, yes };
std::expected<std::filesystem::path, std::string> install_plugin_link(
    const std::filesystem::path& dir, const std::filesystem::path& target, Replace replace);

/// The name to show in usage: "kubectl deploy" when run as `kubectl-deploy` (argv[0]'s base
/// name), else "deploy".
std::string program_name(std::string_view argv0);

struct CommandContext;

/// `deploy completion bash|zsh|fish` and `deploy install-plugin [DIR] [--force]`, printing to
/// `context.out` and `context.err`.
void add_completion_commands(CLI::App& app, const CommandContext& context, int& exit_code);

}  // namespace cutover::cli
