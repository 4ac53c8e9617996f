// LaneDecision events: every decision is numbered, chained to the one before by hash and written
// durably; the chain continues across restarts; an edit or a gap shows; a full outbox refuses.
#include <doctest/doctest.h>

#include "gateway/credential/pass_codec.h"
#include "gateway/sync/passage_log.h"
#include "tests/gateway/sync/log_fixture.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"

#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

namespace {

using namespace gw;
using namespace gw::sync;

LaneDecision denial(int i) {
    LaneDecision p;
    p.at = gw::testing::t0() + Seconds{i};
    p.lane = "walk-1";
    p.direction = "to-zhejiang";
    p.pass = credential::decode_payload(demo::demo_world().scenarios[1].payload).value().pass;
    p.decision.verdict = decision::Verdict::kDeny;
    p.decision.reasons = {Reason::kRevoked};
    p.decision.data_age = Seconds{120};
    return p;
}

}  // namespace

TEST_CASE("each decision becomes a numbered event chained to the one before") {
    gw::testing::TempDir dir;
    auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    int heard = 0;
    log->set_listener([&] { ++heard; });
    for (int i = 1; i <= 3; ++i) {
        const auto r = log->record(denial(i));
        REQUIRE(r.has_value());
        CHECK(r->seq == static_cast<std::uint64_t>(i));
        CHECK(r->level == store::OutboxLevel::kOk);
    }
    CHECK(heard == 3);
    const auto first = parse_event(*outbox->get(1)).value();
    const auto second = parse_event(*outbox->get(2)).value();
    CHECK(first.prev_hash == Hash{});
    CHECK(second.prev_hash == event_hash(*outbox->get(1)));
    CHECK(second.gateway == "gw-1");
    CHECK(second.verdict == "DENY");
    CHECK(second.reasons == std::vector<std::string>{"REVOKED"});
    CHECK(second.pass_type == 1);
    CHECK(second.province == 31);
    CHECK(second.data_age == Seconds{120});
    CHECK(log->verify_chain().value() == 3);
}

TEST_CASE("the chain continues after a restart, also once every event was acknowledged") {
    gw::testing::TempDir dir;
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}).value();
        auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
        for (int i = 1; i <= 4; ++i) REQUIRE(log->record(denial(i)).has_value());
        REQUIRE(outbox->acknowledge("zhejiang", 4).has_value());
        CHECK(outbox->status().held_records == 1);  // the anchor stays
    }
    auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->last_seq() == 4);
    const auto r = log->record(denial(5));
    REQUIRE(r.has_value());
    CHECK(r->seq == 5);
    CHECK(parse_event(*outbox->get(5)).value().prev_hash == event_hash(*outbox->get(4)));
    CHECK(log->verify_chain().value() == 2);
    // Another gateway's name on the same outbox is refused: the chain is one gateway's.
    CHECK_FALSE(PassageLog::open(*outbox, "gw-2", dir.path / "journal").has_value());
}

TEST_CASE("an edited or renumbered event breaks the chain and verify_chain says where") {
    gw::testing::TempDir dir;
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    for (int i = 1; i <= 2; ++i) REQUIRE(log->record(denial(i)).has_value());
    auto e = parse_event(*outbox->get(2)).value();
    SUBCASE("edited: the hash of event 2 is not what event 3 carries") {
        e.seq = 3;
        e.prev_hash = sha256(as_bytes("not event 2"));
        REQUIRE(outbox->append(3, encode_event(e)).has_value());
        const auto v = log->verify_chain();
        REQUIRE_FALSE(v.has_value());
        CHECK(v.error().message.find("event 3") != std::string::npos);
    }
    SUBCASE("renumbered") {
        e.seq = 7;
        e.prev_hash = event_hash(*outbox->get(2));
        REQUIRE(outbox->append(3, encode_event(e)).has_value());
        CHECK_FALSE(log->verify_chain().has_value());
    }
}

