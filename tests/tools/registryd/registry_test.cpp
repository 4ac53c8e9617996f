// registryd's core: the signed log a gateway's verifier accepts, heads whose versions only
// rise (across restarts too), compacted snapshots, the static export, issuing, and passage
// events stored once each in their chain.
#include <doctest/doctest.h>

#include <fstream>

#include "gateway/credential/verifier.h"
#include "gateway/sync/apply.h"
#include "gateway/sync/passage_event.h"
#include "tests/tools/registryd/registry_rig.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::RegistryKeys;
using gw::testing::revocations;
using gw::testing::TempDir;

Bytes read_file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a new gateway would fetch from this registry: head, snapshot if named, segments after.
Fetched fetch_all(const registryd::Registry& r) {
    Fetched f;
    f.head = *r.head().bytes;
    const auto head = parse_signed_head(f.head).value().body;
    std::uint64_t first = 0;
    if (head.snapshot_seq) {
        f.snapshot = *r.snapshot(head.snapshot_seq);
        first = head.snapshot_segment_count;
    }
    for (auto i = first; i < head.segment_count; ++i) f.segments.push_back(*r.segment(i));
    return f;
}

PassageEvent event(const std::string& gateway, std::uint64_t seq, const Hash& prev) {
    PassageEvent e;
    e.gateway = gateway;
    e.seq = seq;
    e.prev_hash = prev;
    e.at = system_now();
    e.lane = "walk-1";
    e.verdict = "OPEN";
    e.reasons = {"OK"};
    return e;
}

// Events 1..n of one gateway, chained.
std::vector<Bytes> chain(const std::string& gateway, std::uint64_t n) {
    std::vector<Bytes> out;
    Hash prev{};
    for (std::uint64_t i = 1; i <= n; ++i) {
        out.push_back(encode_event(event(gateway, i, prev)));
        prev = event_hash(out.back());
    }
    return out;
}

}  // namespace

TEST_CASE("the registry's log, heads and segments are what a gateway's verifier accepts") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
    const auto v0 = r->head().version;
    auto a = r->append(revocations(100, 3), system_now());
    REQUIRE(a.has_value());
    CHECK(a->first_seq == 1);
    CHECK(a->last_seq == 3);
    CHECK(r->head().version == v0 + 1);
    REQUIRE(r->append(revocations(200, 2), system_now()).has_value());
    CHECK(r->head().version == v0 + 2);
    const auto update = verify_update(keys.trust(), Cursor{}, fetch_all(*r), system_now(), {});
    REQUIRE(update.has_value());
    CHECK(update->caught_up);
    CHECK(update->entries == 5);
    CHECK(update->cursor.segment_count == 2);
    CHECK(r->summary().state.revoked_passes == 5);
}

TEST_CASE("a large append is split into segments of at most the configured size") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto options = keys.options();
    options.max_entries_per_segment = 4;
    auto r = registryd::Registry::open(dir.path, options, system_now()).value();
    const auto a = r->append(revocations(1, 10), system_now()).value();
    CHECK(a.segments == 3);
    CHECK(parse_signed_segment(*r->segment(2), 100).value().body.entries.size() == 2);
    CHECK(verify_update(keys.trust(), Cursor{}, fetch_all(*r), system_now(), {}).has_value());
}

TEST_CASE("a records request that repeats a record or adds more than the cap is refused and nothing is written") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto options = keys.options();
    options.max_records_per_append = 5;
    auto r = registryd::Registry::open(dir.path, options, system_now()).value();
    const auto before = r->head().version;
    auto repeated = revocations(1, 3);
    repeated.push_back(repeated[1]);
    const auto dup = r->append(repeated, system_now());
    REQUIRE_FALSE(dup.has_value());
    CHECK(dup.error().message == "record 4 repeats record 2");
    const auto big = r->append(revocations(1, 6), system_now());
    REQUIRE_FALSE(big.has_value());
    CHECK(big.error().kind == ErrorKind::kTooLarge);
    CHECK(big.error().message == "6 records in one request: at most 5 (max-records-per-request)");
    CHECK(r->summary().latest_seq == 0);
    CHECK(r->head().version == before);
    CHECK(r->append(revocations(1, 5), system_now()).value().last_seq == 5);
}

TEST_CASE("a record for a province the registry does not speak for is refused and nothing is written") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
    const auto before = r->head().version;
    const auto refused = r->append({store::RevokePass{credential::PassId{1}}, store::RevokeIssuerKey{31, 1}}, system_now());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("province 31") != std::string::npos);
    CHECK(r->summary().latest_seq == 0);
    CHECK(r->head().version == before);
    const gw::testing::TestIssuer shanghai("shanghai-root", 31, 1, "310116", "jinshan");
    CHECK_FALSE(r->add_issuer(shanghai.bytes(), std::nullopt, system_now()).has_value());
}

TEST_CASE("after a restart the registry replays its log, its head versions keep rising, and it serves a snapshot") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    std::uint64_t version = 0;
    const auto firm = credential::parse_uscc("91330482MA28A1B2C0").value();
    const auto token = credential::HolderToken{0x0000aabbccdd};
    {
        auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
        REQUIRE(r->append(revocations(100, 3), system_now()).has_value());
        REQUIRE(r->append({store::EnterpriseStatus{firm, true}, store::SharedListEntry{token, 60}}, system_now()).has_value());
        REQUIRE(r->append({store::EnterpriseStatus{firm, false}, store::SharedListEntry{token, std::nullopt}}, system_now())
                    .has_value());
        version = r->head().version;
    }
    auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
    CHECK(r->head().version > version);
    const auto s = r->summary();
    CHECK(s.latest_seq == 7);
    CHECK(s.snapshot_seq == 7);
    CHECK(s.state.suspended == 0);
    CHECK(s.state.listed == 0);
    const auto f = fetch_all(*r);
    REQUIRE(f.snapshot.has_value());
    CHECK(f.segments.empty());
    const auto update = verify_update(keys.trust(), Cursor{}, f, system_now(), {});
    REQUIRE(update.has_value());
    CHECK(update->entries == 3);  // compacted: the lifted suspension and listing are gone
    REQUIRE(r->append(revocations(300, 1), system_now()).has_value());
    CHECK(r->summary().latest_seq == 8);
}

