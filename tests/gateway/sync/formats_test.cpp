// The wire and storage formats of gateway/sync: log entries mirror every store::Record, registry
// certificates, cursors, passage events and the sync configuration.
#include <doctest/doctest.h>

#include "gateway/core/conf.h"
#include "gateway/sync/config.h"
#include "gateway/sync/cursor.h"
#include "gateway/sync/passage_event.h"
#include "tests/gateway/sync/log_fixture.h"

namespace {

using namespace gw;
using namespace gw::sync;
using gw::testing::at;

}  // namespace

TEST_CASE("every kind of record survives a log entry unchanged, with the province it is bound to") {
    const auto& world = demo::demo_world();
    const auto batch = world.registry_batch("zhejiang", {33}, demo::demo_data_as_of());
    REQUIRE(batch.records.size() > 5);
    std::uint64_t seq = 0;
    for (const auto& r : batch.records) {
        const auto e = parse_entry(encode_entry(++seq, r));
        REQUIRE(e.has_value());
        CHECK(e->seq == seq);
        CHECK(store::format_record(e->record) == store::format_record(r));
        if (const auto* k = std::get_if<store::RevokeIssuerKey>(&r)) CHECK(e->province == k->province);
        if (std::holds_alternative<store::RevokePass>(r)) CHECK(e->province == 0);
    }
    const store::Record delist = store::SharedListEntry{credential::HolderToken{0x123456789abc}, std::nullopt};
    CHECK(store::format_record(parse_entry(encode_entry(1, delist))->record) == "delist 123456789abc");
    const store::Record freight = store::FreightRecord{world.scenarios[3].payload, {}};
    const auto f = parse_entry(encode_entry(2, freight));
    REQUIRE(f.has_value());
    CHECK(std::get<store::FreightRecord>(f->record).plates.size() == 2);  // found again from the payload
    CHECK(f->province == 33);
}

TEST_CASE("log entries with values out of range are refused") {
    CHECK_FALSE(parse_entry(encode_entry(0, store::RevokePass{credential::PassId{1}})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::RevokePass{credential::PassId{1ull << 48}})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::RevokeIssuerKey{99, 1})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::RevokeIssuerKey{33, 0})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::EnterpriseStatus{credential::Uscc{"91330482MA28A1B2C1"}, true})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::SharedListEntry{credential::HolderToken{1}, 40000})).has_value());
    const auto walker = demo::demo_world().scenarios[1].payload;  // a commuter pass
    CHECK_FALSE(parse_entry(encode_entry(1, store::FreightRecord{walker, {}})).has_value());
    CHECK_FALSE(parse_entry(encode_entry(1, store::CertRecord{Bytes{1, 2, 3}})).has_value());
    CHECK_FALSE(parse_entry(Bytes{0x08, 0x01}).has_value());  // seq 1 and no record
}

TEST_CASE("a registry certificate round-trips and its root's signature is checked") {
    gw::testing::LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    auto cert = parse_registry_cert(log.cert);
    REQUIRE(cert.has_value());
    CHECK(cert->registry == "zhejiang");
    CHECK(cert->provinces == std::vector<std::uint32_t>{33});
    CHECK(cert->root_key == log.root.public_key);
    CHECK(registry_cert_signature_ok(*cert));
    cert->tbs.back() ^= 1;
    CHECK_FALSE(registry_cert_signature_ok(*cert));
    CHECK_FALSE(parse_registry_cert(Bytes{1, 2, 3}).has_value());
    CHECK_FALSE(parse_registry_cert(log.certify(log.key.public_key, "x", {99}, at("2020-01-01"), at("2021-01-01"))).has_value());
    CHECK_FALSE(parse_registry_cert(log.certify(log.key.public_key, "x", {33}, at("2021-01-01"), at("2020-01-01"))).has_value());
}

TEST_CASE("a cursor round-trips and a damaged one is refused") {
    Cursor c;
    c.seq = 12;
    c.segment_count = 3;
    c.segment_hash = sha256(as_bytes("s"));
    c.head_version = 7;
    c.head_issued_at = at("2020-03-02T07:00");
    c.head_hash = sha256(as_bytes("h"));
    c.as_of = at("2020-03-02T06:59");
    const auto text = encode_cursor(c);
    CHECK(decode_cursor(text).value() == c);
    CHECK(Cursor{}.empty());
    CHECK_FALSE(c.empty());
    CHECK_FALSE(decode_cursor(text.substr(1)).has_value());
    CHECK_FALSE(decode_cursor("GWC1" + text.substr(4)).has_value());
    c.seq = 2;  // fewer entries than segments
    CHECK_FALSE(decode_cursor(encode_cursor(c)).has_value());
}