TEST_CASE("a full outbox refuses the event with an error, after warning first; nothing is dropped") {
    gw::testing::TempDir dir;
    store::OutboxOptions options;
    options.budget_bytes = 4000;
    auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}, options).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    std::vector<store::OutboxLevel> levels;
    std::uint64_t recorded = 0;
    for (int i = 1; i <= 100; ++i) {
        const auto r = log->record(denial(i));
        if (!r) {
            CHECK(r.error().message.find("outbox full") != std::string::npos);
            break;
        }
        levels.push_back(r->level);
        recorded = r->seq;
    }
    REQUIRE(recorded > 5);
    REQUIRE(recorded < 100);
    CHECK(levels.front() == store::OutboxLevel::kOk);
    CHECK(std::find(levels.begin(), levels.end(), store::OutboxLevel::kWarn) != levels.end());
    CHECK(outbox->last_seq() == recorded);  // the refused event was not half-written
    CHECK(log->last_seq() == recorded);
    // Once the registry acknowledged them, there is room again, and the chain goes on.
    REQUIRE(outbox->acknowledge("zhejiang", recorded).has_value());
    const auto r = log->record(denial(200));
    REQUIRE(r.has_value());
    CHECK(r->seq == recorded + 1);
    CHECK(log->verify_chain().has_value());
}

TEST_CASE("lanes recording at once are journalled side by side, and every event is numbered once in one unbroken chain") {
    gw::testing::TempDir dir;
    auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    constexpr int kLanes = 8, kEach = 40;
    std::vector<std::vector<std::uint64_t>> seqs(kLanes);
    std::vector<std::thread> lanes;
    for (int l = 0; l < kLanes; ++l)
        lanes.emplace_back([&, l] {
            for (int i = 0; i < kEach; ++i) {
                auto p = denial(i);
                p.lane = "walk-" + std::to_string(l);
                const auto r = log->record(p);
                if (r) seqs[static_cast<std::size_t>(l)].push_back(r->seq);
            }
        });
    for (auto& t : lanes) t.join();

    std::set<std::uint64_t> all;
    for (const auto& s : seqs) {
        CHECK(s.size() == kEach);
        CHECK(std::is_sorted(s.begin(), s.end()));  // one lane's events keep their order
        all.insert(s.begin(), s.end());
    }
    CHECK(all.size() == kLanes * kEach);
    CHECK(*all.rbegin() == kLanes * kEach);
    CHECK(log->verify_chain().value() == kLanes * kEach);
    // Each answer is its own event: lane and number match what is on disk.
    for (int l = 0; l < kLanes; ++l)
        CHECK(parse_event(*outbox->get(seqs[static_cast<std::size_t>(l)].back())).value().lane == "walk-" + std::to_string(l));
    const auto stats = log->group_stats();
    CHECK(stats.events == kLanes * kEach);
    MESSAGE("outbox writes: " << stats.groups << " for " << stats.events << " events");
    CHECK(stats.groups <= stats.events);
}

TEST_CASE("when the budget runs out inside a group, the events that fit are chained and the rest refused") {
    gw::testing::TempDir dir;
    store::OutboxOptions options;
    const auto size = encode_event([] {
        auto e = make_event(denial(1));
        e.gateway = "gw-1";
        e.seq = 1;
        return e;
    }()).size();
    options.budget_bytes = 6 * (size + store::kRecordOverhead) + 3;
    auto outbox = store::Outbox::open(dir.path / "outbox", {"zhejiang"}, options).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    std::atomic<int> recorded{0}, refused{0};
    std::vector<std::thread> lanes;
    for (int l = 0; l < 8; ++l)
        lanes.emplace_back([&, l] {
            const auto r = log->record(denial(l + 1));
            ++(r ? recorded : refused);
            if (!r) CHECK(r.error().message.find("outbox full") != std::string::npos);
        });
    for (auto& t : lanes) t.join();
    CHECK(recorded == 6);
    CHECK(refused == 2);
    CHECK(log->last_seq() == 6);
    CHECK(log->verify_chain().value() == 6);
    REQUIRE(outbox->acknowledge("zhejiang", 6).has_value());
    REQUIRE(log->record(denial(9)).has_value());
    CHECK(log->verify_chain().value() == 2);  // the anchor (6) and the new one, chained to it
}

