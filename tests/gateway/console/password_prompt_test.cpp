// The new account's password from stdin (gateway/console/password_prompt.h), the path scripts
// and the browser tests use: `printf 'pw\n' | gatewayd --add-user ...`.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include "gateway/console/password_prompt.h"

using namespace gw;

namespace {

/// Reads as gatewayd does when stdin is a pipe: `fd` is not a terminal.
std::optional<std::string> piped(const std::string& text, std::string* prompted = nullptr) {
    const int fd = ::open("/dev/null", O_RDONLY);
    REQUIRE(fd >= 0);
    std::istringstream in(text);
    std::ostringstream prompt;
    auto out = console::read_new_password(fd, in, prompt);
    ::close(fd);
    if (prompted) *prompted = prompt.str();
    return out;
}

}  // namespace

TEST_CASE("a piped password is the first line without prompts and without a Windows line end") {
    std::string prompted;
    CHECK(piped("a long password\nsecond line\n", &prompted) == "a long password");
    CHECK(prompted.empty());
    CHECK(piped("crlf password\r\n") == "crlf password");
    CHECK(piped("no newline at the end") == "no newline at the end");
    CHECK(piped("  spaces are kept  \n") == "  spaces are kept  ");
}

TEST_CASE("an empty pipe or an empty first line gives no password") {
    CHECK_FALSE(piped(""));
    CHECK_FALSE(piped("\n"));
    CHECK_FALSE(piped("\r\nlater line\n"));
}
