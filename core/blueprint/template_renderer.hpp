#pragma once
// Renders blueprint templates (file contents, path segments, derived defaults): Mustache, by
// kainjow::mustache (Debian's libkainjow-mustache-dev), plus the case filters.
//
// How the filters work: a preprocessing pass (`prepare_template`) reads every tag, rewrites
// `{{ name | kebab }}` to the plain tag `{{name|kebab}}`, and the data holds a value under that
// key for every answer and filter (`case_filter.hpp`). So the filters are ordinary Mustache
// variables to kainjow, and also work as sections (`{{#name|kebab}}`). The same pass checks the
// names: a variable or section that is not an answer, an unknown filter or a partial
// (`{{> x}}`) is an error, so a typo never renders as empty text. A delimiter change
// (`{{=<% %>=}}`, for files full of `${{ ... }}` such as GitHub workflows) is followed.
//
// Values are never HTML-escaped: generated YAML and C++ need raw `&` and `<`.
// `{{#flag}}...{{/flag}}` and `{{^flag}}...{{/flag}}` follow value_truthy.

#include <expected>
#include <string>
#include <string_view>

#include "blueprint/value.hpp"

namespace cutover::blueprint {

/// `text` with filter tags normalised; the error (a sentence, with the byte offset) for an
/// unknown name or filter, a partial, or an unclosed tag. Pure.
std::expected<std::string, std::string> prepare_template(std::string_view text,
                                                         const Answers& answers);

/// Renders `text` with `answers`. Errors are sentences (Mustache syntax, unknown names).
std::expected<std::string, std::string> render_template(std::string_view text,
                                                        const Answers& answers);

}  // namespace cutover::blueprint