namespace {

using JournalFile = std::vector<std::pair<std::uint64_t, Bytes>>;

// The journal as a power cut may leave it: one file per entry, each of its generation
// (`floor`) with its records.
void write_journal_files(const std::filesystem::path& dir, const std::vector<std::pair<std::uint64_t, JournalFile>>& files) {
    std::filesystem::remove_all(dir);
    auto journal = PassageJournal::open(dir, files.size()).value();
    std::vector<PassageJournal::File> held;  // held until all are written: each take() a new file
    for (const auto& [floor, records] : files) {
        auto& file = held.emplace_back(journal->take());
        if (floor) REQUIRE(file.clear(floor).has_value());
        for (const auto& [seq, data] : records) REQUIRE(file.append(seq, data).has_value());
    }
}

void write_journal(const std::filesystem::path& dir, const JournalFile& records, std::uint64_t floor = 0) {
    write_journal_files(dir, {{floor, records}});
}

// Events 1..n of gateway gw-1, recorded by a passage log; returns their bytes.
std::vector<Bytes> recorded_events(const std::filesystem::path& dir, int n) {
    auto outbox = store::Outbox::open(dir / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir / "journal").value();
    for (int i = 1; i <= n; ++i) REQUIRE(log->record(denial(i)).has_value());
    std::vector<Bytes> out;
    for (int i = 1; i <= n; ++i) out.push_back(*outbox->get(static_cast<std::uint64_t>(i)));
    return out;
}

}  // namespace

TEST_CASE("events the journal holds beyond the outbox (the power went before the outbox's sync) are in the outbox after open") {
    gw::testing::TempDir source, dir;
    const auto events = recorded_events(source.path, 5);
    // The outbox as the cut left it: events 1 and 2; the journal made 1..5 durable.
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        REQUIRE(outbox->append(1, std::vector<Bytes>{events[0], events[1]}).has_value());
    }
    write_journal(dir.path / "journal", {{1, events[0]}, {2, events[1]}, {3, events[2]}, {4, events[3]}, {5, events[4]}});
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->group_stats().recovered == 3);
    CHECK(outbox->last_seq() == 5);
    CHECK(*outbox->get(5) == events[4]);
    CHECK(log->verify_chain().value() == 5);
    // The journal is empty now, and the chain goes on from 5.
    CHECK(PassageJournal::open(dir.path / "journal", 1).value()->read_all().value().empty());
    const auto r = log->record(denial(6));
    REQUIRE(r.has_value());
    CHECK(r->seq == 6);
    CHECK(log->verify_chain().value() == 6);
}

TEST_CASE("a number lost before it was durable is closed over: the answered events after it are renumbered, keeping the number they were answered under") {
    gw::testing::TempDir source, dir;
    const auto events = recorded_events(source.path, 6);
    // Event 4's write was cut off; 5 and 6, numbered after it, were durable and answered.
    write_journal(dir.path / "journal", {{1, events[0]}, {2, events[1]}, {3, events[2]}, {5, events[4]}, {6, events[5]}});
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->group_stats().recovered == 5);
    CHECK(log->group_stats().renumbered == 2);
    CHECK(outbox->last_seq() == 5);
    CHECK(*outbox->get(3) == events[2]);  // before the gap: as journalled, byte for byte
    const auto four = parse_event(*outbox->get(4)).value();
    const auto five = parse_event(*outbox->get(5)).value();
    CHECK(four.journalled_as == 5);
    CHECK(five.journalled_as == 6);
    CHECK(four.at == parse_event(events[4]).value().at);  // the decision answered as 5
    CHECK(five.at == parse_event(events[5]).value().at);
    CHECK(four.prev_hash == event_hash(events[2]));
    CHECK(log->verify_chain().value() == 5);
    // The chain goes on from 5; a new event is not renumbered.
    const auto r = log->record(denial(9));
    REQUIRE(r.has_value());
    CHECK(r->seq == 6);
    CHECK(parse_event(*outbox->get(6)).value().journalled_as == 0);
    CHECK(log->verify_chain().value() == 6);

    SUBCASE("a record after the gap that does not chain to the one journalled before it ends the recovery") {
        gw::testing::TempDir other;
        // 5 edited in the journal: 6 carries the hash of the 5 it was chained to, not of this one.
        auto e5 = parse_event(events[4]).value();
        e5.operator_note = "edited";
        write_journal(other.path / "journal", {{1, events[0]}, {2, events[1]}, {3, events[2]}, {5, encode_event(e5)}, {6, events[5]}});
        auto outbox2 = store::Outbox::open(other.path / "outbox", {}).value();
        auto log2 = PassageLog::open(*outbox2, "gw-1", other.path / "journal").value();
        CHECK(log2->group_stats().recovered == 4);  // 1-3 and 5 (renumbered 4); 6 does not chain to the 5 journalled
        CHECK(outbox2->last_seq() == 4);
        CHECK(log2->verify_chain().value() == 4);
    }
}

