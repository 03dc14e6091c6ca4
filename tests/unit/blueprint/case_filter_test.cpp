#include "blueprint/case_filter.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

struct CaseRow {
  const char* input;
  const char* kebab;
  const char* snake;
  const char* camel;
  const char* pascal;
  const char* upper;
};

TEST(BlueprintCaseFilter, Table) {
  const CaseRow rows[] = {
      {"payments", "payments", "payments", "payments", "Payments", "PAYMENTS"},
      {"payment-service", "payment-service", "payment_service", "paymentService", "PaymentService",
       "PAYMENT_SERVICE"},
      {"payment_service", "payment-service", "payment_service", "paymentService", "PaymentService",
       "PAYMENT_SERVICE"},
      {"PaymentService", "payment-service", "payment_service", "paymentService", "PaymentService",
       "PAYMENT_SERVICE"},
      {"paymentService", "payment-service", "payment_service", "paymentService", "PaymentService",
       "PAYMENT_SERVICE"},
      {"HTTPServer", "http-server", "http_server", "httpServer", "HttpServer", "HTTP_SERVER"},
      {"my API v2", "my-api-v2", "my_api_v2", "myApiV2", "MyApiV2", "MY_API_V2"},
      {"  --a--b  ", "a-b", "a_b", "aB", "AB", "A_B"},
      {"", "", "", "", "", ""},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.input);
    EXPECT_EQ(apply_case_filter(CaseFilter::kebab, row.input), row.kebab);
    EXPECT_EQ(apply_case_filter(CaseFilter::snake, row.input), row.snake);
    EXPECT_EQ(apply_case_filter(CaseFilter::camel, row.input), row.camel);
    EXPECT_EQ(apply_case_filter(CaseFilter::pascal, row.input), row.pascal);
    EXPECT_EQ(apply_case_filter(CaseFilter::upper, row.input), row.upper);
  }
}

TEST(BlueprintCaseFilter, NamesAreTheFiveFilters) {
  EXPECT_EQ(case_filter_named("kebab"), CaseFilter::kebab);
  EXPECT_EQ(case_filter_named("upper"), CaseFilter::upper);
  EXPECT_FALSE(case_filter_named("lower"));
  EXPECT_EQ(case_filters().size(), 5u);
}

}  // namespace
}  // namespace cutover::blueprint
