#include "gateway/daemon/firmware_input.h"

#include <atomic>

#include "bridge.pb.h"
#include "firmware_bridge/controller_link.h"
#include "gateway/vision/latest_slot.h"

namespace gw::daemon {

struct FirmwareInput::Shared {
    asio::any_io_executor strand;
    Handlers handlers;
    vision::LatestSlot<std::shared_ptr<const proto::FromFirmware>> thermal;
    std::atomic<bool> thermal_posted{false};  // a drain of `thermal` is queued on the strand
};

FirmwareInput::FirmwareInput(asio::any_io_executor io, asio::any_io_executor lane_strand, const Endpoint& controller,
                             Handlers h)
    : shared_(std::make_shared<Shared>()) {
    shared_->strand = std::move(lane_strand);
    shared_->handlers = std::move(h);
    bridge::ControllerLink::Handlers lh;
    lh.on_event = [s = shared_](const proto::FromFirmware& e) {
        if (e.body_case() == proto::FromFirmware::kThermalFrame) {
            // Frames come faster than a busy lane may take them: one drain queued at a time.
            s->thermal.put(std::make_shared<const proto::FromFirmware>(e));
            if (!s->thermal_posted.exchange(true))
                asio::post(s->strand, [s] {
                    s->thermal_posted = false;
                    if (auto f = s->thermal.take()) s->handlers.on_message(**f);
                });
            return;
        }
        asio::post(s->strand, [s, e] { s->handlers.on_message(e); });
    };
    lh.on_link_state = [s = shared_](bridge::LinkState st, bridge::LinkReason) {
        asio::post(s->strand, [s, up = st == bridge::LinkState::kUp] { s->handlers.on_link(up); });
    };
    lh.log = [s = shared_](std::string_view line) { s->handlers.on_log(line); };
    if (const auto* tcp = std::get_if<TcpEndpoint>(&controller))
        link_ = bridge::ControllerLink::connect_tcp(io, tcp->host, tcp->port, {}, std::move(lh));
    else if (const auto* serial = std::get_if<SerialDevice>(&controller))
        link_ = bridge::ControllerLink::open_serial(io, serial->path, bridge::SerialOptions{serial->baud}, {}, std::move(lh));
}

FirmwareInput::~FirmwareInput() = default;

void FirmwareInput::start() { link_->start(); }
void FirmwareInput::stop() { link_->stop(); }
bool FirmwareInput::up() const { return link_->state() == bridge::LinkState::kUp; }
std::uint64_t FirmwareInput::thermal_frames_dropped() const { return shared_->thermal.stats().dropped; }

}  // namespace gw::daemon
