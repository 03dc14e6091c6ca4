#include "blueprint/answers_record.hpp"

#include <fmt/format.h>

#include "blueprint/answers.hpp"
#include "util/yaml_json.hpp"

namespace cutover::blueprint {

namespace {

using Json = nlohmann::json;

std::string quoted(const std::string& text) {
  return Json(text).dump();
}

std::expected<Json, FieldError> one_mapping(std::string_view text, const SpecReader& reader) {
  auto documents = parse_yaml_documents(text);
  if (!documents) {
    return reader.error(fmt::format("(line {})", documents.error().line), documents.error().message,
                        "fix the YAML syntax");
  }
  if (documents->size() != 1 || !documents->front().is_object()) {
    return reader.error("(document)", "must be one YAML mapping", "e.g. {name: demo, port: 8080}");
  }
  return documents->front();
}

}  // namespace

std::string answers_record_yaml(const AnswersRecord& record, const Manifest& manifest) {
  std::string out = "# Written by deploy new; read by deploy blueprint update.\n";
  out += fmt::format("blueprint: {}\nversion: {}\nsource:\n  kind: {}\n  location: {}\n",
                     quoted(record.blueprint), quoted(record.version), record.source.kind,
                     quoted(record.source.location));
  if (!record.source.ref.empty())
    out += fmt::format("  ref: {}\n", quoted(record.source.ref));
  if (!record.source.commit.empty())
    out += fmt::format("  commit: {}\n", quoted(record.source.commit));
  out += "answers:\n";
  for (const auto& parameter : manifest.parameters) {
    const auto it = record.answers.find(parameter.name);
    if (it != record.answers.end())
      out += fmt::format("  {}: {}\n", parameter.name, it->dump());
  }
  return out;
}

std::expected<AnswersRecord, FieldError> parse_answers_record(std::string_view text,
                                                              const std::string& object) {
  const SpecReader reader("answers", object);
  auto document = one_mapping(text, reader);
  if (!document)
    return std::unexpected(document.error());
  AnswersRecord record;
  for (auto [key, out] :
       {std::pair{"blueprint", &record.blueprint}, std::pair{"version", &record.version}}) {
    const auto it = document->find(key);
    if (it == document->end() || !it->is_string() || it->get<std::string>().empty())
      return reader.error(key, "must be a non-empty string", "regenerate with deploy new");
    *out = it->get<std::string>();
  }
  const Json& source = (*document)["source"];
  if (!source.is_object())
    return reader.error("source", "must be a mapping", "source: {kind: builtin, location: NAME}");
  for (auto [key, out] :
       {std::pair{"kind", &record.source.kind}, std::pair{"location", &record.source.location},
        std::pair{"ref", &record.source.ref}, std::pair{"commit", &record.source.commit}}) {
    if (auto read = reader.string(source, key, "source", *out); !read)
      return std::unexpected(read.error());
  }
  if (record.source.kind != "builtin" && record.source.kind != "path" &&
      record.source.kind != "git") {
    return reader.error("source.kind", fmt::format("is '{}'", record.source.kind),
                        "one of builtin, path, git");
  }
  const Json& answers = (*document)["answers"];
  if (!answers.is_object())
    return reader.error("answers", "must be a mapping", "answers: {name: demo}");
  record.answers = answers;
  return record;
}

std::expected<Json, FieldError> parse_answers_file(std::string_view text,
                                                   const std::string& object) {
  const SpecReader reader("answers", object);
  auto document = one_mapping(text, reader);
  if (!document)
    return std::unexpected(document.error());
  if (document->contains("answers") && document->contains("blueprint")) {
    const Json& answers = (*document)["answers"];
    if (!answers.is_object())
      return reader.error("answers", "must be a mapping", "answers: {name: demo}");
    return answers;
  }
  return *document;
}

Json answers_json(const Answers& answers) {
  Json out = Json::object();
  for (const auto& [name, value] : answers)
    out[name] = value_to_json(value);
  return out;
}

}  // namespace cutover::blueprint
