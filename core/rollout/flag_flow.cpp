// Flags bound to a canary (spec.strategy.canary.flags): each follows the canary's weight, is
// read back before a step counts, goes to its onPromotion split when the release is promoted,
// and back to 0% in the pass that aborts (with the traffic). The split's field is written by
// SetFlagWeight (flags/flag_split.hpp); which release drives a flag is kept in
// status.canary.flags, so a flag promoted by one release is not moved by the next.
#include <fmt/format.h>

#include <algorithm>

#include "rollout/planner_support.hpp"

namespace cutover::rollout::detail {

namespace {

const std::vector<FlagBinding>& bindings(const Rollout& rollout) {
  static const std::vector<FlagBinding> none;
  return rollout.spec.is_canary() ? rollout.spec.canary().flags : none;
}

bool same_binding(const FlagSplitStatus& entry, const FlagBinding& binding) {
  return entry.feature_flag == binding.ref.feature_flag && entry.flag == binding.ref.flag &&
         entry.variant == binding.ref.variant;
}

FlagSplitStatus* entry_of(std::vector<FlagSplitStatus>& entries, const FlagBinding& binding) {
  const auto it = std::ranges::find_if(
      entries, [&](const FlagSplitStatus& e) { return same_binding(e, binding); });
  return it == entries.end() ? nullptr : &*it;
}

const flags::FlagSplitReading* reading_of(const Observed& observed, const FlagBinding& binding) {
  const auto it = observed.flags.find(binding.ref.describe());
  return it == observed.flags.end() ? nullptr : &it->second;
}

bool reads(const Observed& observed, const FlagBinding& binding, int weight) {
  const auto* reading = reading_of(observed, binding);
  return reading != nullptr && reading->problem.empty() && reading->weight == weight;
}

std::optional<int> promotion_weight(const FlagBinding& binding, const FlagSplitStatus* entry) {
  switch (binding.on_promotion) {
    case OnPromotion::promote:
      return 100;
    case OnPromotion::reset:
      return 0;
    case OnPromotion::keep:
      break;
  }
  return entry != nullptr ? entry->weight : std::nullopt;
}

std::string history_line(const FlagBinding& binding, std::optional<int> weight) {
  return weight ? fmt::format("{}/{} {} {}%", binding.ref.feature_flag, binding.ref.flag,
                              binding.ref.variant, *weight)
                : fmt::format("{}/{} not split", binding.ref.feature_flag, binding.ref.flag);
}

void record_history(PlanBuilder& b, const std::string& revision, std::vector<std::string> lines) {
  if (revision.empty() || lines.empty())
    return;
  auto& history = b.plan.status.history;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->revision == revision) {
      it->flags = std::move(lines);
      return;
    }
  }
}

}  // namespace

void PlanBuilder::read_flag_splits() {
  auto& entries = plan.status.flag_splits;
  std::vector<FlagSplitStatus> next;
  for (const auto& binding : bindings(rollout)) {
    FlagSplitStatus entry{binding.ref.feature_flag, binding.ref.flag, binding.ref.variant};
    if (const auto* before = entry_of(entries, binding)) {
      entry.revision = before->revision;
      entry.promoted = before->promoted;
    }
    if (const auto* reading = reading_of(observed, binding))
      entry.weight = reading->weight;
    next.push_back(std::move(entry));
  }
  entries = std::move(next);
}

std::vector<const FlagBinding*> PlanBuilder::driven_flags() const {
  std::vector<const FlagBinding*> out;
  for (const auto& binding : bindings(rollout)) {
    const auto& entries = plan.status.flag_splits;
    const auto it = std::ranges::find_if(
        entries, [&](const FlagSplitStatus& e) { return same_binding(e, binding); });
    const bool set_for_good = it != entries.end() && it->promoted && it->revision != revision &&
                              binding.on_promotion != OnPromotion::reset;
    if (!set_for_good)
      out.push_back(&binding);
  }
  return out;
}

std::string PlanBuilder::flag_problem() const {
  for (const auto* binding : driven_flags()) {
    const auto* reading = reading_of(observed, *binding);
    if (reading == nullptr)
      return fmt::format("{} was not read ({}): a bug, please report it", binding->ref.describe(),
                         binding->ref.field);
    if (!reading->problem.empty())
      return reading->problem;
  }
  return "";
}

bool PlanBuilder::hold_flags(int weight) {
  bool all = true;
  for (const auto* binding : driven_flags()) {
    plan.actions.emplace_back(SetFlagWeight{*binding, weight});
    if (auto* entry = entry_of(plan.status.flag_splits, *binding)) {
      entry->revision = revision;
      entry->promoted = false;
    }
    all = all && reads(observed, *binding, weight);
  }
  return all;
}

bool PlanBuilder::promote_flags() {
  bool all = true;
  for (const auto* binding : driven_flags()) {
    const auto* entry = entry_of(plan.status.flag_splits, *binding);
    const auto weight = promotion_weight(*binding, entry);
    if (!weight || binding->on_promotion == OnPromotion::keep)
      continue;  // keep: nothing to write
    plan.actions.emplace_back(SetFlagWeight{*binding, *weight});
    all = all && reads(observed, *binding, *weight);
  }
  return all;
}

void PlanBuilder::flags_promoted() {
  std::vector<std::string> lines;
  for (const auto* binding : driven_flags()) {
    auto* entry = entry_of(plan.status.flag_splits, *binding);
    const auto weight = promotion_weight(*binding, entry);
    if (entry != nullptr) {
      entry->revision = revision;
      entry->promoted = true;
      entry->weight = weight;
    }
    lines.push_back(history_line(*binding, weight));
  }
  record_history(*this, revision, std::move(lines));
}

void PlanBuilder::flags_to_zero(const std::string& history_revision) {
  std::vector<std::string> lines;
  for (const auto* binding : driven_flags()) {
    const auto* entry = entry_of(plan.status.flag_splits, *binding);
    if (entry == nullptr || entry->revision.empty() || entry->promoted)
      continue;  // no release under way moved it
    const auto* reading = reading_of(observed, *binding);
    if (reading == nullptr || !reading->problem.empty())
      continue;  // not through a flag Cutover cannot write: the status says why
    plan.actions.emplace_back(SetFlagWeight{*binding, 0});
    lines.push_back(history_line(*binding, 0));
  }
  record_history(*this, history_revision, std::move(lines));
}

std::string PlanBuilder::flag_readings() const {
  std::string out;
  for (const auto* binding : driven_flags()) {
    const auto* reading = reading_of(observed, *binding);
    out += fmt::format("{}{}/{} {}", out.empty() ? "" : ", ", binding->ref.feature_flag,
                       binding->ref.flag,
                       reading != nullptr && reading->weight ? fmt::format("{}%", *reading->weight)
                                                             : std::string("not split"));
  }
  return out;
}

}  // namespace cutover::rollout::detail
