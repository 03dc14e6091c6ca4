#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rollout/plan.hpp"
#include "rollout/planner_support.hpp"
#include "rollout/reconcile_error.hpp"
#include "rollout/router_for.hpp"
#include "util/encoding.hpp"
#include "util/hash.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

std::string template_revision(const Json& pod_template) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical. FNV-1a, 64 bit.
  return fmt::format("{:010x}", fnv1a64(pod_template.dump()) & 0xffffffffffULL);
}

std::string describe(const StepsTold& steps) {
  if (steps.first == steps.last)
    return fmt::format("step {}/{} done: {}", steps.first + 1, steps.total, steps.what);
  return fmt::format("steps {}-{}/{} done: {}", steps.first + 1, steps.last + 1, steps.total,
                     steps.what);
}

void fold_event(std::vector<RecordEvent>& told, RecordEvent event) {
  const bool after_steps =
      !told.empty() && told.back().reason == "StepCompleted" && told.back().steps.has_value();
  const bool tells_steps = event.reason == "StepCompleted" || event.reason == "Promoted";
  if (!after_steps || !tells_steps ||
      (event.steps && told.back().steps->last + 1 != event.steps->first)) {
    told.push_back(std::move(event));
    return;
  }
  RecordEvent earlier = std::move(told.back());
  told.pop_back();
  StepsTold merged = *earlier.steps;
  if (event.steps) {
    merged.last = event.steps->last;
    merged.what += ", " + event.steps->what;
  }
  if (event.reason == "StepCompleted") {
    // Named and stamped as the first: a pass replayed after a crash names it alike.
    earlier.steps = merged;
    earlier.message = describe(merged);
    told.push_back(std::move(earlier));
    return;
  }
  event.message = fmt::format("{} ({})", event.summary, describe(merged));
  event.steps = std::move(merged);
  told.push_back(std::move(event));
}

namespace detail {

void PlanBuilder::event(std::string type, std::string reason, std::string message) {
  const auto& st = plan.status;
  std::string transition =
      fmt::format("{}|{}|{}|{}|{}", st.current_revision, st.current_step_index, st.stable_revision,
                  st.aborted_at ? format_rfc3339(*st.aborted_at) : "", st.release_attempt);
  plan.actions.emplace_back(RecordEvent{std::move(type), std::move(reason), std::move(message), now,
                                        std::move(transition)});
}

bool PlanBuilder::last_event_is_steps_done() const {
  if (!steps_done_ || *steps_done_ >= plan.actions.size())
    return false;
  return std::none_of(plan.actions.begin() + static_cast<std::ptrdiff_t>(*steps_done_) + 1,
                      plan.actions.end(),
                      [](const Action& a) { return std::holds_alternative<RecordEvent>(a); });
}

void PlanBuilder::step_completed(std::size_t index, std::size_t total, const std::string& what) {
  if (last_event_is_steps_done()) {
    auto& done = std::get<RecordEvent>(plan.actions[*steps_done_]);
    done.steps->last = index;
    done.steps->what += ", " + what;
    done.message = describe(*done.steps);
    return;
  }
  const StepsTold steps{index, index, total, what};
  event("Normal", "StepCompleted", describe(steps));
  std::get<RecordEvent>(plan.actions.back()).steps = steps;
  steps_done_ = plan.actions.size() - 1;
}

void PlanBuilder::promoted_event(const std::string& message) {
  std::optional<StepsTold> steps;
  if (last_event_is_steps_done()) {
    const auto at = plan.actions.begin() + static_cast<std::ptrdiff_t>(*steps_done_);
    steps = std::get<RecordEvent>(*at).steps;
    plan.actions.erase(at);
    steps_done_.reset();
  }
  event("Normal", "Promoted", steps ? fmt::format("{} ({})", message, describe(*steps)) : message);
  auto& promoted = std::get<RecordEvent>(plan.actions.back());
  promoted.steps = std::move(steps);
  promoted.summary = message;
}

bool PlanBuilder::routed() const {
  return rollout.spec.is_canary() && !rollout.spec.canary().routes.empty();
}

bool PlanBuilder::routes_say(int weight, const std::vector<traffic::ManagedRoute>& managed) const {
  const auto need = routes_need_edit(rollout, observed, SetRouteWeight{weight, managed});
  return need && !*need;
}

std::string PlanBuilder::route_problem() const {
  for (const auto& [name, reading] : observed.routes) {
    if (!reading.problem.empty())
      return reading.problem;
  }
  return "";
}

std::string PlanBuilder::route_readings() const {
  std::string out;
  for (const auto& [name, reading] : observed.routes) {
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name,
                       reading.weight ? fmt::format("{}%", *reading.weight) : "mixed");
  }
  return out;
}

