// The lane inputs' hand-over of evidence frames (gateway/daemon/evidence_keeper.h).
#include <doctest/doctest.h>

#include "gateway/daemon/evidence_keeper.h"
#include "gateway/evidence/evidence_store.h"
#include "tests/temp_dir.h"

using namespace gw;
using gw::testing::TempDir;

namespace {
std::vector<std::uint8_t> jpeg_of(std::size_t size, std::uint8_t fill) {
    std::vector<std::uint8_t> j(size, fill);
    j[0] = 0xFF;
    j[1] = 0xD8;
    return j;
}
daemon::FrameJpeg frame(std::size_t size, std::uint8_t fill) {
    return [=] { return jpeg_of(size, fill); };
}
}  // namespace

TEST_CASE("a reading goes on with its frame's id before the frame is encoded and written, and the frame is there after") {
    TempDir dir;
    std::shared_ptr<evidence::EvidenceStore> store = evidence::EvidenceStore::open(dir.path / "evidence", 1 << 20).value();
    const daemon::EvidenceKeeper keeper(store, {});
    std::vector<std::string> order;
    std::optional<std::uint64_t> handed;
    bool written_when_handed = true;
    keeper.keep([&] {
        order.push_back("encoded");
        return jpeg_of(1000, 1);
    }, [&](std::optional<std::uint64_t> id) {
        order.push_back("handed over");
        handed = id;
        written_when_handed = id && store->get(evidence::EvidenceId{*id}).has_value();
    });
    REQUIRE(handed);
    CHECK(order == std::vector<std::string>{"handed over", "encoded"});  // the lane never waits for the encode
    CHECK_FALSE(written_when_handed);                                    // nor for the file
    CHECK(store->get(evidence::EvidenceId{*handed}).value() == jpeg_of(1000, 1));
}

TEST_CASE("without a store, or without a frame, a reading goes on with no id and nothing is written") {
    TempDir dir;
    int calls = 0;
    daemon::EvidenceKeeper{}.keep(frame(100, 1), [&](std::optional<std::uint64_t> id) {
        ++calls;
        CHECK_FALSE(id);
    });
    std::shared_ptr<evidence::EvidenceStore> store = evidence::EvidenceStore::open(dir.path / "evidence", 1 << 20).value();
    daemon::EvidenceKeeper(store, {}).keep(daemon::FrameJpeg{}, [&](std::optional<std::uint64_t> id) {
        ++calls;
        CHECK_FALSE(id);
    });
    CHECK(calls == 2);
    CHECK(store->stats().frames == 0);
}

TEST_CASE("under a stream of decisions' frames the budget holds: the oldest are evicted, the newest served") {
    TempDir dir;
    // Room for four 60 KB frames (a 720p gray JPEG at quality 80 is about that).
    std::shared_ptr<evidence::EvidenceStore> store = evidence::EvidenceStore::open(dir.path / "evidence", 250'000).value();
    const daemon::EvidenceKeeper keeper(store, {});
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 50; ++i)
        keeper.keep(frame(60'000, static_cast<std::uint8_t>(i)), [&](std::optional<std::uint64_t> id) { ids.push_back(id.value()); });
    REQUIRE(ids.size() == 50);
    const auto s = store->stats();
    CHECK(s.bytes <= 250'000);
    CHECK(s.frames == 4);
    CHECK(s.evicted == 46);
    CHECK(store->get(evidence::EvidenceId{ids.front()}).error().kind == ErrorKind::kNotFound);
    CHECK(store->get(evidence::EvidenceId{ids.back()}).value() == jpeg_of(60'000, 49));
}

TEST_CASE("a frame that cannot be encoded or written is logged and its id stays unknown") {
    TempDir dir;
    std::shared_ptr<evidence::EvidenceStore> store = evidence::EvidenceStore::open(dir.path / "evidence", 1000).value();
    std::vector<std::string> log;
    const daemon::EvidenceKeeper keeper(store, [&](std::string_view line) { log.emplace_back(line); });
    std::optional<std::uint64_t> handed;
    keeper.keep(frame(5000, 1), [&](std::optional<std::uint64_t> id) { handed = id; });  // larger than the budget
    REQUIRE(handed);
    CHECK(store->get(evidence::EvidenceId{*handed}).error().kind == ErrorKind::kNotFound);
    keeper.keep([] { return std::vector<std::uint8_t>{}; }, [](std::optional<std::uint64_t>) {});  // the encode failed
    REQUIRE(log.size() == 2);
    CHECK(log[0] == "evidence frame not kept: evidence frame of 5000 bytes is larger than the budget");
    CHECK(log[1] == "evidence frame not kept: no JPEG of the frame");
}