TEST_CASE("an open cut off after moving renumbered events into the outbox, before emptying the journal, takes none of them twice") {
    gw::testing::TempDir source, dir;
    const auto events = recorded_events(source.path, 6);
    const std::vector<std::pair<std::uint64_t, Bytes>> cut = {{1, events[0]}, {2, events[1]}, {3, events[2]}, {5, events[4]}, {6, events[5]}};
    write_journal(dir.path / "journal", cut);
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        REQUIRE(PassageLog::open(*outbox, "gw-1", dir.path / "journal").has_value());
        REQUIRE(outbox->last_seq() == 5);
    }
    write_journal(dir.path / "journal", cut);  // the journal's emptying never reached the disk
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->group_stats().recovered == 0);
    CHECK(outbox->last_seq() == 5);
    CHECK(log->verify_chain().value() == 5);
    const auto r = log->record(denial(9));
    REQUIRE(r.has_value());
    CHECK(r->seq == 6);
}

TEST_CASE("events journalled after a renumbering are taken at the next open, even under a number a renumbered event was answered under") {
    gw::testing::TempDir source, dir;
    const auto events = recorded_events(source.path, 8);
    // 4-6 lost in a cut; 7 and 8 answered: renumbered 4 and 5, journalled as 7 and 8.
    const JournalFile cut = {{1, events[0]}, {2, events[1]}, {3, events[2]}, {7, events[6]}, {8, events[7]}};
    write_journal(dir.path / "journal", cut);
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
        REQUIRE(log->group_stats().renumbered == 2);
        REQUIRE(parse_event(*outbox->get(4)).value().journalled_as == 7);
    }
    // One file emptied at floor 5; then 6 was lost in a second cut while 7, numbered after
    // it, was answered: its number is the one renumbered event 4 was answered under. The
    // other file's emptying never reached the disk: it still holds the first cut's records,
    // 7 and 8 among them, already moved.
    auto seven = parse_event(events[6]).value();
    seven.prev_hash = sha256(as_bytes("event 6, lost"));
    seven.operator_note = "after the first cut";
    write_journal_files(dir.path / "journal", {{0, cut}, {5, {{7, encode_event(seven)}}}});
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->group_stats().recovered == 1);
    CHECK(outbox->last_seq() == 6);
    const auto six = parse_event(*outbox->get(6)).value();
    CHECK(six.operator_note == "after the first cut");
    CHECK(six.journalled_as == 7);
    CHECK(log->verify_chain().value() == 6);
}

TEST_CASE("a journal event that does not chain to the outbox's newest is not taken") {
    gw::testing::TempDir source, dir;
    const auto events = recorded_events(source.path, 4);
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        REQUIRE(outbox->append(1, std::vector<Bytes>{events[0], events[1], events[2]}).has_value());
    }
    auto foreign = parse_event(events[3]).value();
    foreign.prev_hash = sha256(as_bytes("another chain's event 3"));
    write_journal(dir.path / "journal", {{4, encode_event(foreign)}});
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(log->group_stats().recovered == 0);
    CHECK(outbox->last_seq() == 3);
    CHECK(log->verify_chain().value() == 3);
    SUBCASE("nor one of another gateway") {
        auto other = parse_event(events[3]).value();
        other.gateway = "gw-2";
        write_journal(dir.path / "journal2", {{4, encode_event(other)}});
        auto log2 = PassageLog::open(*outbox, "gw-1", dir.path / "journal2").value();
        CHECK(log2->group_stats().recovered == 0);
        CHECK(outbox->last_seq() == 3);
    }
}

TEST_CASE("a full journal file is emptied once its events are synced in the outbox, and nothing is lost") {
    gw::testing::TempDir dir;
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal", 1, 1024).value();
        for (int i = 1; i <= 60; ++i) REQUIRE(log->record(denial(i)).has_value());
        CHECK(log->group_stats().journal_clears >= 5);  // 60 events of about 120 bytes
        CHECK(std::filesystem::file_size(dir.path / "journal" / "journal-0") < 1024 + 512);
    }
    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal").value();
    CHECK(outbox->last_seq() == 60);
    CHECK(log->verify_chain().value() == 60);
}

