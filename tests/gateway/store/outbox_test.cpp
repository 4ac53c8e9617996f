// The durable log store and the outbox built on it: numbered records, atomic batches, per
// destination acknowledgements, trims, the disk budget and its alarm, and restarts.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/core/poll_until.h"
#include "gateway/store/log_store.h"
#include "gateway/store/outbox.h"
#include "tests/temp_dir.h"

namespace {

using namespace gw;
using namespace gw::store;

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace

TEST_CASE("a log store appends numbered records and reads them back in order, after a restart too") {
    gw::testing::TempDir dir;
    {
        auto log = LogStore::open(dir.path).value();
        LogBatch b;
        b.append("a", 1, bytes("one"));
        b.append("a", 2, bytes("two"));
        b.append("b", 10, bytes("ten"));
        b.put("note", bytes("hello"));
        REQUIRE(log->write(b).has_value());
        const auto info = log->info("a");
        CHECK(info.first == 1);
        CHECK(info.last == 2);
        CHECK(info.count == 2);
        CHECK(info.bytes == 6);
        CHECK(log->info("b").first == 10);
    }
    auto log = LogStore::open(dir.path).value();
    const auto a = log->read("a", 1, 10);
    REQUIRE(a.size() == 2);
    CHECK(a[1].seq == 2);
    CHECK(text(a[1].data) == "two");
    CHECK(log->read("a", 2, 10).size() == 1);
    CHECK(log->read("a", 1, 10, 1).size() == 1);  // a byte budget still returns the first record
    CHECK(text(*log->get("b", 10)) == "ten");
    CHECK_FALSE(log->get("b", 11).has_value());
    CHECK(text(*log->meta("note")) == "hello");
    CHECK(log->streams("") == std::vector<std::string>{"a", "b"});
    CHECK(log->meta_prefix("no").size() == 1);
}

TEST_CASE("a batch with a seq that does not rise is refused whole") {
    gw::testing::TempDir dir;
    auto log = LogStore::open(dir.path).value();
    LogBatch first;
    first.append("a", 5, bytes("five"));
    REQUIRE(log->write(first).has_value());
    LogBatch bad;
    bad.append("b", 1, bytes("fine on its own"));
    bad.put("k", bytes("v"));
    bad.append("a", 5, bytes("again"));
    CHECK_FALSE(log->write(bad).has_value());
    CHECK(log->info("b").count == 0);
    CHECK_FALSE(log->meta("k").has_value());
    CHECK(text(*log->get("a", 5)) == "five");
}

TEST_CASE("a trim drops the oldest records but the stream's last seq stays") {
    gw::testing::TempDir dir;
    auto log = LogStore::open(dir.path).value();
    LogBatch b;
    for (std::uint64_t i = 1; i <= 5; ++i) b.append("s", i, bytes("r" + std::to_string(i)));
    REQUIRE(log->write(b).has_value());
    LogBatch t;
    t.trim("s", 3);
    REQUIRE(log->write(t).has_value());
    auto info = log->info("s");
    CHECK(info.first == 4);
    CHECK(info.count == 2);
    CHECK(info.bytes == 4);
    CHECK_FALSE(log->get("s", 3).has_value());
    LogBatch all;
    all.trim("s", 5);
    REQUIRE(log->write(all).has_value());
    info = log->info("s");
    CHECK(info.count == 0);
    CHECK(info.first == 0);
    CHECK(info.last == 5);
    LogBatch again;
    again.append("s", 5, bytes("reused"));
    CHECK_FALSE(log->write(again).has_value());
}

TEST_CASE("the outbox keeps a record until every destination acknowledged it, and the newest always") {
    gw::testing::TempDir dir;
    auto box = Outbox::open(dir.path, {"shanghai", "zhejiang"}).value();
    for (std::uint64_t i = 1; i <= 5; ++i) REQUIRE(box->append(i, bytes("event " + std::to_string(i))).has_value());
    CHECK_FALSE(box->append(7, bytes("a gap")).has_value());
    CHECK_FALSE(box->append(5, bytes("again")).has_value());
    CHECK(box->pending("zhejiang", 10, 1 << 20).size() == 5);
    REQUIRE(box->acknowledge("zhejiang", 3).has_value());
    CHECK(box->pending("zhejiang", 10, 1 << 20).front().seq == 4);
    CHECK(box->status().held_records == 5);  // shanghai holds none yet
    REQUIRE(box->acknowledge("shanghai", 2).has_value());
    CHECK(box->status().held_records == 3);
    CHECK_FALSE(box->get(2).has_value());
    REQUIRE(box->acknowledge("shanghai", 99).has_value());  // clamped to the newest
    REQUIRE(box->acknowledge("zhejiang", 5).has_value());
    CHECK(box->status().held_records == 1);
    CHECK(box->get(5).has_value());
    CHECK(box->status().acknowledged.at("shanghai") == 5);
    REQUIRE(box->acknowledge("zhejiang", 1).has_value());  // never moves back
    CHECK(box->status().acknowledged.at("zhejiang") == 5);
    CHECK_FALSE(box->acknowledge("beijing", 1).has_value());
}

TEST_CASE("the outbox survives a restart with its records and acknowledgements; a new destination is owed what is held") {
    gw::testing::TempDir dir;
    {
        auto box = Outbox::open(dir.path, {"zhejiang"}).value();
        for (std::uint64_t i = 1; i <= 4; ++i) REQUIRE(box->append(i, bytes("e")).has_value());
        REQUIRE(box->acknowledge("zhejiang", 2).has_value());
    }
    auto box = Outbox::open(dir.path, {"zhejiang", "shanghai"}).value();
    CHECK(box->last_seq() == 4);
    CHECK(box->status().acknowledged.at("zhejiang") == 2);
    const auto owed = box->pending("shanghai", 10, 1 << 20);
    REQUIRE(owed.size() == 2);
    CHECK(owed.front().seq == 3);
    REQUIRE(box->append(5, bytes("e")).has_value());
}

TEST_CASE("the disk budget warns first, then refuses an append, which writes nothing") {
    gw::testing::TempDir dir;
    OutboxOptions options;
    options.budget_bytes = 10 * (100 + kRecordOverhead);
    options.warn_fraction = 0.5;
    auto box = Outbox::open(dir.path, {"zhejiang"}, options).value();
    const Bytes event(100, 'x');
    std::vector<OutboxLevel> levels;
    for (std::uint64_t i = 1; i <= 10; ++i) levels.push_back(box->append(i, event).value());
    CHECK(levels[3] == OutboxLevel::kOk);
    CHECK(levels[4] == OutboxLevel::kWarn);
    CHECK(levels[9] == OutboxLevel::kFull);
    CHECK(box->status().level == OutboxLevel::kFull);
    const auto refused = box->append(11, event);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("事件缓存已满") != std::string::npos);
    CHECK(box->last_seq() == 10);
    REQUIRE(box->acknowledge("zhejiang", 10).has_value());
    CHECK(box->status().level == OutboxLevel::kOk);
    CHECK(box->append(11, event).has_value());
}

