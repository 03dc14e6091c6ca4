#include "kube/reflector.hpp"

#include <fmt/format.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::kube {

namespace {

/// Objects per list page (what client-go's reflectors ask for).
constexpr std::int64_t kListPage = 500;

std::string metadata_string(const Json& object, const char* key) {
  return string_or(member(object, "metadata"), key);
}

}  // namespace

std::string object_key(const Json& object) {
  const std::string ns = metadata_string(object, "namespace");
  const std::string name = metadata_string(object, "name");
  return ns.empty() ? name : ns + "/" + name;
}

Reflector::Reflector(KubeClient& client, ResourceRef ref, ReflectorOptions options, Random random,
                     Store& store, Clock& clock)
    : client_(client),
      ref_(std::move(ref)),
      options_(std::move(options)),
      random_(std::move(random)),
      store_(store),
      clock_(clock) {}

void Reflector::resume_from(std::string resource_version, const std::vector<Json>& known_objects) {
  std::vector<Store::Held> objects;
  objects.reserve(known_objects.size());
  for (Json object : known_objects) {
    if (options_.transform)
      options_.transform(object);
    objects.push_back(store_.pack(object));
  }
  store_.replace(std::move(objects));
  std::lock_guard lock(mutex_);
  resource_version_ = std::move(resource_version);
}

std::string Reflector::resource_version() const {
  std::lock_guard lock(mutex_);
  return resource_version_;
}

void Reflector::remember(const WatchEvent& event) {
  if (event.type == WatchEventType::deleted) {
    store_.erase(object_key(event.object));
  } else if (event.type != WatchEventType::bookmark) {
    store_.upsert(event.object);
  }
  const std::string rv = metadata_string(event.object, "resourceVersion");
  std::lock_guard lock(mutex_);
  if (!rv.empty())
    resource_version_ = rv;
}

bool Reflector::relist(const Handler& handler, std::stop_token stop) {
  Backoff backoff(options_.backoff);
  while (!stop.stop_requested()) {
    // Page by page, each page transformed and packed before the next is read: a list of 10,000
    // Pods or Rollouts held whole and parsed (managedFields, Pod specs) was the operator's peak
    // memory at scale.
    ListOptions list_options;
    list_options.label_selector = options_.label_selector;
    list_options.field_selector = options_.field_selector;
    list_options.all_namespaces = options_.all_namespaces;
    list_options.limit = kListPage;
    std::vector<Store::Held> fresh;
    std::string list_version;
    bool listed = false;
    while (!stop.stop_requested()) {
      auto page = client_.list(ref_, list_options);
      if (!page)
        break;  // an expired continue token (410) too: the list starts again
      Json& items = (*page)["items"];
      if (items.is_array()) {
        fresh.reserve(fresh.size() + items.size());
        for (auto& item : items) {
          // List items carry no kind; fill it in so handlers see whole objects.
          item["apiVersion"] = ref_.api_version;
          item["kind"] = ref_.kind;
          if (options_.transform)
            options_.transform(item);
          fresh.push_back(store_.pack(item));
        }
      }
      const Json& metadata = member(*page, "metadata");
      list_version = string_or(metadata, "resourceVersion");
      const std::string next = string_or(metadata, "continue");
      if (next.empty()) {
        listed = true;
        break;
      }
      list_options.continue_token = next;
      list_options.resource_version.clear();  // a continue token carries its own snapshot
    }
    if (!listed) {
      clock_.sleep_for(backoff.next(random_()), stop);
      continue;
    }
    ++relists_;
    std::vector<Store::Change> changes = store_.replace(std::move(fresh));
    {
      std::lock_guard lock(mutex_);
      resource_version_ = list_version;
    }
    // Unpacked one at a time: a first list of 10,000 objects is 10,000 changes.
    for (auto& change : changes) {
      handler(WatchEvent{change.type, Store::unpack(*change.object)});
      change.object.reset();
    }
#ifdef __GLIBC__
    // The replaced objects and the pages are free now; hand the pages back to the system
    // rather than keep them in the allocator's arenas (a relist of a large kind otherwise
    // raises the resident size for good).
    malloc_trim(0);
#endif
    return true;
  }
  return false;
}

Error Reflector::watch_once(const Handler& handler, std::stop_token stop) {
  std::string query = "?watch=1&allowWatchBookmarks=true";
  const std::string rv = resource_version();
  query += "&resourceVersion=" + url_encode(rv);
  query += fmt::format("&timeoutSeconds={}", options_.watch_timeout.count());
  if (!options_.label_selector.empty()) {
    query += "&labelSelector=" + url_encode(options_.label_selector);
  }
  if (!options_.field_selector.empty()) {
    query += "&fieldSelector=" + url_encode(options_.field_selector);
  }
  WatchDecoder decoder;
  std::optional<Error> ended;
  auto on_chunk = [&](std::string_view chunk) {
    decoder.feed(chunk, [&](Result<WatchEvent> event) {
      if (ended)
        return;
      if (!event) {
        ended = event.error();
        return;
      }
      if (event->type == WatchEventType::error) {
        const int code = static_cast<int>(int_or(event->object, "code"));
        ended = decode_status(code, event->object.dump());
        return;
      }
      if (options_.transform && event->type != WatchEventType::bookmark)
        options_.transform(event->object);
      remember(*event);
      if (event->type != WatchEventType::bookmark)
        handler(*event);
    });
    return !ended.has_value();
  };
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      options_.watch_timeout + std::chrono::seconds{30});
  auto response = client_.watch(ref_, query, on_chunk, stop, timeout, options_.all_namespaces);
  if (!response)
    return response.error();
  if (response->status < 200 || response->status >= 300) {
    return decode_status(response->status, response->body, response->retry_after);
  }
  if (ended)
    return *ended;
  // The server closed the watch at timeoutSeconds: a normal end, resume from the last version.
  return Error{ErrorReason::timeout, 200, "watch closed by the server", {}, std::nullopt};
}

void Reflector::run(const Handler& handler, std::stop_token stop) {
  if (resource_version().empty() && !relist(handler, stop))
    return;
  Backoff backoff(options_.backoff);
  while (!stop.stop_requested()) {
    const Error end = watch_once(handler, stop);
    if (stop.stop_requested() || end.reason == ErrorReason::cancelled)
      return;
    if (end.is_gone()) {
      // Our version was compacted away: relist and report the difference.
      if (!relist(handler, stop))
        return;
      backoff.reset();
      continue;
    }
    if (end.http_status == 200) {
      backoff.reset();  // a clean server-side timeout; reconnect at once
      continue;
    }
    ++reconnects_;
    clock_.sleep_for(backoff.next(random_()), stop);
  }
}

}  // namespace cutover::kube
