#include "flags/flag_snapshot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace cutover::flags {

namespace {

std::string_view string_member(const Json& object, const char* name) {
  if (!object.is_object())
    return {};
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string())
    return {};
  return it->get_ref<const std::string&>();
}

}  // namespace

std::string_view flag_set_id_of(const Flag& flag, const FlagSet& flags) {
  if (flag.metadata.contains("flagSetId"))
    return string_member(flag.metadata, "flagSetId");
  return string_member(flags.metadata, "flagSetId");
}

Json FlagSelector::metadata() const {
  Json out = Json::object();
  if (flag_set_id && !flag_set_id->empty())
    out["flagSetId"] = *flag_set_id;
  if (source && !source->empty())
    out["source"] = *source;
  return out;
}

std::expected<FlagSelector, std::string> parse_flag_selector(std::string_view expression) {
  FlagSelector selector;
  if (expression.empty())
    return selector;
  const auto equals = expression.find('=');
  if (equals == std::string_view::npos) {
    selector.source = std::string(expression);
    return selector;
  }
  const std::string_view key = expression.substr(0, equals);
  const std::string value(expression.substr(equals + 1));
  if (key == "source")
    selector.source = value;
  else if (key == "flagSetId")
    selector.flag_set_id = value;
  else
    return std::unexpected(fmt::format(
        "Flagd-Selector \"{}\": unknown key \"{}\"; use source=core.openfeature.dev/NAMESPACE/NAME "
        "or flagSetId=ID",
        expression, key));
  return selector;
}

FlagSnapshot::FlagSnapshot(std::vector<std::shared_ptr<const FlagSource>> sources)
    : sources_(std::move(sources)) {
  for (std::size_t priority = 0; priority < sources_.size(); ++priority) {
    const FlagSet& set = sources_[priority]->flags;
    for (const auto& [key, flag] : set.flags)
      entries_.push_back({&set, &flag, flag_set_id_of(flag, set), priority});
  }
  // (key, priority) is unique: a source defines a key once. So sort needs no stability (and
  // clang deprecates the temporary buffer stable_sort uses).
  std::ranges::sort(entries_, [](const Entry& a, const Entry& b) {
    return std::pair{std::string_view(a.flag->key), a.priority} <
           std::pair{std::string_view(b.flag->key), b.priority};
  });
}

bool FlagSnapshot::selected(const Entry& entry, const FlagSelector& selector) const {
  if (selector.source && sources_[entry.priority]->name != *selector.source)
    return false;
  return !selector.flag_set_id || entry.flag_set_id == *selector.flag_set_id;
}

std::optional<FlagSnapshot::Entry> FlagSnapshot::find(std::string_view key,
                                                      const FlagSelector& selector) const {
  const auto first = std::ranges::lower_bound(
      entries_, key, {}, [](const Entry& e) { return std::string_view(e.flag->key); });
  std::optional<Entry> found;
  for (auto it = first; it != entries_.end() && it->flag->key == key; ++it) {
    if (selected(*it, selector))
      found = *it;  // ascending priority: the last selected one wins
  }
  return found;
}

std::vector<FlagSnapshot::Entry> FlagSnapshot::all(const FlagSelector& selector) const {
  std::map<std::pair<std::string_view, std::string_view>, Entry> kept;
  for (const Entry& entry : entries_) {
    if (selected(entry, selector))
      kept.insert_or_assign({entry.flag_set_id, entry.flag->key}, entry);
  }
  std::vector<Entry> out;
  out.reserve(kept.size());
  for (auto& [id, entry] : kept)
    out.push_back(entry);
  return out;
}

}  // namespace cutover::flags