TEST_CASE("a group is written in one go: what fits the budget, in order, and the rest is refused") {
    gw::testing::TempDir dir;
    OutboxOptions options;
    options.budget_bytes = 5 * (100 + kRecordOverhead);
    auto box = Outbox::open(dir.path, {"zhejiang"}, options).value();
    const std::vector<Bytes> group(3, Bytes(100, 'x'));
    const auto first = box->append(1, group).value();
    CHECK(first.accepted == 3);
    CHECK(first.refusal.empty());
    CHECK(first.level == OutboxLevel::kOk);

    const auto second = box->append(4, group).value();
    CHECK(second.accepted == 2);
    CHECK(second.level == OutboxLevel::kFull);
    CHECK(second.refusal.find("outbox full") != std::string::npos);
    CHECK(box->last_seq() == 5);
    CHECK_FALSE(box->get(6).has_value());

    CHECK_FALSE(box->append(7, group).has_value());  // not the next number: nothing written
    CHECK(box->last_seq() == 5);
}

TEST_CASE("a reservation holds budget until its records are appended, and is counted once, never twice") {
    gw::testing::TempDir dir;
    OutboxOptions options;
    const std::uint64_t cost = 100 + kRecordOverhead;
    options.budget_bytes = 3 * cost;
    auto box = Outbox::open(dir.path, {"zhejiang"}, options).value();
    CHECK(box->reserve(2 * cost));
    CHECK_FALSE(box->reserve(2 * cost));  // 4 > 3: nothing taken
    CHECK(box->reserve(cost));
    CHECK_FALSE(box->reserve(1));
    // Another writer's unreserved record does not fit beside the reservations.
    const Bytes event(100, 'x');
    CHECK_FALSE(box->append(1, event).has_value());
    // The reserved records go in with their reservation: the room they held is theirs.
    const std::vector<Bytes> two(2, event);
    CHECK(box->append(1, two, LogStore::Sync::kLazy, 2 * cost).value().accepted == 2);
    CHECK_FALSE(box->reserve(1));  // 2 held + 1 reserved: full, not 2 + 2 + 1
    CHECK(box->append(3, std::span<const Bytes>(&event, 1), LogStore::Sync::kLazy, cost).value().accepted == 1);
    CHECK(box->status().level == OutboxLevel::kFull);
    REQUIRE(box->acknowledge("zhejiang", 3).has_value());
    CHECK(box->reserve(2 * cost));  // the newest record stays as the anchor
    CHECK_FALSE(box->reserve(1));
}

