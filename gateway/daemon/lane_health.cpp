#include "gateway/daemon/lane_health.h"

namespace gw::daemon {

std::vector<LaneHealth::Finding> LaneHealth::poll(const Observed& o) {
    std::vector<Finding> out;
    const auto say = [&](std::string code, std::string zh, std::string en) {
        out.emplace_back(lane::RaiseAlert{std::move(code), std::move(zh), std::move(en)});
    };
    // Devices that went away: a scanner or the plate feed unplugged or its port failing, a QR camera lost.
    while (ports_.size() < o.ports.size()) ports_.emplace_back(started_);
    for (std::size_t i = 0; i < o.ports.size(); ++i) {
        const auto change = ports_[i].update(o.ports[i].open, o.now);
        if (change == PortWatch::Change::kNone) continue;
        const bool lost = change == PortWatch::Change::kLost;
        if (o.ports[i].role == InputRole::kPlates) {
            // The lane logic raises PLATE_READER_FAULT and hands vehicles to the staff. A plate
            // camera is also named, as a QR camera is (CAMERA_LOST / CAMERA_BACK); a plate feed's
            // port says nothing more than the fault.
            out.emplace_back(lane::LaneEvent{lane::SensorChanged{lane::SensorChanged::kPlateReader, lost}});
            const auto& a = lost ? o.ports[i].lost : o.ports[i].back;
            if (a.code.starts_with("CAMERA_")) say(a.code, a.zh, a.en);
            continue;
        }
        const auto& a = lost ? o.ports[i].lost : o.ports[i].back;  // SCANNER_LOST, CAMERA_LOST, ... and their backs
        out.emplace_back(lane::RaiseAlert{a.code, a.zh, a.en, a.evidence});
    }
    // A controller that never answered since start (wrong address, a name that does not
    // resolve, controller off): the link keeps retrying, the staff must know why the lane is dead.
    if (o.link_up) controller_reached_ = true;
    if (!controller_reached_ && !controller_alerted_ && o.now - started_ >= PortWatch::kDeviceGrace) {
        controller_alerted_ = true;
        say("CONTROLLER_UNREACHABLE", "车道控制器无法连接：" + o.controller + "（" + o.link_note + "），车道关闭，持续重试中",
            "Lane controller unreachable: " + o.controller + " (" + o.link_note + "); lane closed, retrying");
    }
    // An issuer certificate in the cache that does not chain vouches for nothing; the booth
    // hears of each one once (the checker re-reads certificates after every cache write).
    if (o.refused_certificates)
        for (const auto& why : *o.refused_certificates)
            if (refused_.insert(why).second)
                say("CERTIFICATE_REFUSED", "签发机构证书被拒收，其签发的通行证不予认可：" + why,
                    "Issuer certificate refused, its passes are not recognised: " + why);
    if (const auto jump = clock_.update(o.wall, o.now)) {
        const auto s = std::to_string(jump->count() / 1000.0);
        say("CLOCK_JUMP", "系统时间跳变 " + s + " 秒：请核对时间同步", "Clock jumped by " + s + " s: check time sync");
    }
    return out;
}

}  // namespace gw::daemon
