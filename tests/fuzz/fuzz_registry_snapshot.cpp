// Signed snapshots as a new gateway fetches them, behind a genuine head naming a snapshot:
// never a crash, every error one line, and only the genuine snapshot is accepted.
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
        log.snapshot();
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
    const auto parsed = parse_signed_snapshot(bytes, 1000);
    if (!parsed) {
        if (parsed.error().message.find('\n') != std::string::npos) __builtin_trap();
    } else {
        std::uint64_t prev = 0;
        for (const auto& e : parsed->body.entries) {
            if (e.seq <= prev || e.seq > parsed->body.seq) __builtin_trap();
            prev = e.seq;
        }
    }
    const auto& w = world();
    const Fetched f{w.head.bytes, bytes, {}};
    const auto u = verify_update(w.log.trust(), Cursor{}, f, gw::testing::t0(), Limits{});
    if (!u) {
        if (u.error().detail.find('\n') != std::string::npos) __builtin_trap();
        return 0;
    }
    // Accepted: then it holds the genuine snapshot, byte for byte (its envelope may differ).
    if (!parsed || parsed->hash != w.log.snapshots.begin()->second.hash || u->entries != 3) __builtin_trap();
    return 0;
}
