#include "gateway/sim/sim_checkpoint.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "gateway/store/record.h"

namespace gw::sim {
namespace {

void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

void write_line(int fd, std::string_view text) {
    std::string line(text);
    line += "\r\n";
    const char* p = line.data();
    std::size_t left = line.size();
    while (left) {
        const auto n = ::write(fd, p, left);
        if (n <= 0) return;  // the gateway side went away: nothing to deliver to
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

// A registry's data: its sync keys when the caller runs it, else today's demo records file.
std::string registry_source(const SimOptions& options, const std::string& name) {
    const auto it = options.synced_registries.find(name);
    return it == options.synced_registries.end() ? "records = " + name + ".records\n" : it->second;
}

}  // namespace

std::string records_text(const store::RecordBatch& b) {
    std::string out = "# demo registry data (simulated checkpoint)\nregistry " + b.registry;
    for (auto p : b.provinces) out += " " + std::to_string(p);
    out += "\nas-of " + format_time(b.as_of) + "\n";
    for (const auto& r : b.records) out += store::format_record(r) + "\n";
    return out;
}

Result<std::unique_ptr<SimCheckpoint>> SimCheckpoint::create(asio::io_context& io, const std::filesystem::path& dir,
                                                             TimePoint now, SimOptions options) {
    std::unique_ptr<SimCheckpoint> sim(new SimCheckpoint());
    sim->world_ = demo::demo_world_at(now);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    write_text(dir / "trust.conf", sim->world_.trust_conf());
    write_text(dir / "shanghai.records", records_text(sim->world_.registry_batch("shanghai", {31}, now - std::chrono::hours{1})));
    write_text(dir / "zhejiang.records", records_text(sim->world_.registry_batch("zhejiang", {33}, now - std::chrono::hours{1})));

    struct Spec { const char* id; decision::LaneKind kind; const char* direction; };
    const Spec specs[] = {{"car-1", decision::LaneKind::kCar, "to-zhejiang"},
                          {"car-2", decision::LaneKind::kCar, "to-shanghai"},
                          {"truck-1", decision::LaneKind::kTruck, "to-zhejiang"},
                          {"walk-1", decision::LaneKind::kPedestrian, "to-zhejiang"}};
    std::string conf = "# Simulated Jinshan–Pinghu checkpoint, written by the lane simulator.\n"
                       "[checkpoint]\nname = sim-jinshan-pinghu\ntitle = 金山—平湖联合检查站（模拟）\n"
                       "state-dir = state\ntrust = trust.conf\nthreads = 2\n" + options.checkpoint_extra +
                       // The camera lanes' frames for the console, within a demo's disk budget.
                       std::string(options.cameras ? "evidence-budget-mb = 64\n" : "") + "\n"
                       "[policy]\n# short, so that rounds of the simulation do not run into each other\n"
                       "passback-window = " + options.passback_window + "\n\n"
                       "[registry shanghai]\nprovinces = 31\n" + registry_source(options, "shanghai") +
                       "\n[registry zhejiang]\nprovinces = 33\n" + registry_source(options, "zhejiang");
    bridge::emulator::EmulatorOptions eo;
    eo.log = [](std::string_view) {};  // the emulators' own chatter would drown the demo
    if (options.cameras) {
        auto cams = SimCameras::start({"car-1", "walk-1"});
        if (!cams) return unexpected(cams.error());
        sim->cameras_ = std::move(*cams);
    }
    for (int copy = 1; copy <= options.copies; ++copy) {
        for (const auto& spec : specs) {
            SimLane lane;
            lane.id = copy == 1 ? spec.id : std::string(spec.id) + "-" + std::to_string(copy);
            lane.kind = spec.kind;
            lane.direction = spec.direction;
            if (options.on_open)
                eo.on_command = [cb = options.on_open, index = sim->lanes_.size()](const proto::ToFirmware& c) {
                    if (c.has_barrier() && c.barrier().action() == proto::BARRIER_ACTION_OPEN)
                        cb(index, std::chrono::steady_clock::now());
                };
            auto emu = bridge::emulator::FirmwareEmulator::listen_tcp(io.get_executor(), {asio::ip::make_address("127.0.0.1"), 0}, eo);
            if (!emu) return unexpected(emu.error());
            lane.controller = *emu;
            lane.controller->start();
            conf += "\n[lane " + lane.id + "]\ntype = " + std::string(decision::lane_kind_name(spec.kind)) +
                    "\ndirection = " + spec.direction + "\ncontroller = tcp:127.0.0.1:" +
                    std::to_string(lane.controller->tcp_port()) + "\n";
            lane.camera = copy == 1 && sim->cameras_ && (lane.id == "car-1" || lane.id == "walk-1");
            if (lane.camera) {
                conf += "qr-cameras = " + sim->cameras_->url(lane.id) + "\n";
            } else {
                auto scanner = bridge::emulator::PtyPair::open();
                if (!scanner) return unexpected(scanner.error());
                lane.scanner = std::make_unique<bridge::emulator::PtyPair>(std::move(*scanner));
                conf += "scanners = serial:" + lane.scanner->slave_path() + "\n";
                if (const auto extra = options.extra_qr_cameras.find(lane.id); extra != options.extra_qr_cameras.end()) {
                    std::string urls;
                    for (const auto& url : extra->second) urls += (urls.empty() ? "" : ", ") + url;
                    conf += "qr-cameras = " + urls + "\n";
                }
            }
            if (spec.kind != decision::LaneKind::kPedestrian) {
                auto plate = bridge::emulator::PtyPair::open();
                if (!plate) return unexpected(plate.error());
                lane.plate_feed = std::make_unique<bridge::emulator::PtyPair>(std::move(*plate));
                conf += "plate-feed = serial:" + lane.plate_feed->slave_path() + "\n";
            }
            if (options.fast) conf += "input-timeout = 3s\nopen-timeout = 10s\ndenied-display = 1s\n";
            sim->lanes_.push_back(std::move(lane));
        }
    }
    if (!options.extra_config.empty()) conf += "\n" + options.extra_config;
    sim->config_path_ = dir / "gatewayd.conf";
    write_text(sim->config_path_, conf);
    return sim;
}

SimCheckpoint::~SimCheckpoint() {
    stop();
    for (const int fd : unplugged_)
        if (fd >= 0) ::close(fd);
}

SimLane* SimCheckpoint::lane(const std::string& id) {
    for (auto& l : lanes_)
        if (l.id == id) return &l;
    return nullptr;
}

void SimCheckpoint::scan(const SimLane& lane, std::string_view payload) {
    if (lane.camera && cameras_) {
        if (auto shown = cameras_->show(lane.id, std::string(payload)); !shown)
            std::fprintf(stderr, "lanesim: camera %s: %s\n", lane.id.c_str(), shown.error().message.c_str());
        return;
    }
    if (lane.scanner) write_line(lane.scanner->master(), payload);
}

void SimCheckpoint::pass_leaves(const SimLane& lane) {
    if (lane.camera && cameras_) cameras_->hide(lane.id);
}

void SimCheckpoint::show_plate(const SimLane& lane, std::string_view plate) {
    if (lane.plate_feed) write_line(lane.plate_feed->master(), plate);
}

void SimCheckpoint::unplug_scanner(SimLane& lane) {
    if (lane.scanner) unplugged_.push_back(lane.scanner->release_slave());
    lane.scanner.reset();  // the master closes: the device node disappears
}
void SimCheckpoint::unplug_plate_camera(SimLane& lane) {
    if (lane.plate_feed) unplugged_.push_back(lane.plate_feed->release_slave());
    lane.plate_feed.reset();
}

void SimCheckpoint::stop() {
    if (cameras_) cameras_->stop_stream();
    for (auto& l : lanes_)
        if (l.controller) l.controller->stop();
}

}  // namespace gw::sim
