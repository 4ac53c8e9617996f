#include "gateway/daemon/config.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <arpa/inet.h>

#include "gateway/core/number.h"
#include "gateway/store/record.h"

namespace gw::daemon {
namespace {

Result<Seconds> duration_or(ConfReader& r, std::string_view key, Seconds fallback, Seconds max) {
    const auto* e = r.find(key);
    if (!e) return fallback;
    auto d = parse_duration(e->value);
    if (!d) return unexpected(r.error(*e, d.error().message));
    if (*d <= Seconds{0} || *d > max) return unexpected(r.error(*e, "must be between 1s and " + std::to_string(max.count()) + "s"));
    return *d;
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
    const std::filesystem::path path(p);
    return path.is_absolute() ? path : base / path;
}

Result<LaneSettings> parse_lane(const ConfFile& file, const ConfSection& section) {
    ConfReader r(file, section);
    LaneSettings l;
    if (section.name.empty()) return unexpected(r.error("a [lane] section needs an id, e.g. [lane car-1]"));
    l.logic.id = section.name;
    auto type_text = r.text("type");
    if (!type_text) return unexpected(type_text.error());
    auto kind = decision::parse_lane_kind(*type_text);
    if (!kind) return unexpected(r.error(*r.find("type"), kind.error().message));
    const bool vehicle = *kind != decision::LaneKind::kPedestrian;
    l.logic.lane.kind = *kind;
    auto direction = r.text("direction");
    if (!direction) return unexpected(direction.error());
    l.logic.lane.direction = *direction;
    auto controller = r.text("controller");
    if (!controller) return unexpected(controller.error());
    auto ep = parse_endpoint(*controller, 115200);
    if (!ep) return unexpected(r.error(*r.find("controller"), ep.error().message));
    l.controller = *ep;
    if (const auto* e = r.find("scanners")) {
        for (const auto& item : split_list(e->value)) {
            auto s = parse_serial_device(item, 9600);
            if (!s) return unexpected(r.error(*e, s.error().message));
            l.scanners.push_back(*s);
        }
    }
    if (const auto* e = r.find("qr-cameras")) {
        for (const auto& item : split_list(e->value)) {
            auto spec = vision::parse_camera_spec(item);
            if (!spec) return unexpected(r.error(*e, spec.error().message));
            l.qr_cameras.push_back(std::move(*spec));
        }
    }
    if (const auto* e = r.find("plate-cameras")) {
        for (const auto& item : split_list(e->value)) {
            auto spec = vision::parse_camera_spec(item);
            if (!spec) return unexpected(r.error(*e, spec.error().message));
            l.plate_cameras.push_back(std::move(*spec));
        }
    }
    if (const auto* e = r.find("plate-feed")) {
        auto s = parse_serial_device(e->value, 9600);
        if (!s) return unexpected(r.error(*e, s.error().message));
        l.plate_feed = *s;
    }
    const auto thermal = r.text_or("thermal", "frames");
    if (thermal == "frames") l.thermal = ThermalMode::kFrames;
    else if (thermal == "spot") l.thermal = ThermalMode::kSpot;
    else if (thermal == "off") l.thermal = ThermalMode::kOff;
    else return unexpected(r.error(*r.find("thermal"), "expected frames, spot or off"));
    auto needs_temperature = r.boolean_or("needs-temperature", true);
    auto needs_plate = r.boolean_or("needs-plate", vehicle);
    auto plate_only = r.boolean_or("plate-only-freight", *kind == decision::LaneKind::kTruck);
    if (!needs_temperature) return unexpected(needs_temperature.error());
    if (!needs_plate) return unexpected(needs_plate.error());
    if (!plate_only) return unexpected(plate_only.error());
    l.logic.lane.needs_temperature = *needs_temperature;
    l.logic.lane.needs_plate = *needs_plate;
    l.logic.plate_only_freight = *plate_only;
    if (*needs_temperature && l.thermal == ThermalMode::kOff)
        return unexpected(r.error(*r.find("thermal"), "thermal = off, but the lane needs a temperature: it could never open"));
    if (*plate_only && *kind != decision::LaneKind::kTruck)
        return unexpected(r.error(*r.find("plate-only-freight"), "only truck lanes open on a plate alone"));
    auto input = duration_or(r, "input-timeout", l.logic.input_timeout, Seconds{120});
    auto open = duration_or(r, "open-timeout", l.logic.open_timeout, Seconds{600});
    auto shown = duration_or(r, "denied-display", l.logic.denied_display, Seconds{60});
    if (!input) return unexpected(input.error());
    if (!open) return unexpected(open.error());
    if (!shown) return unexpected(shown.error());
    l.logic.input_timeout = *input;
    l.logic.open_timeout = *open;
    l.logic.denied_display = *shown;
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return l;
}

// What a camera needs that only the whole file says: its password (a stream with a user), its
// file or folder (file:, dir:). A v4l2 device may be unplugged when the file is checked: the
// running lane reports it lost and keeps reopening it, so it is not required here.
Result<void> check_camera(ConfReader& lane, std::string_view key, const vision::CameraSpec& spec, const GatewayConfig& c) {
    const auto* e = lane.find(key);
    const auto refuse = [&](const std::string& why) { return unexpected(lane.error(*e, "'" + spec.text() + "' " + why)); };
    if (spec.is_stream() && !spec.user.empty()) {
        if (!c.camera_credentials)
            return refuse("has a user but [checkpoint] names no camera-credentials file for its password");
        if (!c.camera_credentials->password_for(spec))
            return refuse("has no password in " + c.camera_credentials_path.string() + " (a [stream " +
                          spec.credential_key() + "] section)");
    }
    std::error_code ec;
    if (spec.kind == vision::SourceKind::kFile && !std::filesystem::is_regular_file(spec.location, ec))
        return refuse("names no file");
    if (spec.kind == vision::SourceKind::kDir && !std::filesystem::is_directory(spec.location, ec))
        return refuse("names no folder");
    return {};
}

}  // namespace

std::string endpoint_text(const Endpoint& e) {
    if (const auto* t = std::get_if<TcpEndpoint>(&e)) {
        const bool v6 = t->host.find(':') != std::string::npos;
        return "tcp:" + (v6 ? "[" + t->host + "]" : t->host) + ":" + std::to_string(t->port);
    }
    const auto& d = std::get<SerialDevice>(e);
    return "serial:" + d.path + "@" + std::to_string(d.baud);
}

namespace {

// RFC 1123 host name: dot-separated labels of letters, digits and '-', 1..63 each, not
// starting or ending with '-'; 253 characters at most.
bool is_host_name(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    std::size_t start = 0;
    while (start <= h.size()) {
        const auto dot = std::min(h.find('.', start), h.size());
        const auto label = h.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (const char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        start = dot + 1;
    }
    return true;
}

}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text, unsigned default_baud) {
    const auto bad = [&](std::string_view why) { return failure("bad endpoint '" + std::string(text) + "': " + std::string(why)); };
    if (text.starts_with("tcp:")) {
        const auto rest = text.substr(4);
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return bad("expected tcp:HOST:PORT");
        auto port = parse_unsigned<unsigned>(rest.substr(colon + 1), 65535);
        if (!port || *port == 0) return bad("port must be 1..65535");
        auto host = rest.substr(0, colon);
        if (host.starts_with('[') && host.ends_with(']')) {
            host = host.substr(1, host.size() - 2);
            unsigned char buf[16];
            if (::inet_pton(AF_INET6, std::string(host).c_str(), buf) != 1)
                return bad("'" + std::string(host) + "' is not an IPv6 address");
        } else if (host.find(':') != std::string_view::npos) {
            return bad("an IPv6 address goes in brackets: tcp:[ADDRESS]:PORT");
        } else if (!is_host_name(host)) {
            return bad("'" + std::string(host) + "' is neither an IPv4 address nor a host name");
        }
        return TcpEndpoint{std::string(host), static_cast<std::uint16_t>(*port)};
    }
    if (text.starts_with("serial:")) {
        auto rest = text.substr(7);
        SerialDevice d{{}, default_baud};
        if (const auto at = rest.find('@'); at != std::string_view::npos) {
            auto baud = parse_unsigned<unsigned>(rest.substr(at + 1), 4000000);
            if (!baud || *baud < 300) return bad("baud rate 300..4000000");
            d.baud = static_cast<unsigned>(*baud);
            rest = rest.substr(0, at);
        }
        if (!rest.starts_with("/")) return bad("expected serial:/dev/ttyX[@BAUD]");
        d.path = std::string(rest);
        return d;
    }
    return bad("expected tcp:HOST:PORT or serial:/dev/ttyX[@BAUD]");
}

Result<SerialDevice> parse_serial_device(std::string_view text, unsigned default_baud) {
    auto e = parse_endpoint(text, default_baud);
    if (!e) return unexpected(e.error());
    if (const auto* d = std::get_if<SerialDevice>(&*e)) return *d;
    return failure("'" + std::string(text) + "' is not a serial port: expected serial:/dev/ttyX[@BAUD]");
}

Result<GatewayConfig> parse_config(const ConfFile& file, const std::filesystem::path& base) {
    GatewayConfig c;
    c.path = file.path;
    const ConfSection* checkpoint = nullptr;
    const ConfSection* console_section = nullptr;
    std::set<std::string> lane_ids, registry_names;
    std::vector<const ConfSection*> lane_sections;  // beside c.lanes, for the cameras' checks
    for (const auto& s : file.sections) {
        if (s.kind.empty()) {
            if (!s.entries.empty())
                return failure(file.path + ":" + std::to_string(s.entries.front().line) +
                               ": settings must be inside a section ([checkpoint], [policy], [registry NAME], [lane ID])");
            continue;
        }
        ConfReader sr(file, s);
        if (s.kind == "checkpoint") {
            if (checkpoint) return unexpected(sr.error("second [checkpoint] section"));
            checkpoint = &s;
        } else if (s.kind == "policy") {
            auto p = decision::parse_policy(file, s);
            if (!p) return unexpected(p.error());
            c.policy = *p;
        } else if (s.kind == "lane") {
            auto lane = parse_lane(file, s);
            if (!lane) return unexpected(lane.error());
            if (!lane_ids.insert(lane->logic.id).second) return unexpected(sr.error("lane id repeated"));
            c.lanes.push_back(std::move(*lane));
            lane_sections.push_back(&s);
        } else if (s.kind == "registry") {
            ConfReader r(file, s);
            if (s.name.empty()) return unexpected(r.error("a [registry] section needs a name"));
            if (!registry_names.insert(s.name).second) return unexpected(r.error("registry name repeated"));
            RegistrySettings reg{s.name, {}, {}};
            auto provinces = r.list("provinces");
            if (!provinces) return unexpected(provinces.error());
            for (const auto& p : *provinces) {
                auto v = parse_unsigned<unsigned>(p, 99u);
                if (!v || !credential::is_province(*v))
                    return unexpected(r.error(*r.find("provinces"), "'" + p + "' is not a GB/T 2260 province code"));
                reg.provinces.push_back(*v);
            }
            if (const auto* e = r.find("records")) {
                reg.records = resolve(base, e->value);
                std::error_code ec;
                if (!std::filesystem::is_regular_file(*reg.records, ec))
                    return unexpected(r.error(*e, reg.records->string() + ": no such file"));
            }
            for (const auto key : sync::kRegistrySyncKeys) r.find(key);  // read by parse_sync_config below
            if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
            c.registries.push_back(std::move(reg));
        } else if (s.kind == "sync") {
            // parse_sync_config below.
        } else if (s.kind == "anpr-camera") {
            auto camera = console::parse_anpr_camera(file, s, base);
            if (!camera) return unexpected(camera.error());
            for (const auto& other : c.anpr_cameras)
                if (other.name == camera->name) return unexpected(sr.error("anpr-camera name repeated"));
            c.anpr_cameras.push_back(std::move(*camera));
        } else if (s.kind == "console") {
            if (console_section) return unexpected(sr.error("second [console] section"));
            console_section = &s;
        } else {
            return unexpected(sr.error("unknown section [" + s.kind + "]"));
        }
    }
    if (!checkpoint) return failure(file.path + ": no [checkpoint] section");
    ConfReader r(file, *checkpoint);
    auto name = r.text("name");
    if (!name) return unexpected(name.error());
    c.name = *name;
    c.title = r.text_or("title", c.name);
    auto state = r.text("state-dir");
    if (!state) return unexpected(state.error());
    c.state_dir = resolve(base, *state);
    auto trust = r.text("trust");
    if (!trust) return unexpected(trust.error());
    c.trust_path = resolve(base, *trust);
    auto t = credential::load_trust(c.trust_path);
    if (!t) return unexpected(r.error(*r.find("trust"), t.error().message));
    c.trust = std::move(*t);
    auto threads = r.integer_or("threads", 2, 1, 64);
    if (!threads) return unexpected(threads.error());
    c.threads = static_cast<unsigned>(*threads);
    if (const auto* e = r.find("lane-scheduling")) {
        const auto wanted = parse_lane_class(e->value);
        if (!wanted) return unexpected(r.error(*e, wanted.error().message));
        c.lane_scheduling = *wanted;
    }
    auto budget = r.integer_or("outbox-budget-mb", 512, 1, 1 << 20);
    if (!budget) return unexpected(budget.error());
    c.outbox_budget_bytes = static_cast<std::uint64_t>(*budget) << 20;
    // Evidence frames (gateway/evidence): only cameras give frames, so only then by default.
    const bool any_camera = std::any_of(c.lanes.begin(), c.lanes.end(), [](const auto& l) { return !l.qr_cameras.empty() || !l.plate_cameras.empty(); });
    auto evidence_budget = r.integer_or("evidence-budget-mb", any_camera ? 512 : 0, 0, 1 << 20);
    if (!evidence_budget) return unexpected(evidence_budget.error());
    c.evidence_budget_bytes = static_cast<std::uint64_t>(*evidence_budget) << 20;
    if (const auto* e = r.find("camera-credentials")) {
        c.camera_credentials_path = resolve(base, e->value);
        auto creds = vision::load_stream_credentials(c.camera_credentials_path);
        if (!creds) return unexpected(r.error(*e, creds.error().message));
        c.camera_credentials = std::make_shared<const vision::StreamCredentials>(std::move(*creds));
    }
    if (const auto* e = r.find("plate-model")) {
        c.plate_model = resolve(base, e->value);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(c.plate_model, ec))
            return unexpected(r.error(*e, c.plate_model.string() + ": no such file"));
    }
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    auto sync_config = sync::parse_sync_config(file);
    if (!sync_config) return unexpected(sync_config.error());
    if (!sync_config->gateway.empty()) c.sync = std::move(*sync_config);
    if (console_section) {
        auto console = console::parse_console_section(file, *console_section, base, c.state_dir);
        if (!console) return unexpected(console.error());
        c.console = std::move(*console);
    }
    if (c.lanes.empty()) return failure(file.path + ": no [lane ID] section: nothing to run");
    for (const auto& camera : c.anpr_cameras)
        if (!lane_ids.contains(camera.lane))
            return failure(file.path + ": [anpr-camera " + camera.name + "] lane '" + camera.lane + "' is no [lane] of this file");
    if (!c.anpr_cameras.empty() && !c.console)
        return failure(file.path + ": [anpr-camera] sections need a [console] section (the push arrives on its HTTPS server)");
    std::set<std::string> devices;
    for (std::size_t i = 0; i < c.lanes.size(); ++i) {
        auto& l = c.lanes[i];
        ConfReader lr(file, *lane_sections[i]);
        // A plate comes from a serial feed, a plate camera, or a camera that pushes its reads.
        const bool anpr = std::any_of(c.anpr_cameras.begin(), c.anpr_cameras.end(),
                                      [&](const console::AnprCamera& a) { return a.lane == l.logic.id; });
        const bool plates = l.plate_feed || !l.plate_cameras.empty() || anpr;
        if (l.logic.lane.needs_plate && !plates)
            return unexpected(lr.error("needs a plate but has no plate-feed, plate-cameras or [anpr-camera]: the lane could never open"));
        if (l.logic.plate_only_freight && !plates)
            return unexpected(lr.error("plate-only-freight needs a plate-feed, plate-cameras or [anpr-camera]"));
        if (!l.qr_cameras.empty() || !l.plate_cameras.empty()) l.camera_credentials = c.camera_credentials;
        for (const auto& [key, cameras] : {std::pair{"qr-cameras", &l.qr_cameras}, std::pair{"plate-cameras", &l.plate_cameras}})
            for (auto& cam : *cameras) {
                const bool local = cam.kind == vision::SourceKind::kFile || cam.kind == vision::SourceKind::kDir;
                if (local) cam.location = resolve(base, cam.location).string();
                if (auto ok = check_camera(lr, key, cam, c); !ok) return unexpected(ok.error());
                // One camera looks at one lane: a stream is the same camera whoever logs in.
                auto id = cam.location;
                if (!cam.user.empty()) id.erase(id.find("://") + 3, cam.user.size() + 1);
                if (!devices.insert(id).second)
                    return failure(file.path + ": [lane " + l.logic.id + "] uses " + cam.text() +
                                   " already used by another lane or device");
            }
        if (!l.plate_cameras.empty() && c.plate_model.empty())
            return unexpected(lr.error(*lr.find("plate-cameras"), "needs [checkpoint] plate-model (the reader's ONNX file)"));
        if (!l.plate_cameras.empty()) l.plate_model = c.plate_model;
        std::vector<Endpoint> eps{l.controller};
        for (const auto& s : l.scanners) eps.push_back(s);
        if (l.plate_feed) eps.push_back(*l.plate_feed);
        for (const auto& e : eps) {
            // A serial device is one device whatever its baud rate.
            const auto* serial = std::get_if<SerialDevice>(&e);
            if (!devices.insert(serial ? serial->path : endpoint_text(e)).second)
                return failure(file.path + ": [lane " + l.logic.id + "] uses " + endpoint_text(e) +
                               " already used by another lane or device");
        }
    }
    return c;
}

Result<GatewayConfig> load_config(const std::filesystem::path& path) {
    auto file = load_conf(path);
    if (!file) return unexpected(file.error());
    return parse_config(*file, path.parent_path());
}

}  // namespace gw::daemon
