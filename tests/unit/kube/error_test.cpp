#include "kube/error.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

TEST(StatusDecoding, ConflictWithMessage) {
  const auto error = decode_status(409, R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"Operation cannot be fulfilled on configmaps \"a\": the object has been modified",
    "reason":"Conflict","details":{"name":"a","kind":"configmaps"},"code":409})");
  EXPECT_EQ(error.reason, ErrorReason::conflict);
  EXPECT_EQ(error.http_status, 409);
  EXPECT_NE(error.message.find("has been modified"), std::string::npos);
}

TEST(StatusDecoding, InvalidKeepsFieldCauses) {
  const auto error = decode_status(422, R"({"kind":"Status","reason":"Invalid","message":"bad",
    "details":{"causes":[{"reason":"FieldValueInvalid","message":"must be no more than 63
 characters","field":"metadata.name"},{"reason":"FieldValueRequired","field":"spec.x"}]}})");
  // The body above has a raw newline inside a string, which is not JSON: the fallback applies.
  EXPECT_EQ(error.reason, ErrorReason::invalid);
  const auto good = decode_status(422, R"({"kind":"Status","reason":"Invalid","message":"bad",
    "details":{"causes":[{"reason":"FieldValueInvalid","message":"too long","field":"metadata.name"},
    {"reason":"FieldValueRequired","field":"spec.x"}]}})");
  ASSERT_EQ(good.causes.size(), 2U);
  EXPECT_EQ(good.causes[0].field, "metadata.name");
  EXPECT_EQ(good.causes[1].reason, "FieldValueRequired");
  EXPECT_NE(good.describe().find("metadata.name: too long"), std::string::npos);
}

TEST(StatusDecoding, RetryAfterFromDetailsAndHeader) {
  const auto from_details = decode_status(
      429, R"({"kind":"Status","reason":"TooManyRequests","details":{"retryAfterSeconds":7}})");
  EXPECT_EQ(from_details.reason, ErrorReason::too_many_requests);
  EXPECT_EQ(from_details.retry_after, std::chrono::seconds{7});
  const auto from_header = decode_status(429, "", "3");
  EXPECT_EQ(from_header.retry_after, std::chrono::seconds{3});
  EXPECT_FALSE(decode_status(429, "", "soon").retry_after.has_value());
}

struct ReasonCase {
  int status;
  const char* reason;
  ErrorReason expected;
};

class StatusReasons : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(StatusReasons, MapsReasonString) {
  const auto& c = GetParam();
  const std::string body =
      std::string(R"({"kind":"Status","reason":")") + c.reason + R"(","message":"m"})";
  EXPECT_EQ(decode_status(c.status, body).reason, c.expected) << c.reason;
}

INSTANTIATE_TEST_SUITE_P(
    All, StatusReasons,
    ::testing::Values(ReasonCase{404, "NotFound", ErrorReason::not_found},
                      ReasonCase{409, "AlreadyExists", ErrorReason::already_exists},
                      ReasonCase{409, "Conflict", ErrorReason::conflict},
                      ReasonCase{422, "Invalid", ErrorReason::invalid},
                      ReasonCase{403, "Forbidden", ErrorReason::forbidden},
                      ReasonCase{401, "Unauthorized", ErrorReason::unauthorized},
                      ReasonCase{429, "TooManyRequests", ErrorReason::too_many_requests},
                      ReasonCase{410, "Gone", ErrorReason::gone},
                      ReasonCase{410, "Expired", ErrorReason::expired},
                      ReasonCase{504, "Timeout", ErrorReason::timeout},
                      ReasonCase{500, "ServerTimeout", ErrorReason::server_timeout},
                      ReasonCase{400, "BadRequest", ErrorReason::bad_request},
                      ReasonCase{500, "InternalError", ErrorReason::internal_error}));

TEST(StatusDecoding, NonStatusBodyFallsBackToHttpCode) {
  const auto error = decode_status(503, "<html>upstream unavailable</html>");
  EXPECT_EQ(error.reason, ErrorReason::service_unavailable);
  EXPECT_EQ(error.message, "<html>upstream unavailable</html>");
  EXPECT_EQ(decode_status(404, "").reason, ErrorReason::not_found);
  EXPECT_NE(decode_status(502, "").message.find("empty body"), std::string::npos);
}

TEST(StatusDecoding, MalformedBodiesNeverThrow) {
  for (const char* body : {"{", "[]", "null", R"({"kind":"Status","details":[]})",
                           R"({"kind":"Status","details":{"causes":"x"}})",
                           R"({"kind":"Status","details":{"causes":[1,null,{}]}})",
                           R"({"kind":"Status","details":{"retryAfterSeconds":-5}})",
                           R"({"kind":"Status","reason":7,"message":[]})"}) {
    const auto error = decode_status(500, body);
    EXPECT_EQ(error.http_status, 500) << body;
    EXPECT_FALSE(error.retry_after.has_value()) << body;
  }
}

TEST(StatusDecoding, GoneIsGone) {
  EXPECT_TRUE(decode_status(410, R"({"kind":"Status","reason":"Expired"})").is_gone());
  EXPECT_TRUE(decode_status(410, "").is_gone());
  EXPECT_FALSE(decode_status(409, "").is_gone());
}

}  // namespace
}  // namespace cutover::kube
