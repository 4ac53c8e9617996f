#include "gateway/sim/sim_cameras.h"

#include <thread>

#include "gateway/vision/qr_reader.h"

namespace gw::sim {
namespace {

constexpr int kEnterFrames = 8;
constexpr int kClipFrames = 24;

// Each pass a little different, as people hold them: phone, dark-mode phone or paper,
// tilted, blurred, some glare or moiré. Kept within what a lane camera reads in a few frames.
camsim::Shot shot_for(const std::string& payload) {
    const auto h = std::hash<std::string>{}(payload);
    camsim::Shot s;
    s.width = 640;
    s.height = 360;
    s.carrier = h % 3 == 0 ? camsim::Carrier::kPaper : h % 3 == 1 ? camsim::Carrier::kPhone : camsim::Carrier::kPhoneDark;
    s.module_px = 3.0 + static_cast<double>(h % 5) * 0.2;
    s.roll_deg = static_cast<double>(h % 17) - 8.0;
    s.yaw = static_cast<double>((h >> 8) % 4) * 0.05;
    s.blur_sigma = 0.6 + static_cast<double>((h >> 12) % 3) * 0.1;
    s.glare = s.carrier == camsim::Carrier::kPaper ? 0.0 : static_cast<double>((h >> 16) % 3) * 0.1;
    s.moire = s.carrier == camsim::Carrier::kPaper ? 0.0 : 0.15;
    s.seed = h;
    return s;
}

}  // namespace

Result<std::unique_ptr<SimCameras>> SimCameras::start(const std::vector<std::string>& lanes) {
    std::unique_ptr<SimCameras> c(new SimCameras());
    c->lanes_ = lanes;
    camsim::Shot s;
    s.width = 640;
    s.height = 360;
    auto empty = camsim::render_clip("", s, 0, 6);
    if (!empty) return unexpected(empty.error());
    c->empty_ = std::move(*empty);
    for (const auto& l : lanes) c->views_[l];
    if (auto ok = c->serve(0); !ok) return unexpected(ok.error());
    return c;
}

SimCameras::~SimCameras() { stop_stream(); }

Result<void> SimCameras::serve(std::uint16_t port) {
    camsim::MjpegServerOptions o;
    o.port = port;
    auto server = std::make_unique<camsim::MjpegServer>(o);
    for (const auto& l : lanes_)
        server->add_stream("/" + l, [this, l](std::uint64_t frame) { return part(l, frame); });
    if (auto ok = server->start(); !ok) return ok;
    port_ = server->port();
    std::lock_guard lock(mutex_);
    server_ = std::move(server);
    return {};
}

std::string SimCameras::url(const std::string& lane) const { return "http://127.0.0.1:" + std::to_string(port_) + "/" + lane; }

std::optional<std::vector<std::uint8_t>> SimCameras::part(const std::string& lane, std::uint64_t) {
    std::lock_guard lock(mutex_);
    auto& v = views_[lane];
    const auto n = v.frame++;
    if (!v.showing) return empty_[n % empty_.size()];
    if (!v.started) {
        v.started = true;
        v.shown_from = n;
    }
    const auto i = n - v.shown_from;
    const auto& clip = v.showing->clip;
    // Held still after walking in: the last frames loop.
    const auto index = i < clip.size() ? i : kEnterFrames + (i - kEnterFrames) % (clip.size() - kEnterFrames);
    if (index == v.showing->first_readable && !v.readable_at) v.readable_at = Clock::now();
    return clip[index];
}

Result<void> SimCameras::show(const std::string& lane, const std::string& payload) {
    std::shared_ptr<const Rendered> rendered;
    {
        std::lock_guard lock(mutex_);
        if (auto it = clips_.find(payload); it != clips_.end()) rendered = it->second;
    }
    if (!rendered) {
        auto r = std::make_shared<Rendered>();
        const auto shot = shot_for(payload);
        auto plain = shot;
        plain.jpeg_quality = 0;
        r->first_readable = kClipFrames;
        for (int i = 0; i < kClipFrames; ++i) {
            auto frame = camsim::render_walk_in(payload, plain, kEnterFrames, static_cast<std::uint64_t>(i));
            if (!frame) return unexpected(frame.error());
            if (r->first_readable == kClipFrames && !vision::read_qr(*frame).empty()) r->first_readable = i;
            auto jpeg = vision::encode_jpeg(*frame, shot.jpeg_quality);
            if (!jpeg) return unexpected(jpeg.error());
            r->clip.push_back(std::move(*jpeg));
        }
        if (r->first_readable == kClipFrames) r->first_readable = kEnterFrames;  // never alone: at rest
        std::lock_guard lock(mutex_);
        rendered = clips_.emplace(payload, std::move(r)).first->second;
    }
    // The camera's memory would take the same code back within forget_after for the same
    // showing: the same person comes back a little later.
    std::optional<Clock::time_point> wait_until;
    {
        std::lock_guard lock(mutex_);
        auto& v = views_[lane];
        if (auto it = v.left.find(payload); it != v.left.end()) wait_until = it->second + kForgetAfter;
    }
    if (wait_until) std::this_thread::sleep_until(*wait_until);
    std::lock_guard lock(mutex_);
    auto& v = views_[lane];
    v.showing = rendered;
    v.payload = payload;
    v.started = false;
    v.readable_at.reset();
    return {};
}

void SimCameras::hide(const std::string& lane) {
    std::lock_guard lock(mutex_);
    auto& v = views_[lane];
    if (!v.showing) return;
    v.left[v.payload] = Clock::now();
    v.showing.reset();
}

std::optional<SimCameras::Clock::time_point> SimCameras::readable_at(const std::string& lane) const {
    std::lock_guard lock(mutex_);
    const auto it = views_.find(lane);
    return it == views_.end() ? std::nullopt : it->second.readable_at;
}

void SimCameras::stop_stream() {
    std::unique_ptr<camsim::MjpegServer> server;
    {
        std::lock_guard lock(mutex_);
        server = std::move(server_);
    }
    server.reset();  // joins outside the lock: its thread calls part()
}

Result<void> SimCameras::restart_stream() {
    // The port may be briefly taken (TIME_WAIT of a half-closed connection): retry a little.
    auto served = serve(port_);
    for (int i = 0; i < 40 && !served; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        served = serve(port_);
    }
    return served;
}

int SimCameras::connections() const {
    std::lock_guard lock(mutex_);
    return server_ ? server_->connections() : 0;
}

}  // namespace gw::sim
