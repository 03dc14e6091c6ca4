#pragma once
// Who gets which notification: annotations on a Rollout, a Migration or a FlagRollout, or on its
// namespace (then for every release there), in Argo's form so users carry their knowledge over:
//
//   notifications.cutover.dev/subscribe.<trigger>.<service>: <recipient>;<recipient>
//   notifications.cutover.dev/subscribe.<service>: <recipient>      (the default triggers)
//
// Argo's own prefix, notifications.argoproj.io/, is read too. A recipient is a mail address for
// email and a repository (`owner/name`) for github; slack, teams and webhook need none (the
// service's URL says where). Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cutover::notify {

inline constexpr const char* kSubscribePrefix = "notifications.cutover.dev/subscribe.";
inline constexpr const char* kArgoSubscribePrefix = "notifications.argoproj.io/subscribe.";

/// The triggers of a subscription that names none, when the configuration sets no
/// defaultTriggers.
const std::vector<std::string>& fallback_default_triggers();

struct Subscription {
  std::string trigger;
  std::string service;
  std::vector<std::string> recipients;  // at least one, maybe ""
  bool operator==(const Subscription&) const = default;
};

/// The subscriptions in `annotations` (an object's metadata.annotations; anything else gives
/// none). `default_triggers` expands a subscription that names no trigger (empty: the
/// fallback).
std::vector<Subscription> parse_subscriptions(const nlohmann::json& annotations,
                                              const std::vector<std::string>& default_triggers);

}  // namespace cutover::notify