TEST_CASE("reservations taken while appends and trims are being written never let a reserved record be refused nor the budget be passed") {
    // The passage log's pattern: numbered writers reserve, one hand-over appends in order with
    // the reservations, an uploader acknowledges; reserve() does not take the writes' lock.
    gw::testing::TempDir dir;
    OutboxOptions options;
    const Bytes event(100, 'x');
    const std::uint64_t cost = event.size() + kRecordOverhead;
    options.budget_bytes = 20 * cost;
    auto box = Outbox::open(dir.path, {"zhejiang"}, options).value();
    std::mutex numbering;
    std::uint64_t numbered = 0, refused_reservations = 0;
    std::atomic<std::uint64_t> appended{0};
    std::atomic<bool> done{false}, broken{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w)
        writers.emplace_back([&] {
            while (!done) {
                std::lock_guard lock(numbering);
                if (box->reserve(cost)) ++numbered;
                else ++refused_reservations;
            }
        });
    std::thread uploader([&] {
        while (!done) {
            const auto through = appended.load();
            if (through > 1 && !box->acknowledge("zhejiang", through - 1)) broken = true;
            std::this_thread::yield();
        }
    });
    while (appended < 3000 && !broken) {
        std::uint64_t through = 0;
        {
            std::lock_guard lock(numbering);
            through = numbered;
        }
        if (through == appended) continue;
        const std::vector<Bytes> group(static_cast<std::size_t>(through - appended), event);
        const auto r = box->append(appended + 1, group, LogStore::Sync::kLazy, group.size() * cost);
        if (!r || r->accepted != group.size()) broken = true;
        appended += group.size();
        if (box->status().held_bytes > options.budget_bytes) broken = true;
    }
    done = true;
    for (auto& t : writers) t.join();
    uploader.join();
    CHECK_FALSE(broken.load());
    CHECK(appended >= 3000);
    CHECK(refused_reservations > 0);  // the budget was reached, again and again
}

TEST_CASE("the outbox runs its before-drop step before it drops records, and a failed step drops nothing") {
    gw::testing::TempDir dir;
    int calls = 0;
    bool fail = true;
    OutboxOptions options;
    options.before_drop = [&]() -> Result<void> {
        ++calls;
        if (fail) return failure("cache log sync: disk gone");
        return {};
    };
    auto box = Outbox::open(dir.path, {"shanghai"}, options).value();
    for (std::uint64_t i = 1; i <= 4; ++i) REQUIRE(box->append(i, bytes("event " + std::to_string(i))).has_value());

    const auto refused = box->acknowledge("shanghai", 3);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message == "cache log sync: disk gone");
    CHECK(calls == 1);
    CHECK(box->status().held_records == 4);
    CHECK(box->get(1).has_value());
    CHECK(box->status().acknowledged.at("shanghai") == 0);

    fail = false;
    REQUIRE(box->acknowledge("shanghai", 3).has_value());
    CHECK(calls == 2);
    CHECK(box->status().held_records == 1);
    CHECK_FALSE(box->get(3).has_value());
    // Nothing to drop (the newest stays): no step.
    REQUIRE(box->acknowledge("shanghai", 4).has_value());
    CHECK(calls == 2);
}

TEST_CASE("an outbox acknowledged after every event trims 2000 times and reads back exactly what it still holds") {
    gw::testing::TempDir dir;
    LogStoreOptions options;
    options.sync_writes = false;
    auto log = LogStore::open(dir.path, options).value();
    for (std::uint64_t seq = 1; seq <= 2000; ++seq) {  // an outbox acknowledged after every event
        LogBatch b;
        b.append("events", seq, bytes("event " + std::to_string(seq)));
        REQUIRE(log->write(b).has_value());
        LogBatch t;
        t.trim("events", seq - 1);
        REQUIRE(log->write(t).has_value());
    }
    const auto info = log->info("events");
    CHECK(info.first == 2000);
    CHECK(info.count == 1);
    const auto held = log->read("events", 0, 10);
    REQUIRE(held.size() == 1);
    CHECK(text(held[0].data) == "event 2000");
    CHECK(log->read("events", 1500, 10).size() == 1);  // a read from a trimmed seq starts at the oldest held
    log.reset();
    auto again = LogStore::open(dir.path, options).value();
    CHECK(again->info("events").count == 1);
    CHECK(again->read("events", 0, 10).size() == 1);
}

TEST_CASE("a log store holds at most about its memtable budget of written records in memory, however many it writes") {
    gw::testing::TempDir dir;
    LogStoreOptions options;
    options.memtable_bytes = 1 << 20;
    options.sync_writes = false;  // the memory bound, not the disk, is under test
    auto log = LogStore::open(dir.path, options).value();
    const Bytes record(600, 'e');
    std::uint64_t most = 0;
    for (std::uint64_t seq = 1; seq <= 20000; ++seq) {  // 12 MB of records
        LogBatch b;
        b.append("events", seq, record);
        REQUIRE(log->write(b).has_value());
        if (seq % 1000 == 0) most = std::max(most, log->memory().memtables);
    }
    CHECK(most > 0);
    // RocksDB flushes the largest memtable once the budget is passed, in the background: a
    // little over it at the moment of a check, never the 12 MB written.
    CHECK(most < 3 * options.memtable_bytes);
    CHECK(poll_until([&] { return log->memory().memtables <= 2 * options.memtable_bytes; }, std::chrono::seconds{10}));
    CHECK(log->read("events", 19990, 100).size() == 11);
}
