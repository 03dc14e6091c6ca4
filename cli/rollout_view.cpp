#include "rollout_view.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <utility>

#include "rollout/migration_json.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/rollout_commands.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_kind.hpp"
#include "step_text.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::cli {

namespace {

using rollout::Phase;
using rollout::Rollout;
using rollout::Slot;

std::size_t cells(std::string_view text) {
  return static_cast<std::size_t>(display_width(text));
}

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string images_only(const Json& pod_template) {
  std::vector<std::string> images;
  for (const auto& entry : rollout::template_images(pod_template))
    images.push_back(entry.substr(entry.find('=') + 1));
  return images.empty() ? "-" : fmt::format("{}", fmt::join(images, ","));
}

bool has_status(const Json& object) {
  const Json& status = member(object, "status");
  return status.is_object() && !string_or(status, "phase").empty();
}

// FlagRollouts and Migrations: no pods, no slots; the first release is a release.
bool podless(const Rollout& r) {
  return kind_of(r) != RolloutKind::rollout;
}

// A podless first release is a release (a Rollout's first deployment is not).
bool mid_release(const Rollout& r) {
  return (!r.status.stable_revision.empty() || podless(r)) && !r.status.current_revision.empty() &&
         r.status.current_revision != r.status.stable_revision;
}

std::string phase_badge(const Rollout& r, const Json& object, const Terminal& t) {
  if (!has_status(object))
    return t.dim("… Pending (no controller has seen it yet)");
  switch (r.status.phase) {
    case Phase::healthy:
      return t.green("✔ Healthy");
    case Phase::progressing:
      return t.cyan("► Progressing");
    case Phase::paused:
      return t.yellow("‖ Paused");
    case Phase::degraded:
      return t.red("✖ Degraded");
  }
  return "?";
}

// What the user can do next, if the Rollout waits for them.
std::string hint(const Rollout& r) {
  const bool pods = !podless(r);
  const std::string deploy = kind_names(kind_of(r)).command;
  if (r.status.abort) {
    return pods ? fmt::format("deploy retry {0} to try again, or deploy undo {0}", r.name)
                : fmt::format("{} retry {} to try again", deploy, r.name);
  }
  for (const auto& pause : r.status.pause_conditions) {
    if (pause.reason == "PausedBySpec") {
      return pods ? fmt::format("deploy resume {} to continue", r.name)
                  : std::string("set spec.paused to false to continue");
    }
    if (pause.reason == "AnalysisInconclusive") {
      return fmt::format(
          "{0} promote {1} to pass the inconclusive analysis, {0} retry {1} to run it "
          "again, or {0} abort {1}",
          deploy, r.name);
    }
  }
  if (r.status.phase == Phase::paused)
    return fmt::format("{} promote {} to continue", deploy, r.name);
  return {};
}

// What a Migration moves: its route, its paths, from and to (the path's Services and ports).
std::vector<std::pair<std::string, std::string>> migration_fields(
    const rollout::CanaryStrategy& canary) {
  const std::vector<std::string> paths = migration_paths(canary);
  const int from_port = canary.move ? canary.move->from_port : 0;
  const int to_port = canary.move ? canary.move->to_port : 0;
  return {{"Route", canary.routes.empty() ? "-" : canary.routes.front().describe()},
          {"Paths", paths.empty() ? "-" : fmt::format("{}", fmt::join(paths, ", "))},
          {"From", fmt::format("Service {}:{}", canary.stable_service, from_port)},
          {"To", fmt::format("Service {}:{}", canary.canary_service, to_port)}};
}

}  // namespace

std::vector<std::string> migration_paths(const rollout::CanaryStrategy& canary) {
  std::vector<std::string> paths;
  if (canary.move) {
    for (const auto& match : canary.move->matches)
      paths.push_back(match.path ? match.path->value : "/");
  }
  return paths;
}

std::string step_progress(const Rollout& r) {
  if (!r.spec.is_canary() || r.spec.canary().steps.empty())
    return "-";
  const int steps = static_cast<int>(r.spec.canary().steps.size());
  return fmt::format("{}/{}", std::clamp(r.status.current_step_index, 0, steps), steps);
}

std::string phase_text(const Rollout& r, const Json& object) {
  return has_status(object) ? std::string(rollout::to_string(r.status.phase)) : "Pending";
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], cells(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(widths[i] - cells(row[i]) + 3, ' ');
    }
    out += line + "\n";
  }
  return out;
}

