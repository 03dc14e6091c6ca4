// The Prometheus API's query responses: every result type, special values, errors, and bodies
// that are not Prometheus at all.
#include "analysis/prometheus_response.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace cutover::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PrometheusResponseTest, VectorWithLabels) {
  const auto result = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"vector","result":[
      {"metric":{"__name__":"up","job":"web"},"value":[1700000000.5,"1"]},
      {"metric":{"job":"api"},"value":[1700000000.5,"0.25"]}]}})");
  ASSERT_TRUE(result.has_value()) << result.error().describe();
  EXPECT_EQ(result->type, ResultType::vector);
  ASSERT_EQ(result->series.size(), 2U);
  EXPECT_EQ(result->series[0].labels.at("job"), "web");
  EXPECT_EQ(result->series[0].labels.at("__name__"), "up");
  ASSERT_EQ(result->series[0].samples.size(), 1U);
  EXPECT_DOUBLE_EQ(result->series[0].samples[0].time, 1700000000.5);
  EXPECT_DOUBLE_EQ(result->series[0].samples[0].value, 1.0);
  EXPECT_FALSE(result->empty());
  EXPECT_THAT(result->all_values(), ElementsAre(1.0, 0.25));
}

TEST(PrometheusResponseTest, Scalar) {
  const auto result =
      parse_query_response(200, R"({"status":"success","data":{"resultType":"scalar",
        "result":[1700000000,"0.0042"]}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->type, ResultType::scalar);
  ASSERT_EQ(result->series.size(), 1U);
  EXPECT_TRUE(result->series[0].labels.empty());
  EXPECT_THAT(result->latest_values(), ElementsAre(0.0042));
}

TEST(PrometheusResponseTest, MatrixKeepsEverySample) {
  const auto result = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"matrix","result":[
      {"metric":{"pod":"b"},"values":[[1,"1"],[2,"2"],[3,"3"]]},
      {"metric":{"pod":"a"},"values":[[1,"10"],[2,"20"]]}]}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->type, ResultType::matrix);
  ASSERT_EQ(result->series.size(), 2U);
  EXPECT_EQ(result->series[0].samples.size(), 3U);
  EXPECT_THAT(result->all_values(), ElementsAre(1, 2, 3, 10, 20));
  // Latest of each, ordered by label set: pod=a before pod=b.
  EXPECT_THAT(result->latest_values(), ElementsAre(20, 3));
}

TEST(PrometheusResponseTest, StringResultHoldingANumberIsAValue) {
  const auto result = parse_query_response(
      200, R"({"status":"success","data":{"resultType":"string","result":[17,"0.5"]}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->type, ResultType::string);
  EXPECT_EQ(result->text, "0.5");
  EXPECT_THAT(result->latest_values(), ElementsAre(0.5));
}

TEST(PrometheusResponseTest, StringResultOfTextIsNoData) {
  const auto result = parse_query_response(
      200, R"({"status":"success","data":{"resultType":"string","result":[17,"hello"]}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->text, "hello");
  EXPECT_TRUE(result->empty());
  EXPECT_TRUE(result->latest_values().empty());
}

TEST(PrometheusResponseTest, NanAndInfinities) {
  const auto result = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"vector","result":[
      {"metric":{"k":"1"},"value":[1,"NaN"]},
      {"metric":{"k":"2"},"value":[1,"+Inf"]},
      {"metric":{"k":"3"},"value":[1,"-Inf"]},
      {"metric":{"k":"4"},"value":[1,"Inf"]}]}})");
  ASSERT_TRUE(result.has_value());
  const auto values = result->latest_values();
  ASSERT_EQ(values.size(), 4U);
  EXPECT_TRUE(std::isnan(values[0]));
  EXPECT_TRUE(std::isinf(values[1]) && values[1] > 0);
  EXPECT_TRUE(std::isinf(values[2]) && values[2] < 0);
  EXPECT_TRUE(std::isinf(values[3]) && values[3] > 0);
}

