// load_trust_dir: a certificate that does not parse or does not chain vouches for nothing
// (proto/credential.md §4); it is skipped with a warning naming its file and the rest decide.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "gateway/credential/certificate.h"
#include "gateway/credential/trust.h"
#include "gateway/credential/verifier.h"
#include "gateway/demo/demo_world.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::credential;
namespace fs = std::filesystem;

using gw::testing::TempDir;

namespace {

const demo::DemoWorld& world() { return demo::demo_world(); }

const std::string& payload(std::string_view scenario) {
    for (const auto& s : world().scenarios)
        if (s.name == scenario) return s.payload;
    FAIL("no scenario " << scenario);
    throw 0;
}

// Signed by pinghu-7 and pinghu-8 (the rotated key) respectively.
constexpr std::string_view kPinghu7Pass = "valid-commuter-car";
constexpr std::string_view kPinghu8Pass = "valid-work-commute-rotated-key";

void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

/// pinghu-8's certificate as `root` signs it (forged, or a root of another province).
IssuerCert pinghu8_signed_by(std::string_view root) {
    return parse_certificate(sign_certificate(world().certs.at("pinghu-8"), world().keys.at(std::string(root)).pair.secret_key))
        .value();
}

/// DIR with the demo trust.conf and the good pinghu-7 certificate.
struct TrustDirFixture {
    TempDir d;
    TrustDirFixture() {
        spit(d.path / "trust.conf", world().trust_conf());
        REQUIRE(write_certificate_file(d.path / "pinghu-7.cert", world().certs.at("pinghu-7")));
    }
    fs::path file(std::string_view name) const { return d.path / name; }
};

expected<VerifiedPass, Refusal> verify(const TrustDir& dir, std::string_view scenario) {
    return Verifier(dir.issuers).verify(payload(scenario));
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a certificate that does not chain or parse is skipped with one warning naming its file, and the rest decide") {
    struct Case {
        const char* what;
        const char* why;  ///< part of the warning
    };
    for (const auto& c : {Case{"forged root", "not certified by a root this checkpoint trusts"},
                          Case{"root of another province", "root 'shanghai' is province 31"},
                          Case{"bad root signature", "root signature does not verify"},
                          Case{"unparsable", "key 'data': bad issuer certificate: not a SignedIssuerCertificate"}}) {
        CAPTURE(c.what);
        TrustDirFixture f;
        const auto bad = f.file("pinghu-8.cert");
        const std::string what = c.what;
        if (what == "forged root") {
            REQUIRE(write_certificate_file(bad, pinghu8_signed_by("forged-root")));
        } else if (what == "root of another province") {
            REQUIRE(write_certificate_file(bad, pinghu8_signed_by("shanghai-root")));
        } else if (what == "bad root signature") {
            auto cert = world().certs.at("pinghu-8");
            cert.signature[10] ^= 1;
            REQUIRE(write_certificate_file(bad, cert));
        } else {
            spit(bad, "kind = issuer-certificate\ndata = AAAA\n");
        }

        const auto dir = load_trust_dir(f.d.path);
        REQUIRE(dir);
        REQUIRE(dir->warnings.size() == 1);
        const auto& warning = dir->warnings[0];
        CHECK(warning.starts_with(bad.string() + ":"));
        CHECK(contains(warning, c.why));
        CHECK(dir->issuers.size() == 1);

        // The good certificate still vouches; the skipped one's passes are UNKNOWN_ISSUER.
        CHECK(verify(*dir, kPinghu7Pass));
        const auto refused = verify(*dir, kPinghu8Pass);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().reason == Reason::kUnknownIssuer);
    }
}

TEST_CASE("the warning for a bad root signature names the file, the issuer, its province and key id") {
    TrustDirFixture f;
    auto cert = world().certs.at("pinghu-8");
    cert.signature[0] ^= 0x80;
    REQUIRE(write_certificate_file(f.file("b.cert"), cert));
    const auto dir = load_trust_dir(f.d.path).value();
    REQUIRE(dir.warnings.size() == 1);
    CHECK(dir.warnings[0] == f.file("b.cert").string() + ": issuer certificate '" + cert.name +
                                 "' (province 33, key id 8): root signature does not verify");
}

