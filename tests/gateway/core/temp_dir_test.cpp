// Working directories for runs that keep nothing (gateway/core/temp_dir.h).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "gateway/core/temp_dir.h"

TEST_CASE("each run gets its own new, empty, private directory under /tmp") {
    const auto a = gw::make_temp_dir("gw-core-test");
    const auto b = gw::make_temp_dir("gw-core-test");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a != *b);
    CHECK(a->parent_path() == "/tmp");
    CHECK(a->filename().string().starts_with("gw-core-test-"));
    CHECK(std::filesystem::is_empty(*a));
    struct stat st{};
    REQUIRE(::stat(a->c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    std::filesystem::remove_all(*a);
    std::filesystem::remove_all(*b);
}

TEST_CASE("a prefix naming a folder that does not exist fails with one line naming the template") {
    const auto made = gw::make_temp_dir("no-such-folder-for-gw/x");
    REQUIRE_FALSE(made);
    CHECK(made.error().kind == gw::ErrorKind::kIo);
    CHECK(made.error().message.starts_with("mkdtemp /tmp/no-such-folder-for-gw/x-XXXXXX: "));
    CHECK(made.error().message.find('\n') == std::string::npos);
}
