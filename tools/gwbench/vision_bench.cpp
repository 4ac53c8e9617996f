// gwbench vision: QR from camera frames, the gated scanner (gw::vision::QrScanner) against
// bare ZXing QR-only on the whole frame (ZXing's own defaults: tryHarder, tryRotate), in the
// same run. Every set is reported apart ("set" key):
//   shared/<folder>  each folder of ../shared/data/qr with a manifest.tsv (real photos,
//                    camera frames); absent folder: said on stderr, no figures
//   rendered/<kind>  frames the project renders (gw::camsim): distance, tilt, blur, glare,
//                    moire, paper, dark-mode
//   qr:<DIR>         with --qr DIR, that folder only (manifest.tsv as in camera-frames)
// Per set with codes:
//   qr_read_rate, zxing_read_rate, qr_read_rate_minus_zxing (goal >= 0)
//   qr_ms_ratio_to_zxing     mean time per frame, scanner / ZXing (goal <= 1.0)
// A code stays in view for a few frames in front of a camera: the scanner sees each image as
// kFramesInView consecutive frames (its passes take turns across them) and its time is the
// mean per frame; ZXing, deterministic, decodes each image once.
// Idle (set "idle": still empty scenes, shared e*.jpg frames and rendered lanes, as clips of
// kIdleClip frames (4 s at 25 fps; the scanner's first frames of each clip count) with fresh
// sensor noise in each):
//   idle_ms_ratio_to_zxing   scanner / ZXing per frame (goal <= 0.2)
//   idle_cpu_per_camera_pct  one camera's capture + decode threads on a 25 fps 720p MJPEG
//                            stream of an empty lane served on loopback (camsim)
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "gateway/camsim/mjpeg_server.h"
#include "gateway/camsim/scene.h"
#include "gateway/core/codec.h"
#include "gateway/vision/camera_qr_source.h"
#include "gateway/vision/frame_effects.h"
#include "gateway/vision/qr_dataset.h"
#include "gateway/vision/qr_scanner.h"
#include "tools/gwbench/bench_util.h"
#include "tools/gwbench/benches.h"

