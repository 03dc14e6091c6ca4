#include "kube/watch_decoder.hpp"

#include <fmt/format.h>

namespace cutover::kube {

std::string_view to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::added:
      return "ADDED";
    case WatchEventType::modified:
      return "MODIFIED";
    case WatchEventType::deleted:
      return "DELETED";
    case WatchEventType::bookmark:
      return "BOOKMARK";
    case WatchEventType::error:
      return "ERROR";
  }
  return "ERROR";
}

Result<WatchEvent> decode_watch_event(std::string_view line) {
  auto fail = [&](std::string what) {
    return std::unexpected(
        Error{ErrorReason::decode,
              0,
              fmt::format("watch event {}: {}", what, std::string(line.substr(0, 120))),
              {},
              std::nullopt});
  };
  auto doc = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return fail("is not a JSON object");
  const auto type = doc.find("type");
  const auto object = doc.find("object");
  if (type == doc.end() || !type->is_string())
    return fail("has no type");
  if (object == doc.end() || !object->is_object())
    return fail("has no object");
  WatchEvent event;
  const auto& name = type->get_ref<const std::string&>();
  if (name == "ADDED") {
    event.type = WatchEventType::added;
  } else if (name == "MODIFIED") {
    event.type = WatchEventType::modified;
  } else if (name == "DELETED") {
    event.type = WatchEventType::deleted;
  } else if (name == "BOOKMARK") {
    event.type = WatchEventType::bookmark;
  } else if (name == "ERROR") {
    event.type = WatchEventType::error;
  } else {
    return fail("has unknown type \"" + name + "\"");
  }
  event.object = std::move(*object);
  return event;
}

void WatchDecoder::feed(std::string_view chunk, const Sink& sink) {
  buffer_.append(chunk);
  std::size_t start = 0;
  while (true) {
    const auto newline = buffer_.find('\n', start);
    if (newline == std::string::npos)
      break;
    const std::string_view line(buffer_.data() + start, newline - start);
    if (line.find_first_not_of(" \r\t") != std::string_view::npos) {
      sink(decode_watch_event(line));
    }
    start = newline + 1;
  }
  buffer_.erase(0, start);
}

}  // namespace cutover::kube
