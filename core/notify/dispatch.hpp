#pragma once
// From "these triggers fired on this release" to the deliveries: each subscription to a fired
// trigger, each template the trigger sends, each recipient, rendered with the release's context
// (notification_context.hpp). Pure: the operator queues what this returns (notifier.hpp).

#include <string>
#include <vector>

#include "notify/delivery.hpp"
#include "notify/notify_config.hpp"
#include "notify/subscriptions.hpp"

namespace cutover::notify {

struct Outgoing {
  ServiceConfig service;
  Message message;
  /// With the trigger's oncePer: what makes this delivery the same as an earlier one (send it
  /// once); empty otherwise.
  std::string once_key;
};

/// The deliveries. A subscription naming an unknown service or trigger, or a template that
/// does not render, adds a line to `warnings` (which names it and the fix) and is skipped.
std::vector<Outgoing> plan_notifications(const NotifyConfig& config,
                                         const std::vector<Subscription>& subscriptions,
                                         const std::vector<std::string>& fired, const Json& context,
                                         std::vector<std::string>& warnings);

}  // namespace cutover::notify
