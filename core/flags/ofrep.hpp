#pragma once
// The OpenFeature Remote Evaluation Protocol (OFREP 0.3), server side, as pure functions of a
// FlagSnapshot and the request: the HTTP server (flags/flags_server) only moves bytes.
//
//   POST /ofrep/v1/evaluate/flags/{key}   one flag
//   POST /ofrep/v1/evaluate/flags         every flag (bulk), with an ETag
//
// The request body is `{"context": {...}}`; an empty body, or a null or absent context, is an
// empty context. Answers, as flagd v0.16 gives them (flagd/pkg/service/flag-evaluation/ofrep):
//
// - 200 `{key, reason, variant?, value?, metadata}`. No value and no variant tell the client
//   to use its code default: reason DEFAULT (a null defaultVariant) or DISABLED;
// - 404 `{key, errorCode: FLAG_NOT_FOUND, errorDetails, metadata}`;
// - 400 `{key, errorCode: PARSE_ERROR | GENERAL | ..., errorDetails, metadata}` for a flag
//   whose targeting fails;
// - 400 `{key?, errorCode: INVALID_CONTEXT, errorDetails}` for a body that is not a JSON
//   object. Unlike flagd, which ignores a `context` that is not an object and evaluates with
//   none, such a context is refused too: a client that sends `"context": "user-7"` learns it
//   at once instead of getting every user's default;
// - 400 `{errorCode: GENERAL, errorDetails}` for a `Flagd-Selector` flagd cannot query.
//
// Bulk: 200 `{flags: [...], metadata}`, one entry per flag (errors inline, as single
// answers' bodies, disabled flags included), ordered by flag set then key; `metadata` is the
// selector's. Its ETag is a hash of the body, so it changes exactly when the answer does, is
// the same on every replica, and 304 answers an `If-None-Match` that names it. flagd v0.16
// sends no ETag.

#include <cstdint>
#include <string>
#include <string_view>

#include "flags/flag_snapshot.hpp"

namespace cutover::flags {

struct OfrepResponse {
  int status = 200;
  std::string body;  // JSON; empty for 304
  std::string etag;  // bulk 200 and 304 only: a quoted strong entity tag
};

/// Where the request's inputs come from. `now_unix_seconds` is `$flagd.timestamp`.
struct OfrepRequest {
  std::string_view body;
  std::string_view selector;       // the Flagd-Selector header
  std::string_view if_none_match;  // the If-None-Match header (bulk only)
  std::int64_t now_unix_seconds = 0;
};

/// POST /ofrep/v1/evaluate/flags/{key}. Never throws.
OfrepResponse ofrep_evaluate_flag(const FlagSnapshot& snapshot, std::string_view key,
                                  const OfrepRequest& request);

/// POST /ofrep/v1/evaluate/flags. Never throws.
OfrepResponse ofrep_evaluate_flags(const FlagSnapshot& snapshot, const OfrepRequest& request);

/// Whether an If-None-Match value (`*`, or a comma-separated list of entity tags, weak ones
/// compared weakly as RFC 9110 says for If-None-Match) names `etag`.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace cutover::flags