SlotState slot_state(const Json& deployment) {
  SlotState out;
  if (!deployment.is_object())
    return out;
  out.exists = true;
  out.revision = string_or(member(member(deployment, "metadata"), "annotations"),
                           rollout::kRevisionAnnotation);
  const Json& spec = member(deployment, "spec");
  out.images = rollout::template_images(member(spec, "template"));
  out.replicas = static_cast<int>(int_or(spec, "replicas", 1));
  out.ready = static_cast<int>(int_or(member(deployment, "status"), "readyReplicas"));
  return out;
}

std::string human_age(std::chrono::seconds age) {
  const long long s = age.count();
  if (s < 0)
    return "0s";
  if (s < 120)
    return fmt::format("{}s", s);
  const long long m = s / 60;
  if (m < 10)
    return s % 60 == 0 ? fmt::format("{}m", m) : fmt::format("{}m{}s", m, s % 60);
  if (m < 180)
    return fmt::format("{}m", m);
  const long long h = m / 60;
  if (h < 8)
    return m % 60 == 0 ? fmt::format("{}h", h) : fmt::format("{}h{}m", h, m % 60);
  if (h < 48)
    return fmt::format("{}h", h);
  const long long d = h / 24;
  if (h < 24 * 8)
    return h % 24 == 0 ? fmt::format("{}d", d) : fmt::format("{}d{}h", d, h % 24);
  if (d < 365 * 2)
    return fmt::format("{}d", d);
  return fmt::format("{}y", d / 365);
}

std::string object_age(const Json& object, WallTime now) {
  const auto created = parse_rfc3339(string_or(member(object, "metadata"), "creationTimestamp"));
  if (!created)
    return "<unknown>";
  return human_age(std::chrono::duration_cast<std::chrono::seconds>(now - *created));
}

std::string render_list(const Json& items, bool all_namespaces, Output output, WallTime now) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"NAME",   "STRATEGY", "PHASE", "STEP",
                                     "WEIGHT", "IMAGES",   "AGE"};
  if (output == Output::wide) {
    header.insert(header.end(), {"STABLE", "CURRENT", "MESSAGE"});
  }
  if (all_namespaces)
    header.insert(header.begin(), "NAMESPACE");
  rows.push_back(header);
  if (!items.is_array() || items.empty())
    return {};
  for (const auto& object : items) {
    const Json& metadata = member(object, "metadata");
    std::vector<std::string> row;
    const auto parsed = rollout::parse_rollout(object);
    if (!parsed) {
      row = {string_or(metadata, "name"), "?", "Invalid", "-", "-", "-", object_age(object, now)};
      if (output == Output::wide)
        row.insert(row.end(), {"-", "-", parsed.error().describe()});
    } else {
      const Rollout& r = *parsed;
      row = {r.name,
             r.spec.is_canary() ? "Canary" : "BlueGreen",
             phase_text(r, object),
             step_progress(r),
             has_status(object) ? std::to_string(r.status.current_weight) : "-",
             images_only(r.spec.pod_template),
             object_age(object, now)};
      if (output == Output::wide) {
        row.insert(row.end(), {or_dash(r.status.stable_revision),
                               or_dash(r.status.current_revision), or_dash(r.status.message)});
      }
    }
    if (all_namespaces)
      row.insert(row.begin(), string_or(metadata, "namespace"));
    rows.push_back(std::move(row));
  }
  return table(rows);
}

std::string traffic_bar(int percent, int width) {
  const int filled = std::clamp((percent * width + 50) / 100, 0, width);
  std::string out;
  for (int i = 0; i < width; ++i)
    out += i < filled ? "█" : "░";
  return out;
}

