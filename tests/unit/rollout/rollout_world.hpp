#pragma once
// A tiny stand-in for the cluster, for planner tests only: applies a plan's actions to an
// `Observed` as a perfect Deployment controller would, and feeds the status back. Lets a test
// drive a whole rollout through the pure planner and look at every intermediate state.

#include <chrono>
#include <string>
#include <vector>

#include "rollout/plan.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout/router_for.hpp"
#include "rollout/slot_deployment.hpp"
#include "traffic/route_edit.hpp"

namespace cutover::testing {

using rollout::Json;

inline Json canary_rollout_json(int replicas, const Json& steps, const std::string& image) {
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "Rollout"},
          {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"generation", 1}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "web"}}}}},
              {"spec", {{"containers", Json::array({{{"name", "web"}, {"image", image}}})}}}}},
            {"strategy",
             {{"canary",
               {{"stableService", "web-stable"},
                {"canaryService", "web-canary"},
                {"scaleDownDelaySeconds", 30},
                {"steps", steps}}}}}}}};
}

inline Json blue_green_rollout_json(int replicas, const std::string& image, bool auto_promote) {
  return {{"apiVersion", "cutover.dev/v1alpha1"},
          {"kind", "Rollout"},
          {"metadata", {{"name", "pay"}, {"namespace", "shop"}, {"generation", 1}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", "pay"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "pay"}}}}},
              {"spec", {{"containers", Json::array({{{"name", "pay"}, {"image", image}}})}}}}},
            {"strategy",
             {{"blueGreen",
               {{"activeService", "pay-active"},
                {"previewService", "pay-preview"},
                {"autoPromotionEnabled", auto_promote},
                {"previewReplicaCount", 1},
                {"scaleDownDelaySeconds", 30},
                {"abortScaleDownDelaySeconds", 10}}}}}}}};
}

class RolloutWorld {
 public:
  explicit RolloutWorld(const Json& object) {
    auto parsed = rollout::parse_rollout(object);
    if (!parsed)
      throw std::runtime_error(parsed.error().describe());
    rollout_ = *parsed;
  }

  /// Pods become available at once unless `instant_pods` is false (then they stay unavailable).
  bool instant_pods = true;
  /// A StartAnalysis creates its run, observed as Running from the next pass on (as the
  /// AnalysisDriver would measure it). Tests then set `observed.analysis_runs[name]` to a verdict.
  bool create_runs = true;
  /// Every run name a plan started, in order (repeats included).
  std::vector<std::string> started_runs;
  /// Every replica count a ScaleWorkload asked of the adopted Deployment, in order.
  std::vector<int> scaled_workload;

  rollout::Plan step() {
    last_ = rollout::plan(rollout_, observed, now);
    for (const auto& action : last_.actions)
      apply(action);
    rollout_.status = last_.status;
    plans.push_back(last_);
    return last_;
  }

  /// Plans until nothing changes (no actions that alter the world and no status change), or
  /// `max_steps`. Time advances by the requeue delay, or a second.
  void settle(int max_steps = 200) {
    for (int i = 0; i < max_steps; ++i) {
      const auto before_status = rollout::status_to_json(rollout_.status);
      const auto before_world = snapshot();
      const auto plan = step();
      const bool changed =
          before_status != rollout::status_to_json(rollout_.status) || before_world != snapshot();
      if (!changed) {
        if (!plan.requeue_after)
          return;
        now += std::max(*plan.requeue_after, std::chrono::milliseconds{1});
      } else {
        now += std::chrono::seconds{1};
      }
    }
  }

  void set_image(const std::string& image) {
    rollout_.spec.pod_template["spec"]["containers"][0]["image"] = image;
    ++rollout_.generation;
  }
  rollout::Rollout& rollout() { return rollout_; }
  rollout::RolloutStatus& status() { return rollout_.status; }
  const rollout::SlotObservation& slot(rollout::Slot s) const { return observed.slot(s); }
  /// The share of ready pods that run `revision` (what the replica-ratio data plane sends it).
  double share_of(const std::string& revision) const {
    int total = 0, of_revision = 0;
    for (const auto& slot : observed.slots) {
      total += slot.available_replicas;
      if (slot.revision == revision)
        of_revision += slot.available_replicas;
    }
    return total == 0 ? 0 : static_cast<double>(of_revision) / total;
  }
  std::vector<rollout::RecordEvent> events() const {
    std::vector<rollout::RecordEvent> out;
    for (const auto& plan : plans) {
      for (const auto& action : plan.actions) {
        if (const auto* e = std::get_if<rollout::RecordEvent>(&action))
          out.push_back(*e);
      }
    }
    return out;
  }

