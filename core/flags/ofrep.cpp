#include "flags/ofrep.hpp"

#include <fmt/format.h>

#include <utility>

#include "flags/evaluator.hpp"
#include "util/hash.hpp"

namespace cutover::flags {

namespace {

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json error_body(std::string_view key, std::string_view code, std::string details) {
  Json body = Json::object();
  if (!key.empty())
    body["key"] = std::string(key);
  body["errorCode"] = std::string(code);
  body["errorDetails"] = std::move(details);
  return body;
}

// The context of a request body, or the 400 body that refuses it.
std::expected<Json, Json> read_context(std::string_view body, std::string_view key) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Json::object();
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return std::unexpected(error_body(
        key, "INVALID_CONTEXT",
        "the request body is not JSON: send {\"context\": {\"targetingKey\": \"...\"}}"));
  }
  if (!parsed.is_object()) {
    return std::unexpected(error_body(
        key, "INVALID_CONTEXT",
        "the request body is not a JSON object: send {\"context\": {\"targetingKey\": \"...\"}}"));
  }
  const auto context = parsed.find("context");
  if (context == parsed.end() || context->is_null())
    return Json::object();
  if (!context->is_object()) {
    return std::unexpected(error_body(key, "INVALID_CONTEXT",
                                      fmt::format("\"context\" is a JSON {}, not an object: send "
                                                  "{{\"context\": {{\"targetingKey\": \"...\"}}}}",
                                                  context->type_name())));
  }
  return std::move(*context);
}

struct Evaluated {
  int status = 200;
  Json body;
};

Evaluated evaluate_entry(const FlagSnapshot::Entry& entry, const Json& context,
                         const FlagSelector& selector, std::int64_t now) {
  EvaluationResult result = evaluate_flag(*entry.flags, entry.flag->key, context, now);
  // flagd starts from the selector's metadata and lays the flag's (its set's, then its own) over.
  Json metadata = selector.metadata();
  metadata.update(result.metadata);
  Evaluated out;
  if (result.reason == Reason::error) {
    out.status = result.error_code == ErrorCode::flag_not_found ? 404 : 400;
    out.body =
        error_body(entry.flag->key, to_string(result.error_code), std::move(result.error_message));
    out.body["metadata"] = std::move(metadata);
    return out;
  }
  out.body = Json::object();
  out.body["key"] = entry.flag->key;
  out.body["reason"] = std::string(to_string(result.reason));
  if (result.variant)
    out.body["variant"] = std::move(*result.variant);
  if (result.value)
    out.body["value"] = std::move(*result.value);
  out.body["metadata"] = std::move(metadata);
  return out;
}

OfrepResponse respond(int status, const Json& body) {
  return {status, dump(body), ""};
}

}  // namespace

OfrepResponse ofrep_evaluate_flag(const FlagSnapshot& snapshot, std::string_view key,
                                  const OfrepRequest& request) {
  const auto context = read_context(request.body, key);
  if (!context)
    return respond(400, context.error());
  const auto selector = parse_flag_selector(request.selector);
  if (!selector)
    return respond(400, error_body(key, "GENERAL", selector.error()));
  const auto entry = snapshot.find(key, *selector);
  if (!entry) {
    Json body = error_body(key, "FLAG_NOT_FOUND",
                           fmt::format("flag {} is not defined{}", dump(Json(std::string(key))),
                                       selector->empty() ? "" : " where Flagd-Selector points"));
    body["metadata"] = selector->metadata();
    return respond(404, body);
  }
  const Evaluated evaluated = evaluate_entry(*entry, *context, *selector, request.now_unix_seconds);
  return respond(evaluated.status, evaluated.body);
}

OfrepResponse ofrep_evaluate_flags(const FlagSnapshot& snapshot, const OfrepRequest& request) {
  const auto context = read_context(request.body, "");
  if (!context)
    return respond(400, context.error());
  const auto selector = parse_flag_selector(request.selector);
  if (!selector)
    return respond(400, error_body("", "GENERAL", selector.error()));
  Json flags = Json::array();
  for (const auto& entry : snapshot.all(*selector))
    flags.push_back(evaluate_entry(entry, *context, *selector, request.now_unix_seconds).body);
  OfrepResponse response =
      respond(200, Json{{"flags", std::move(flags)}, {"metadata", selector->metadata()}});
  response.etag = fmt::format("\"{:016x}\"", fnv1a64(response.body));
  if (etag_matches(request.if_none_match, response.etag)) {
    response.status = 304;
    response.body.clear();
  }
  return response;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  const auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/"))
      tag.remove_prefix(2);
    return tag;
  };
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view candidate = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
    const auto first = candidate.find_first_not_of(" \t");
    if (first == std::string_view::npos)
      continue;
    candidate = candidate.substr(first, candidate.find_last_not_of(" \t") - first + 1);
    if (candidate == "*" || (!etag.empty() && opaque(candidate) == opaque(etag)))
      return true;
  }
  return false;
}

}  // namespace cutover::flags
