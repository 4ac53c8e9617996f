// The admin API's request bodies (tools/registry_api/requests.h): what passctl formats,
// registryd parses back to the same value, and what registryd must not act on is refused in
// one line naming the request, the line and the key.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/demo/demo_world.h"
#include "tests/tools/registry_api/must.h"
#include "tools/registry_api/requests.h"

namespace {

using namespace gw;
using namespace gw::credential;
namespace api = gw::registry_api;

using gw::testing::must;

bool says(const Result<api::IssueRequest>& r, const std::string& text) {
    return !r && r.error().message.find(text) != std::string::npos && r.error().message.find('\n') == std::string::npos;
}

std::string freight_payload() {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == "valid-freight-truck") return s.payload;
    FAIL("the demo world has no freight scenario");
    return {};
}

std::vector<std::string> lines_of(const std::vector<store::Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(store::format_record(r));
    return out;
}

api::IssueRequest commuter() {
    api::IssueRequest r;
    auto& p = r.pass;
    p.type = PassType::kCommuter;
    p.key_id = 7;
    p.valid_from_day = must(parse_day("2020-02-20"));
    p.valid_days = 30;
    p.home_region = must(parse_region("310116"));
    p.work_region = must(parse_region("330482"));
    p.issuing_region = p.work_region;
    p.enterprise = must(parse_uscc("91330482MA28A1B2C0"));
    p.personal_letter = 1001;
    p.enterprise_letter = 55;
    r.name = "张三明";
    r.id_number = "330482199003071239";
    p.holder = must(make_holder(r.name, "1239", HolderToken{}));
    return r;
}

// Equal requests: the same body and the same pass bytes (every field the pass carries).
void check_round_trip(const api::IssueRequest& request) {
    const auto body = api::format_issue_request(request);
    INFO(body);
    const auto back = must(api::parse_issue_request(body));
    CHECK(api::format_issue_request(back) == body);
    CHECK(must(encode_body(back.pass)) == must(encode_body(request.pass)));
    CHECK(back.name == request.name);
    CHECK(back.id_number == request.id_number);
    CHECK(back.pass.id == request.pass.id);
}

}  // namespace

TEST_CASE("a records request of every kind of record parses back to the same records") {
    auto records = demo::demo_world().registry_batch("zhejiang", {33}, demo::demo_now()).records;
    records.emplace_back(std::in_place_type<store::SharedListEntry>, must(parse_holder_token("0123456789ab")), std::nullopt);
    records.emplace_back(std::in_place_type<store::EnterpriseStatus>, must(parse_uscc("91330482MA28A1B2C0")), false);
    const auto payload = freight_payload();
    records.emplace_back(std::in_place_type<store::FreightRecord>, payload, must(decode_payload(payload)).pass.plates);
    const auto body = api::format_records_request({records});
    const auto back = must(api::parse_records_request(body));
    CHECK(lines_of(back.records) == lines_of(records));
    for (const auto* kind : {"cert ", "revoke-pass ", "revoke-letter ", "revoke-key ", "suspend ", "resume ", "list ",
                             "delist ", "freight "})
        CHECK_MESSAGE(body.find(std::string("\n") + kind) != std::string::npos, kind);
}

