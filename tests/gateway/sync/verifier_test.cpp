// The sync verifier against every attack the issue names, through verify_and_apply (the step
// the sync client runs): each refusal carries its reason code and leaves the cache byte for
// byte as it was (a digest of every key and value, compared before and after).
#include <doctest/doctest.h>

#include <algorithm>

#include "gateway/store/cache.h"
#include "gateway/sync/apply.h"
#include "tests/gateway/sync/log_fixture.h"
#include "tests/temp_dir.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::LogFixture;
using gw::testing::revocations;
using gw::testing::revoked;
using gw::testing::t0;
using std::chrono::hours;
using std::chrono::minutes;

struct Gateway {
    gw::testing::TempDir dir;
    std::unique_ptr<store::Cache> cache = store::Cache::open(dir.path / "cache").value();
    Cursor cursor;

    Applied sync(const LogFixture& log, const Fetched& f, TimePoint now = t0(), const Limits& limits = {}) {
        auto a = verify_and_apply(*cache, log.trust(), cursor, f, now, limits);
        if (a.ok() && a.update->changed) cursor = a.update->cursor;
        return a;
    }
};

// The attack is refused for `reason`, and nothing in the cache moved.
void expect_refused(Gateway& gw, const LogFixture& log, const Fetched& f, SyncReason reason, TimePoint now = t0(),
                    const Limits& limits = {}) {
    const auto before = gw.cache->content_digest();
    const auto cursor_before = stored_cursor(*gw.cache, log.name).value();
    const auto a = gw.sync(log, f, now, limits);
    REQUIRE_FALSE(a.update.has_value());
    INFO(reason_name(a.update.error().reason), ": ", a.update.error().detail);
    CHECK(reason_name(a.update.error().reason) == reason_name(reason));
    CHECK_FALSE(a.update.error().detail.empty());
    CHECK(gw.cache->content_digest() == before);
    CHECK(stored_cursor(*gw.cache, log.name).value() == cursor_before);
}

// A gateway that already applied two segments (revocations 1000.. and 2000..).
struct Synced {
    LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    Gateway gw;
    Synced() {
        log.add(revocations(1000, 3));
        log.add(revocations(2000, 3));
        const auto a = gw.sync(log, log.fetch(log.head(), gw.cursor));
        REQUIRE(a.ok());
        REQUIRE(revoked(*gw.cache, 2002));
    }
};

}  // namespace

TEST_CASE("a gateway applies the segments after its cursor, with the cursor, atomically") {
    Synced s;
    CHECK(s.gw.cursor.seq == 6);
    CHECK(s.gw.cursor.segment_count == 2);
    const auto regs = s.gw.cache->registries();
    REQUIRE(regs.size() == 1);
    CHECK(regs[0].sequence == 6);
    CHECK(regs[0].provinces == std::vector<std::uint32_t>{33});
    CHECK(stored_cursor(*s.gw.cache, "zhejiang").value() == s.gw.cursor);

    s.log.add(revocations(3000, 2));
    const auto a = s.gw.sync(s.log, s.log.fetch(s.log.head(t0() - minutes{5}), s.gw.cursor));
    REQUIRE(a.ok());
    CHECK(a.update->entries == 2);
    CHECK(a.update->caught_up);
    CHECK(revoked(*s.gw.cache, 3001));
    CHECK(s.gw.cache->registries()[0].sequence == 8);
}

TEST_CASE("as_of is the signed head's issue time once caught up, so data ages from the registry's clock") {
    Synced s;
    const auto issued = t0() - minutes{3};
    REQUIRE(s.gw.sync(s.log, s.log.fetch(s.log.head(issued), s.gw.cursor)).ok());
    CHECK(s.gw.cache->registries()[0].as_of == issued);
    // A fresh head with no new entries only moves as_of forward.
    const auto later = t0() - minutes{1};
    const auto a = s.gw.sync(s.log, s.log.fetch(s.log.head(later), s.gw.cursor));
    REQUIRE(a.ok());
    CHECK(a.update->changed);
    CHECK(a.update->entries == 0);
    CHECK(s.gw.cache->registries()[0].as_of == later);
}