void PlanBuilder::requeue_at(WallTime when) {
  const auto delay = std::max(std::chrono::milliseconds{0},
                              std::chrono::duration_cast<std::chrono::milliseconds>(when - now));
  if (!plan.requeue_after || delay < *plan.requeue_after)
    plan.requeue_after = delay;
}

void PlanBuilder::set_condition(const std::string& type, bool value, const std::string& reason,
                                const std::string& message) {
  const std::string status = value ? "True" : "False";
  auto& conditions = plan.status.conditions;
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const Condition& c) { return c.type == type; });
  if (it == conditions.end()) {
    conditions.push_back({type, status, reason, message, now, now});
    return;
  }
  if (it->status != status)
    it->last_transition_time = now;
  if (it->status != status || it->reason != reason || it->message != message) {
    it->last_update_time = now;
  }
  it->status = status;
  it->reason = reason;
  it->message = message;
}

void PlanBuilder::add_pause(const std::string& reason) {
  if (!has_pause(reason))
    plan.status.pause_conditions.push_back({reason, now});
}

void PlanBuilder::clear_pauses() {
  plan.status.pause_conditions.clear();
}

bool PlanBuilder::has_pause(const std::string& reason) const {
  return std::any_of(plan.status.pause_conditions.begin(), plan.status.pause_conditions.end(),
                     [&](const PauseCondition& p) { return p.reason == reason; });
}

bool PlanBuilder::condition_true(const std::string& type) const {
  return std::any_of(plan.status.conditions.begin(), plan.status.conditions.end(),
                     [&](const Condition& c) { return c.type == type && c.status == "True"; });
}

namespace {

std::vector<std::string> images_of(const Json& pod_template) {
  std::vector<std::string> images;
  const Json spec = pod_template.is_object() ? pod_template.value("spec", Json::object()) : Json();
  if (spec.is_object() && spec.contains("containers") && spec["containers"].is_array()) {
    for (const auto& container : spec["containers"]) {
      if (container.is_object() && container.contains("image") && container["image"].is_string()) {
        images.push_back(container["image"].get<std::string>());
      }
    }
  }
  return images;
}

std::string annotation(const Json& pod_template, const char* key) {
  if (!pod_template.is_object())
    return {};
  const Json metadata = pod_template.value("metadata", Json::object());
  if (!metadata.is_object())
    return {};
  const Json annotations = metadata.value("annotations", Json::object());
  if (!annotations.is_object() || !annotations.contains(key) || !annotations[key].is_string()) {
    return {};
  }
  return annotations[key].get<std::string>();
}

}  // namespace

HistoryEntry& PlanBuilder::history_for(const std::string& rev) {
  auto& history = plan.status.history;
  for (auto& entry : history) {
    if (entry.revision == rev && !entry.finished_at)
      return entry;
  }
  HistoryEntry entry;
  entry.revision = rev;
  const Json& tmpl = rollout.spec.pod_template;
  entry.images = images_of(tmpl);
  entry.git_sha = annotation(tmpl, "cutover.dev/git-sha");
  entry.change_cause = annotation(tmpl, "cutover.dev/change-cause");
  if (entry.change_cause.empty()) {
    entry.change_cause = string_or(rollout.annotations, "cutover.dev/change-cause");
  }
  entry.started_at = now;
  entry.result = "Progressing";
  history.push_back(std::move(entry));
  // Keep the newest entries only: revisionHistoryLimit bounds the audit kept in status (the
  // full trail is in Events and, with the SLO gates, AnalysisRuns).
  const auto limit = static_cast<std::size_t>(std::max(1, rollout.spec.revision_history_limit + 1));
  if (history.size() > limit)
    history.erase(history.begin(), history.end() - static_cast<long>(limit));
  return history.back();
}

