#include <doctest/doctest.h>

#include <set>

#include "gateway/core/codec.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/trust.h"
#include "gateway/credential/verifier.h"
#include "tests/vectors/vector_io.h"

using namespace gw;

namespace {

const ConfFile& vectors_file() {
    static const ConfFile file = load_conf(std::string(GW_SOURCE_DIR) + "/tests/vectors/credential_vectors.conf").value();
    return file;
}

credential::IssuerSet issuers(std::size_t& refused) {
    credential::IssuerSet set(credential::parse_trust(vectors_file()).value());
    refused = 0;
    for (const auto& s : vectors_file().sections) {
        if (s.kind != "cert") continue;
        ConfReader r(vectors_file(), s);
        const auto cert = credential::parse_certificate(from_base64(r.text("data").value()).value()).value();
        refused += !set.add(cert);
    }
    return set;
}

}  // namespace

TEST_CASE("the checked-in vectors are what the implementation generates") {
    const auto text = read_file(std::string(GW_SOURCE_DIR) + "/tests/vectors/credential_vectors.conf").value();
    CHECK(text == vectors::make_vectors_text());
}

TEST_CASE("every vector decides as the file says") {
    std::size_t refused = 0;
    const auto set = issuers(refused);
    CHECK(refused == 1);  // the certificate from the forged root
    std::size_t n = 0;
    std::set<Reason> seen;
    for (const auto& s : vectors_file().sections) {
        if (s.kind != "vector") continue;
        CAPTURE(s.name);
        const auto v = vectors::read_vector(vectors_file(), s);
        if (!v) FAIL(v.error().message);
        const auto verified = credential::Verifier(set).verify(v->payload);
        const auto d = decision::decide(verified, v->facts, v->lane, decision::Policy::defaults(), v->readings, v->at);
        CHECK(d.verdict == v->verdict);
        CHECK(d.reasons.size() == v->reasons.size());
        for (auto r : v->reasons) CHECK(d.has(r));
        seen.insert(v->reasons.begin(), v->reasons.end());
        ++n;
    }
    CHECK(n >= 30);
    for (auto r : all_reasons()) {
        CAPTURE(code_name(r));
        CHECK(seen.count(r) == 1);
    }
}

TEST_CASE("the seeds reproduce every key and every signature") {
    std::map<std::string, credential::KeyPair> keys;
    for (const auto& s : vectors_file().sections) {
        if (s.kind != "seed") continue;
        ConfReader r(vectors_file(), s);
        const auto seed = from_hex(r.text("seed").value()).value();
        REQUIRE(seed.size() == 32);
        std::array<std::uint8_t, 32> a{};
        std::copy(seed.begin(), seed.end(), a.begin());
        keys[s.name] = credential::keypair_from_seed(a);
        CHECK(to_base64(keys[s.name].public_key.bytes) == r.text("public-key").value());
    }
    std::size_t refused = 0;
    const auto set = issuers(refused);
    std::size_t resigned = 0;
    for (const auto& s : vectors_file().sections) {
        if (s.kind != "vector") continue;
        ConfReader r(vectors_file(), s);
        const auto decoded = credential::decode_payload(r.text("payload").value());
        if (!decoded) continue;
        const auto* issuer = set.find(decoded->pass.province(), decoded->pass.key_id);
        if (!issuer) continue;
        for (const auto& [name, kp] : keys)
            if (kp.public_key == issuer->cert.key && credential::verify_signature(kp.public_key, decoded->message, decoded->signature)) {
                CHECK(credential::sign(kp.secret_key, decoded->message) == decoded->signature);
                ++resigned;
            }
    }
    CHECK(resigned >= 25);
}
