#include <doctest/doctest.h>

#include "gateway/demo/demo_world.h"
#include "gateway/store/record.h"

using namespace gw;
using namespace gw::store;

TEST_CASE("every record kind survives formatting and parsing") {
    const auto batch = demo::demo_world().registry_batch("zhejiang", {33}, demo::demo_data_as_of());
    std::string text = "registry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\n";
    for (const auto& r : batch.records) text += format_record(r) + "\n";
    text += "resume 91330482MA28A1B2C0\ndelist 0123456789ab\n";
    const auto parsed = parse_records(text, "z.records");
    if (!parsed) FAIL(parsed.error().message);
    CHECK(parsed->records.size() == batch.records.size() + 2);
    CHECK(parsed->provinces == std::vector<std::uint32_t>{33});
    CHECK(parsed->as_of == demo::demo_data_as_of());
    for (std::size_t i = 0; i < batch.records.size(); ++i) CHECK(format_record(parsed->records[i]) == format_record(batch.records[i]));
}

TEST_CASE("records file errors name the file and line") {
    const auto err = [](const char* text) { return parse_records(text, "r.records").error().message; };
    CHECK(err("revoke-pass 0123456789ab\n") == "r.records:1: the first record must be 'registry NAME PROVINCE...'");
    CHECK(err("registry zj 33\nas-of 2020-03-01\nrevoke-pass 123\n") ==
          "r.records:3: bad pass id '123': expected 12 hex digits");
    CHECK(err("registry zj 33\nas-of 2020-03-01\nsuspend 91330482MA28A1B2C1\n").find("r.records:3: bad unified social credit code") == 0);
    CHECK(err("registry zj 33\nas-of 2020-03-01\nexplode now\n") == "r.records:3: unknown record 'explode'");
    CHECK(err("registry zj 33\nrevoke-pass 0123456789ab\n") == "r.records: no 'as-of TIME' line: the data's age must be known");
    CHECK(err("registry zj 99\n") == "r.records:1: bad province '99'");
    CHECK(err("registry zj 33\nas-of 2020-03-01\nrevoke-letter personal 330482 0\n").find("bad letter number") != std::string::npos);
    CHECK(err("registry zj 33\nas-of 2020-03-01\nfreight CP1:ABC\n").find("r.records:3: bad payload") == 0);
    CHECK(err("") == "r.records: no 'registry NAME PROVINCE...' line");
}
