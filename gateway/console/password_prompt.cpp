#include "gateway/console/password_prompt.h"

#include <termios.h>
#include <unistd.h>

#include <istream>
#include <ostream>

namespace gw::console {
namespace {

std::string without_cr(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

std::optional<std::string> read_new_password(int fd, std::istream& in, std::ostream& prompt) {
    std::string line;
    if (::isatty(fd)) {
        termios old{};
        ::tcgetattr(fd, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(fd, TCSANOW, &quiet);
        std::string again;
        prompt << "password: " << std::flush;
        std::getline(in, line);
        prompt << "\nagain: " << std::flush;
        std::getline(in, again);
        prompt << "\n" << std::flush;
        // The terminal gets its echo back whatever was typed.
        ::tcsetattr(fd, TCSANOW, &old);
        if (without_cr(line) != without_cr(again)) return std::nullopt;
    } else if (!std::getline(in, line)) {
        return std::nullopt;
    }
    line = without_cr(std::move(line));
    if (line.empty()) return std::nullopt;
    return line;
}

}  // namespace gw::console
