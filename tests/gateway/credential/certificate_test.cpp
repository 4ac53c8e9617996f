#include <doctest/doctest.h>

#include "gateway/credential/certificate.h"
#include "gateway/credential/trust.h"
#include "gateway/demo/demo_world.h"

using namespace gw;
using namespace gw::credential;

namespace {
const demo::DemoWorld& world() { return demo::demo_world(); }
}

TEST_CASE("a certificate from a trusted root is accepted and found by province and key id") {
    IssuerSet set(world().trust);
    REQUIRE(set.add(world().certs.at("pinghu-7")));
    REQUIRE(set.find(33, 7));
    CHECK(set.find(33, 7)->cert.scope.prefix == "3304");
    CHECK_FALSE(set.find(31, 7));
}

TEST_CASE("a certificate signed by a forged root is refused") {
    IssuerSet set(world().trust);
    const auto r = set.add(world().certs.at("rogue-5"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("not certified by a root this checkpoint trusts") != std::string::npos);
}

TEST_CASE("a certificate whose signature was altered is refused") {
    auto cert = world().certs.at("pinghu-7");
    cert.signature[10] ^= 1;
    IssuerSet set(world().trust);
    CHECK(set.add(cert).error().message.find("root signature does not verify") != std::string::npos);
}

TEST_CASE("a root cannot certify issuers of another province") {
    // Zhejiang's root key presented as Shanghai's: the trust config binds keys to provinces.
    TrustConfig trust = world().trust;
    trust.roots[1].province = 31;  // the Zhejiang key, now claimed for Shanghai
    IssuerSet set(trust);
    CHECK(set.add(world().certs.at("pinghu-7")).error().message.find("is province 31") != std::string::npos);
}

TEST_CASE("a key id already used by another key is refused, the same key again is not") {
    IssuerSet set(world().trust);
    REQUIRE(set.add(world().certs.at("pinghu-7")));
    CHECK(set.add(world().certs.at("pinghu-7")));
    auto clash = world().certs.at("pinghu-8");
    // Re-sign pinghu-8's key under key id 7.
    clash.key_id = 7;
    auto resigned = parse_certificate(sign_certificate(clash, world().keys.at("zhejiang-root").pair.secret_key));
    REQUIRE(resigned);
    CHECK(set.add(*resigned).error().message.find("key id already used") != std::string::npos);
}

TEST_CASE("certificates with impossible fields do not parse") {
    auto c = world().certs.at("pinghu-7");
    c.scope = RegionScope{"31"};  // outside province 33
    CHECK(parse_certificate(sign_certificate(c, world().keys.at("zhejiang-root").pair.secret_key)).error().message ==
          "bad issuer certificate: scope 31 lies outside the root's province");
    c = world().certs.at("pinghu-7");
    c.not_after = c.not_before;
    CHECK(parse_certificate(sign_certificate(c, world().keys.at("zhejiang-root").pair.secret_key)).error().message ==
          "bad issuer certificate: validity window is empty");
    c = world().certs.at("pinghu-7");
    c.name = "平湖\n伪造的日志行";
    CHECK(parse_certificate(sign_certificate(c, world().keys.at("zhejiang-root").pair.secret_key)).error().message ==
          "bad issuer certificate: issuer name holds control characters");
    const Bytes junk{1, 2, 3, 4, 5};
    CHECK_FALSE(parse_certificate(junk));
}

TEST_CASE("trust configuration errors name the file, line and key") {
    CHECK(parse_trust(parse_conf("[root x]\nprovince = 77\n", "t.conf").value()).error().message ==
          "t.conf:2: [root x] key 'province': not a GB/T 2260 province code");
    CHECK(parse_trust(parse_conf("[root x]\nprovince = 31\npublic-key = abc\n", "t.conf").value()).error().message ==
          "t.conf:3: [root x] key 'public-key': expected base64 of a 32-byte Ed25519 key");
    CHECK(parse_trust(parse_conf("# nobody\n", "t.conf").value()).error().message ==
          "t.conf: no [root NAME] section: this checkpoint would trust nobody");
    auto text = world().trust_conf() + "\n[root again]\nprovince = 31\npublic-key = " +
                world().trust_conf().substr(world().trust_conf().find("public-key = ") + 13, 44) +
                "\npass-types = commuter\n";
    CHECK(parse_trust(parse_conf(text, "t.conf").value()).error().message.find("root repeats") != std::string::npos);
    CHECK(parse_trust(parse_conf(world().trust_conf(), "t.conf").value()).value().roots.size() == 2);
}
