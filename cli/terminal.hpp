#pragma once
// What the output goes to: colours or not, a TTY (redraw in place) or a pipe (one line per
// change). Decided once in `detect` and passed down, so golden tests render with a fixed
// `Terminal{}` (no colour, not a TTY).

#include <string>
#include <string_view>

namespace cutover::cli {

enum class Output { table, wide, json, yaml };

struct Terminal {
  bool color = false;
  bool tty = false;

  /// Colour only on a TTY, never with `--no-color`, `NO_COLOR` (any value) or `TERM=dumb`.
  static Terminal detect(bool no_color_flag);

  [[nodiscard]] std::string green(std::string_view text) const { return paint("32", text); }
  [[nodiscard]] std::string red(std::string_view text) const { return paint("31", text); }
  [[nodiscard]] std::string yellow(std::string_view text) const { return paint("33", text); }
  [[nodiscard]] std::string cyan(std::string_view text) const { return paint("36", text); }
  [[nodiscard]] std::string bold(std::string_view text) const { return paint("1", text); }
  [[nodiscard]] std::string dim(std::string_view text) const { return paint("2", text); }

 private:
  [[nodiscard]] std::string paint(std::string_view code, std::string_view text) const;
};

struct TerminalSize {
  int columns = 0;  // 0: unknown (not a terminal)
  int rows = 0;
};

/// Cells `text` takes on a terminal: one per UTF-8 code point (our tree, bar and status glyphs
/// are all one cell wide), none for the bytes of an SGR colour sequence.
int display_width(std::string_view text);

/// The size of the terminal on stdout, now.
TerminalSize terminal_size();

/// "table", "wide", "json" or "yaml"; anything else is table.
Output parse_output(std::string_view text);

}  // namespace cutover::cli