std::string render_status(const RolloutSnapshot& snapshot, WallTime now, const Terminal& t) {
  const Rollout& r = snapshot.rollout;
  const auto& st = r.status;
  const bool canary = r.spec.is_canary();
  const bool migration = r.is_migration() && canary;
  const bool releasing = mid_release(r);
  // A Migration's share is the path's: on spec.to's Service, the rest on spec.from's.
  const std::string stable_role = migration ? r.spec.canary().stable_service
                                  : canary  ? "stable"
                                            : "active";
  const std::string new_role = migration ? r.spec.canary().canary_service
                               : canary  ? "canary"
                                         : "preview";
  std::string out;
  // Labels in an 11-column margin; a longer one ("FlagRollout:") still leaves a space.
  auto field = [&](std::string_view label, const std::string& value) {
    out += fmt::format("{:<11}{}\n", std::string(label) + (label.size() < 10 ? ":" : ": "), value);
  };
  field(kind_names(kind_of(r)).api_kind, t.bold(r.namespace_name + "/" + r.name));
  field("Strategy", r.is_flag_rollout() ? "Flag"
                    : migration         ? "Migration"
                    : canary            ? "Canary"
                                        : "BlueGreen");
  field("Phase", phase_badge(r, snapshot.object, t));
  if (!snapshot.driven_by.empty())
    field("Driven by", snapshot.driven_by);
  const bool aborted = st.abort || (!st.abort_reason.empty() && st.phase == Phase::degraded);
  // The planner's message for an abort repeats the reason; say it once.
  if (!st.message.empty() && !(aborted && st.message.find(st.abort_reason) != std::string::npos))
    field("Message", st.message);
  if (st.abort || (!st.abort_reason.empty() && st.phase == Phase::degraded))
    field("Aborted", t.red(st.abort_reason.empty() ? "by request" : st.abort_reason));
  if (const auto* failing = rollout::current_reconcile_error(r); failing != nullptr) {
    field("Error", t.red(fmt::format("ReconcileError ({}) for generation {}, for {}",
                                     failing->reason, r.generation,
                                     human_age(std::chrono::duration_cast<std::chrono::seconds>(
                                         now - failing->last_transition_time)))));
  }
  if (const std::string next = hint(r); !next.empty())
    field("Next", next);
  // Only a controller removes our finalizer: with none running, the deletion waits for ever.
  const Json& finalizers = member(member(snapshot.object, "metadata"), "finalizers");
  const char* finalizer = migration ? rollout::kMigrationFinalizer : rollout::kFinalizer;
  if (r.deleting && finalizers.is_array() &&
      std::find(finalizers.begin(), finalizers.end(), finalizer) != finalizers.end()) {
    field("Deleting",
          migration ? fmt::format("waiting for finalizer {}: the operator puts the path back on "
                                  "Service {} first (spec.onDelete: restore)",
                                  finalizer, stable_role)
                    : fmt::format("waiting for finalizer {}. No operator? Run: deploy delete {}",
                                  finalizer, r.name));
  }
  if (releasing && st.progress_started_at) {
    field(
        "Started",
        human_age(std::chrono::duration_cast<std::chrono::seconds>(now - *st.progress_started_at)) +
            " ago");
  }
  if (migration) {
    for (const auto& [label, value] : migration_fields(r.spec.canary()))
      field(label, value);
  }
  if (has_status(snapshot.object)) {
    if (r.is_flag_rollout()) {
      // No traffic but the flag's: the Flag line below says it.
    } else if (releasing || migration) {
      const int weight = std::clamp(st.current_weight, 0, 100);
      field("Traffic", fmt::format("{} {}% {}, {}% {}", traffic_bar(weight, 20), weight, new_role,
                                   100 - weight, stable_role));
    } else {
      field("Traffic", fmt::format("{} 100% {}", traffic_bar(100, 20), stable_role));
    }
    // Routed canaries: what each route read back (status.canary.weights), as the API server
    // stores it (not yet what the gateway applied: route status conditions are not read).
    for (const auto& route : st.route_weights) {
      // A Migration's Route line above names its route already.
      field(migration ? "Read back" : "Route",
            route.weight ? fmt::format("{}: {}% {}", route.route, *route.weight, new_role)
                         : fmt::format("{}: its rules disagree (a change in flight)", route.route));
    }
    // Bound flags (status.canary.flags): the variant's share as read back.
    for (const auto& flag : st.flag_splits) {
      std::string line = fmt::format("FeatureFlag {} flag {}: ", flag.feature_flag, flag.flag);
      line += flag.weight ? fmt::format("{} {}%", flag.variant, *flag.weight)
                          : std::string("no split (every key gets its default variant)");
      if (flag.promoted)
        line += fmt::format(", set by the promotion of {}", flag.revision);
      field("Flag", line);
    }
  }

  // Revisions: stable first, then the candidate (or a warm old slot that still has pods).
  struct Line {
    std::string role;
    Slot slot;
  };
  std::vector<Line> lines;
  if (st.stable_slot) {
    lines.push_back({stable_role, *st.stable_slot});
    const Slot other_slot = rollout::other(*st.stable_slot);
    const auto& other_state = snapshot.slots[static_cast<std::size_t>(other_slot)];
    if (releasing) {
      lines.push_back({new_role, other_slot});
    } else if (other_state.exists && other_state.replicas > 0) {
      lines.push_back({"old", other_slot});
    }
  }
  if (!lines.empty()) {
    out += "Revisions:\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const bool last = i + 1 == lines.size();
      const auto& state = snapshot.slots[static_cast<std::size_t>(lines[i].slot)];
      const std::string revision = lines[i].role == stable_role ? st.stable_revision
                                   : lines[i].role == new_role  ? st.current_revision
                                                                : state.revision;
      const std::string pods = state.exists
                                   ? fmt::format("{}/{} ready", state.ready, state.replicas)
                                   : std::string("not created yet");
      out += fmt::format("{} {:<7} {}  {}  {}\n", last ? "└──" : "├──", lines[i].role,
                         or_dash(revision), rollout::slot_deployment_name(r.name, lines[i].slot),
                         pods);
      for (std::size_t j = 0; j < state.images.size(); ++j) {
        out += fmt::format("{}   {} {}\n", last ? " " : "│",
                           j + 1 == state.images.size() ? "└──" : "├──", state.images[j]);
      }
    }
  }

  if (canary && !r.spec.canary().steps.empty()) {
    const auto& steps = r.spec.canary().steps;
    const StepOwner owner = migration ? StepOwner::migration : StepOwner::rollout;
    out += fmt::format("Steps:     {}\n", step_progress(r));
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const int index = static_cast<int>(i);
      std::string mark;
      if (st.stable_revision.empty() && !podless(r)) {
        mark = t.dim("·");  // not deployed yet: a first deployment skips the steps anyway
      } else if (!releasing || index < st.current_step_index) {
        mark = t.green("✔");
      } else if (index == st.current_step_index) {
        mark = st.abort || st.phase == Phase::degraded ? t.red("✖") : t.cyan("►");
      } else {
        mark = t.dim("·");
      }
      out += fmt::format("{} {} {}\n", i + 1 == steps.size() ? "└──" : "├──", mark,
                         step_text(steps[i], owner));
    }
  }

  const Json& analysis = member(member(snapshot.object, "status"), "currentStepAnalysis");
  if (analysis.is_object()) {
    const std::string phase = string_or(analysis, "phase", "Pending");
    const std::string painted = phase == "Successful"                   ? t.green(phase)
                                : phase == "Failed" || phase == "Error" ? t.red(phase)
                                                                        : t.yellow(phase);
    std::string line = fmt::format("{}: {}", string_or(analysis, "name", "?"), painted);
    if (const std::string message = string_or(analysis, "message"); !message.empty())
      line += " (" + message + ")";
    field("Analysis", line);
  }
  return out;
}