TEST_CASE("the same head again changes nothing and writes nothing") {
    Synced s;
    const auto h = s.log.head(t0() - minutes{2});
    REQUIRE(s.gw.sync(s.log, s.log.fetch(h, s.gw.cursor)).ok());
    const auto before = s.gw.cache->content_digest();
    const auto a = s.gw.sync(s.log, s.log.fetch(h, s.gw.cursor));
    REQUIRE(a.ok());
    CHECK_FALSE(a.update->changed);
    CHECK(s.gw.cache->content_digest() == before);
}

TEST_CASE("a batch short of the head is applied, dated by its newest segment, and the next batch catches up") {
    LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    for (int i = 0; i < 5; ++i) log.add(revocations(100 * (i + 1), 2), t0() - minutes{50 - i});
    Gateway gw;
    auto f = log.fetch(log.head(t0() - minutes{5}), gw.cursor);
    f.segments.resize(3);
    auto a = gw.sync(log, f);
    REQUIRE(a.ok());
    CHECK_FALSE(a.update->caught_up);
    CHECK(gw.cursor.segment_count == 3);
    CHECK(gw.cache->registries()[0].as_of == t0() - minutes{48});
    CHECK(revoked(*gw.cache, 301));
    CHECK_FALSE(revoked(*gw.cache, 401));
    a = gw.sync(log, log.fetch(log.head(t0() - minutes{4}), gw.cursor));
    REQUIRE(a.ok());
    CHECK(a.update->caught_up);
    CHECK(revoked(*gw.cache, 501));
    CHECK(gw.cache->registries()[0].as_of == t0() - minutes{4});
}

TEST_CASE("a new gateway starts from the snapshot, then follows the segments after it") {
    LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    log.add(revocations(10, 4));
    log.add(revocations(20, 4));
    log.snapshot();
    log.add(revocations(30, 4));
    const auto h = log.head();
    Gateway gw;
    const auto plan = verify_head(log.trust(), gw.cursor, h.bytes, t0(), {}).value().plan;
    CHECK(plan.snapshot);
    CHECK(plan.first_segment == 2);
    CHECK(plan.end_segment == 3);
    Fetched f{h.bytes, log.snapshots.at(2).bytes, {log.segments[2].bytes}};
    const auto a = gw.sync(log, f);
    REQUIRE(a.ok());
    CHECK(a.update->entries == 12);
    CHECK(revoked(*gw.cache, 11));
    CHECK(revoked(*gw.cache, 33));
    CHECK(gw.cursor.segment_count == 3);
    CHECK(gw.cursor.seq == 12);
}

TEST_CASE("a snapshot is refused once the gateway holds data: it could hide later deletions") {
    Synced s;
    s.log.snapshot();
    const auto h = s.log.head();
    Fetched f{h.bytes, s.log.snapshots.at(2).bytes, {}};
    expect_refused(s.gw, s.log, f, SyncReason::kMixedHeads);
}

TEST_CASE("attack: a segment with a bad signature is refused") {
    Synced s;
    s.log.add(revocations(5000, 2));
    auto f = s.log.fetch(s.log.head(), s.gw.cursor);
    // The signature field sits right after the segment bytes: flip its last byte, which is
    // the last byte of the signature only if the certificate follows; find it precisely.
    auto parsed = parse_signed_segment(f.segments[0], 1000).value();
    auto& bytes = f.segments[0];
    const auto pos = std::search(bytes.begin(), bytes.end(), parsed.signature.begin(), parsed.signature.end());
    REQUIRE(pos != bytes.end());
    *(pos + 10) ^= 0x01;
    expect_refused(s.gw, s.log, f, SyncReason::kBadSignature);
    CHECK_FALSE(revoked(*s.gw.cache, 5000));
}

