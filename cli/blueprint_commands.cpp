#include "blueprint_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "blueprint/source.hpp"
#include "blueprint/updater.hpp"
#include "embedded_blueprints.hpp"
#include "exit_code.hpp"
#include "new_command.hpp"

namespace cutover::cli {

namespace {

using Json = nlohmann::json;

std::string source_text(const blueprint::SourceRecord& source) {
  if (source.kind == "builtin")
    return "shipped";
  if (source.kind == "git")
    return fmt::format("{}{}", source.location, source.ref.empty() ? "" : "#" + source.ref);
  return source.location;
}

Json parameter_json(const blueprint::Parameter& p) {
  Json out = {{"name", p.name},
              {"type", std::string(blueprint::type_name(p.type))},
              {"required", p.required},
              {"help", p.help}};
  if (!p.default_value.is_null())
    out["default"] = p.default_value;
  if (!p.pattern.empty())
    out["pattern"] = p.pattern;
  if (p.min)
    out["min"] = *p.min;
  if (p.max)
    out["max"] = *p.max;
  if (!p.values.empty())
    out["values"] = p.values;
  return out;
}

Json blueprint_json(const blueprint::LoadedBlueprint& loaded, bool details) {
  const auto& m = loaded.blueprint.manifest;
  Json out = {{"name", m.name},
              {"version", m.version},
              {"description", m.description},
              {"source", source_text(loaded.source)}};
  if (!details)
    return out;
  out["parameters"] = Json::array();
  for (const auto& p : m.parameters)
    out["parameters"].push_back(parameter_json(p));
  out["files"] = Json::array();
  for (const auto& rule : m.files)
    out["files"].push_back({{"path", rule.path}, {"when", rule.when.source()}});
  out["copyWithoutRender"] = m.copy_without_render;
  out["hooks"] = Json::array();
  for (const auto& hook : m.hooks)
    out["hooks"].push_back({{"name", hook.name}, {"run", hook.run}});
  out["templateFiles"] = Json::array();
  for (const auto& file : loaded.blueprint.files)
    out["templateFiles"].push_back(file.path);
  return out;
}

int run_list(const CommandContext& context, const std::string& from) {
  auto all = blueprint::load_all_blueprints(from, embedded_blueprints());
  if (!all) {
    context.err << "error: " << all.error() << "\n";
    return kUsage;
  }
  if (context.globals.output_format() == Output::json) {
    Json out = Json::array();
    for (const auto& loaded : *all)
      out.push_back(blueprint_json(loaded, false));
    context.out << out.dump(2) << "\n";
    return kOk;
  }
  if (all->empty()) {
    context.out << (from.empty() ? "no blueprints are shipped in this build (try --from PATH)\n"
                                 : "no blueprints found\n");
    return kOk;
  }
  std::size_t width = 4;
  for (const auto& loaded : *all)
    width = std::max(width, loaded.blueprint.manifest.name.size());
  context.out << fmt::format("{:<{}}  {:<8}  {}\n", "NAME", width, "VERSION", "DESCRIPTION");
  for (const auto& loaded : *all) {
    const auto& m = loaded.blueprint.manifest;
    context.out << fmt::format("{:<{}}  {:<8}  {}\n", m.name, width, m.version, m.description);
  }
  return kOk;
}

int run_show(const CommandContext& context, const std::string& name, const std::string& from) {
  auto loaded = blueprint::load_blueprint({name, from, ""}, embedded_blueprints());
  if (!loaded) {
    context.err << "error: " << loaded.error() << "\n";
    return kUsage;
  }
  if (context.globals.output_format() == Output::json) {
    context.out << blueprint_json(*loaded, true).dump(2) << "\n";
    return kOk;
  }
  const auto& m = loaded->blueprint.manifest;
  context.out << fmt::format("{} {} ({})\n", m.name, m.version, source_text(loaded->source));
  if (!m.description.empty())
    context.out << m.description << "\n";
  context.out << "\nparameters:\n";
  for (const auto& p : m.parameters) {
    context.out << fmt::format(
        "  {} ({}){}\n", p.name, constraint_text(p),
        p.default_value.is_null()
            ? std::string{}
            : " default " + (p.default_value.is_string() ? p.default_value.get<std::string>()
                                                         : p.default_value.dump()));
    if (!p.help.empty())
      context.out << "      " << p.help << "\n";
  }
  if (!m.files.empty()) {
    context.out << "\nfile rules:\n";
    for (const auto& rule : m.files)
      context.out << fmt::format("  {}  when {}\n", rule.path, rule.when.source());
  }
  if (!m.copy_without_render.empty()) {
    context.out << "\ncopied without rendering:\n";
    for (const auto& glob : m.copy_without_render)
      context.out << "  " << glob << "\n";
  }
  context.out << "\nhooks (run only with deploy new --allow-hooks):\n";
  if (m.hooks.empty())
    context.out << "  none\n";
  for (const auto& hook : m.hooks) {
    std::string argv;
    for (const auto& word : hook.run)
      argv += (argv.empty() ? "" : " ") + word;
    context.out << fmt::format("  {}: {}\n", hook.name, argv);
  }
  context.out << fmt::format("\ntemplate files: {}\n", loaded->blueprint.files.size());
  for (const auto& file : loaded->blueprint.files)
    context.out << "  " << file.path << "\n";
  return kOk;
}

struct UpdateCommandOptions {
  std::string dir = ".";
  std::string to_version;
  std::string from;
  bool no_input = false;
};

int run_update(const CommandContext& context, const UpdateCommandOptions& options) {
  blueprint::UpdateOptions update{options.dir, options.to_version, options.from,
                                  terminal_prompter(options.no_input)};
  auto result = blueprint::update_service(update, embedded_blueprints(), context.out);
  if (!result) {
    context.err << "error: " << result.error().message << "\n";
    return result.error().failure == blueprint::Failure::usage ? kUsage : kFailed;
  }
  if (!result->conflicts.empty()) {
    context.err << fmt::format("error: {} file{} with conflicts; resolve them and commit\n",
                               result->conflicts.size(), result->conflicts.size() == 1 ? "" : "s");
    return kFailed;
  }
  return kOk;
}

}  // namespace

void add_blueprint_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* blueprints = app.add_subcommand("blueprints", "List and show blueprints");
  blueprints->require_subcommand(1);
  auto list_from = std::make_shared<std::string>();
  auto* list = blueprints->add_subcommand("list", "List blueprints (shipped, or --from)");
  list->add_option("--from", *list_from, "A folder or git URL[#REF] holding blueprints");
  list->callback([&context, &exit_code, list_from] { exit_code = run_list(context, *list_from); });