TEST_CASE("a records request skips blank and comment lines and names the line of a bad record from its own first line") {
    const auto ok = must(api::parse_records_request("# two revocations\r\nrevoke-pass 1a2b3c4d5e06\r\n\n  revoke-key 33 7\n"));
    CHECK(ok.records.size() == 2);
    const auto bad = api::parse_records_request("revoke-pass 1a2b3c4d5e06\n\nsuspend 91330482MA28A1B2C1\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.starts_with("records request:3: "));
    CHECK(bad.error().kind == ErrorKind::kInvalid);
}

TEST_CASE("a records request with no records, an unknown record or binary data is refused") {
    CHECK(api::parse_records_request("").error().message == "records request: no records");
    CHECK(api::parse_records_request("# nothing\n\n").error().message == "records request: no records");
    CHECK(api::parse_records_request("revoke-everything now\n").error().message ==
          "records request:1: unknown record 'revoke-everything'");
    CHECK(api::parse_records_request(std::string("revoke-pass 1a2b3c4d5e06\n\0", 26)).error().message ==
          "records request: binary data in a text request");
    CHECK(api::parse_records_request("revoke-key 33\n").error().message == "records request:1: 'revoke-key' takes 2 value(s)");
}

TEST_CASE("an issuer request parses back to the same certificate, with or without the secret key") {
    const auto& world = demo::demo_world();
    const auto cert = serialize_certificate(world.certs.at("pinghu-7"));
    const auto& secret = world.keys.at("pinghu-7").pair.secret_key;
    const auto plain = must(api::parse_issuer_request(api::format_issuer_request({cert, std::nullopt})));
    CHECK(plain.certificate == cert);
    CHECK_FALSE(plain.secret);
    const auto with_secret = must(api::parse_issuer_request(api::format_issuer_request({cert, secret})));
    CHECK(with_secret.certificate == cert);
    REQUIRE(with_secret.secret);
    CHECK(with_secret.secret->bytes == secret.bytes);
}

TEST_CASE("an issuer request with a bad certificate, a short secret or an unknown key is refused naming the key") {
    const auto cert = to_base64(serialize_certificate(demo::demo_world().certs.at("pinghu-7")));
    const auto says = [](std::string_view body, std::string_view text) {
        const auto r = api::parse_issuer_request(body);
        INFO(body << " -> " << (r ? "accepted" : r.error().message));
        return !r && r.error().message.find(text) != std::string::npos;
    };
    CHECK(says("", "missing key 'certificate'"));
    CHECK(says("certificate = not base64!\n", "certificate"));
    CHECK(says("certificate = " + to_base64(to_bytes("not a certificate")) + "\n", "issuer request:1:"));
    CHECK(says("certificate = " + cert + "\nsecret = " + to_base64(to_bytes("short")) + "\n",
               "not the base64 of a 64-byte Ed25519 secret key"));
    CHECK(says("certificate = " + cert + "\ncolour = red\n", "colour"));
    CHECK(says("[extra]\ncertificate = " + cert + "\n", "no sections expected"));
}

TEST_CASE("an issue request of each pass type parses back to the same pass, holder and name") {
    SUBCASE("a commuter pass whose holder token the registry makes from the ID number") { check_round_trip(commuter()); }
    SUBCASE("a work-commute pass issued by the home region, with a holder token, a plate and a pass id") {
        auto r = commuter();
        auto& p = r.pass;
        p.type = PassType::kWorkCommute;
        p.personal_letter = p.enterprise_letter = 0;
        p.issued_by_home = true;
        p.issuing_region = p.home_region;
        p.plates = {must(parse_plate("沪A12345"))};
        p.id = must(parse_pass_id("1a2b3c4d5e06"));
        r.id_number.reset();
        p.holder = must(make_holder(r.name, "421X", must(parse_holder_token("0123456789ab"))));
        check_round_trip(r);
    }
    SUBCASE("a freight pass binding two plates, with no holder") {
        auto r = commuter();
        auto& p = r.pass;
        p.type = PassType::kFreight;
        p.personal_letter = p.enterprise_letter = 0;
        p.home_region = p.work_region = RegionCode{};
        p.plates = {must(parse_plate("浙F12345")), must(parse_plate("浙F6789挂"))};
        p.holder.reset();
        r.name.clear();
        r.id_number.reset();
        check_round_trip(r);
    }
    SUBCASE("a quarantine release notice, with no enterprise") {
        auto r = commuter();
        auto& p = r.pass;
        p.type = PassType::kQuarantineRelease;
        p.personal_letter = p.enterprise_letter = 0;
        p.home_region = p.work_region = RegionCode{};
        p.issuing_region = must(parse_region("330482"));
        p.enterprise.reset();
        r.name = "欧阳娜";
        p.holder = must(make_holder(r.name, "1239", HolderToken{}));
        check_round_trip(r);
    }
}

TEST_CASE("an issue request may give 'until' instead of 'days', and reads as the same validity") {
    const auto body = api::format_issue_request(commuter());
    auto until = body;
    until.replace(until.find("days = 30"), 9, "until = 2020-03-20");
    const auto r = must(api::parse_issue_request(until));
    CHECK(r.pass.valid_days == 30);
    CHECK(api::format_issue_request(r) == body);
}

TEST_CASE("an issue request the registry must not sign is refused in one line naming the key") {
    const auto body = api::format_issue_request(commuter());
    const auto with = [&](std::string_view from, std::string_view to) {
        auto b = body;
        const auto at = b.find(from);
        REQUIRE(at != std::string::npos);
        return b.replace(at, from.size(), to);
    };
    CHECK(says(api::parse_issue_request(with("type = commuter", "type = bicycle")), "unknown pass type 'bicycle'"));
    CHECK(says(api::parse_issue_request(with("key-id = 7", "key-id = 0")), "key-id"));
    CHECK(says(api::parse_issue_request(with("key-id = 7\n", "")), "missing key 'key-id'"));
    CHECK(says(api::parse_issue_request(with("days = 30", "days = 30\nuntil = 2020-03-20")),
               "give exactly one of 'until' and 'days'"));
    CHECK(says(api::parse_issue_request(with("days = 30", "until = 2020-02-19")), "not 1..1024 days after 'from'"));
    CHECK(says(api::parse_issue_request(with("home = 310116", "home = 31011")), "issue request:5:"));
    CHECK(says(api::parse_issue_request(with("issued-by = work", "issued-by = both")), "'issued-by' is home or work"));
    CHECK(says(api::parse_issue_request(with("enterprise = 91330482MA28A1B2C0\n", "")), "missing key 'enterprise'"));
    CHECK(says(api::parse_issue_request(with("personal-letter = 1001", "personal-letter = 16777216")), "personal-letter"));
    CHECK(says(api::parse_issue_request(with("id-number = 330482199003071239", "id-number = 330482199003071230")),
               "id-number"));
    CHECK(says(api::parse_issue_request(with("id-number = 330482199003071239", "id-tail = 123X")),
               "missing key 'id-number' (or 'holder-token' with 'id-tail')"));
    CHECK(says(api::parse_issue_request(with("name = 张三明\n", "")), "missing key 'name'"));
    CHECK(says(api::parse_issue_request(with("name = 张三明", "name = 张三明\nplates = 沪A12345, 沪B12345")),
               "freight passes bind 1-3 plates, other passes at most one"));
    CHECK(says(api::parse_issue_request(with("name = 张三明", "name = 张三明\npass-id = 000000000000")),
               "not a 12-digit hex pass id"));
    CHECK(says(api::parse_issue_request(with("name = 张三明", "name = 张三明\ncolour = red")), "colour"));
    CHECK(says(api::parse_issue_request(with("from = 2020-02-20", "from = 9999-02-20")), "issue request: "));
    CHECK(says(api::parse_issue_request(body + std::string(1, '\0')), "issue request: binary data in a text request"));
}