TEST_CASE("attack: a head with a bad signature is refused") {
    Synced s;
    auto h = s.log.head();
    auto parsed = parse_signed_head(h.bytes).value();
    const auto pos = std::search(h.bytes.begin(), h.bytes.end(), parsed.signature.begin(), parsed.signature.end());
    REQUIRE(pos != h.bytes.end());
    *pos ^= 0x80;
    expect_refused(s.gw, s.log, s.log.fetch(h, s.gw.cursor), SyncReason::kBadSignature);
}

TEST_CASE("attack: entries signed by a key the root did not certify are refused") {
    Synced s;
    // An attacker's key with a certificate from another root (the forged one), for this registry.
    LogFixture rogue{"zhejiang", {33}, "forged-root"};
    rogue.segments = s.log.segments;
    rogue.bodies = s.log.bodies;
    rogue.seq = s.log.seq;
    rogue.version = s.log.version;
    rogue.add(revocations(6000, 2));
    expect_refused(s.gw, s.log, rogue.fetch(rogue.head(), s.gw.cursor), SyncReason::kUncertifiedKey);
    CHECK_FALSE(revoked(*s.gw.cache, 6000));

    // A genuine head, but one segment signed by an uncertified key carrying a self-made certificate.
    SUBCASE("in one segment of a genuine head") {
        auto forged = s.log;
        forged.key = credential::keypair_from_seed(credential::derive_seed("attacker"));
        forged.cert = rogue.certify(forged.key.public_key, "zhejiang", {33}, gw::testing::at("2020-01-01"),
                                    gw::testing::at("2021-01-01"));
        forged.add(revocations(6100, 1));
        auto f = forged.fetch(forged.head(), s.gw.cursor);
        // The head itself is the registry's own (signed with its real key over the forged log).
        auto genuine = s.log;
        genuine.segments = forged.segments;
        genuine.seq = forged.seq;
        f.head = genuine.head().bytes;
        expect_refused(s.gw, s.log, f, SyncReason::kUncertifiedKey);
    }
}

TEST_CASE("attack: a key certified for another registry or other provinces is refused") {
    Synced s;
    SUBCASE("another registry's name") {
        auto other = s.log;
        other.cert = s.log.certify(s.log.key.public_key, "shanghai", {33}, gw::testing::at("2020-01-01"),
                                   gw::testing::at("2021-01-01"));
        expect_refused(s.gw, s.log, other.fetch(other.head(), s.gw.cursor), SyncReason::kUncertifiedKey);
    }
    SUBCASE("provinces the gateway does not let it speak for") {
        auto other = s.log;
        other.cert = s.log.certify(s.log.key.public_key, "zhejiang", {33, 31}, gw::testing::at("2020-01-01"),
                                   gw::testing::at("2021-01-01"));
        expect_refused(s.gw, s.log, other.fetch(other.head(), s.gw.cursor), SyncReason::kUncertifiedKey);
    }
    SUBCASE("a certificate expired when the head was issued") {
        auto other = s.log;
        other.cert = s.log.certify(s.log.key.public_key, "zhejiang", {33}, gw::testing::at("2020-01-01"),
                                   gw::testing::at("2020-02-01"));
        expect_refused(s.gw, s.log, other.fetch(other.head(), s.gw.cursor), SyncReason::kUncertifiedKey);
    }
}

