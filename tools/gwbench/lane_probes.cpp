#include "tools/gwbench/lane_probes.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gateway/camsim/camera_feed.h"
#include "gateway/camsim/scene.h"
#include "gateway/core/asio.h"
#include "gateway/core/number.h"
#include "gateway/core/poll_until.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace gw::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr int kEnterFrames = 8;
constexpr int kClipFrames = 24;

}  // namespace

Result<std::unique_ptr<CameraLoad>> CameraLoad::create(int streams) {
    std::unique_ptr<CameraLoad> load(new CameraLoad());
    camsim::Shot shot;  // 1280x720, a phone held at reading distance
    auto empty = camsim::render_clip("", shot, 0, 6);
    if (!empty) return unexpected(empty.error());
    load->empty_ = std::move(*empty);
    for (int i = 0; i < streams; ++i) {
        shot.seed = static_cast<std::uint64_t>(i) + 1;
        shot.roll_deg = 4.0 * i - 6.0;
        auto clip = camsim::render_clip("GWBENCH-CAMERA-LOAD-" + std::to_string(i + 1), shot, kEnterFrames, kClipFrames);
        if (!clip) return unexpected(clip.error());
        load->codes_.push_back(std::move(*clip));
    }
    // Reserve a port: bind an ephemeral one once, then serve on it from start() on.
    if (auto ok = load->start(); !ok) return unexpected(ok.error());
    load->stop();
    return load;
}

CameraLoad::~CameraLoad() { stop(); }

std::string CameraLoad::url(int i) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/load-" + std::to_string(i + 1);
}

Result<void> CameraLoad::start() {
    camsim::MjpegServerOptions o;
    o.port = port_;
    auto server = std::make_unique<camsim::MjpegServer>(o);
    for (std::size_t i = 0; i < codes_.size(); ++i)
        server->add_stream("/load-" + std::to_string(i + 1), [this, i](std::uint64_t n) {
            // Odd frames: the code (walking in, then held); even frames: the empty lane.
            const auto& code = codes_[i];
            return n % 2 ? code[(n / 2) % code.size()] : empty_[(n / 2) % empty_.size()];
        });
    if (auto ok = server->start(); !ok) return ok;
    port_ = server->port();
    server_ = std::move(server);
    return {};
}

void CameraLoad::stop() {
    if (server_) server_->stop();
    server_.reset();
}

Result<std::string> fetch_metrics(std::uint16_t port) {
    try {
        asio::io_context io;
        asio::ssl::context tls(asio::ssl::context::tls_client);
        tls.set_verify_mode(asio::ssl::verify_none);
        beast::ssl_stream<beast::tcp_stream> stream(io, tls);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{5});
        beast::get_lowest_layer(stream).connect({asio::ip::make_address("127.0.0.1"), port});
        stream.handshake(asio::ssl::stream_base::client);
        http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        if (res.result() != http::status::ok) return failure("/metrics answered " + std::to_string(res.result_int()));
        return std::move(res.body());
    } catch (const std::exception& e) {
        return failure(std::string("/metrics: ") + e.what());
    }
}

double metric_sum(const std::string& text, const std::string& name) {
    double sum = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, name.size(), name) != 0) continue;
        if (line.size() == name.size() || (line[name.size()] != ' ' && line[name.size()] != '{')) continue;
        const auto space = line.rfind(' ');
        sum += std::strtod(line.c_str() + space + 1, nullptr);
    }
    return sum;
}

std::optional<CameraFrames> camera_frames(std::uint16_t console) {
    const auto text = fetch_metrics(console);
    if (!text) return std::nullopt;
    return CameraFrames{metric_sum(*text, "gw_camera_frames_scanned_total"), metric_sum(*text, "gw_camera_frames_decoded_total"),
                        metric_sum(*text, "gw_camera_frames_dropped_total")};
}

bool cameras_decoding(std::uint16_t console, std::size_t cameras) {
    return poll_until([&] {
        const auto f = camera_frames(console);
        return f && f->scanned > 25.0 * 4 * static_cast<double>(cameras);
    }, std::chrono::seconds{30}, std::chrono::milliseconds{100});
}

std::optional<std::uint16_t> console_port(const std::string& log) {
    constexpr std::string_view kPrefix = "console 控制台: https://127.0.0.1:";
    const auto at = log.find(kPrefix);
    if (at == std::string::npos) return std::nullopt;
    const auto start = at + kPrefix.size();
    const auto end = log.find('/', start);
    if (end == std::string::npos) return std::nullopt;
    return parse_unsigned<std::uint16_t>(std::string_view(log).substr(start, end - start));
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<HopLine> hop_lines(const std::string& log, std::size_t from) {
    std::vector<HopLine> out;
    std::istringstream in(from < log.size() ? log.substr(from) : std::string{});
    std::string line;
    while (std::getline(in, line)) {
        // "08:00:01 car-1    OPEN   [...] ...  3.1 ms  hops to_strand=0.021 decide=0.102 ..."
        const auto hops = line.find("  hops ");
        if (hops == std::string::npos || line.size() < 10) continue;
        HopLine h;
        std::istringstream head(line.substr(9));
        head >> h.lane;
        std::istringstream fields(line.substr(hops + 7));
        std::string field;
        std::size_t seen = 0;
        while (fields >> field) {
            const auto eq = field.find('=');
            if (eq == std::string::npos) break;
            for (std::size_t i = 0; i < lane::kHopCount; ++i)
                if (field.compare(0, eq, lane::kHopNames[i]) == 0 && eq == lane::kHopNames[i].size()) {
                    h.ms[i] = std::strtod(field.c_str() + eq + 1, nullptr);
                    ++seen;
                }
        }
        if (seen == lane::kHopCount) out.push_back(std::move(h));
    }
    return out;
}

}  // namespace gw::bench
