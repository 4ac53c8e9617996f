#include <doctest/doctest.h>

#include "gateway/credential/pass_codec.h"
#include "gateway/credential/verifier.h"
#include "gateway/decision/decision.h"
#include "gateway/demo/demo_world.h"

using namespace gw;
using namespace gw::credential;

namespace {

const demo::Scenario& scenario(std::string_view name) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == name) return s;
    FAIL("no scenario " << name);
    throw 0;
}

IssuerSet demo_issuers() {
    IssuerSet set(demo::demo_world().trust);
    for (const auto& [name, cert] : demo::demo_world().certs) (void)set.add(cert);
    return set;
}

}  // namespace

TEST_CASE("every pass type decodes to exactly what was encoded") {
    for (const char* name : {"valid-commuter-car", "valid-commuter-walk", "valid-work-commute-rotated-key",
                             "valid-freight-truck", "quarantine-release-answers-listing"}) {
        const auto decoded = decode_payload(scenario(name).payload);
        REQUIRE(decoded);
        auto body = encode_body(decoded->pass);
        REQUIRE(body);
        CHECK(signed_message(*body) == decoded->message);
    }
}

TEST_CASE("a commuter pass with a plate fits QR version 7 at level M in alphanumeric mode") {
    const auto& payload = scenario("valid-commuter-car").payload;
    CHECK(payload.size() <= 178);  // version 7-M alphanumeric capacity
    for (char c : payload) CHECK(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c) != std::string_view::npos);
    const auto pass = decode_payload(payload).value().pass;
    CHECK(pass.plates.size() == 1);
    CHECK(pass.holder->masked_name() == "张*明");
    CHECK(pass.holder->id_tail == "4212");
}

TEST_CASE("the payload carries no full name and no ID number") {
    const auto& payload = scenario("valid-commuter-car").payload;
    const auto bytes = decode_payload(payload).value().message;
    const std::string raw(bytes.begin(), bytes.end());
    CHECK(raw.find("31011619850312") == std::string::npos);
    CHECK(payload.find("31011619850312") == std::string::npos);
}

TEST_CASE("every single-byte change of a valid payload is refused") {
    const auto issuers = demo_issuers();
    const Verifier verifier(issuers);
    const auto& payload = scenario("valid-commuter-car").payload;
    REQUIRE(verifier.verify(payload));
    const std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:a\n";
    int tried = 0;
    for (std::size_t i = 0; i < payload.size(); ++i)
        for (char c : alphabet) {
            if (payload[i] == c) continue;
            std::string changed = payload;
            changed[i] = c;
            const auto v = verifier.verify(changed);
            ++tried;
            if (v) FAIL_CHECK("accepted a change at " << i << " to '" << c << "'");
            else CHECK((v.error().reason == Reason::kMalformed || v.error().reason == Reason::kBadSignature ||
                        v.error().reason == Reason::kUnknownIssuer));
        }
    CHECK(tried == static_cast<int>(payload.size() * (alphabet.size() - 1)));
    // Dropping or adding a character is refused too.
    CHECK_FALSE(verifier.verify(payload.substr(0, payload.size() - 1)));
    CHECK_FALSE(verifier.verify(payload + "0"));
}

TEST_CASE("malformed payloads say which part is wrong") {
    CHECK(decode_payload("").error().message == "bad payload: empty");
    CHECK(decode_payload("HC1:NCFOXN").error().message == "bad payload: not a checkpoint pass (no 'CP1:' prefix)");
    CHECK(decode_payload("CP2:ABC").error().message == "bad payload: unsupported format version 'CP2:'");
    CHECK(decode_payload("CP1:abc").error().message == "bad payload: not Base45");
    CHECK(decode_payload("CP1:000").error().message == "bad payload: too short");
    CHECK(decode_payload(std::string(200, 'A')).error().message == "bad payload: longer than 178 characters");
}

TEST_CASE("fields a pass cannot carry are refused at encoding, naming the field") {
    Pass p = decode_payload(scenario("valid-commuter-car").payload).value().pass;
    p.plates.push_back(parse_plate("沪B12345").value());
    CHECK(encode_body(p).error().message == "cannot encode pass: a commuter or work pass binds at most one plate");
    p.plates.pop_back();
    p.valid_days = 0;
    CHECK(encode_body(p).error().message == "cannot encode pass: validity must be 1 to 1024 days");
    p.valid_days = 30;
    p.personal_letter = 1u << 24;
    CHECK(encode_body(p).error().message == "cannot encode pass: commitment letter numbers must be 1 to 16777215");
    p.personal_letter = 5;
    p.issuing_region = parse_region("330421").value();
    CHECK(encode_body(p).error().message == "cannot encode pass: issuing region must be the home or the work region");
}

TEST_CASE("masked names show the first and last character only") {
    CHECK(make_holder("张三明", "123X", {}).value().masked_name() == "张*明");
    CHECK(make_holder("李四", "1234", {}).value().masked_name() == "李*");
    CHECK(make_holder("欧阳小明", "1234", {}).value().masked_name() == "欧**明");
    CHECK(make_holder("王", "1234", {}).value().masked_name() == "王");
    CHECK_FALSE(make_holder("", "1234", {}));
    CHECK_FALSE(make_holder("张三", "12X4", {}));
}