TEST_CASE("every skipped certificate gets its own warning, in file-name order") {
    TrustDirFixture f;
    REQUIRE(write_certificate_file(f.file("z-forged.cert"), pinghu8_signed_by("forged-root")));
    spit(f.file("a-junk.cert"), "not a conf line\n");
    REQUIRE(write_certificate_file(f.file("m-pinghu-8.cert"), world().certs.at("pinghu-8")));
    spit(f.file("notes.txt"), "not a certificate, not read\n");
    const auto dir = load_trust_dir(f.d.path).value();
    REQUIRE(dir.warnings.size() == 2);
    CHECK(dir.warnings[0] == f.file("a-junk.cert").string() + ":1: expected 'key = value', '[section]' or '# comment'");
    CHECK(dir.warnings[1].starts_with(f.file("z-forged.cert").string() + ": "));
    CHECK(dir.issuers.size() == 2);
    CHECK(verify(dir, kPinghu8Pass));
}

TEST_CASE("a warning is one line even when the file holds control characters") {
    TrustDirFixture f;
    spit(f.file("evil.cert"), "kind = issuer-certificate\nda\x1b[2Jta\r = x\n");
    const auto dir = load_trust_dir(f.d.path).value();
    REQUIRE(dir.warnings.size() == 1);
    CHECK(std::none_of(dir.warnings[0].begin(), dir.warnings[0].end(),
                       [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }));
    CHECK(dir.warnings[0].starts_with(f.file("evil.cert").string() + ":2: bad key 'da?[2Jta"));
}

TEST_CASE("of two keys certified under one key id, the file first by name is kept and the other skipped") {
    TrustDirFixture f;
    // pinghu-8's key certified by the genuine Zhejiang root under pinghu-7's key id.
    auto clash = world().certs.at("pinghu-8");
    clash.key_id = 7;
    REQUIRE(write_certificate_file(
        f.file("z-clash.cert"),
        parse_certificate(sign_certificate(clash, world().keys.at("zhejiang-root").pair.secret_key)).value()));
    const auto dir = load_trust_dir(f.d.path).value();
    REQUIRE(dir.warnings.size() == 1);
    CHECK(contains(dir.warnings[0], "key id already used by another key"));
    CHECK(dir.issuers.find(33, 7)->cert.key == world().certs.at("pinghu-7").key);
    CHECK(verify(dir, kPinghu7Pass));
}

TEST_CASE("a directory whose every certificate is skipped loads, and every pass is UNKNOWN_ISSUER") {
    TempDir d;
    spit(d.path / "trust.conf", world().trust_conf());
    REQUIRE(write_certificate_file(d.path / "rogue.cert", world().certs.at("rogue-5")));
    const auto dir = load_trust_dir(d.path).value();
    CHECK(dir.warnings.size() == 1);
    CHECK(dir.issuers.size() == 0);
    CHECK(verify(dir, kPinghu7Pass).error().reason == Reason::kUnknownIssuer);
}

TEST_CASE("a missing or broken trust.conf, or no directory at all, is still an error") {
    TrustDirFixture f;
    spit(f.file("trust.conf"), "[root zhejiang]\nprovince = 77\n");
    CHECK(load_trust_dir(f.d.path).error().message ==
          f.file("trust.conf").string() + ":2: [root zhejiang] key 'province': not a GB/T 2260 province code");
    fs::remove(f.file("trust.conf"));
    CHECK(load_trust_dir(f.d.path).error().message == f.file("trust.conf").string() + ": cannot open");
    CHECK(load_trust_dir(f.file("pinghu-7.cert")).error().message == f.file("pinghu-7.cert").string() + ": not a directory");
}
