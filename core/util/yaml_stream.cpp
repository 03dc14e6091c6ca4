#include "util/yaml_stream.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace cutover {

namespace {

// Records where each document starts. The parser makes no progress exactly when a document
// starts where the previous one did: that is yaml-cpp's endless loop, which we stop.
class ProgressCheck final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stalled_ = started_ && mark.pos == last_.pos;
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  bool stalled() const { return stalled_; }
  const YAML::Mark& last() const { return last_; }

 private:
  bool started_ = false;
  bool stalled_ = false;
  YAML::Mark last_ = YAML::Mark::null_mark();
};

YamlError error_at(const YAML::Mark& mark, std::string message) {
  return YamlError{mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                   std::move(message)};
}

}  // namespace

std::expected<std::vector<YAML::Node>, YamlError> load_yaml_stream(std::string_view text) {
  const std::string owned(text);
  try {
    std::istringstream input(owned);
    YAML::Parser parser(input);
    ProgressCheck check;
    while (parser.HandleNextDocument(check)) {
      if (check.stalled()) {
        return std::unexpected(error_at(
            check.last(), "unexpected character; a ',' separates items only inside [ ] or { }"));
      }
    }
    return YAML::LoadAll(owned);
  } catch (const YAML::Exception& e) {
    return std::unexpected(error_at(e.mark, e.msg));
  }
}

}  // namespace cutover
