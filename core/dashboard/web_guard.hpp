#pragma once
// The dashboard's web protections, as pure functions: the security headers of every answer,
// the refusal of cross-site writes (CSRF), the Host check that stops DNS rebinding on loopback,
// the session cookie, and the secrets' random values and comparisons.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cutover::dashboard {

/// Headers on every answer: a Content-Security-Policy that allows scripts, styles and
/// connections from this origin only (no inline script, no eval, no framing), nosniff, no
/// Referer to other sites (`same-origin`: a login link's token never leaves in one, and a
/// same-origin form still gets its real Origin), no caching.
const std::vector<std::pair<std::string, std::string>>& security_headers();

/// Why a state-changing request must be refused as cross-site, or nothing. A browser says where
/// a request comes from: `Sec-Fetch-Site`, when sent, must be same-origin (or none: typed,
/// bookmarked) and decides alone; else an `Origin` must be this server's own (`http[s]://` +
/// `host`, the Host header; "null" is refused). Clients other than browsers send neither and
/// pass.
std::optional<std::string> cross_site(std::string_view origin, std::string_view fetch_site,
                                      std::string_view host);

/// Whether `host` (a Host header) names the loopback interface on `port`: 127.0.0.1, [::1] or
/// localhost. A loopback listener answers only these, so a page on another site whose name an
/// attacker points at 127.0.0.1 (DNS rebinding) reaches nothing.
bool loopback_host(std::string_view host, int port);

inline constexpr const char* kSessionCookie = "cutover_session";

/// Set-Cookie for a session: HttpOnly (scripts cannot read it), SameSite=Strict (no other site's
/// request carries it), Path=/, `Secure` when served over HTTPS (directly or behind a proxy).
std::string session_cookie(std::string_view id, int max_age_seconds, bool secure);
/// Set-Cookie that deletes the session cookie.
std::string cleared_session_cookie();

/// 32 random bytes from OpenSSL, base64url without padding: session ids, CSRF and login tokens.
std::string random_token();
/// Comparison in constant time (for equal lengths), for secrets.
bool same_secret(std::string_view a, std::string_view b);
/// SHA-256 of `secret`, hex: the key a token is cached under, so the cache holds no token.
std::string secret_digest(std::string_view secret);

/// The bearer token of an `Authorization` header (`Bearer <t>`, scheme case-insensitive); empty
/// when there is none.
std::string_view bearer_token(std::string_view authorization);

}  // namespace cutover::dashboard

namespace cutover::dashboard {

/// The value of `name` in an `application/x-www-form-urlencoded` body, decoded ('+' is a space,
/// %XX a byte); empty when absent or malformed.
std::string form_value(std::string_view body, std::string_view name);

}  // namespace cutover::dashboard
