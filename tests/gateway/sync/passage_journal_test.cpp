// The passage journal: records written by writers side by side come back in seq order; a torn
// or damaged tail ends a file's records and nothing before it; files keep their length and
// are written over in place, generation after generation, and an older generation's records
// never read as the newer one's; files are handed to one writer at a time, and a full one
// only once everything in it is durable elsewhere; the old appended format still reads.
#include <doctest/doctest.h>

#include <algorithm>
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
    REQUIRE(again->clear_all(3).has_value());
    CHECK(again->read_all().value().empty());
    again.reset();
    CHECK(PassageJournal::open(dir.path / "journal", 3).value()->read_all().value().empty());
}

TEST_CASE("files are made at their full size, and records overwrite them in place: the length on disk never changes") {
    gw::testing::TempDir dir;
    const std::uint64_t length = 64u << 10;
    auto journal = PassageJournal::open(dir.path, 2, length).value();
    REQUIRE(journal->clear_all(0).has_value());
    const auto file0 = dir.path / "journal-0";
    CHECK(size_of(file0) == length);
    CHECK(size_of(dir.path / "journal-1") == length);
    std::uint64_t seq = 0;
    for (int generation = 0; generation < 3; ++generation) {
        auto f = journal->take_full(0, seq).value();  // both free, every record at or below seq
        for (int i = 0; i < 40; ++i) {
            ++seq;
            REQUIRE(f.append(seq, event_bytes(static_cast<int>(seq))).has_value());
        }
        CHECK(size_of(file0) == length);
        CHECK(journal->read_all().value().size() == 40);
        REQUIRE(f.clear(seq).has_value());
        CHECK(journal->read_all().value().empty());
    }
    SUBCASE("a record past the end grows the file, and the next generation keeps that length") {
        auto small = PassageJournal::open(dir.path / "small", 1, 100).value();
        auto f = small->take();
        REQUIRE(f.append(1, event_bytes(1)).has_value());
        REQUIRE(f.append(2, Bytes(300, 7)).has_value());
        const auto grown = size_of(dir.path / "small" / "journal-0");
        CHECK(grown > 300);
        REQUIRE(f.clear(2).has_value());
        REQUIRE(f.append(3, event_bytes(3)).has_value());
        CHECK(size_of(dir.path / "small" / "journal-0") == grown);
        CHECK(small->read_all().value().size() == 1);
    }
}

TEST_CASE("a newer generation's records end where they meet an older generation's record") {
    // Generation 0 wrote 1 and 2; the file was emptied at floor 2 and 3 written over 1 with
    // exactly its length, so 2 follows 3 intact, but from an older generation.
    const auto one = encode_journal_record(0, 1, event_bytes(1));
    const auto two = encode_journal_record(0, 2, event_bytes(2));
    const auto three = encode_journal_record(2, 3, event_bytes(8));  // as long as event_bytes(1)
    REQUIRE(three.size() == one.size());
    Bytes file = three;
    file.insert(file.end(), two.begin(), two.end());
    const auto decoded = decode_journal(file);
    REQUIRE(decoded.records.size() == 1);
    CHECK(decoded.records[0].seq == 3);
    CHECK(decoded.floor == 2);
    CHECK(decoded.end == three.size());
    SUBCASE("a record at or below its own floor is not one") {
        CHECK(decode_journal(encode_journal_record(5, 5, event_bytes(5))).records.empty());
    }
    SUBCASE("the zeroed magic of an emptied file reads as nothing, whatever follows") {
        auto emptied = file;
        std::fill_n(emptied.begin(), 4, 0);
        CHECK(decode_journal(emptied).records.empty());
    }
}

TEST_CASE("a record torn while it overwrote an older one ends the file's records there") {
    const auto old_one = encode_journal_record(0, 1, event_bytes(6));
    const auto old_two = encode_journal_record(0, 2, event_bytes(6));
    Bytes before = old_one;
    before.insert(before.end(), old_two.begin(), old_two.end());
    const auto kept = encode_journal_record(2, 3, event_bytes(3));
    const auto torn = encode_journal_record(2, 4, event_bytes(4));
    // The power went while 4 was written after 3: any prefix of it reached the disk, the rest
    // of the bytes are the older generation's.
    for (std::size_t written = 0; written < torn.size(); ++written) {
        auto file = before;
        std::copy(kept.begin(), kept.end(), file.begin());
        std::copy_n(torn.begin(), written, file.begin() + static_cast<std::ptrdiff_t>(kept.size()));
        const auto decoded = decode_journal(file);
        REQUIRE(decoded.records.size() == 1);
        CHECK(decoded.records[0].seq == 3);
    }
}

TEST_CASE("a journal of the old appended format is read at open, and written over in the new one after its clear") {
    gw::testing::TempDir dir;
    {
        std::filesystem::create_directories(dir.path);
        std::ofstream out(dir.path / "journal-0", std::ios::binary);
        for (std::uint64_t seq : {7, 8}) {
            const auto r = encode_journal_record_v1(seq, event_bytes(static_cast<int>(seq)));
            out.write(reinterpret_cast<const char*>(r.data()), static_cast<std::streamsize>(r.size()));
        }
    }
    auto journal = PassageJournal::open(dir.path, 1, 4096).value();
    const auto records = journal->read_all().value();
    REQUIRE(records.size() == 2);
    CHECK(records[1].seq == 8);
    CHECK(records[1].data == event_bytes(8));
    CHECK(size_of(dir.path / "journal-0") == 4096);
    REQUIRE(journal->clear_all(8).has_value());
    CHECK(journal->read_all().value().empty());
    REQUIRE(journal->take().append(9, event_bytes(9)).has_value());
    const auto after = journal->read_all().value();
    REQUIRE(after.size() == 1);
    CHECK(after[0].seq == 9);
}

