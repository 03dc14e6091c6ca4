#pragma once
// The dashboard's live updates: every change the informers see goes, as a Server-Sent Event, to
// each open stream whose user may list that kind in that namespace (a SubjectAccessReview,
// cached). A stream starts with a snapshot of everything its user may see, so a page needs no
// separate list, and a reconnect (EventSource does it by itself) starts afresh.
//
// Events: `event: snapshot` with `data: {"items": [summary...]}`, then `event: change` with
// `data: {"type": "ADDED|MODIFIED|DELETED", "object": summary}`; `: ping` every 15 s, which also
// finds clients that left.

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dashboard/access_control.hpp"
#include "dashboard/release_kind.hpp"
#include "net/http_listener.hpp"

namespace cutover::dashboard {

class EventHub {
 public:
  explicit EventHub(AccessControl& access) : access_(access) {}

  /// A stream for `caller` that starts with `snapshot()` (built under the hub's lock, so that no
  /// change falls between the snapshot and the stream: one may come twice, which is harmless).
  std::shared_ptr<net::EventStream> subscribe(Caller caller,
                                              const std::function<nlohmann::json()>& snapshot);

  /// Sends a change of `kind` in `namespace_name` to the streams allowed to see it.
  void publish(const ReleaseKind& kind, const std::string& namespace_name, std::string_view type,
               const nlohmann::json& summary);

  /// `: ping` to every stream; forgets the closed ones.
  void heartbeat();

  /// Ends every stream (at shutdown).
  void close_all();

  [[nodiscard]] std::size_t subscribers() const;

 private:
  struct Subscriber {
    Caller caller;
    std::shared_ptr<net::EventStream> stream;
  };
  AccessControl& access_;
  mutable std::mutex mutex_;
  std::vector<Subscriber> subscribers_;
};

/// One SSE frame: `event: <name>\ndata: <json>\n\n` (JSON has no raw newline, so one data line).
std::string sse_frame(std::string_view event, const nlohmann::json& data);

}  // namespace cutover::dashboard
