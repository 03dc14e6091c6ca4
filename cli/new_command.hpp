#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "blueprint/answers.hpp"
#include "command_context.hpp"

namespace cutover::cli {

/// `deploy new BLUEPRINT NAME [--set k=v]... [--answers FILE] [--output DIR] [--dry-run]
/// [--no-git] [--no-input] [--from PATH|GIT-URL[#REF]] [--allow-hooks] [--force]`: renders a
/// blueprint into a new folder (./NAME by default) and makes it a git repository with a first
/// commit. An existing non-empty folder is refused unless `--force`, which replaces it only
/// once the new one is complete (refused for the current folder, its parents, / and $HOME).
/// Exit 0 on success, 2 for bad input (unknown blueprint, invalid answer, existing folder, no
/// git author), 1 when generation fails (a hook, the disk); nothing is left behind on error,
/// and a folder `--force` would have replaced is put back as it was. Progress goes to
/// `context.out`, errors to `context.err`; questions go to the terminal (TerminalPrompter).
void add_new_command(CLI::App& app, CommandContext& context, int& exit_code);

/// Asks on the terminal (stdin/stdout): shows the help, the type and constraints and the
/// default; an empty line takes the default.
class TerminalPrompter final : public blueprint::Prompter {
 public:
  std::optional<std::string> ask(const blueprint::Parameter& parameter,
                                 const std::string& shown_default,
                                 const std::string& previous_error) override;
};

/// A prompter when stdin and stdout are terminals and `no_input` is false, else nullptr.
blueprint::Prompter* terminal_prompter(bool no_input);

/// One line describing a parameter's type and constraints: "int, 1024..65535", "enum: a|b".
std::string constraint_text(const blueprint::Parameter& parameter);

}  // namespace cutover::cli