TEST(PrometheusResponseTest, SampleValueParsing) {
  EXPECT_DOUBLE_EQ(*parse_sample_value("1e-3"), 0.001);
  EXPECT_DOUBLE_EQ(*parse_sample_value("+2.5"), 2.5);
  EXPECT_DOUBLE_EQ(*parse_sample_value("-7"), -7);
  EXPECT_FALSE(parse_sample_value("").has_value());
  EXPECT_FALSE(parse_sample_value("+").has_value());
  EXPECT_FALSE(parse_sample_value("1.0x").has_value());
  EXPECT_FALSE(parse_sample_value("nan").has_value());
  EXPECT_FALSE(parse_sample_value(" 1").has_value());
  EXPECT_FALSE(parse_sample_value("+-1").has_value());
  for (const char* text : {"inf", "-inf", "infinity", "+nan", "-NaN", "0x10", "1e5e5"})
    EXPECT_FALSE(parse_sample_value(text).has_value()) << text;
  EXPECT_DOUBLE_EQ(*parse_sample_value("-.5"), -0.5);
  EXPECT_DOUBLE_EQ(*parse_sample_value("1E+2"), 100);
  EXPECT_THAT(parse_sample_value("abc").error(), HasSubstr("\"abc\" is not a sample value"));
}

TEST(PrometheusResponseTest, EmptyVectorAndMatrixAreEmpty) {
  for (const char* type : {"vector", "matrix"}) {
    const auto result = parse_query_response(
        200,
        fmt::format(R"({{"status":"success","data":{{"resultType":"{}","result":[]}}}})", type));
    ASSERT_TRUE(result.has_value()) << type;
    EXPECT_TRUE(result->empty());
    EXPECT_TRUE(result->latest_values().empty());
    EXPECT_TRUE(result->all_values().empty());
  }
  const auto no_samples = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"matrix","result":[{"metric":{"a":"b"},"values":[]}]}})");
  ASSERT_TRUE(no_samples.has_value());
  EXPECT_EQ(no_samples->series.size(), 1U);
  EXPECT_TRUE(no_samples->empty());
}

TEST(PrometheusResponseTest, LatestValuesOrderedByLabelSetNotArrival) {
  const auto first = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"vector","result":[
      {"metric":{"code":"500","pod":"web-b-2"},"value":[1,"3"]},
      {"metric":{"code":"500","pod":"web-b-1"},"value":[1,"1"]},
      {"metric":{"code":"404"},"value":[1,"2"]}]}})");
  const auto second = parse_query_response(200, R"({"status":"success","data":{
    "resultType":"vector","result":[
      {"metric":{"code":"404"},"value":[1,"2"]},
      {"metric":{"code":"500","pod":"web-b-1"},"value":[1,"1"]},
      {"metric":{"code":"500","pod":"web-b-2"},"value":[1,"3"]}]}})");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->latest_values(), second->latest_values());
  EXPECT_THAT(first->latest_values(), ElementsAre(2, 1, 3));
}

TEST(PrometheusResponseTest, WarningsAreKept) {
  const auto result = parse_query_response(200, R"({"status":"success","warnings":["w1", 5],
    "data":{"resultType":"vector","result":[]}})");
  ASSERT_TRUE(result.has_value());
  EXPECT_THAT(result->warnings, ElementsAre("w1"));
}

TEST(PrometheusResponseTest, BadDataIsAQueryError) {
  const auto result = parse_query_response(400, R"({"status":"error","errorType":"bad_data",
    "error":"1:8: parse error: unexpected right parenthesis ')'"})");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::query);
  EXPECT_EQ(result.error().http_status, 400);
  EXPECT_EQ(result.error().error_type, "bad_data");
  EXPECT_EQ(result.error().describe(),
            "bad_data (400): 1:8: parse error: unexpected right parenthesis ')'");
}

TEST(PrometheusResponseTest, ExecutionErrorIsAQueryError) {
  const auto result = parse_query_response(422, R"({"status":"error","errorType":"execution",
    "error":"many-to-many matching not allowed"})");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::query);
  EXPECT_EQ(result.error().error_type, "execution");
  EXPECT_THAT(result.error().describe(), HasSubstr("execution (422): many-to-many"));
}

TEST(PrometheusResponseTest, ServerTimeoutIsTimeout) {
  const auto result = parse_query_response(
      503,
      R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::timeout);
  EXPECT_EQ(result.error().http_status, 503);
  EXPECT_THAT(result.error().describe(), HasSubstr("timed out (503)"));
}

