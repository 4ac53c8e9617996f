#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string>

#include "gateway/core/codec.h"
#include "gateway/credential/crypto.h"
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

TEST_CASE("a holder name may be written in any script, but never holds a control character or a '#'") {
    CHECK(make_holder("阿依古丽·买买提", "1234", {}));
    CHECK(make_holder("Li Ming", "1234", {}));
    CHECK(make_holder("Holder 7", "1234", {}));  // the tests' own fixtures carry digits
    for (const char* bad : {"#\x02l+张三明", "张\n三", "张\t三", "张#三", "张\x7f三", "张\u0085三"}) {
        INFO(bad);
        const auto h = make_holder(bad, "1234", {});
        REQUIRE_FALSE(h);
        CHECK(h.error().message == "bad holder name: a control character or '#' in it");
    }
    for (const char* bad : {" 张三", "张三 "}) {
        const auto h = make_holder(bad, "1234", {});
        REQUIRE_FALSE(h);
        CHECK(h.error().message == "bad holder name: it begins or ends with a space");
    }
}

TEST_CASE("a bad pass id's error is one line, whatever bytes the pass id held") {
    CHECK(parse_pass_id("zz").error().message == "bad pass id 'zz': expected 12 hex digits");
    CHECK(parse_pass_id("2a2b\n7c4d\r\x01").error().message == "bad pass id '2a2b?7c4d?" "?': expected 12 hex digits");
    CHECK(parse_pass_id(std::string(100, 'a')).error().message ==
          "bad pass id '" + std::string(24, 'a') + "...': expected 12 hex digits");
    CHECK(make_holder("张三", "12\n4", {}).error().message == "bad ID number tail '12?4': expected 3 digits and a digit or X");
}

namespace {

/// Writes fields most significant bit first, as §2 of proto/credential.md lays them out.
struct Bits {
    Bytes bytes;
    std::size_t used = 0;
    Bits& put(unsigned __int128 value, int n) {
        for (int i = n - 1; i >= 0; --i, ++used) {
            if (used % 8 == 0) bytes.push_back(0);
            if ((value >> i) & 1) bytes.back() |= static_cast<std::uint8_t>(0x80 >> (used % 8));
        }
        return *this;
    }
};

std::uint64_t raw_plate(std::uint64_t province, std::uint64_t letter, std::uint64_t kind, std::uint64_t serial) {
    return province << 39 | letter << 34 | kind << 31 | serial;
}

/// The raw fields of a commuter pass by pinghu-7 (key id 7, issued by the work region 330482),
/// to break one at a time.
struct RawCommuter {
    std::uint64_t type = 1, key_id = 7, from = 50, days_minus_1 = 130;
    std::uint64_t home = 310116, work = 330482;
    unsigned __int128 enterprise = pack_uscc(parse_uscc("91330482MA28A1B2C0").value());
    std::uint64_t personal = 1001, enterprise_letter = 55;
    std::uint64_t name_len_minus_1 = 2, first = U'张', last = U'明', tail = 428 * 11 + 10;  // 428X
    std::uint64_t has_plate = 1;
    std::optional<std::uint64_t> plate = pack_plate(parse_plate("沪A12345").value());
    std::uint64_t padding = 0;       ///< the one bit that rounds 399 bits up to 50 bytes
    bool extra_byte = false;

    std::string payload() const {
        Bits b;
        b.put(type, 4).put(key_id, 16).put(0x1a2b3c4d5e01, 48).put(from, 15).put(days_minus_1, 10);
        b.put(home, 20).put(work, 20).put(0, 1).put(enterprise, 75).put(personal, 24).put(enterprise_letter, 24);
        b.put(name_len_minus_1, 3).put(first, 16).put(last, 16).put(tail, 14).put(0x0123456789ab, 48);
        b.put(has_plate, 1);
        if (plate) b.put(*plate, 44);
        if (b.used % 8) b.put(padding, static_cast<int>(8 - b.used % 8));
        if (extra_byte) b.put(0, 8);
        return make_payload(b.bytes, Bytes(kSignatureSize, 0));
    }
};

}  // namespace

