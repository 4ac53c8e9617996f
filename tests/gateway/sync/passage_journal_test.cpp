// The passage journal: records written by writers side by side come back in seq order; a torn
// or damaged tail ends a file's records and nothing before it; files are handed to one writer
// at a time, and a full one only once everything in it is durable elsewhere.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "gateway/sync/passage_journal.h"
#include "tests/temp_dir.h"

namespace {

using namespace gw;
using namespace gw::sync;

Bytes event_bytes(int i) { return to_bytes("event " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 7) * 13, 'x')); }

std::uintmax_t size_of(const std::filesystem::path& p) { return std::filesystem::file_size(p); }

}  // namespace

TEST_CASE("records appended through several files read back whole and in seq order") {
    gw::testing::TempDir dir;
    auto journal = PassageJournal::open(dir.path / "journal", 3).value();
    CHECK(journal->files() == 3);
    {
        auto a = journal->take();
        auto b = journal->take();
        REQUIRE(b.append(2, event_bytes(2)).has_value());
        REQUIRE(a.append(1, event_bytes(1)).has_value());
        REQUIRE(a.append(3, event_bytes(3)).has_value());
    }
    journal.reset();
    auto again = PassageJournal::open(dir.path / "journal", 3).value();
    const auto records = again->read_all().value();
    REQUIRE(records.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(records[static_cast<std::size_t>(i)].seq == static_cast<std::uint64_t>(i + 1));
        CHECK(records[static_cast<std::size_t>(i)].data == event_bytes(i + 1));
    }
    REQUIRE(again->clear_all().has_value());
    CHECK(again->read_all().value().empty());
    for (int i = 0; i < 3; ++i) CHECK(size_of(dir.path / "journal" / ("journal-" + std::to_string(i))) == 0);
}

TEST_CASE("a torn last record is dropped and every record before it kept") {
    const auto one = encode_journal_record(1, event_bytes(1));
    const auto two = encode_journal_record(2, event_bytes(2));
    Bytes file = one;
    file.insert(file.end(), two.begin(), two.end());
    for (std::size_t cut = 1; cut < two.size(); ++cut) {
        const auto records = decode_journal(ByteView(file.data(), file.size() - cut));
        REQUIRE(records.size() == 1);
        CHECK(records[0].seq == 1);
    }
    CHECK(decode_journal(file).size() == 2);
}

TEST_CASE("a damaged byte ends the file's records at the damaged one") {
    const auto one = encode_journal_record(1, event_bytes(1));
    const auto two = encode_journal_record(2, event_bytes(2));
    const auto three = encode_journal_record(3, event_bytes(3));
    Bytes file = one;
    file.insert(file.end(), two.begin(), two.end());
    file.insert(file.end(), three.begin(), three.end());
    for (std::size_t at = one.size(); at < one.size() + two.size(); ++at) {
        auto damaged = file;
        damaged[at] ^= 0x40;
        const auto records = decode_journal(damaged);
        CHECK(records.size() == 1);
    }
    CHECK(decode_journal(to_bytes("not a journal at all, just text")).empty());
    CHECK(decode_journal({}).empty());
}

TEST_CASE("a file is held by one writer at a time: take() waits until one is given back") {
    gw::testing::TempDir dir;
    auto journal = PassageJournal::open(dir.path, 1).value();
    std::atomic<bool> second_has_it{false};
    std::thread second;
    {
        auto first = journal->take();
        second = std::thread([&] {
            auto f = journal->take();
            second_has_it = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        CHECK_FALSE(second_has_it.load());
    }
    second.join();
    CHECK(second_has_it.load());
}

TEST_CASE("take_full hands over only a free file past the size whose records are all at or below the seq given") {
    gw::testing::TempDir dir;
    auto journal = PassageJournal::open(dir.path, 2).value();
    {
        auto f = journal->take();
        REQUIRE(f.append(1, event_bytes(1)).has_value());
        REQUIRE(f.append(4, event_bytes(4)).has_value());
    }
    CHECK_FALSE(journal->take_full(1, 3).has_value());        // seq 4 is not durable elsewhere yet
    CHECK_FALSE(journal->take_full(1u << 20, 4).has_value());  // not full
    auto full = journal->take_full(1, 4);
    REQUIRE(full.has_value());
    CHECK(full->size() > 0);
    REQUIRE(full->clear().has_value());
    CHECK(full->size() == 0);
}

TEST_CASE("files a run with more writers left are read too") {
    gw::testing::TempDir dir;
    {
        auto wide = PassageJournal::open(dir.path, 4).value();
        std::vector<PassageJournal::File> held;
        for (int i = 0; i < 4; ++i) held.push_back(wide->take());
        REQUIRE(held[3].append(9, event_bytes(9)).has_value());
    }
    auto narrow = PassageJournal::open(dir.path, 2).value();
    CHECK(narrow->files() == 4);
    const auto records = narrow->read_all().value();
    REQUIRE(records.size() == 1);
    CHECK(records[0].seq == 9);
}

TEST_CASE("a journal that cannot be made says where") {
    gw::testing::TempDir dir;
    std::ofstream(dir.path / "file") << "a file, not a directory";
    const auto opened = PassageJournal::open(dir.path / "file" / "journal", 2);
    REQUIRE_FALSE(opened.has_value());
    CHECK(opened.error().message.find("passage journal") != std::string::npos);
    CHECK_FALSE(PassageJournal::open(dir.path / "j", 0).has_value());
}