std::string render_status_line(const RolloutSnapshot& snapshot) {
  const Rollout& r = snapshot.rollout;
  const auto& st = r.status;
  std::string line = fmt::format("{}: {}", r.name, phase_text(r, snapshot.object));
  if (mid_release(r)) {
    if (r.spec.is_canary())
      line += fmt::format(", step {}", step_progress(r));
    line += fmt::format(", weight {}%", st.current_weight);
  }
  for (Slot slot : {Slot::a, Slot::b}) {
    const auto& state = snapshot.slots[static_cast<std::size_t>(slot)];
    if (state.exists) {
      line += fmt::format(", {} {}/{}", rollout::slot_deployment_name(r.name, slot), state.ready,
                          state.replicas);
    }
  }
  if (!st.message.empty())
    line += " (" + st.message + ")";
  return line;
}

std::string render_history(const Rollout& r, Output output, WallTime now) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {"REVISION", "IMAGES", "GIT-SHA", "CHANGE-CAUSE", "STARTED", "DURATION", "RESULT", "WHY"});
  if (r.status.history.empty())
    return {};
  // Rollouts with bound flags: how each release left them.
  const bool with_flags =
      std::ranges::any_of(r.status.history, [](const auto& entry) { return !entry.flags.empty(); });
  if (with_flags)
    rows.front().emplace_back("FLAGS");
  for (const auto& entry : r.status.history) {
    const WallTime end = entry.finished_at.value_or(now);
    std::vector<std::string> row = {
        entry.revision,
        entry.images.empty() ? "-" : fmt::format("{}", fmt::join(entry.images, ",")),
        entry.git_sha.empty()    ? "-"
        : output == Output::wide ? entry.git_sha
                                 : entry.git_sha.substr(0, 7),
        or_dash(entry.change_cause),
        human_age(std::chrono::duration_cast<std::chrono::seconds>(now - entry.started_at)) +
            " ago",
        human_age(std::chrono::duration_cast<std::chrono::seconds>(end - entry.started_at)),
        or_dash(entry.result)};
    // Entries written before the operator recorded reasons: the abort reason of the current
    // revision is still in the status.
    std::string why = entry.reason;
    if (why.empty() && entry.result == "Aborted" && entry.revision == r.status.current_revision)
      why = r.status.abort_reason;
    row.push_back(or_dash(why));
    if (with_flags)
      row.push_back(entry.flags.empty() ? "-" : fmt::format("{}", fmt::join(entry.flags, ", ")));
    rows.push_back(std::move(row));
  }
  return table(rows);
}

}  // namespace cutover::cli
