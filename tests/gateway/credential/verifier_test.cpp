#include <doctest/doctest.h>

#include "gateway/credential/pass_codec.h"
#include "gateway/credential/verifier.h"
#include "gateway/demo/demo_world.h"

using namespace gw;
using namespace gw::credential;

namespace {

const std::string& payload(std::string_view name) {
    for (const auto& s : demo::demo_world().scenarios)
        if (s.name == name) return s.payload;
    throw std::logic_error("no scenario");
}

IssuerSet issuers() {
    IssuerSet set(demo::demo_world().trust);
    for (const auto& [name, cert] : demo::demo_world().certs) (void)set.add(cert);
    return set;
}

}  // namespace

TEST_CASE("a genuine pass verifies and names its issuer") {
    const auto set = issuers();
    const auto v = Verifier(set).verify(payload("valid-commuter-car"));
    REQUIRE(v);
    CHECK(v->issuer.key_id == 7);
    CHECK(v->issuer.province == 33);
    CHECK(v->pass.plates.front().text == "沪A12345");
}

TEST_CASE("both keys of a rotating issuer verify at once") {
    const auto set = issuers();
    CHECK(Verifier(set).verify(payload("valid-commuter-car"))->issuer.key_id == 7);
    CHECK(Verifier(set).verify(payload("valid-work-commute-rotated-key"))->issuer.key_id == 8);
}

TEST_CASE("a pass from a key no trusted root certified is UNKNOWN_ISSUER") {
    const auto set = issuers();
    const auto v = Verifier(set).verify(payload("forged-root"));
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == Reason::kUnknownIssuer);
}

TEST_CASE("a pass signed by another key under a genuine key id is BAD_SIGNATURE") {
    const auto set = issuers();
    const auto v = Verifier(set).verify(payload("forged-signature"));
    REQUIRE_FALSE(v);
    CHECK(v.error().reason == Reason::kBadSignature);
}

TEST_CASE("with no trusted issuers every pass is UNKNOWN_ISSUER") {
    const IssuerSet empty(demo::demo_world().trust);
    CHECK(Verifier(empty).verify(payload("valid-commuter-car")).error().reason == Reason::kUnknownIssuer);
}
