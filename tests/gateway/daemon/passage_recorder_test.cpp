// Anti-passback counts from the opening's event: the records an opening leaves in the cache
// without a sync of their own are written back from the events still in the outbox.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include "gateway/daemon/passage_recorder.h"
#include "gateway/store/cache.h"
#include "gateway/store/outbox.h"
#include "gateway/sync/passage_log.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"

using namespace gw;
using gw::testing::TempDir;

namespace {

const TimePoint kNow{Seconds{1'700'000'000}};

sync::PassageEvent event(std::uint64_t pass, std::string verdict, TimePoint at, std::string direction = "to-zhejiang") {
    sync::PassageEvent e;
    e.at = at;
    e.lane = "walk-1";
    e.direction = std::move(direction);
    e.pass_id = pass;
    e.pass_type = pass ? 1 : 0;
    e.verdict = std::move(verdict);
    e.reasons = {"OK"};
    return e;
}

struct Stores {
    TempDir dir;
    std::unique_ptr<store::Cache> cache = store::Cache::open(dir.path / "cache").value();
    std::unique_ptr<store::Outbox> outbox = store::Outbox::open(dir.path / "outbox", {}).value();
    std::unique_ptr<sync::PassageLog> log = sync::PassageLog::open(*outbox, "gw-test", dir.path / "journal").value();
    void record(sync::PassageEvent e) { REQUIRE(log->record(std::move(e)).has_value()); }
    std::optional<decision::PassbackRecord> kept(std::uint64_t pass) { return cache->last_passage(credential::PassId{pass}); }
};

}  // namespace

TEST_CASE("an opening's event names the anti-passback record it stands for; other verdicts stand for none") {
    const auto open = daemon::passback_of(event(101, "OPEN", kNow));
    REQUIRE(open);
    CHECK(open->first.value == 101);
    CHECK(open->second.at == kNow);
    CHECK(open->second.direction == "to-zhejiang");
    CHECK(daemon::passback_of(event(101, "OVERRIDE_OPEN", kNow)).has_value());
    for (const char* v : {"DENY", "WAIT", "MANUAL", "OVERRIDE_CLOSED", "BARRIER_FORCED"}) {
        INFO(v);
        CHECK_FALSE(daemon::passback_of(event(101, v, kNow)).has_value());
    }
    CHECK_FALSE(daemon::passback_of(event(0, "OPEN", kNow)).has_value());  // an opening with no pass read
}

TEST_CASE("the openings still in the outbox within the window are written back into a cache that lost them, the newest per pass") {
    Stores s;
    s.record(event(104, "OPEN", kNow - std::chrono::hours{2}));  // outside the 30-minute window
    s.record(event(101, "OPEN", kNow - Seconds{600}, "to-shanghai"));
    s.record(event(102, "DENY", kNow - Seconds{300}));
    s.record(event(0, "OPEN", kNow - Seconds{200}));
    s.record(event(101, "OPEN", kNow - Seconds{60}));
    s.record(event(103, "OVERRIDE_OPEN", kNow - Seconds{10}));
    s.record(event(105, "OPEN", kNow - Seconds{30}));
    // The cache already knows a later passage of 105 (written and synced since).
    REQUIRE(s.cache->record_passage(credential::PassId{105}, decision::PassbackRecord{kNow - Seconds{5}, "to-shanghai"}));

    const auto restored = daemon::restore_passback(*s.outbox, *s.cache, kNow, std::chrono::minutes{30});
    REQUIRE(restored.has_value());
    CHECK(*restored == 2);
    REQUIRE(s.kept(101));
    CHECK(s.kept(101)->at == kNow - Seconds{60});
    CHECK(s.kept(101)->direction == "to-zhejiang");
    REQUIRE(s.kept(103));
    CHECK(s.kept(103)->at == kNow - Seconds{10});
    CHECK(s.kept(105)->at == kNow - Seconds{5});
    CHECK_FALSE(s.kept(102));
    CHECK_FALSE(s.kept(104));

    // Again: nothing left to write.
    CHECK(daemon::restore_passback(*s.outbox, *s.cache, kNow, std::chrono::minutes{30}).value() == 0);
}

TEST_CASE("the restored records survive a reopen of the cache: they were synced") {
    TempDir dir;
    {
        Stores s;
        s.record(event(101, "OPEN", kNow - Seconds{60}));
        auto cache = store::Cache::open(dir.path / "cache").value();
        REQUIRE(daemon::restore_passback(*s.outbox, *cache, kNow, std::chrono::minutes{30}).value() == 1);
    }
    auto cache = store::Cache::open(dir.path / "cache").value();
    const auto kept = cache->last_passage(credential::PassId{101});
    REQUIRE(kept);
    CHECK(kept->at == kNow - Seconds{60});
}

TEST_CASE("an opening whose anti-passback record cannot be written stands: its answer is the event's, the record's failure comes after it") {
    TempDir dir;
    // 0: every check held; 128 + a signal: the child died
    CHECK(gw::testing::run_in_child([&] {
        // Everything is made in the child (fork keeps only the calling thread). A file-size limit
        // makes the cache's log fail its next append (it is past the limit), while the journal
        // overwrites the first bytes of its files in place and the outbox's log is short.
        int rc = 0;
        {
            auto cache = store::Cache::open(dir.path / "cache").value();
            for (std::uint64_t i = 0; i < 600; ++i)
                if (!cache->record_passage(credential::PassId{1000 + i}, decision::PassbackRecord{kNow, std::string(200, 'd')},
                                           store::Cache::Durability::kLogged))
                    rc = 10;
            auto outbox = store::Outbox::open(dir.path / "outbox", {}).value();
            auto log = sync::PassageLog::open(*outbox, "gw-test", dir.path / "journal").value();
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit lim{64 * 1024, 64 * 1024};
            ::setrlimit(RLIMIT_FSIZE, &lim);

            asio::thread_pool writes(1);
            asio::io_context back;
            daemon::PassageRecorder recorder(writes, *log, *cache, "walk-1", "to-zhejiang");
            credential::Pass pass;
            pass.id = credential::PassId{101};
            std::optional<bool> answered;
            std::optional<std::string> late;
            recorder.write(event(101, "OPEN", kNow), daemon::PassbackRecord{pass, {kNow, "to-zhejiang"}}, back.get_executor(),
                           [&](Result<sync::Recorded> r, double, const daemon::PassageRecorder::Steps&) { answered = r.has_value(); },
                           [&](Error why) { late = why.message; });
            writes.join();
            back.run();
            if (!answered) rc = 2;
            else if (!*answered) rc = 3;                                              // the event's write failed
            else if (!late) rc = 4;                                                   // the failure went unheard
            else if (!late->starts_with("anti-passback record: ")) rc = 5;
            else if (outbox->last_seq() != 1) rc = 6;                                  // handed over all the same
            else if (cache->last_passage(credential::PassId{101})) rc = 7;             // the write did fail
        }
        return rc;
    }) == 0);
}