TEST_CASE("passage events, batches and acknowledgements round-trip; bad ones are refused") {
    PassageEvent e;
    e.gateway = "gw-1";
    e.seq = 3;
    e.prev_hash = sha256(as_bytes("event 2"));
    e.at = at("2020-03-02T08:00");
    e.lane = "car-1";
    e.direction = "to-zhejiang";
    e.pass_type = 1;
    e.pass_id = 0x1a2b3c4d5e01;
    e.province = 33;
    e.verdict = "DENY";
    e.reasons = {"REVOKED", "FEVER"};
    e.data_age = Seconds{3600};
    e.plate = "沪A12345";
    const auto bytes = encode_event(e);
    CHECK(parse_event(bytes).value() == e);
    e.data_age.reset();
    CHECK(parse_event(encode_event(e)).value() == e);
    auto bad = e;
    bad.seq = 0;
    CHECK_FALSE(parse_event(encode_event(bad)).has_value());
    bad = e;
    bad.gateway.clear();
    CHECK_FALSE(parse_event(encode_event(bad)).has_value());
    bad = e;
    bad.lane = std::string(300, 'x');
    CHECK_FALSE(parse_event(encode_event(bad)).has_value());
    // A renumbered event keeps the number it was answered under, always above its own.
    auto renumbered = e;
    renumbered.journalled_as = 5;
    CHECK(parse_event(encode_event(renumbered)).value().journalled_as == 5);
    // Field 15 is two bytes here; 0 is not written at all: events before the field hash as they did.
    CHECK(encode_event(renumbered).size() == encode_event(e).size() + 2);
    bad = e;
    bad.journalled_as = 3;
    CHECK(parse_event(encode_event(bad)).error().message == "event 3 renumbered from 3: a renumbered event only moves down");

    const EventBatch batch{"gw-1", {bytes, bytes}};
    const auto b = parse_batch(encode_batch(batch)).value();
    CHECK(b.gateway == "gw-1");
    CHECK(b.events == batch.events);
    const EventAck ack{41, 2, 1, "gap"};
    const auto a = parse_ack(encode_ack(ack)).value();
    CHECK(a.stored_through == 41);
    CHECK(a.stored == 2);
    CHECK(a.duplicates == 1);
    CHECK(a.error == "gap");
    CHECK_FALSE(parse_batch(Bytes{0xff, 0xff}).has_value());
}

TEST_CASE("the sync configuration names each registry's URL, root and provinces; mistakes name the line") {
    const auto root = to_base64(demo::demo_world().keys.at("zhejiang-root").pair.public_key.bytes);
    const std::string text = "[sync]\ngateway = gw-1\nca-file = ca.pem\nclient-cert = tls/gw.pem\nclient-key = /etc/gw.key\n"
                             "[registry zhejiang]\nurl = https://127.0.0.1:8443/v1\nevents-url = https://127.0.0.1:8443/v1/\n"
                             "root-key = " + root + "\nprovinces = 33\npoll-interval = 5s\nlong-poll = 20s\n";
    auto c = parse_sync_config(parse_conf(text, "/etc/gw/gateway.conf").value());
    REQUIRE(c.has_value());
    CHECK(c->gateway == "gw-1");
    CHECK(c->tls.ca_file == "/etc/gw/ca.pem");
    CHECK(c->tls.cert_file == "/etc/gw/tls/gw.pem");
    CHECK(c->tls.key_file == "/etc/gw.key");
    REQUIRE(c->registries.size() == 1);
    const auto& r = c->registries[0];
    CHECK(r.trust.name == "zhejiang");
    CHECK(r.trust.provinces == std::vector<std::uint32_t>{33});
    CHECK(r.url.path == "/v1/");
    CHECK(r.events_url.has_value());
    CHECK(r.poll_interval == Millis{5000});
    CHECK(r.long_poll == Millis{20000});

    const auto error = [&](const std::string& t) {
        auto parsed = parse_sync_config(parse_conf(t, "g.conf").value());
        REQUIRE_FALSE(parsed.has_value());
        return parsed.error().message;
    };
    CHECK(error(text + "colour = blue\n").find("unknown key") != std::string::npos);
    CHECK(error(text + "[registry zhejiang]\nurl = https://a/\nroot-key = " + root + "\nprovinces = 33\n")
              .find("named twice") != std::string::npos);
    auto no_root = text;
    no_root.replace(no_root.find("root-key = "), 11, "root-key = AAAA");
    CHECK(error(no_root).find("32-byte") != std::string::npos);
    CHECK(error("[registry x]\nurl = http://a/\nroot-key = " + root + "\nprovinces = 33\n").find("https") != std::string::npos);
    CHECK(error("[registry x]\nurl = https://a/\nroot-key = " + root + "\nprovinces = 99\n").find("province") != std::string::npos);
    CHECK(error(text + "records = zhejiang.records\n").find("exclude each other") != std::string::npos);
    CHECK(error(text + "[registry anhui]\nprovinces = 34\nroot-key = " + root + "\n").find("needs 'url'") != std::string::npos);
}

TEST_CASE("a registry section without a url is loaded from its records file, not synced") {
    const auto root = to_base64(demo::demo_world().keys.at("zhejiang-root").pair.public_key.bytes);
    const std::string text = "[sync]\ngateway = gw-1\nca-file = ca.pem\nclient-cert = gw.pem\nclient-key = gw.key\n"
                             "[registry shanghai]\nprovinces = 31\nrecords = shanghai.records\n"
                             "[registry zhejiang]\nurl = https://127.0.0.1:8443/v1/\nroot-key = " + root + "\nprovinces = 33\n";
    auto c = parse_sync_config(parse_conf(text, "g.conf").value());
    REQUIRE(c.has_value());
    REQUIRE(c->registries.size() == 1);
    CHECK(c->registries[0].trust.name == "zhejiang");
    auto offline = parse_sync_config(parse_conf("[registry shanghai]\nprovinces = 31\nrecords = s.records\n", "g.conf").value());
    REQUIRE(offline.has_value());
    CHECK(offline->registries.empty());
}
