#include "change_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <ostream>

#include "exit_code.hpp"
#include "git_head.hpp"
#include "rollout/plan.hpp"
#include "rollout/revision_record.hpp"
#include "rollout/rollout_commands.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_access.hpp"
#include "rollout_watch.hpp"
#include "util/duration.hpp"
#include "util/file_io.hpp"
#include "util/json_fields.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

struct WaitFlags {
  bool wait = false;
  std::string timeout = "10m";
  bool success_on_pause = false;

  void add_to(CLI::App* cmd) {
    cmd->add_flag("--wait", wait,
                  "Then follow the release like status --watch (exit codes as for status)");
    cmd->add_option("--timeout", timeout, "With --wait: give up after this long (exit 4)")
        ->capture_default_str();
    cmd->add_flag("--success-on-pause", success_on_pause,
                  "With --wait: exit 0 (not 3) when the release pauses for a person");
  }
  /// The timeout, or prints the error to `err` and returns kUsage.
  [[nodiscard]] std::expected<std::chrono::milliseconds, int> parsed_timeout(
      std::ostream& err) const {
    auto parsed = parse_duration(timeout);
    if (!parsed) {
      err << "error: --timeout " << parsed.error() << " (fix: e.g. --timeout 5m)\n";
      return std::unexpected(kUsage);
    }
    return *parsed;
  }
};

int follow(const WaitFlags& flags, std::chrono::milliseconds timeout, const CommandContext& context,
           const Cluster& cluster, const std::string& ns, const std::string& name) {
  if (!flags.wait)
    return kOk;
  return watch_rollout(*cluster.client, cluster.config, ns, name, context.clock, context.terminal(),
                       {timeout, flags.success_on_pause ? SuccessOnPause::yes : SuccessOnPause::no,
                        std::chrono::milliseconds{500}, context.globals.output_format()},
                       context.out, context.err);
}

std::string current_git_sha() {
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  if (ec)
    return {};
  return git_head_sha(cwd).value_or("");
}

int report_patch_error(const kube::Error& error, const kube::RestConfig& config,
                       const std::string& ns, const std::string& name, std::ostream& err) {
  if (error.reason == kube::ErrorReason::not_found)
    return report_missing_rollout(ns, name, err);
  return report_error(error, config, fmt::format("changing rollout {}/{}", ns, name), err);
}

// ---- set image ----

struct SetImageOptions {
  std::string rollout;
  std::vector<std::string> assignments;
  std::string change_cause;
  WaitFlags wait;
};

int run_set_image(const CommandContext& context, const SetImageOptions& options) {
  std::vector<rollout::ImageAssignment> assignments;
  for (const auto& text : options.assignments) {
    auto assignment = rollout::parse_image_assignment(text);
    if (!assignment) {
      context.err << "error: deploy set image " << options.rollout << ": " << assignment.error()
                  << "\n";
      return kUsage;
    }
    assignments.push_back(std::move(*assignment));
  }
  const auto timeout = options.wait.parsed_timeout(context.err);
  if (!timeout)
    return timeout.error();
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const std::string ns = config.namespace_name;
  auto object = get_rollout_object(*connection->client, config, ns, options.rollout, context.err);
  if (!object)
    return object.error();
  const Json& pod_template = member(member(*object, "spec"), "template");
  const auto before = rollout::template_images(pod_template);
  std::vector<std::string> wanted;
  for (const auto& a : assignments)
    wanted.push_back(a.container + "=" + a.image);
  const std::string cause = options.change_cause.empty()
                                ? fmt::format("deploy set image {}", fmt::join(wanted, " "))
                                : options.change_cause;
  auto patch =
      rollout::set_image_patch(*object, assignments, change_annotations(cause, current_git_sha()));
  if (!patch) {
    context.err << "error: " << patch.error().describe() << "\n";
    return kUsage;
  }
  const bool unchanged = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::find(before.begin(), before.end(), w) != before.end();
  });
  if (unchanged) {
    context.out << fmt::format("rollout {}/{} already runs {}: unchanged\n", ns, options.rollout,
                               fmt::join(wanted, " "));
  } else {
    auto result = connection->client->patch(rollouts_ref(ns), options.rollout,
                                            kube::PatchType::json_patch, *patch);
    if (!result)
      return report_patch_error(result.error(), config, ns, options.rollout, context.err);
    context.out << fmt::format("rollout {}/{} image updated: {} (change cause: {})\n", ns,
                               options.rollout, fmt::join(wanted, " "), cause);
  }
  return follow(options.wait, *timeout, context, *connection, ns, options.rollout);
}

