#pragma once
// The case filters of blueprint templates: `{{name | kebab}}` and friends.
//
// A value is split into words at every character that is not a letter or digit, at a
// lower-to-upper change (`myService` -> my, Service) and before the last capital of a run of
// capitals followed by a lower-case letter (`HTTPServer` -> HTTP, Server). Digits stay with the
// word they follow. Then:
//
//     kebab   my-http-server       snake  my_http_server
//     camel   myHttpServer         pascal MyHttpServer
//     upper   MY_HTTP_SERVER   (upper snake case: the form of macros and environment variables)
//
// ASCII only: other bytes are separators, so the output is always a safe identifier piece.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::blueprint {

enum class CaseFilter { kebab, snake, camel, pascal, upper };

/// The filter called `name` ("kebab", ...), or nullopt.
std::optional<CaseFilter> case_filter_named(std::string_view name);

/// Every filter, in the order above, with its name.
std::span<const std::pair<std::string_view, CaseFilter>> case_filters();

/// The words of `value` (see above), in order; empty when it has no letter or digit.
std::vector<std::string> split_words(std::string_view value);

/// `value` in the case `filter` names.
std::string apply_case_filter(CaseFilter filter, std::string_view value);

}  // namespace cutover::blueprint
