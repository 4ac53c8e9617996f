// What the firmware's messages mean for the lane: the passage sensor (loop 1) and the barrier's
// position in the status sent at each link-up.
#include <doctest/doctest.h>

#include "bridge.pb.h"
#include "gateway/daemon/firmware_events.h"

using namespace gw;
using namespace gw::daemon;

namespace {
proto::FromFirmware presence(std::uint32_t loop, bool occupied) {
    proto::FromFirmware m;
    m.mutable_presence()->set_loop(loop);
    m.mutable_presence()->set_occupied(occupied);
    return m;
}
template <class E>
bool is_lane_event(const FirmwareMeaning& m) {
    const auto* e = std::get_if<lane::LaneEvent>(&m);
    return e && std::holds_alternative<E>(*e);
}
}  // namespace

TEST_CASE("the passage sensor past the barrier (loop 1) becoming occupied is a passage; freed, or a queue loop, is nothing") {
    CHECK(is_lane_event<lane::PassageSensed>(translate(presence(1, true))));
    CHECK(std::holds_alternative<std::monostate>(translate(presence(1, false))));
    CHECK(std::holds_alternative<std::monostate>(translate(presence(2, true))));
    CHECK(is_lane_event<lane::LoopChanged>(translate(presence(0, true))));
}

TEST_CASE("the status at link-up tells where the barrier is: closed only when it says closed") {
    for (const auto& [position, closed] : {std::pair{proto::BARRIER_POSITION_CLOSED, true}, {proto::BARRIER_POSITION_OPENING, false},
                                          {proto::BARRIER_POSITION_OPEN, false}, {proto::BARRIER_POSITION_CLOSING, false},
                                          {proto::BARRIER_POSITION_UNKNOWN, false}}) {
        proto::FromFirmware m;
        m.mutable_status()->mutable_barrier()->set_position(position);
        const auto meaning = translate(m);
        REQUIRE(std::holds_alternative<FirmwareStatusSeen>(meaning));
        CHECK(std::get<FirmwareStatusSeen>(meaning).barrier_closed == closed);
    }
}