// ---- apply ----

struct ApplyFileOptions {
  std::vector<std::string> files;
  std::string change_cause;
  bool force_conflicts = false;
  WaitFlags wait;
};

struct Manifest {
  std::string source;  // file:document
  Json object;
};

bool is_rollout(const Json& object) {
  return string_or(object, "kind") == "Rollout" &&
         string_or(object, "apiVersion").starts_with("cutover.dev/");
}

// The template without the annotations a change records: two templates equal here are the
// same release, whatever commit or cause they came from.
Json without_change_annotations(Json pod_template) {
  if (pod_template.is_object() && pod_template.contains("metadata") &&
      pod_template["metadata"].is_object() && pod_template["metadata"].contains("annotations") &&
      pod_template["metadata"]["annotations"].is_object()) {
    auto& annotations = pod_template["metadata"]["annotations"];
    annotations.erase(rollout::kChangeCauseAnnotation);
    annotations.erase(rollout::kGitShaAnnotation);
    if (annotations.empty())
      pod_template["metadata"].erase("annotations");
  }
  return pod_template;
}

int run_apply(const CommandContext& context, const ApplyFileOptions& options) {
  // Read and check everything before touching the cluster: a typo in the third file must not
  // leave the first two applied.
  std::vector<Manifest> manifests;
  std::vector<std::string> files;
  for (const auto& path : options.files) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    // A folder, as with kubectl: its .yaml, .yml and .json files, in name order.
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      const auto extension = entry.path().extension();
      if (entry.is_regular_file() &&
          (extension == ".yaml" || extension == ".yml" || extension == ".json")) {
        found.push_back(entry.path().string());
      }
    }
    if (ec) {
      context.err << "error: -f " << path << ": " << ec.message()
                  << " (fix: give a readable folder or YAML file)\n";
      return kUsage;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) {
      context.err << "error: -f " << file << ": " << text.error()
                  << " (fix: give a readable YAML file)\n";
      return kUsage;
    }
    auto documents = parse_yaml_documents(*text, file);
    if (!documents) {
      context.err << "error: " << documents.error() << "\n";
      return kUsage;
    }
    for (std::size_t i = 0; i < documents->size(); ++i) {
      Json& object = (*documents)[i];
      const std::string source = fmt::format("{} (document {})", file, i + 1);
      if (!object.is_object() || string_or(object, "kind").empty() ||
          string_or(object, "apiVersion").empty() ||
          string_or(member(object, "metadata"), "name").empty()) {
        context.err << "error: " << source
                    << ": not a Kubernetes object (fix: every document needs apiVersion, kind and "
                       "metadata.name)\n";
        return kUsage;
      }
      if (is_rollout(object)) {
        if (auto parsed = rollout::parse_rollout(object); !parsed) {
          context.err << "error: " << source << ": " << parsed.error().describe() << "\n";
          return kUsage;
        }
      }
      manifests.push_back({source, std::move(object)});
    }
  }
  if (manifests.empty()) {
    context.err << "error: -f " << fmt::format("{}", fmt::join(options.files, ", "))
                << ": no objects found (fix: give files with at least one YAML document)\n";
    return kUsage;
  }
  const auto timeout = options.wait.parsed_timeout(context.err);
  if (!timeout)
    return timeout.error();
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const std::string git_sha = current_git_sha();
  std::vector<std::pair<std::string, std::string>> applied_rollouts;
  for (auto& manifest : manifests) {
    Json& object = manifest.object;
    Json& metadata = object["metadata"];
    if (string_or(metadata, "namespace").empty())
      metadata["namespace"] = config.namespace_name;
    const std::string ns = metadata["namespace"].get<std::string>();
    const std::string name = metadata["name"].get<std::string>();
    const kube::ResourceRef ref{object["apiVersion"].get<std::string>(),
                                object["kind"].get<std::string>(), ns};
    if (is_rollout(object)) {
      const std::string cause =
          options.change_cause.empty()
              ? fmt::format("deploy apply -f {}",
                            manifest.source.substr(0, manifest.source.find(" (document")))
              : options.change_cause;
      auto annotations = change_annotations(cause, git_sha);
      // The same template from another commit is not a new release: keep what is recorded.
      if (auto live = connection->client->get(ref, name); live) {
        const Json& live_template = member(member(*live, "spec"), "template");
        if (without_change_annotations(live_template) ==
            without_change_annotations(member(member(object, "spec"), "template"))) {
          const Json& recorded = member(member(live_template, "metadata"), "annotations");
          annotations.clear();
          for (const char* key : {rollout::kChangeCauseAnnotation, rollout::kGitShaAnnotation}) {
            if (!string_or(recorded, key).empty())
              annotations[key] = string_or(recorded, key);
          }
        }
      }
      // What the manifest itself records wins over the defaults (not over --change-cause).
      const Json& own =
          member(member(member(member(object, "spec"), "template"), "metadata"), "annotations");
      for (const char* key : {rollout::kChangeCauseAnnotation, rollout::kGitShaAnnotation}) {
        if (!string_or(own, key).empty() &&
            (key != std::string_view(rollout::kChangeCauseAnnotation) ||
             options.change_cause.empty())) {
          annotations.erase(key);
        }
      }
      rollout::annotate_template(object, annotations);
      applied_rollouts.emplace_back(ns, name);
    }
    auto result = connection->client->apply(
        ref, object, {"deploy", options.force_conflicts ? kube::Force::yes : kube::Force::no});
    if (!result) {
      const int code = report_error(
          result.error(), config,
          fmt::format("applying {} {}/{} from {}", ref.kind, ns, name, manifest.source),
          context.err);
      if (result.error().reason == kube::ErrorReason::conflict) {
        context.err << "  (fix: another field manager owns these fields; rerun with "
                       "--force-conflicts to take them over)\n";
      }
      return code;
    }
    context.out << fmt::format("{} {}/{} applied\n", ref.kind, ns, name);
  }
  int code = kOk;
  for (const auto& [ns, name] : applied_rollouts) {
    code = std::max(code, follow(options.wait, *timeout, context, *connection, ns, name));
  }
  return code;
}