TEST_CASE("a journal whose emptying never reached the disk gives back only events the outbox holds: none is taken twice") {
    gw::testing::TempDir dir;
    const auto file = dir.path / "journal" / "journal-0";
    Bytes before_clear;
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal", 1).value();
        for (int i = 1; i <= 3; ++i) REQUIRE(log->record(denial(i)).has_value());
        REQUIRE(outbox->sync().has_value());
        std::ifstream in(file, std::ios::binary);
        before_clear.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The next open emptied the file; the power went before that was on the disk.
    {
        auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
        REQUIRE(PassageLog::open(*outbox, "gw-1", dir.path / "journal", 1).has_value());
    }
    CHECK(PassageJournal::open(dir.path / "journal", 1).value()->read_all().value().empty());
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(before_clear.data()),
                                                static_cast<std::streamsize>(before_clear.size()));
    REQUIRE(PassageJournal::open(dir.path / "journal", 1).value()->read_all().value().size() == 3);

    auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal", 1).value();
    CHECK(log->group_stats().recovered == 0);
    CHECK(outbox->last_seq() == 3);
    const auto r = log->record(denial(4));
    REQUIRE(r.has_value());
    CHECK(r->seq == 4);
    CHECK(log->verify_chain().value() == 4);
}

namespace {

// A thread whose write passes the file-size limit gets SIGXFSZ; this handler holds it there
// (inside its journal write, the log's lock released) until the test lets it go on.
std::atomic<bool> held_in_write{false};
std::atomic<bool> let_go{false};
extern "C" void hold_in_write(int) {
    held_in_write = true;
    while (!let_go) {
        timespec ms{0, 1'000'000};
        ::nanosleep(&ms, nullptr);
    }
}

}  // namespace

TEST_CASE("an event is answered once it is durable, while an event numbered before it is still being written") {
    gw::testing::TempDir dir;
    // 0: every check held; 128 + a signal: the child died (14, SIGALRM: a write held for good)
    CHECK(gw::testing::run_in_child([&] {
        // Everything in the child (fork keeps only the calling thread; the limit is the
        // process's). One journal file is filled past 64 KiB, the other stays empty; under a
        // 64 KiB file-size limit the next write to the full one stops in the signal handler.
        int rc = 0;
        {
            auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
            auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal", 2).value();
            ::alarm(60);  // a write held for good ends the child, not the test run
            // Writers alone in turn all take the same file (the last given back): 600 records
            // of about 131 bytes put it past 64 KiB.
            for (int i = 1; i <= 600; ++i)
                if (!log->record(denial(i))) rc = 10;
            struct sigaction sa {};
            sa.sa_handler = hold_in_write;
            ::sigaction(SIGXFSZ, &sa, nullptr);
            rlimit lim{64 * 1024, RLIM_INFINITY};
            ::setrlimit(RLIMIT_FSIZE, &lim);

            std::optional<Result<Recorded>> first;
            std::thread writer([&] { first = log->record_durable(make_event(denial(601))); });
            for (int i = 0; i < 5000 && !held_in_write; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{1});
            if (!held_in_write) rc = 11;
            // Numbered after it, written in the other file: answered while 601 is still held.
            const auto second = log->record_durable(make_event(denial(602)));
            const bool still_held = !first.has_value();
            let_go = true;
            writer.join();
            if (!second || second->seq != 602) rc = 12;
            else if (!still_held) rc = 13;                         // the answer waited for 601
            else if (!first || first->has_value()) rc = 14;        // 601's write did fail
            else if (log->record(denial(603))) rc = 15;            // the log stays broken after a lost number
            else if (outbox->last_seq() != 600) rc = 16;           // nothing handed over past the gap
        }
        if (rc == 0) {
            // The restart: 602, answered, closes the gap of the lost 601.
            rlimit lim{RLIM_INFINITY, RLIM_INFINITY};
            ::setrlimit(RLIMIT_FSIZE, &lim);
            auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
            auto log = PassageLog::open(*outbox, "gw-1", dir.path / "journal", 2).value();
            const auto moved = outbox->get(601);
            const auto event = moved ? parse_event(*moved) : Result<PassageEvent>(failure("none"));
            if (log->group_stats().renumbered != 1) rc = 20;
            else if (outbox->last_seq() != 601) rc = 21;
            else if (!event || event->journalled_as != 602 || event->at != denial(602).at) rc = 22;
            else if (log->verify_chain().value_or(0) != 601) rc = 23;
        }
        return rc;
    }) == 0);
}
