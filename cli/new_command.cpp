#include "new_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "blueprint/answers_record.hpp"
#include "blueprint/generator.hpp"
#include "blueprint/source.hpp"
#include "embedded_blueprints.hpp"
#include "exit_code.hpp"
#include "util/file_io.hpp"

namespace cutover::cli {

namespace {

struct NewOptions {
  std::string blueprint;
  std::string name;
  std::vector<std::string> sets;
  std::string answers_file;
  std::string output;
  std::string from;
  bool dry_run = false;
  bool no_git = false;
  bool no_input = false;
  bool allow_hooks = false;
  bool force = false;
};

int print_failure(int code, const std::string& message, std::ostream& err) {
  err << "error: " << message << "\n";
  return code;
}

int run_new(const CommandContext& context, const NewOptions& options) {
  const auto fail = [&context](int code, const std::string& message) {
    return print_failure(code, message, context.err);
  };
  blueprint::AnswerSources sources;
  for (const auto& set : options.sets) {
    const std::size_t equals = set.find('=');
    if (equals == std::string::npos || equals == 0) {
      return fail(kUsage, fmt::format("--set {}: want KEY=VALUE (fix: --set port=8080)", set));
    }
    sources.set[set.substr(0, equals)] = set.substr(equals + 1);
  }
  // The NAME positional always fills the parameter called `name`.
  sources.set["name"] = options.name;
  if (!options.answers_file.empty()) {
    auto text = read_file(options.answers_file);
    if (!text)
      return fail(kUsage, text.error() + " (fix: check the --answers path)");
    auto answers = blueprint::parse_answers_file(*text, options.answers_file);
    if (!answers)
      return fail(kUsage, answers.error().describe());
    sources.file = std::move(*answers);
    sources.file_name = options.answers_file;
  }
  auto loaded =
      blueprint::load_blueprint({options.blueprint, options.from, ""}, embedded_blueprints());
  if (!loaded)
    return fail(kUsage, loaded.error());
  sources.prompter = terminal_prompter(options.no_input);
  auto answers = blueprint::resolve_answers(loaded->blueprint.manifest, sources);
  if (!answers)
    return fail(kUsage, answers.error().describe());
  blueprint::GenerateOptions generate_options;
  generate_options.output = options.output.empty() ? options.name : options.output;
  generate_options.dry_run = options.dry_run ? blueprint::DryRun::yes : blueprint::DryRun::no;
  generate_options.git = options.no_git ? blueprint::GitInit::no : blueprint::GitInit::yes;
  generate_options.hooks = options.allow_hooks ? blueprint::RunHooks::yes : blueprint::RunHooks::no;
  generate_options.replace = options.force ? blueprint::Replace::yes : blueprint::Replace::no;
  auto generated = blueprint::generate(*loaded, *answers, generate_options,
                                       SystemProcessRunner::instance(), context.out);
  if (!generated) {
    return fail(generated.error().failure == blueprint::Failure::usage ? kUsage : kFailed,
                generated.error().message);
  }
  return kOk;
}

}  // namespace

std::string constraint_text(const blueprint::Parameter& parameter) {
  std::string out(blueprint::type_name(parameter.type));
  if (parameter.min || parameter.max) {
    out += fmt::format(", {}..{}", parameter.min ? fmt::format("{}", *parameter.min) : "",
                       parameter.max ? fmt::format("{}", *parameter.max) : "");
  }
  if (!parameter.pattern.empty())
    out += ", pattern " + parameter.pattern;
  if (!parameter.values.empty()) {
    out += ": ";
    for (std::size_t i = 0; i < parameter.values.size(); ++i)
      out += (i ? "|" : "") + parameter.values[i];
  }
  if (parameter.required)
    out += ", required";
  return out;
}

std::optional<std::string> TerminalPrompter::ask(const blueprint::Parameter& parameter,
                                                 const std::string& shown_default,
                                                 const std::string& previous_error) {
  if (!previous_error.empty())
    std::cout << "  invalid: " << previous_error << "\n";
  else if (!parameter.help.empty())
    std::cout << fmt::format("{} ({}): {}\n", parameter.name, constraint_text(parameter),
                             parameter.help);
  else
    std::cout << fmt::format("{} ({})\n", parameter.name, constraint_text(parameter));
  std::cout << fmt::format("  {}{}: ", parameter.name,
                           shown_default.empty() ? "" : " [" + shown_default + "]");
  std::cout.flush();
  std::string line;
  if (!std::getline(std::cin, line))
    return std::nullopt;
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return line;
}

blueprint::Prompter* terminal_prompter(bool no_input) {
  static TerminalPrompter prompter;
  if (no_input || ::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0)
    return nullptr;
  return &prompter;
}

void add_new_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<NewOptions>();
  auto* command = app.add_subcommand(
      "new",
      "Generate a new service from a blueprint: deploy new cpp-service payments (see deploy "
      "blueprints list)");
  command->add_option("BLUEPRINT", options->blueprint, "A shipped blueprint, or one in --from")
      ->required();
  command->add_option("NAME", options->name, "The service name (fills the parameter `name`)")
      ->required();
  command->add_option("--set", options->sets, "An answer, KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--answers", options->answers_file,
                      "A YAML file of answers (or another service's .cutover/answers.yaml)");
  command->add_option("--output", options->output, "The folder to create (default ./NAME)");
  command->add_option("--from", options->from,
                      "Take the blueprint from a folder or a git URL[#REF] instead");
  command->add_flag("--dry-run", options->dry_run, "Print the files and hooks; write nothing");
  command->add_flag("--no-git", options->no_git, "Do not make a git repository");
  command->add_flag("--no-input", options->no_input,
                    "Never prompt: missing required answers are an error");
  command->add_flag("--allow-hooks", options->allow_hooks,
                    "Run the blueprint's post-generate hooks");
  command->add_flag("--force", options->force,
                    "Replace an existing, non-empty output folder (only once the new one is "
                    "complete; never the current folder, a parent of it, / or $HOME)");
  command->callback([&context, options, &exit_code] { exit_code = run_new(context, *options); });
}

}  // namespace cutover::cli