  rollout::Observed observed;
  /// Whether a SetRouteWeight lands on the routes (false: a route that does not take it).
  bool routes_follow = true;
  /// Every weight the plans asked of the routes, in order.
  std::vector<int> set_weights;
  /// Whether a SetFlagWeight lands on the flag (false: a write that does not take).
  bool flags_follow = true;
  /// Every weight the plans asked of a bound flag, in order.
  std::vector<int> set_flag_weights;
  WallTime now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}};
  std::vector<rollout::Plan> plans;

 private:
  Json snapshot() const {
    Json out = Json::array();
    for (const auto& s : observed.slots) {
      out.push_back({s.exists, s.revision, s.spec_replicas, s.available_replicas, s.crash_looping});
    }
    for (const auto& [name, slot] : observed.service_slots) {
      out.push_back({name, slot ? std::string(rollout::to_string(*slot)) : "-"});
    }
    if (observed.workload)
      out.push_back({observed.workload->spec_replicas, observed.workload->available_replicas});
    for (const auto& [name, reading] : observed.routes)
      out.push_back({name, reading.weight.value_or(-1), reading.problem, reading.object});
    for (const auto& [name, reading] : observed.flags)
      out.push_back({name, reading.weight.value_or(-1), reading.problem});
    return out;
  }

  void set_replicas(rollout::SlotObservation& s, int replicas) {
    s.spec_replicas = replicas;
    const int available = instant_pods ? replicas : std::min(s.available_replicas, replicas);
    s.available_replicas = s.ready_replicas = s.updated_replicas = available;
  }

  void apply(const rollout::Action& action) {
    if (const auto* a = std::get_if<rollout::ApplySlot>(&action)) {
      auto& s = observed.slot(a->slot);
      if (s.revision != a->revision)
        s.available_replicas = s.ready_replicas = 0;
      s.exists = true;
      s.revision = a->revision;
      s.applied = rollout::applied_hash(
          rollout::slot_deployment(rollout_, a->slot, a->revision, a->replicas));
      set_replicas(s, a->replicas);
    } else if (const auto* sc = std::get_if<rollout::ScaleSlot>(&action)) {
      set_replicas(observed.slot(sc->slot), sc->replicas);
    } else if (const auto* w = std::get_if<rollout::ScaleWorkload>(&action)) {
      if (observed.workload) {
        observed.workload->spec_replicas = w->replicas;
        observed.workload->available_replicas =
            std::min(observed.workload->available_replicas, w->replicas);
      }
      scaled_workload.push_back(w->replicas);
    } else if (const auto* r = std::get_if<rollout::SetRouteWeight>(&action)) {
      set_weights.push_back(r->weight);
      for (auto& [name, reading] : observed.routes) {
        if (!reading.problem.empty() || !routes_follow)
          continue;
        if (!reading.object.is_object()) {
          reading.weight = r->weight;
          continue;
        }
        // A route object: edited as the executor and the API server would.
        const auto& canary = rollout_.spec.canary();
        const traffic::WeightedServices services = rollout::weighted_services(rollout_);
        for (const auto& ref : canary.routes) {
          if (ref.describe() != name)
            continue;
          const auto edit = traffic::route_edit(reading.object, ref, services,
                                                {r->weight, r->managed, canary.managed_routes});
          if (edit && !edit->is_null())
            reading = traffic::read_route(reading.object.patch(*edit), ref, services);
        }
      }
    } else if (const auto* f = std::get_if<rollout::SetFlagWeight>(&action)) {
      set_flag_weights.push_back(f->weight);
      auto& reading = observed.flags[f->binding.ref.describe()];
      if (reading.problem.empty() && flags_follow)
        reading.weight = f->weight;
    } else if (const auto* p = std::get_if<rollout::PinService>(&action)) {
      observed.service_slots[p->service] = p->slot;
    } else if (const auto* start = std::get_if<rollout::StartAnalysis>(&action)) {
      started_runs.push_back(start->name);
      if (create_runs && !observed.analysis_runs.contains(start->name))
        observed.analysis_runs[start->name] = {"Running", "measuring"};
    }
  }

  rollout::Rollout rollout_;
  rollout::Plan last_;
};

}  // namespace cutover::testing
