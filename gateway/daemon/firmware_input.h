#pragma once
// The lane's controller link as an input: opens bridge::ControllerLink to the configured
// endpoint (TCP, the host name resolved before every attempt, or a serial device) and hands
// every firmware message and link change to the lane's strand. Thermal frames: the latest
// wins; a frame that arrives while the lane has not yet taken the previous one replaces it
// and is counted (thermal_frames_dropped).
//
// Threading: constructed and started on the lane's strand; the link runs on its own strand of
// `io`. on_message and on_link run on the lane's strand, in order; on_log on the link's strand.
// link() and up() are for the lane's strand; thermal_frames_dropped() is safe from any thread.
// Never fails: a link that cannot connect retries with backoff and says why through on_log.
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "gateway/core/asio.h"
#include "gateway/daemon/config.h"

namespace gw::bridge {
class ControllerLink;
}  // namespace gw::bridge
namespace gw::proto {
class FromFirmware;
}  // namespace gw::proto

namespace gw::daemon {

class FirmwareInput {
public:
    struct Handlers {
        std::function<void(const proto::FromFirmware&)> on_message;  ///< lane's strand
        std::function<void(bool up)> on_link;                        ///< lane's strand
        std::function<void(std::string_view line)> on_log;           ///< the link's strand
    };

    FirmwareInput(asio::any_io_executor io, asio::any_io_executor lane_strand, const Endpoint& controller, Handlers h);
    ~FirmwareInput();
    void start();
    void stop();

    bridge::ControllerLink& link() { return *link_; }
    bool up() const;
    std::uint64_t thermal_frames_dropped() const;

private:
    struct Shared;
    std::shared_ptr<Shared> shared_;  // the link's handlers hold it: they may outlive this object
    std::shared_ptr<bridge::ControllerLink> link_;
};

}  // namespace gw::daemon