// ---- restart and undo ----

struct TemplateOptions {
  std::string rollout;
  std::int64_t to_revision = 0;
  WaitFlags wait;
};

int run_restart(const CommandContext& context, const TemplateOptions& options) {
  const auto timeout = options.wait.parsed_timeout(context.err);
  if (!timeout)
    return timeout.error();
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const std::string ns = config.namespace_name;
  auto object = get_rollout_object(*connection->client, config, ns, options.rollout, context.err);
  if (!object)
    return object.error();
  const auto now = context.clock.wall_now();
  auto result =
      connection->client->patch(rollouts_ref(ns), options.rollout, kube::PatchType::json_merge,
                                rollout::restart_spec_patch(now));
  if (!result)
    return report_patch_error(result.error(), config, ns, options.rollout, context.err);
  context.out << fmt::format("rollout {}/{} restarted: a new revision with the same images\n", ns,
                             options.rollout);
  return follow(options.wait, *timeout, context, *connection, ns, options.rollout);
}

int run_undo(const CommandContext& context, const TemplateOptions& options, bool to_given) {
  const auto timeout = options.wait.parsed_timeout(context.err);
  if (!timeout)
    return timeout.error();
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  auto& client = *connection->client;
  const std::string ns = config.namespace_name;
  auto object = get_rollout_object(client, config, ns, options.rollout, context.err);
  if (!object)
    return object.error();
  auto parsed = parse_or_report(*object, context.err);
  if (!parsed)
    return parsed.error();
  kube::ListOptions list_options;
  list_options.label_selector = "cutover.dev/rollout=" + options.rollout;
  auto revisions = client.list_all({"apps/v1", "ControllerRevision", ns}, list_options);
  if (!revisions) {
    return report_error(revisions.error(), config,
                        fmt::format("listing the revisions of rollout {}/{}", ns, options.rollout),
                        context.err);
  }
  // The revisions still on a slot are recorded there (revision_record.hpp), not yet in a
  // ControllerRevision.
  std::vector<Json> slots;
  std::optional<Json> stable_template;
  for (const rollout::Slot slot : {rollout::Slot::a, rollout::Slot::b}) {
    auto deployment =
        client.get(deployments_ref(ns), rollout::slot_deployment_name(options.rollout, slot));
    if (!deployment)
      continue;
    if (slot == parsed->status.stable_slot) {
      Json pod_template = member(member(*deployment, "spec"), "template");
      if (pod_template.is_object() && pod_template.contains("metadata") &&
          pod_template["metadata"].contains("labels")) {
        auto& labels = pod_template["metadata"]["labels"];
        labels.erase(rollout::kSlotLabel);
        labels.erase("cutover.dev/rollout");
      }
      stable_template = std::move(pod_template);
    }
    slots.push_back(std::move(*deployment));
  }
  if (!revisions->contains("items") || !(*revisions)["items"].is_array())
    (*revisions)["items"] = Json::array();
  auto& items = (*revisions)["items"];
  for (auto& item : rollout::slot_revisions(*parsed, slots)) {
    // A revision back on a slot (an undo) may have its ControllerRevision too.
    if (std::ranges::none_of(
            items, [&](const Json& r) { return r.value("revision", Json()) == item["revision"]; }))
      items.push_back(std::move(item));
  }
  auto chosen = rollout::choose_undo_template(
      *parsed, *revisions, to_given ? std::optional(options.to_revision) : std::nullopt,
      stable_template);
  if (!chosen) {
    context.err << "error: " << chosen.error().describe() << "\n";
    return kUsage;
  }
  const std::string target = rollout::template_revision(*chosen);
  if (*chosen == parsed->spec.pod_template) {
    context.out << fmt::format("rollout {}/{} already has the template of revision {}: unchanged\n",
                               ns, options.rollout, target);
  } else {
    auto result = client.patch(rollouts_ref(ns), options.rollout, kube::PatchType::json_patch,
                               rollout::replace_template_patch(*chosen));
    if (!result)
      return report_patch_error(result.error(), config, ns, options.rollout, context.err);
    context.out << fmt::format("rollout {}/{} rolled back to revision {} ({})\n", ns,
                               options.rollout, target,
                               fmt::join(rollout::template_images(*chosen), " "));
  }
  return follow(options.wait, *timeout, context, *connection, ns, options.rollout);
}

}  // namespace

