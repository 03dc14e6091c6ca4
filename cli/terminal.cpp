#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace cutover::cli {

Terminal Terminal::detect(bool no_color_flag) {
  Terminal terminal;
  terminal.tty = isatty(STDOUT_FILENO) == 1;
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::string_view(term) == "dumb";
  terminal.color = terminal.tty && !no_color_flag && std::getenv("NO_COLOR") == nullptr && !dumb;
  return terminal;
}

std::string Terminal::paint(std::string_view code, std::string_view text) const {
  if (!color || text.empty())
    return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      while (i < text.size() && text[i] != 'm')
        ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80)  // not a continuation byte
      ++width;
  }
  return width;
}

TerminalSize terminal_size() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0)
    return {};
  return {size.ws_col, size.ws_row};
}

Output parse_output(std::string_view text) {
  if (text == "wide")
    return Output::wide;
  if (text == "json")
    return Output::json;
  if (text == "yaml")
    return Output::yaml;
  return Output::table;
}

}  // namespace cutover::cli