TEST_CASE("the static export holds the head, every segment and the snapshot, as served") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    const auto out = dir.path / "export";
    {
        auto r = registryd::Registry::open(dir.path / "db", keys.options(out), system_now()).value();
        REQUIRE(r->append(revocations(100, 3), system_now()).has_value());
        CHECK(read_file_bytes(out / "head") == *r->head().bytes);
        CHECK(read_file_bytes(out / "segments" / "0") == *r->segment(0));
        REQUIRE(r->make_snapshot(system_now()).value() == 3);
        CHECK(read_file_bytes(out / "snapshots" / "3") == *r->snapshot(3));
    }
    // Damaged or missing files are written again at start.
    std::filesystem::remove(out / "segments" / "0");
    auto r = registryd::Registry::open(dir.path / "db", keys.options(out), system_now()).value();
    CHECK(read_file_bytes(out / "segments" / "0") == *r->segment(0));
    CHECK(read_file_bytes(out / "head") == *r->head().bytes);
}

TEST_CASE("the registry issues passes with the issuer keys it holds and records their letters") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
    const gw::testing::TestIssuer pinghu("zhejiang-root", 33, 7, "3304", "pinghu");
    REQUIRE(r->add_issuer(pinghu.bytes(), pinghu.key.secret_key, system_now()).has_value());
    CHECK(r->summary().state.certificates == 1);

    credential::Pass p;
    p.type = credential::PassType::kFreight;
    p.key_id = 7;
    p.valid_from_day = static_cast<std::uint32_t>(day_of(system_now()));
    p.valid_days = 30;
    p.issuing_region = credential::parse_region("330482").value();
    p.enterprise = credential::parse_uscc("91330482MA29B3C4DK").value();
    p.plates = {credential::parse_plate("浙F12345").value()};
    const auto issued = r->issue(p, system_now());
    REQUIRE(issued.has_value());
    CHECK(issued->id.value != 0);
    const auto decoded = credential::decode_payload(issued->payload).value();
    CHECK(credential::verify_signature(pinghu.key.public_key, decoded.message, decoded.signature));
    CHECK(r->summary().state.freight == 1);  // a freight pass goes into the log: plates find it
    CHECK(r->issued(10).size() == 1);
    CHECK(r->issued(10)[0].payload == issued->payload);

    p.key_id = 9;
    CHECK_FALSE(r->issue(p, system_now()).has_value());  // no such issuer here
    p.key_id = 7;
    p.issuing_region = credential::parse_region("330103").value();
    CHECK_FALSE(r->issue(p, system_now()).has_value());  // outside the issuer's scope
}

TEST_CASE("ingest stores each event once, in its chain, and refuses gaps, edits and other gateways' events") {
    TempDir dir;
    RegistryKeys keys("zhejiang", 33, "zhejiang-root");
    auto r = registryd::Registry::open(dir.path, keys.options(), system_now()).value();
    const auto events = chain("gw-1", 6);
    auto ack = r->ingest("gw-1", {"gw-1", {events.begin(), events.begin() + 4}});
    CHECK(ack.error.empty());
    CHECK(ack.stored == 4);
    CHECK(ack.stored_through == 4);
    // The same batch again (its answer was lost) and one more: stored once each.
    ack = r->ingest("gw-1", {"gw-1", {events.begin() + 2, events.begin() + 5}});
    CHECK(ack.error.empty());
    CHECK(ack.duplicates == 2);
    CHECK(ack.stored == 1);
    CHECK(ack.stored_through == 5);
    auto e = r->events("gw-1").value();
    CHECK(e.count == 5);
    CHECK(e.last == 5);
    CHECK(e.duplicates == 2);

    SUBCASE("a gap") {
        ack = r->ingest("gw-1", {"gw-1", {chain("gw-1", 8).back()}});
        CHECK(ack.error.find("gap") != std::string::npos);
        CHECK(ack.stored_through == 5);
    }
    SUBCASE("an edited event under a number already held") {
        auto edited = event("gw-1", 3, event_hash(events[1]));
        edited.verdict = "DENY";
        ack = r->ingest("gw-1", {"gw-1", {encode_event(edited)}});
        CHECK(ack.error.find("edited") != std::string::npos);
    }
    SUBCASE("a next event that does not chain to the last one held") {
        ack = r->ingest("gw-1", {"gw-1", {encode_event(event("gw-1", 6, Hash{}))}});
        CHECK(ack.error.find("chain") != std::string::npos);
        CHECK(ack.stored == 0);
    }
    SUBCASE("another gateway's events under this one's name") {
        ack = r->ingest("gw-1", {"gw-1", {chain("gw-2", 6)[5]}});
        CHECK(ack.error.find("names gateway") != std::string::npos);
    }
    CHECK(r->events("gw-1")->count == 5);
    CHECK(r->ingest("gw-1", {"gw-1", {events[5]}}).stored_through == 6);
    CHECK(r->gateways() == std::vector<std::string>{"gw-1"});
}