TEST_CASE("a torn last record is dropped and every record before it kept") {
    const auto one = encode_journal_record(0, 1, event_bytes(1));
    const auto two = encode_journal_record(0, 2, event_bytes(2));
    Bytes file = one;
    file.insert(file.end(), two.begin(), two.end());
    for (std::size_t cut = 1; cut < two.size(); ++cut) {
        const auto records = decode_journal(ByteView(file.data(), file.size() - cut)).records;
        REQUIRE(records.size() == 1);
        CHECK(records[0].seq == 1);
    }
    CHECK(decode_journal(file).records.size() == 2);
}

TEST_CASE("a damaged byte ends the file's records at the damaged one") {
    const auto one = encode_journal_record(0, 1, event_bytes(1));
    const auto two = encode_journal_record(0, 2, event_bytes(2));
    const auto three = encode_journal_record(0, 3, event_bytes(3));
    Bytes file = one;
    file.insert(file.end(), two.begin(), two.end());
    file.insert(file.end(), three.begin(), three.end());
    for (std::size_t at = one.size(); at < one.size() + two.size(); ++at) {
        auto damaged = file;
        damaged[at] ^= 0x40;
        CHECK(decode_journal(damaged).records.size() == 1);
    }
    CHECK(decode_journal(to_bytes("not a journal at all, just text")).records.empty());
    CHECK(decode_journal({}).records.empty());
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

TEST_CASE("records written while a group waits for a file go out together: one write and one sync for all of them") {
    gw::testing::TempDir dir;
    auto journal = PassageJournal::open(dir.path, 2).value();
    REQUIRE(journal->clear_all(0).has_value());
    constexpr int kWriters = 8;
    std::vector<std::thread> writers;
    std::atomic<int> failed{0};
    {
        // Both files held (as while a full one is emptied and a group is written): the first
        // writer waits for one, the others join its group meanwhile.
        auto a = journal->take();
        auto b = journal->take();
        for (int i = 1; i <= kWriters; ++i)
            writers.emplace_back([&, i] {
                if (!journal->write(static_cast<std::uint64_t>(i), event_bytes(i))) ++failed;
            });
        for (int spin = 0; spin < 5000 && journal->waiting() < kWriters; ++spin)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        REQUIRE(journal->waiting() == kWriters);
        CHECK(journal->stats().records == 0);  // nothing is durable before a file is free
    }
    for (auto& t : writers) t.join();
    CHECK(failed == 0);
    const auto stats = journal->stats();
    CHECK(stats.records == kWriters);
    CHECK(stats.groups == 1);
    CHECK(stats.largest_group == kWriters);
    journal.reset();
    const auto records = PassageJournal::open(dir.path, 2).value()->read_all().value();
    REQUIRE(records.size() == kWriters);
    for (int i = 0; i < kWriters; ++i) CHECK(records[static_cast<std::size_t>(i)].data == event_bytes(i + 1));
}

TEST_CASE("a lone record is written at once in a group of its own, and writers side by side all come back durable") {
    gw::testing::TempDir dir;
    auto journal = PassageJournal::open(dir.path, 3).value();
    REQUIRE(journal->clear_all(0).has_value());
    REQUIRE(journal->write(1, event_bytes(1)).has_value());
    CHECK(journal->stats().groups == 1);
    CHECK(journal->stats().largest_group == 1);
    constexpr int kThreads = 6, kEach = 40;
    std::atomic<std::uint64_t> next{2};
    std::atomic<int> failed{0};
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < kEach; ++i) {
                    const auto seq = next++;
                    if (!journal->write(seq, event_bytes(static_cast<int>(seq)))) ++failed;
                }
            });
    }
    CHECK(failed == 0);
    const auto stats = journal->stats();
    CHECK(stats.records == 1 + kThreads * kEach);
    CHECK(stats.groups <= stats.records);
    journal.reset();
    const auto records = PassageJournal::open(dir.path, 3).value()->read_all().value();
    REQUIRE(records.size() == 1 + kThreads * kEach);
    for (std::size_t i = 0; i < records.size(); ++i) {
        CHECK(records[i].seq == i + 1);
        CHECK(records[i].data == event_bytes(static_cast<int>(i + 1)));
    }
}

TEST_CASE("groups fill one file before the next, so one file at a time becomes full and is emptied") {
    gw::testing::TempDir dir;
    const std::uint64_t length = 4u << 10;
    auto journal = PassageJournal::open(dir.path, 3, length).value();
    REQUIRE(journal->clear_all(0).has_value());
    std::uint64_t seq = 0;
    const auto full_now = [&] { return journal->take_full(length / 2, seq); };
    for (;;) {
        ++seq;
        REQUIRE(journal->write(seq, event_bytes(1)).has_value());
        REQUIRE(seq < 1000);
        if (auto full = full_now()) {
            CHECK(seq > 1);
            // Every record so far went to the file now full: the other two hold none.
            CHECK_FALSE(journal->take_full(1, seq).has_value());
            REQUIRE(full->clear(seq).has_value());
            break;
        }
    }
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
    REQUIRE(full->clear(4).has_value());
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