  auto show_name = std::make_shared<std::string>();
  auto show_from = std::make_shared<std::string>();
  auto* show =
      blueprints->add_subcommand("show", "Show a blueprint's parameters, file rules and hooks");
  show->add_option("NAME", *show_name, "The blueprint")->required();
  show->add_option("--from", *show_from, "A folder or git URL[#REF] holding it");
  show->callback([&context, &exit_code, show_name, show_from] {
    exit_code = run_show(context, *show_name, *show_from);
  });

  auto update_options = std::make_shared<UpdateCommandOptions>();
  auto* group = app.add_subcommand("blueprint", "Keep a generated service current");
  group->require_subcommand(1);
  auto* update = group->add_subcommand(
      "update", "Re-render the service with its recorded answers and merge (three-way, with git)");
  update->add_option("DIR", update_options->dir, "The service folder (default .)");
  update->add_option("--to-version", update_options->to_version,
                     "The blueprint version to move to (a git tag v<V> or <V>)");
  update->add_option("--from", update_options->from,
                     "Take the blueprint from this folder or git URL[#REF] instead");
  update->add_flag("--no-input", update_options->no_input, "Never prompt for new parameters");
  update->callback(
      [&context, update_options, &exit_code] { exit_code = run_update(context, *update_options); });
}

}  // namespace cutover::cli
