#include <doctest/doctest.h>

#include "gateway/evidence/evidence_store.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::evidence;
using gw::testing::TempDir;

namespace {
std::vector<std::uint8_t> frame(std::size_t size, std::uint8_t fill) { return std::vector<std::uint8_t>(size, fill); }
}  // namespace

TEST_CASE("a kept frame is read back by its id, and ids increase") {
    TempDir dir;
    auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
    const auto a = store->put(frame(100, 1)).value();
    const auto b = store->put(frame(200, 2)).value();
    CHECK(b.value > a.value);
    CHECK(store->get(a).value() == frame(100, 1));
    CHECK(store->get(b).value() == frame(200, 2));
    CHECK(store->stats().frames == 2);
    CHECK(store->stats().bytes == 300);
}

TEST_CASE("the byte budget holds: the oldest frames are evicted first and counted") {
    TempDir dir;
    auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
    std::vector<EvidenceId> ids;
    for (std::uint8_t i = 0; i < 5; ++i) ids.push_back(store->put(frame(300, i)).value());
    const auto s = store->stats();
    CHECK(s.bytes <= 1000);
    CHECK(s.frames == 3);
    CHECK(s.evicted == 2);
    CHECK(store->get(ids[0]).error().kind == ErrorKind::kNotFound);
    CHECK(store->get(ids[1]).error().kind == ErrorKind::kNotFound);
    CHECK(store->get(ids[4]).value() == frame(300, 4));
    // On disk as well: three files.
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path / "evidence")) ++files;
    CHECK(files == 3);
}

TEST_CASE("a frame larger than the whole budget is refused and nothing is evicted for it") {
    TempDir dir;
    auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
    const auto kept = store->put(frame(500, 1)).value();
    const auto big = store->put(frame(1001, 2));
    REQUIRE_FALSE(big);
    CHECK(big.error().kind == ErrorKind::kTooLarge);
    CHECK(store->get(kept).has_value());
    CHECK(store->stats().refused == 1);
    CHECK(store->stats().evicted == 0);
}

TEST_CASE("a reopened store keeps its frames and its ids keep increasing") {
    TempDir dir;
    EvidenceId first;
    {
        auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
        first = store->put(frame(100, 7)).value();
    }
    auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
    CHECK(store->get(first).value() == frame(100, 7));
    CHECK(store->put(frame(10, 1)).value().value > first.value);
    CHECK(store->stats().bytes == 110);
}

TEST_CASE("evidence ids are digits only: paths, signs, blanks and zero are refused") {
    CHECK(parse_evidence_id("42").value() == EvidenceId{42});
    for (const char* bad : {"", "0", "../1", "1/2", "-1", "+1", " 1", "1 ", "1.jpg", "0x10", "%2e%2e", "123456789012345678901",
                            "99999999999999999999"})
        CHECK_MESSAGE(parse_evidence_id(bad).error().kind == ErrorKind::kInvalid, bad);
}

TEST_CASE("a reserved id is unknown until its frame is written, and later ids do not wait for it") {
    TempDir dir;
    auto store = EvidenceStore::open(dir.path / "evidence", 1000).value();
    const auto reserved = store->reserve();
    CHECK(store->get(reserved).error().kind == ErrorKind::kNotFound);
    const auto later = store->put(frame(100, 7)).value();
    CHECK(later.value > reserved.value);
    CHECK(store->put(reserved, frame(50, 3)).value() == reserved);
    CHECK(store->get(reserved).value() == frame(50, 3));
    CHECK(store->stats().frames == 2);
    CHECK(store->stats().bytes == 150);
}