TEST_CASE("attack: a head older than one already seen is refused (rollback)") {
    Synced s;
    const auto old_head = s.log.head(t0() - minutes{8});
    s.log.add(revocations(7000, 1));
    REQUIRE(s.gw.sync(s.log, s.log.fetch(s.log.head(t0() - minutes{6}), s.gw.cursor)).ok());
    SUBCASE("a lower version") {
        auto f = s.log.fetch(old_head, s.gw.cursor);
        expect_refused(s.gw, s.log, f, SyncReason::kRollback);
    }
    SUBCASE("a shorter log under a new version") {
        auto shorter = s.log;
        shorter.segments.pop_back();
        shorter.bodies.pop_back();
        shorter.seq -= 1;
        expect_refused(s.gw, s.log, shorter.fetch(shorter.head(t0() - minutes{5}), s.gw.cursor), SyncReason::kRollback);
    }
    SUBCASE("an earlier issue time under a new version") {
        expect_refused(s.gw, s.log, s.log.fetch(s.log.head(t0() - minutes{9}), s.gw.cursor), SyncReason::kRollback);
    }
    SUBCASE("a different head with the version already accepted (equivocation)") {
        auto twin = s.log;
        twin.version -= 1;
        expect_refused(s.gw, s.log, twin.fetch(twin.head(t0() - minutes{4}), s.gw.cursor), SyncReason::kRollback);
    }
}

TEST_CASE("attack: a head past its expiry is refused (freeze)") {
    Synced s;
    s.log.add(revocations(8000, 1));
    const auto h = s.log.head(t0() - hours{2}, hours{1});
    expect_refused(s.gw, s.log, s.log.fetch(h, s.gw.cursor), SyncReason::kHeadExpired);
    // A head that claims a week of validity is held to the gateway's own limit.
    const auto long_lived = s.log.head(t0() - hours{30}, hours{24 * 7});
    expect_refused(s.gw, s.log, s.log.fetch(long_lived, s.gw.cursor), SyncReason::kHeadExpired);
}

TEST_CASE("attack: a head issued in the future is refused") {
    Synced s;
    expect_refused(s.gw, s.log, s.log.fetch(s.log.head(t0() + hours{1}), s.gw.cursor), SyncReason::kHeadFromFuture);
}

TEST_CASE("attack: segments from different heads mixed are refused") {
    Synced s;
    // Two forks of the log after the gateway's position: the head of one, a segment of the other.
    auto fork_a = s.log, fork_b = s.log;
    fork_a.add(revocations(9000, 1));
    fork_b.add(revocations(9100, 1));
    auto f = fork_a.fetch(fork_a.head(), s.gw.cursor);
    f.segments = {fork_b.segments[2].bytes};
    expect_refused(s.gw, s.log, f, SyncReason::kMixedHeads);

    SUBCASE("a segment beyond an older head") {
        auto older = s.log;
        const auto h = older.head();
        auto newer = s.log;
        newer.version = older.version;
        newer.add(revocations(9200, 1));
        expect_refused(s.gw, s.log, Fetched{h.bytes, std::nullopt, {newer.segments[2].bytes}}, SyncReason::kMixedHeads);
    }
    SUBCASE("a snapshot that is not the head's") {
        LogFixture log{"zhejiang", {33}, "zhejiang-root"};
        log.add(revocations(10, 2));
        const auto first = log.snapshot();
        log.add(revocations(20, 2));
        log.snapshot();
        Gateway fresh;
        expect_refused(fresh, log, Fetched{log.head().bytes, first.bytes, {}}, SyncReason::kMixedHeads);
    }
}

TEST_CASE("attack: a segment that does not chain to the last one applied is refused") {
    Synced s;
    s.log.add(revocations(11000, 1));
    s.log.add(revocations(12000, 1));
    SUBCASE("a segment skipped") {
        auto f = s.log.fetch(s.log.head(), s.gw.cursor);
        f.segments.erase(f.segments.begin());
        expect_refused(s.gw, s.log, f, SyncReason::kChainBroken);
    }
    SUBCASE("a rewritten history under the same index") {
        auto other = s.log;
        other.segments.resize(1);
        other.bodies.resize(1);
        other.seq = 3;
        other.add(revocations(2000, 3), t0() - minutes{31});  // the same records made at another time: another history
        other.add(revocations(11000, 1));
        expect_refused(s.gw, s.log, Fetched{other.head().bytes, std::nullopt, {other.segments[2].bytes}},
                       SyncReason::kChainBroken);
    }
}

