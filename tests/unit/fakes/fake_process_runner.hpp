#pragma once
// Records each request and answers with a scripted result.

#include <deque>
#include <vector>

#include "util/process_runner.hpp"

namespace cutover::testing {

class FakeProcessRunner final : public ProcessRunner {
 public:
  std::expected<ProcessResult, std::string> run(const ProcessRequest& request) override {
    requests.push_back(request);
    if (results.empty()) {
      return std::unexpected("no scripted result");
    }
    auto next = results.front();
    if (results.size() > 1)
      results.pop_front();
    return next;
  }

  std::vector<ProcessRequest> requests;
  std::deque<std::expected<ProcessResult, std::string>> results;
};

}  // namespace cutover::testing