void add_change_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* set = app.add_subcommand("set", "Change part of a Rollout");
  set->require_subcommand(1);
  auto image = std::make_shared<SetImageOptions>();
  auto* image_cmd = set->add_subcommand(
      "image", "Set container images: a new revision (deploy set image web web=web:1.2)");
  image_cmd->add_option("rollout", image->rollout, "Name of the Rollout")->required();
  image_cmd->add_option("assignments", image->assignments, "CONTAINER=IMAGE, one or more")
      ->required();
  image_cmd->add_option("--change-cause", image->change_cause,
                        "Why: recorded in cutover.dev/change-cause and deploy history");
  image->wait.add_to(image_cmd);
  image_cmd->callback(
      [&context, &exit_code, image] { exit_code = run_set_image(context, *image); });

  auto apply = std::make_shared<ApplyFileOptions>();
  auto* apply_cmd = app.add_subcommand("apply", "Server-side apply Rollout (and other) YAML files");
  apply_cmd->add_option("-f,--filename", apply->files, "YAML file(s) to apply")->required();
  apply_cmd->add_option("--change-cause", apply->change_cause,
                        "Why: recorded in cutover.dev/change-cause and deploy history");
  apply_cmd->add_flag("--force-conflicts", apply->force_conflicts,
                      "Take over fields another field manager owns");
  apply->wait.add_to(apply_cmd);
  apply_cmd->callback([&context, &exit_code, apply] { exit_code = run_apply(context, *apply); });

  auto restart = std::make_shared<TemplateOptions>();
  auto* restart_cmd = app.add_subcommand(
      "restart", "Roll new pods with the same images (a new revision through the steps)");
  restart_cmd->add_option("rollout", restart->rollout, "Name of the Rollout")->required();
  restart->wait.add_to(restart_cmd);
  restart_cmd->callback(
      [&context, &exit_code, restart] { exit_code = run_restart(context, *restart); });

  auto undo = std::make_shared<TemplateOptions>();
  auto* undo_cmd = app.add_subcommand(
      "undo", "Go back to an earlier revision, skipping the steps when it is the stable one");
  undo_cmd->add_option("rollout", undo->rollout, "Name of the Rollout")->required();
  auto* to_revision = undo_cmd->add_option(
      "--to-revision", undo->to_revision,
      "The revision number to go back to (default: the stable one, or the previous one)");
  undo->wait.add_to(undo_cmd);
  undo_cmd->callback([&context, &exit_code, undo, to_revision] {
    exit_code = run_undo(context, *undo, to_revision->count() > 0);
  });
}

}  // namespace cutover::cli