TEST(PrometheusResponseTest, ProxyHtmlPageIsAnHttpError) {
  const auto result = parse_query_response(502,
                                           "<html>\n<head><title>502 Bad Gateway</title>"
                                           "</head>\n<body>nginx</body>\n</html>\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::http);
  EXPECT_EQ(result.error().http_status, 502);
  EXPECT_THAT(result.error().message, HasSubstr("502 Bad Gateway"));
  EXPECT_EQ(result.error().message.find('\n'), std::string::npos) << "one line";
  EXPECT_THAT(result.error().describe(), HasSubstr("unexpected HTTP answer (502)"));
}

TEST(PrometheusResponseTest, HtmlWith200IsADecodeError) {
  const auto result = parse_query_response(200, "<html>login</html>");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::decode);
}

TEST(PrometheusResponseTest, LongBodiesAreCutInTheMessage) {
  const std::string body(10'000, 'x');
  const auto result = parse_query_response(500, body);
  ASSERT_FALSE(result.has_value());
  EXPECT_LE(result.error().message.size(), 200U);
}

TEST(PrometheusResponseTest, ErrorStatusWithoutDetailsIsHttp) {
  const auto result = parse_query_response(401, R"({"status":"unauthorized"})");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, PrometheusError::Kind::http);
  EXPECT_THAT(result.error().message, HasSubstr("without status"));
}

TEST(PrometheusResponseTest, DescribeEveryKind) {
  EXPECT_EQ(
      (PrometheusError{PrometheusError::Kind::transport, 0, "", "connection refused"}).describe(),
      "cannot reach Prometheus: connection refused");
  EXPECT_EQ((PrometheusError{PrometheusError::Kind::timeout, 0, "", ""}).describe(), "timed out");
  EXPECT_EQ((PrometheusError{PrometheusError::Kind::query, 422, "", "x"}).describe(),
            "query failed (422): x");
  EXPECT_EQ((PrometheusError{PrometheusError::Kind::decode, 200, "", "y"}).describe(),
            "unreadable response (200): y");
}

struct Malformed {
  const char* body;
  const char* message;  // a part of the error message
};

class MalformedResponseTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedResponseTest, NeverThrowsAndSaysWhy) {
  const auto& [body, message] = GetParam();
  std::expected<QueryResult, PrometheusError> result;
  ASSERT_NO_THROW(result = parse_query_response(200, body));
  ASSERT_FALSE(result.has_value()) << body;
  EXPECT_FALSE(result.error().message.empty());
  EXPECT_THAT(result.error().message, HasSubstr(message)) << body;
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedResponseTest,
    ::testing::Values(
        Malformed{"", "empty body"}, Malformed{"{", "{"}, Malformed{"[]", "[]"},
        Malformed{"null", "null"}, Malformed{"42", "42"},
        Malformed{R"({"status":"success"})", "missing \"data\""},
        Malformed{R"({"status":"success","data":[]})", "missing \"data\""},
        Malformed{R"({"status":"success","data":{}})", "missing data.resultType"},
        Malformed{R"({"status":"success","data":{"resultType":"vector"}})",
                  "missing data.resultType or data.result"},
        Malformed{R"({"status":"success","data":{"resultType":5,"result":[]}})",
                  "missing data.resultType"},
        Malformed{R"({"status":"success","data":{"resultType":"vector","result":{}}})",
                  "must be a list"},
        Malformed{R"({"status":"success","data":{"resultType":"vector","result":[5]}})",
                  "a series must be an object"},
        Malformed{R"({"status":"success","data":{"resultType":"vector","result":[{}]}})",
                  "needs \"value\""},
        Malformed{
            R"({"status":"success","data":{"resultType":"matrix","result":[{"value":[1,"1"]}]}})",
            "needs \"values\""},
        Malformed{
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,1]}]}})",
            "[time, \"value\"]"},
        Malformed{
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":["1","1"]}]}})",
            "[time, \"value\"]"},
        Malformed{
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1",2]}]}})",
            "[time, \"value\"]"},
        Malformed{
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"one"]}]}})",
            "\"one\" is not a sample value"},
        Malformed{
            R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"],[2]]}]}})",
            "[time, \"value\"]"},
        Malformed{R"({"status":"success","data":{"resultType":"scalar","result":"1"}})",
                  "[time, \"value\"]"},
        Malformed{R"({"status":"success","data":{"resultType":"string","result":[1]}})",
                  "a string result must be [time, \"text\"]"},
        Malformed{R"({"status":"success","data":{"resultType":"streams","result":[]}})",
                  "unknown resultType \"streams\""},
        Malformed{
            R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1e999999"]}]}})",
            "is not a sample value"},
        Malformed{"\xff\xfe{\"status\"}", "\xff"}));

}  // namespace
}  // namespace cutover::analysis