namespace gw::bench {
namespace {

using namespace gw::vision;
constexpr int kFramesInView = 3;
constexpr int kIdleClip = 100;

struct Labelled {
    GrayImage image;
    std::string expected;  // empty: no code
};

bool reads(const std::vector<QrRead>& codes, const std::string& expected) {
    return std::any_of(codes.begin(), codes.end(),
                       [&](const QrRead& r) { return r.payload == expected || r.text == expected; });
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct SetResult {
    int codes = 0, qr_read = 0, zxing_read = 0;
    double qr_ms = 0, zxing_ms = 0;  // per frame, median of rounds
};

SetResult measure_set(const std::vector<Labelled>& frames, int rounds) {
    SetResult out;
    std::vector<double> qr_round, zxing_round;
    std::vector<std::uint8_t> scratch;
    for (int round = 0; round < rounds; ++round) {
        int qr_read = 0, zxing_read = 0, codes = 0;
        double zxing_ms = 0, qr_ms = 0;
        for (const auto& f : frames) {
            if (f.expected.empty()) continue;
            ++codes;
            auto t0 = Clock::now();
            const auto z = decode_qr_pass(f.image.view(), QrPass::zxing_defaults(), scratch);
            zxing_ms += ms_since(t0);
            if (reads(z, f.expected)) ++zxing_read;
        }
        // One scanner for the whole set, as one camera seeing one pass after another.
        QrScanner scanner;
        for (const auto& f : frames) {
            if (f.expected.empty()) continue;
            bool read = false;
            auto t0 = Clock::now();
            for (int k = 0; k < kFramesInView; ++k) read = reads(scanner.scan(f.image.view()).codes, f.expected) || read;
            qr_ms += ms_since(t0) / kFramesInView;
            if (read) ++qr_read;
        }
        if (round == 0) out.codes = codes, out.qr_read = qr_read, out.zxing_read = zxing_read;
        if (codes > 0) qr_round.push_back(qr_ms / codes), zxing_round.push_back(zxing_ms / codes);
    }
    out.qr_ms = median(qr_round);
    out.zxing_ms = median(zxing_round);
    return out;
}

void report_set(Report& report, const std::string& set, const SetResult& r) {
    if (r.codes == 0) return;
    const double qr_rate = static_cast<double>(r.qr_read) / r.codes, z_rate = static_cast<double>(r.zxing_read) / r.codes;
    report.figure("vision", "qr_read_rate", qr_rate, "ratio", set);
    report.figure("vision", "zxing_read_rate", z_rate, "ratio", set);
    report.figure("vision", "qr_read_rate_minus_zxing", qr_rate - z_rate, "ratio", set);
    report.figure("vision", "qr_ms_per_frame", r.qr_ms, "ms", set);
    report.figure("vision", "zxing_ms_per_frame", r.zxing_ms, "ms", set);
    report.figure("vision", "qr_ms_ratio_to_zxing", r.zxing_ms > 0 ? r.qr_ms / r.zxing_ms : 0, "ratio", set);
    report.figure("vision", "codes", r.codes, "frames", set);
}

// Loads a folder laid out as ../shared/data/qr/camera-frames (manifest.tsv).
Result<std::vector<Labelled>> load_folder(const std::filesystem::path& dir, Report& report) {
    auto manifest = load_qr_manifest(dir);
    if (!manifest) return unexpected(manifest.error());
    std::vector<Labelled> out;
    for (const auto& row : manifest->rows) {
        auto image = load_gray(dir / row.image);
        if (!image) {
            report.note(image.error().message + " (skipped)");
            continue;
        }
        out.push_back({std::move(*image), row.expected});
    }
    return out;
}

std::string pass_payload(std::uint64_t seed) {
    Bytes bytes(114);
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (auto& b : bytes) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        b = static_cast<std::uint8_t>(x >> 56);
    }
    return "CP1:" + to_base45(bytes);
}

std::filesystem::path shared_qr_dir() {
    for (const auto* candidate : {"../shared/data/qr", "../../shared/data/qr", "../../../shared/data/qr"}) {
        std::error_code ec;
        if (std::filesystem::is_directory(candidate, ec)) return candidate;
    }
    return {};
}

// Idle: still empty scenes with fresh noise each frame; ZXing and the scanner on the same frames.
double idle_ratio(const std::vector<GrayImage>& scenes, int rounds) {
    std::vector<double> ratios;
    std::vector<std::uint8_t> scratch;
    for (int round = 0; round < rounds; ++round) {
        double qr_ms = 0, zxing_ms = 0;
        for (std::size_t s = 0; s < scenes.size(); ++s) {
            QrScanner scanner;  // a camera looking at this scene
            for (int k = 0; k < kIdleClip; ++k) {
                const GrayImage frame = with_noise(scenes[s], 2.0, s * 1000 + static_cast<std::uint64_t>(k) + 1);
                auto t0 = Clock::now();
                (void)decode_qr_pass(frame.view(), QrPass::zxing_defaults(), scratch);
                zxing_ms += ms_since(t0);
                t0 = Clock::now();
                (void)scanner.scan(frame.view());
                qr_ms += ms_since(t0);
            }
        }
        ratios.push_back(zxing_ms > 0 ? qr_ms / zxing_ms : 0);
    }
    return median(ratios);
}

// One camera's threads on a 25 fps 720p MJPEG stream of an empty lane, as gatewayd runs it.
Result<double> idle_cpu_pct(std::chrono::seconds run) {
    std::vector<std::vector<std::uint8_t>> parts;
    for (std::uint64_t k = 0; k < 10; ++k) {
        camsim::Shot shot;
        shot.seed = 5;
        auto empty = camsim::render_empty(shot);
        if (!empty) return unexpected(empty.error());
        auto jpeg = encode_jpeg(with_noise(*empty, 2.0, k + 1), 80);
        if (!jpeg) return unexpected(jpeg.error());
        parts.push_back(std::move(*jpeg));
    }
    camsim::MjpegServer server({25.0, 4});
    server.add_stream("/lane", [&](std::uint64_t frame) { return parts[frame % parts.size()]; });
    if (auto started = server.start(); !started) return unexpected(started.error());
    auto spec = parse_camera_spec(server.url("/lane"));
    if (!spec) return unexpected(spec.error());
    CameraQrSource camera(*spec, nullptr, CameraOptions{}, {});
    camera.start();
    std::this_thread::sleep_for(std::chrono::seconds{1});  // connected and settled
    const auto before = camera.stats();
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(run);
    const auto after = camera.stats();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    camera.stop();
    if (after.frames_captured - before.frames_captured < 10)
        return failure("idle camera: only " + std::to_string(after.frames_captured - before.frames_captured) + " frames");
    return 100.0 * ((after.capture_cpu_s - before.capture_cpu_s) + (after.decode_cpu_s - before.decode_cpu_s)) / wall;
}

}  // namespace

int run_vision_bench(Report& report, const BenchOptions& options) {
    const int rounds = options.quick ? 1 : 3;

    if (!options.plates_dir.empty()) return run_plate_bench(report, options);
    if (options.qr_dir.empty() && run_plate_bench(report, options) != 0) return 1;
    if (!options.qr_dir.empty()) {
        auto frames = load_folder(options.qr_dir, report);
        if (!frames) {
            report.note(frames.error().message);
            return 1;
        }
        report_set(report, "qr:" + options.qr_dir, measure_set(*frames, rounds));
        return 0;
    }

    std::vector<GrayImage> idle_scenes;
    const auto shared = shared_qr_dir();
    if (shared.empty()) {
        report.note("../shared/data/qr is absent: no figures for the shared real photos and camera frames");
    } else {
        std::vector<std::filesystem::path> folders;
        for (const auto& entry : std::filesystem::directory_iterator(shared))
            if (std::filesystem::is_regular_file(entry.path() / "manifest.tsv")) folders.push_back(entry.path());
        std::sort(folders.begin(), folders.end());
        for (const auto& folder : folders) {
            auto frames = load_folder(folder, report);
            if (!frames) {
                report.note(frames.error().message);
                continue;
            }
            report_set(report, "shared/" + folder.filename().string(), measure_set(*frames, rounds));
            for (auto& f : *frames)
                if (f.expected.empty() && f.image.width >= 640) idle_scenes.push_back(std::move(f.image));
        }
    }

    const int per_kind = options.quick ? 3 : 10;
    std::map<std::string, std::vector<Labelled>> rendered;
    std::uint64_t n = 0;
    for (const auto& named : camsim::rendered_set(per_kind, 7)) {
        const auto payload = pass_payload(++n);
        auto frame = camsim::render_shot(payload, named.shot);
        if (!frame) {
            report.note(named.kind + ": " + frame.error().message);
            return 1;
        }
        rendered[named.kind].push_back({std::move(*frame), payload});
    }
    for (const auto& [kind, frames] : rendered) report_set(report, "rendered/" + kind, measure_set(frames, rounds));

    for (std::uint64_t seed = 1; seed <= (options.quick ? 1u : 3u); ++seed) {
        camsim::Shot shot;
        shot.seed = seed * 11;
        shot.noise_sigma = 0;
        if (auto empty = camsim::render_empty(shot)) idle_scenes.push_back(std::move(*empty));
    }
    report.figure("vision", "idle_ms_ratio_to_zxing", idle_ratio(idle_scenes, rounds), "ratio", "idle");
    auto cpu = idle_cpu_pct(std::chrono::seconds{options.quick ? 2 : 5});
    if (!cpu) {
        report.note(cpu.error().message);
        return 1;
    }
    report.figure("vision", "idle_cpu_per_camera_pct", *cpu, "%", "idle");
    return 0;
}

}  // namespace gw::bench
