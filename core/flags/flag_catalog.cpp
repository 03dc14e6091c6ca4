#include "flags/flag_catalog.hpp"

#include <utility>

#include "util/json_fields.hpp"

namespace cutover::flags {

namespace {

std::string object_key(const Json& object) {
  const Json& metadata = member(object, "metadata");
  return string_or(metadata, "namespace") + "/" + string_or(metadata, "name");
}

}  // namespace

FlagCatalog::FlagCatalog() {
  const std::scoped_lock lock(mutex_);
  publish();
}

bool FlagCatalog::hold(const Json& feature_flag) {
  const std::string key = object_key(feature_flag);
  const std::string version = string_or(member(feature_flag, "metadata"), "resourceVersion");
  const auto held = held_.find(key);
  if (held != held_.end() && !version.empty() && held->second.resource_version == version)
    return held->second.source != nullptr;
  Held fresh{version, nullptr, std::nullopt};
  if (auto source = read_feature_flag(feature_flag))
    fresh.source = std::make_shared<const FlagSource>(std::move(*source));
  else
    fresh.error = std::move(source.error());
  const bool valid = fresh.source != nullptr;
  held_.insert_or_assign(key, std::move(fresh));
  return valid;
}

bool FlagCatalog::upsert(const Json& feature_flag) {
  const std::scoped_lock lock(mutex_);
  const bool valid = hold(feature_flag);
  publish();
  return valid;
}

void FlagCatalog::erase(const Json& feature_flag) {
  const std::scoped_lock lock(mutex_);
  if (held_.erase(object_key(feature_flag)) > 0)
    publish();
}

std::vector<FeatureFlagError> FlagCatalog::invalid() const {
  const std::scoped_lock lock(mutex_);
  std::vector<FeatureFlagError> out;
  for (const auto& [key, held] : held_) {
    if (held.error)
      out.push_back(*held.error);
  }
  return out;
}

void FlagCatalog::publish() {
  std::vector<std::shared_ptr<const FlagSource>> sources;
  sources.reserve(held_.size());
  for (const auto& [key, held] : held_) {
    if (held.source)
      sources.push_back(held.source);
  }
  snapshot_.store(std::make_shared<const FlagSnapshot>(std::move(sources)),
                  std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace cutover::flags
