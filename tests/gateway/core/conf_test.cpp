#include <doctest/doctest.h>

#include "gateway/core/conf.h"

using namespace gw;

TEST_CASE("conf reads top-level keys, sections, comments and lists") {
    auto f = parse_conf("# checkpoint\nname = jinshan  # note\n\n[lane car-1]\ntype = car\nroots = sh, zj\n", "c.conf");
    REQUIRE(f);
    REQUIRE(f->sections.size() == 2);
    CHECK(f->sections[0].entries[0].value == "jinshan");
    CHECK(f->sections[1].kind == "lane");
    CHECK(f->sections[1].name == "car-1");
    ConfReader r(*f, f->sections[1]);
    CHECK(r.text("type").value() == "car");
    CHECK(r.list("roots").value() == std::vector<std::string>{"sh", "zj"});
    CHECK(r.unknown_keys());
}

TEST_CASE("conf errors name the file, the line and the key") {
    CHECK(parse_conf("a = 1\n[lane x\n", "g.conf").error().message == "g.conf:2: section header without closing ']'");
    CHECK(parse_conf("a = 1\na = 2\n", "g.conf").error().message == "g.conf:2: key 'a' repeated (first on line 1)");
    CHECK(parse_conf("just words\n", "g.conf").error().message ==
          "g.conf:1: expected 'key = value', '[section]' or '# comment'");
    CHECK(parse_conf(std::string_view("a = \0", 5), "g.conf").error().message ==
          "g.conf: binary data (NUL byte) in a text file");

    auto f = parse_conf("[policy]\nthreshold = hot\ntypo = 1\n", "g.conf");
    REQUIRE(f);
    ConfReader r(*f, f->sections[1]);
    CHECK(r.number_or("threshold", 37.3, 30, 45).error().message == "g.conf:2: [policy] key 'threshold': not a number");
    CHECK(r.unknown_keys().error().message == "g.conf:3: [policy] key 'typo': unknown key");
    CHECK(r.text("absent").error().message == "g.conf:1: [policy] missing key 'absent'");
}

TEST_CASE("conf range checks integers and numbers") {
    auto f = parse_conf("n = 12\nx = 99.5\nb = maybe\n", "r.conf");
    REQUIRE(f);
    ConfReader r(*f, f->sections[0]);
    CHECK(r.integer("n", 0, 10).error().message == "r.conf:1: key 'n': out of range 0..10");
    CHECK(r.number_or("x", 0, 0, 50).error().message == "r.conf:2: key 'x': out of range 0..50");
    CHECK(r.boolean_or("b", true).error().message == "r.conf:3: key 'b': expected true or false");
    CHECK(r.integer_or("missing", 7, 0, 10).value() == 7);
}

TEST_CASE("read_file names a missing file") {
    CHECK(read_file("/nonexistent/x.conf").error().message == "/nonexistent/x.conf: cannot open");
}