TEST_CASE("every refusal of a pass's fields is MALFORMED, one at a time, naming the first wrong part") {
    const auto issuers = demo_issuers();
    const Verifier verifier(issuers);
    // The unbroken fields decode: the zero signature is what fails.
    REQUIRE(verifier.verify(RawCommuter{}.payload()).error().reason == Reason::kBadSignature);

    struct Case {
        const char* what;
        void (*breaks)(RawCommuter&);
        const char* detail;
    };
    const Case cases[] = {
        {"type 0", [](RawCommuter& r) { r.type = 0; }, "unknown pass type 0"},
        {"type 5", [](RawCommuter& r) { r.type = 5; }, "unknown pass type 5"},
        {"key id 0", [](RawCommuter& r) { r.key_id = 0; }, "key id 0"},
        {"home region in no province", [](RawCommuter& r) { r.home = 990116; }, "bad region code"},
        {"work region over six digits", [](RawCommuter& r) { r.work = 1048575; }, "bad region code"},
        {"credit code's leading part 31",
         [](RawCommuter& r) { r.enterprise = static_cast<unsigned __int128>(31 * 31 * 1000000ull) * 26439622160671ull; },
         "bad unified social credit code"},
        {"personal letter 0", [](RawCommuter& r) { r.personal = 0; }, "commitment letter number 0"},
        {"enterprise letter 0", [](RawCommuter& r) { r.enterprise_letter = 0; }, "commitment letter number 0"},
        {"first character 0", [](RawCommuter& r) { r.first = 0; }, "bad holder fields"},
        {"first character a surrogate", [](RawCommuter& r) { r.first = 0xD800; }, "bad holder fields"},
        {"last character a surrogate", [](RawCommuter& r) { r.last = 0xDFFF; }, "bad holder fields"},
        {"three characters, last 0", [](RawCommuter& r) { r.last = 0; }, "bad holder fields"},
        {"one character, last not 0", [](RawCommuter& r) { r.name_len_minus_1 = 0; }, "bad holder fields"},
        {"ID tail 11000", [](RawCommuter& r) { r.tail = 11000; }, "bad holder fields"},
        {"plate province index 31", [](RawCommuter& r) { r.plate = raw_plate(31, 0, 0, 0); }, "bad plate"},
        {"plate letter index 24", [](RawCommuter& r) { r.plate = raw_plate(2, 24, 0, 0); }, "bad plate"},
        {"five-character serial 34^5", [](RawCommuter& r) { r.plate = raw_plate(2, 0, 0, 45435424); }, "bad plate"},
        {"six-character serial 34^6", [](RawCommuter& r) { r.plate = raw_plate(2, 0, 1, 1544804416); }, "bad plate"},
        {"six characters, not new-energy", [](RawCommuter& r) { r.plate = raw_plate(2, 0, 1, 0); }, "bad plate"},
        {"four-character serial 34^4", [](RawCommuter& r) { r.plate = raw_plate(2, 0, 2, 1336336); }, "bad plate"},
        {"plate flagged but missing", [](RawCommuter& r) { r.plate.reset(); }, "truncated"},
        {"a plate not flagged", [](RawCommuter& r) { r.has_plate = 0; }, "trailing data"},
        {"padding not zero", [](RawCommuter& r) { r.padding = 1; }, "trailing data"},
        {"a byte after the padding", [](RawCommuter& r) { r.extra_byte = true; }, "trailing data"},
        {"type 0 and key id 0", [](RawCommuter& r) { r.type = 0, r.key_id = 0; }, "unknown pass type 0"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        RawCommuter raw;
        c.breaks(raw);
        const auto v = verifier.verify(raw.payload());
        REQUIRE_FALSE(v);
        CHECK(v.error().reason == Reason::kMalformed);
        CHECK(v.error().detail == "bad payload: " + std::string(c.detail));
    }
}

TEST_CASE("a freight pass's plate count field 0..2 means one to three plates, and 3 is MALFORMED") {
    const auto issuers = demo_issuers();
    const Verifier verifier(issuers);
    const auto payload = [](std::uint64_t count_field) {
        Bits b;
        b.put(3, 4).put(7, 16).put(0x1a2b3c4d5e02, 48).put(50, 15).put(30, 10).put(330482, 20);
        b.put(pack_uscc(parse_uscc("91330482MA28A1B2C0").value()), 75).put(count_field, 2);
        for (std::uint64_t i = 0; i <= count_field; ++i) b.put(pack_plate(parse_plate("浙F12345").value()), 44);
        if (b.used % 8) b.put(0, static_cast<int>(8 - b.used % 8));
        return make_payload(b.bytes, Bytes(kSignatureSize, 0));
    };
    for (std::uint64_t n : {0, 1, 2}) CHECK(decode_payload(payload(n)).value().pass.plates.size() == n + 1);
    const auto v = verifier.verify(payload(3));
    CHECK(v.error().reason == Reason::kMalformed);
    CHECK(v.error().detail == "bad payload: bad plate count");
}

TEST_CASE("plate serials run to 34^n - 1 for n serial characters") {
    CHECK(unpack_plate(raw_plate(2, 0, 0, 45435423)).value().text == "沪AZZZZZ");
    CHECK(unpack_plate(raw_plate(2, 0, 2, 1336335)).value().text == "沪AZZZZ挂");
    CHECK(unpack_plate(raw_plate(2, 0, 7, 0)).value().text == "沪A0000领");
    CHECK(unpack_plate(raw_plate(2, 0, 1, 1544804415)).error().message.find("new-energy") != std::string::npos);
    // The largest new-energy serials of each pattern: FZ9999 and 99999F.
    CHECK(unpack_plate(pack_plate(parse_plate("沪AFZ9999").value())).value().text == "沪AFZ9999");
    CHECK(unpack_plate(pack_plate(parse_plate("沪A99999F").value())).value().text == "沪A99999F");
}

TEST_CASE("canonical Base45 never ends with a space, so a payload with one after it is MALFORMED") {
    // The last character of a group of three is at most 65535 / 2025 = 32 ('W'); of a final
    // pair at most 255 / 45 = 5: never the space (36).
    for (unsigned v = 0; v <= 0xFFFF; ++v) {
        const auto text = to_base45(Bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
        if (text.back() > 'W' || text.back() == ' ') FAIL("group " << v << " ends with '" << text.back() << "'");
    }
    for (unsigned v = 0; v <= 0xFF; ++v) CHECK(to_base45(Bytes{static_cast<std::uint8_t>(v)}).back() <= '5');
    const auto issuers = demo_issuers();
    const auto& payload = scenario("valid-commuter-car").payload;
    REQUIRE(Verifier(issuers).verify(payload));
    const auto spaced = Verifier(issuers).verify(payload + " ");
    CHECK(spaced.error().reason == Reason::kMalformed);
    CHECK(spaced.error().detail == "bad payload: not Base45");
}

TEST_CASE("the holder token is the first 6 bytes of BLAKE2b-256 keyed with the 32-byte token key, big-endian") {
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
    // Python: hashlib.blake2b(b"31011619850312428X", digest_size=32, key=bytes(range(32))).digest()[:6]
    CHECK(HolderToken{holder_token(key, "31011619850312428X")}.hex() == "8dd0357dfea2");
}
