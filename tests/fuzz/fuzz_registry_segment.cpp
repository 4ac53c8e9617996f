// Signed segments as a gateway fetches them, behind a genuine head of a two-segment log: the
// parser and verify_update must never crash, every error is one line, and the only batch
// accepted is the genuine log's.
#include <cstdint>
#include <string>

#include "gateway/sync/verifier.h"
#include "tests/gateway/sync/log_fixture.h"

namespace {

using namespace gw::sync;

struct World {
    gw::testing::LogFixture log{"zhejiang", {33}, "zhejiang-root"};
    SignedBytes head;
    World() {
        log.add(gw::testing::revocations(100, 3));
        log.add(gw::testing::revocations(200, 3));
        head = log.head();
    }
};
const World& world() {
    static const World w;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const gw::Bytes bytes(data, data + size);
    const auto parsed = parse_signed_segment(bytes, 1000);
    if (!parsed) {
        if (parsed.error().message.find('\n') != std::string::npos) __builtin_trap();
    } else {
        const auto& s = parsed->body;
        for (std::size_t i = 0; i < s.entries.size(); ++i)
            if (s.entries[i].seq != s.first_seq + i) __builtin_trap();
    }
    const auto& w = world();
    // The input as the second segment after the genuine first one.
    const Fetched f{w.head.bytes, std::nullopt, {w.log.segments[0].bytes, bytes}};
    const auto u = verify_update(w.log.trust(), Cursor{}, f, gw::testing::t0(), Limits{});
    if (!u) {
        if (u.error().detail.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    // Accepted: then it holds the genuine second segment, byte for byte (the envelope around
    // it may be encoded differently: the signature covers the segment, not the envelope).
    if (!parsed || parsed->hash != w.log.segments[1].hash || u->entries != 6 || !u->caught_up) __builtin_trap();
    return 0;
}
