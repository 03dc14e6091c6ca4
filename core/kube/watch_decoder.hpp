#pragma once
// Splits a watch response body (one JSON event per line, arriving in arbitrary chunks) into
// events. Pure and fuzzable: malformed lines become errors, never exceptions.

#include <functional>
#include <string>
#include <string_view>

#include "kube/kube_client.hpp"

namespace cutover::kube {

enum class WatchEventType { added, modified, deleted, bookmark, error };

struct WatchEvent {
  WatchEventType type = WatchEventType::added;
  Json object;  // for `error`, the Status object
};

std::string_view to_string(WatchEventType type);

class WatchDecoder {
 public:
  using Sink = std::function<void(Result<WatchEvent>)>;

  /// Appends a chunk and emits every complete line as an event (or a `decode` error).
  void feed(std::string_view chunk, const Sink& sink);
  /// Bytes held for an incomplete line.
  [[nodiscard]] std::size_t pending() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

/// Decodes one line of a watch stream.
Result<WatchEvent> decode_watch_event(std::string_view line);

}  // namespace cutover::kube