void PlanBuilder::finish_history(const std::string& rev, const std::string& result,
                                 const std::string& reason) {
  for (auto& entry : plan.status.history) {
    if (entry.revision == rev && !entry.finished_at) {
      entry.finished_at = now;
      entry.result = result;
      entry.reason = reason;
    }
  }
}

bool PlanBuilder::slot_ready(Slot slot, const std::string& rev, int replicas) const {
  const auto& s = observed.slot(slot);
  return s.exists && s.revision == rev && s.observed && s.spec_replicas >= replicas &&
         s.available_replicas >= replicas && s.updated_replicas >= replicas;
}

int weight_replicas(int replicas, int weight) {
  if (weight <= 0 || replicas <= 0)
    return 0;
  if (weight >= 100)
    return replicas;
  const int rounded = static_cast<int>(std::lround(replicas * weight / 100.0));
  // Any weight above 0 gets a pod; any weight below 100 leaves one for stable when it can.
  return std::clamp(rounded, 1, replicas >= 2 ? replicas - 1 : replicas);
}

int routed_replicas(int replicas, int weight) {
  if (weight <= 0 || replicas <= 0)
    return 0;
  return std::clamp((replicas * weight + 99) / 100, 1, replicas);
}

}  // namespace detail

namespace {

std::string selector_string(const Json& selector) {
  std::string out;
  if (!selector.is_object() || !selector.contains("matchLabels") ||
      !selector["matchLabels"].is_object()) {
    return out;
  }
  for (const auto& [key, value] : selector["matchLabels"].items()) {
    if (!value.is_string())
      continue;
    out += (out.empty() ? "" : ",") + key + "=" + value.get<std::string>();
  }
  return out;
}

}  // namespace

std::vector<std::string> strategy_services(const RolloutSpec& spec) {
  std::vector<std::string> services;
  auto add = [&](const std::string& name) {
    if (!name.empty())
      services.push_back(name);
  };
  if (spec.is_canary()) {
    add(spec.canary().stable_service);
    add(spec.canary().canary_service);
  } else {
    add(spec.blue_green().active_service);
    add(spec.blue_green().preview_service);
  }
  return services;
}

Plan plan(const Rollout& rollout, const Observed& observed, WallTime now) {
  detail::PlanBuilder b{rollout, observed, now, Plan{{}, rollout.status, std::nullopt},
                        template_revision(rollout.spec.pod_template)};
  auto& st = b.plan.status;
  st.observed_generation = rollout.generation;
  st.strategy = rollout.spec.is_canary() ? "Canary" : "BlueGreen";
  st.selector = selector_string(rollout.spec.selector);
  // A plan is made only after a read that worked, and it is written only after its actions
  // did: a ReconcileError reported by an earlier pass no longer holds.
  std::erase_if(st.conditions,
                [](const Condition& c) { return c.type == kReconcileErrorCondition; });
  if (rollout.deleting) {
    // The slot Deployments go with the Rollout (owner references); the user's Services stay,
    // and get their original selectors back so they do not point at pods about to vanish.
    for (const auto& service : strategy_services(rollout.spec)) {
      b.plan.actions.emplace_back(PinService{service, std::nullopt});
    }
    return b.plan;
  }
  if (rollout.spec.is_canary()) {
    detail::plan_canary(b);
  } else {
    detail::plan_blue_green(b);
  }
  st.replicas = st.ready_replicas = st.available_replicas = st.updated_replicas = 0;
  for (const auto& slot : observed.slots) {
    if (!slot.exists)
      continue;
    st.replicas += slot.spec_replicas;
    st.ready_replicas += slot.ready_replicas;
    st.available_replicas += slot.available_replicas;
    if (slot.revision == b.revision)
      st.updated_replicas += slot.available_replicas;
  }
  return b.plan;
}

}  // namespace cutover::rollout
