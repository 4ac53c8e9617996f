// Signed registry heads as a gateway fetches them (gateway/sync/log_format.h, verifier.h).
// Parsing and verifying must never crash; every error is one line; a head that verifies
// carries a consistent plan, and a refusal leaves nothing half-decided.
#include <cstdint>
#include <string>

#include "gateway/sync/verifier.h"
#include "tests/gateway/sync/log_fixture.h"

namespace {

using namespace gw::sync;

const gw::testing::LogFixture& fixture() {
    static const gw::testing::LogFixture f{"zhejiang", {33}, "zhejiang-root"};
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const gw::ByteView bytes(data, size);
    const auto parsed = parse_signed_head(bytes);
    if (!parsed) {
        if (parsed.error().message.find('\n') != std::string::npos) __builtin_trap();
    } else {
        const auto& h = parsed->body;
        if (h.latest_seq < h.segment_count || h.expires_at <= h.issued_at || h.version == 0) __builtin_trap();
    }
    Cursor cursor;
    for (int i = 0; i < 2; ++i) {
        const auto v = verify_head(fixture().trust(), cursor, bytes, gw::testing::t0(), Limits{});
        if (!v) {
            if (v.error().detail.find('\n') != std::string::npos || reason_name(v.error().reason) == "?") __builtin_trap();
        } else {
            if (!parsed) __builtin_trap();  // the verifier accepts nothing the parser refuses
            const auto& p = v->plan;
            if (p.end_segment < p.first_segment || p.end_segment > v->head.body.segment_count) __builtin_trap();
        }
        // Then again as a gateway that already holds a little of this log.
        cursor.seq = 1;
        cursor.segment_count = 1;
        cursor.head_version = 1;
        cursor.head_issued_at = gw::testing::t0() - std::chrono::hours{2};
    }
    return 0;
}