TEST_CASE("attack: data naming another registry is refused") {
    Synced s;
    auto other = s.log;
    other.name = "shanghai";  // segments say "shanghai", signed with Zhejiang's certified key
    other.add(revocations(13000, 1));
    auto f = s.log.fetch(s.log.head(), s.gw.cursor);
    f.segments = {other.segments.back().bytes};
    expect_refused(s.gw, s.log, f, SyncReason::kWrongRegistry);
}

TEST_CASE("attack: a registry publishing for a province it does not speak for is refused") {
    Synced s;
    const auto& shanghai_issuer = demo::demo_world().certs.at("jinshan-1");
    s.log.add({store::CertRecord{credential::serialize_certificate(shanghai_issuer)}});
    expect_refused(s.gw, s.log, s.log.fetch(s.log.head(), s.gw.cursor), SyncReason::kOutOfScope);
    auto other = s.log;
    other.segments.pop_back();
    other.bodies.pop_back();
    other.seq -= 1;
    other.add({store::RevokeIssuerKey{31, 1}});
    expect_refused(s.gw, other, other.fetch(other.head(), s.gw.cursor), SyncReason::kOutOfScope);
}

TEST_CASE("attack: responses past the size caps are refused (endless data)") {
    Synced s;
    s.log.add(revocations(14000, 50));
    s.log.add(revocations(15000, 50));
    const auto f = s.log.fetch(s.log.head(), s.gw.cursor);
    Limits tight;
    SUBCASE("a head") {
        tight.max_head_bytes = 100;
        expect_refused(s.gw, s.log, f, SyncReason::kTooLarge, t0(), tight);
    }
    SUBCASE("a segment") {
        tight.max_segment_bytes = 300;
        expect_refused(s.gw, s.log, f, SyncReason::kTooLarge, t0(), tight);
    }
    SUBCASE("too many segments") {
        tight.max_segments_per_batch = 1;
        expect_refused(s.gw, s.log, f, SyncReason::kTooLarge, t0(), tight);
    }
    SUBCASE("too many bytes in one batch") {
        tight.max_batch_bytes = f.segments[0].size();
        expect_refused(s.gw, s.log, f, SyncReason::kTooLarge, t0(), tight);
    }
    SUBCASE("too many entries in one segment") {
        tight.max_entries_per_segment = 10;
        expect_refused(s.gw, s.log, f, SyncReason::kTooLarge, t0(), tight);
    }
}

TEST_CASE("attack: garbage is refused as malformed") {
    Synced s;
    auto f = s.log.fetch(s.log.head(), s.gw.cursor);
    f.head = Bytes{'<', 'h', 't', 'm', 'l', '>'};
    expect_refused(s.gw, s.log, f, SyncReason::kMalformed);
    s.log.add(revocations(16000, 1));
    f = s.log.fetch(s.log.head(), s.gw.cursor);
    f.segments[0].resize(f.segments[0].size() / 2);
    expect_refused(s.gw, s.log, f, SyncReason::kMalformed);
}

TEST_CASE("every refusal reason has a code name and both languages' messages") {
    for (auto r : {SyncReason::kTooLarge, SyncReason::kMalformed, SyncReason::kWrongRegistry, SyncReason::kUncertifiedKey,
                   SyncReason::kBadSignature, SyncReason::kRollback, SyncReason::kHeadExpired, SyncReason::kHeadFromFuture,
                   SyncReason::kMixedHeads, SyncReason::kChainBroken, SyncReason::kOutOfScope}) {
        CHECK(reason_name(r) != "?");
        CHECK(reason_message(r, Lang::kZh) != reason_message(r, Lang::kEn));
    }
}
