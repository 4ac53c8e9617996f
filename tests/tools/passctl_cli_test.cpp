// What every passctl command shares (tools/passctl/cli.h): an exception that escapes a
// command is a failure (exit 3) that says what went wrong, never "usage error, exit 2".
#include <doctest/doctest.h>

#include <filesystem>
#include <new>
#include <stdexcept>

#include "tools/passctl/cli.h"

using namespace gw::passctl;

TEST_CASE("an exception that escapes a passctl command is exit 3, and its line says what went wrong") {
    CHECK(run_command("issue", [] { return kRefused; }) == kRefused);
    CHECK(run_command("issue", []() -> int { throw std::bad_alloc(); }) == kFailure);
    CHECK(run_command("registry", []() -> int { throw std::runtime_error("boom"); }) == kFailure);

    const auto said = [](auto thrower) {
        try {
            thrower();
        } catch (...) {
            return describe_exception(std::current_exception());
        }
        return std::string("nothing thrown");
    };
    CHECK(said([] { throw std::bad_alloc(); }) == "out of memory");
    CHECK(said([] { throw std::logic_error("two\nlines"); }) == "internal error: two lines");
    CHECK(said([] { throw 7; }) == "internal error: an unknown exception");
    const auto fs = said([] {
        throw std::filesystem::filesystem_error("cannot read", "/nope/dir",
                                                std::make_error_code(std::errc::permission_denied));
    });
    CHECK(fs.starts_with("file system: "));
    CHECK(fs.find("/nope/dir") != std::string::npos);
}

TEST_CASE("passctl's numbers are plain digits up to the limit, and the error names the option and the text") {
    CHECK(parse_u32("1024", "days", 1024).value() == 1024);
    CHECK(parse_u32("0", "days", 1024).value() == 0);
    for (const auto* bad : {"1025", "-1", "+5", " 5", "5 ", "0x10", "", "99999999999999999999"}) {
        const auto r = parse_u32(bad, "days", 1024);
        REQUIRE_FALSE(r);
        CHECK(r.error().message == std::string("bad days '") + bad + "': expected a number up to 1024");
    }
}
