#include "dashboard/event_hub.hpp"

namespace cutover::dashboard {

std::string sse_frame(std::string_view event, const nlohmann::json& data) {
  return "event: " + std::string(event) + "\ndata: " + data.dump() + "\n\n";
}

std::shared_ptr<net::EventStream> EventHub::subscribe(
    Caller caller, const std::function<nlohmann::json()>& snapshot) {
  auto stream = std::make_shared<net::EventStream>();
  // The first bytes tell EventSource to wait 2 s before it reconnects.
  stream->push("retry: 2000\n\n");
  const std::scoped_lock lock(mutex_);
  stream->push(sse_frame("snapshot", snapshot()));
  subscribers_.push_back({std::move(caller), stream});
  return stream;
}

void EventHub::publish(const ReleaseKind& kind, const std::string& namespace_name,
                       std::string_view type, const nlohmann::json& summary) {
  const std::string frame = sse_frame("change", {{"type", std::string(type)}, {"object", summary}});
  const ResourceAttributes list{
      .verb = "list", .group = kGroup, .resource = kind.resource, .namespace_name = namespace_name};
  // The access checks (a SubjectAccessReview when not cached) run outside the lock, so that a
  // slow API server does not hold up new subscribers and the heartbeat.
  std::vector<Subscriber> current;
  {
    const std::scoped_lock lock(mutex_);
    current = subscribers_;
  }
  bool dropped = false;
  for (const Subscriber& s : current) {
    if (s.stream->open() && access_.allowed(s.caller, list))
      s.stream->push(frame);
    dropped = dropped || !s.stream->open();
  }
  if (dropped) {
    const std::scoped_lock lock(mutex_);
    std::erase_if(subscribers_, [](const Subscriber& s) { return !s.stream->open(); });
  }
}

void EventHub::heartbeat() {
  const std::scoped_lock lock(mutex_);
  std::erase_if(subscribers_, [](const Subscriber& s) { return !s.stream->push(": ping\n\n"); });
}

void EventHub::close_all() {
  const std::scoped_lock lock(mutex_);
  for (const auto& s : subscribers_)
    s.stream->close();
  subscribers_.clear();
}

std::size_t EventHub::subscribers() const {
  const std::scoped_lock lock(mutex_);
  return subscribers_.size();
}

}  // namespace cutover::dashboard
