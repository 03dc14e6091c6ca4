#pragma once
// A route of Cutover's own beside the weighted ones: a header route (setHeaderRoute: requests
// that match go to the canary, whatever the weight) or a mirror route (setMirrorRoute: a
// percentage of the requests that match is copied to the canary, whose answers are dropped).
// spec.strategy.canary.trafficRouting.managedRoutes names them; its order is their precedence.
//
// One meaning on every router: the conditions of one RouteMatch are ANDed (a method, a path,
// every header), and a route's matches are ORed. A `prefix` is a string prefix: routers that
// have no prefix operation get an anchored, escaped regex.

#include <optional>
#include <string>
#include <vector>

namespace cutover::traffic {

struct StringMatch {
  enum class Type { exact, prefix, regex };
  Type type = Type::exact;
  std::string value;
  bool operator==(const StringMatch&) const = default;
};

struct HeaderMatch {
  std::string name;
  StringMatch value;
  bool operator==(const HeaderMatch&) const = default;
};

/// One match block: every condition set must hold.
struct RouteMatch {
  std::optional<StringMatch> method;
  std::optional<StringMatch> path;
  std::vector<HeaderMatch> headers;
  bool operator==(const RouteMatch&) const = default;
};

struct ManagedRoute {
  enum class Kind { header, mirror };
  Kind kind = Kind::header;
  std::string name;
  /// ORed; never empty for a header route (a mirror route without one mirrors everything the
  /// weighted rules carry).
  std::vector<RouteMatch> matches;
  int mirror_percent = 0;  // mirror: 0..100
  bool operator==(const ManagedRoute&) const = default;
};

/// `value` with every regex metacharacter escaped (RE2 and ECMAScript agree on this subset).
std::string regex_escape(const std::string& value);

/// `^` + `value` with every regex metacharacter escaped + `.*`: a string prefix as a regex
/// (RE2 and ECMAScript agree on this subset).
std::string prefix_regex(const std::string& value);

}  // namespace cutover::traffic
