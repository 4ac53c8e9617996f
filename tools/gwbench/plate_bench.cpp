// gwbench vision, plate figures: the plate reader (gw::vision, models/plate_ocr.onnx) on
//   ../shared/data/plates/ccpd-crops   plate_full_accuracy_real, plate_char_accuracy_real
//   ../shared/data/plates/ccpd-scenes  plate_scene_found_real (whole photos: located and read)
//   tests/gateway/vision/plates        plate_full_accuracy_synthetic, one figure per plate kind
//                                      ("kind" key), the held-out fixtures of the model card
//   a 720p frame with a plate          plate_ms_p50 (locate + read, one OpenCV thread; goal <= 30)
//   a still empty 720p lane            plate_idle_ms_p50 (the PlateScanner's gated cost)
// `--plates DIR` measures that folder only: a manifest.csv of `file,plate` (optional `rows`
// 1/2); images wider than kSceneWidth are whole scenes (located, then read), others crops.
// Characters are compared by position (a read of another length counts none right).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/vision/plate_reader.h"
#include "gateway/vision/plate_scanner.h"
#include "tools/gwbench/benches.h"

namespace gw::bench {
namespace {

using namespace gw::vision;
constexpr int kSceneWidth = 400;  // px: wider images are scenes, narrower ones crops

struct Row {
    std::filesystem::path file;
    std::string plate, kind;
    PlateRows rows = PlateRows::kAuto;
};

std::vector<std::string> code_points(const std::string& s) {
    std::vector<std::string> out;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) out.emplace_back();
        if (!out.empty()) out.back() += static_cast<char>(c);
    }
    return out;
}

// One line without its end (the shared manifests end lines with CR LF).
bool next_line(std::istream& in, std::string& line) {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

Result<std::vector<Row>> load_manifest(const std::filesystem::path& dir) {
    std::ifstream in(dir / "manifest.csv");
    if (!in) return failure((dir / "manifest.csv").string() + ": no such file", ErrorKind::kNotFound);
    std::string line;
    next_line(in, line);
    std::vector<std::string> header;
    for (std::stringstream h(line); std::getline(h, line, ',');) header.push_back(line);
    std::vector<Row> rows;
    while (next_line(in, line)) {
        std::map<std::string, std::string> f;
        std::stringstream fields(line);
        for (std::size_t i = 0; i < header.size() && std::getline(fields, line, ','); ++i) f[header[i]] = line;
        if (f["file"].empty() || f["plate"].empty()) continue;
        Row r{dir / f["file"], f["plate"], f["kind"], PlateRows::kAuto};
        if (f["rows"] == "1") r.rows = PlateRows::kSingle;
        if (f["rows"] == "2") r.rows = PlateRows::kDouble;
        rows.push_back(std::move(r));
    }
    return rows;
}

struct Tally {
    int plates = 0, full = 0, chars = 0, chars_right = 0;
    void add(const std::string& read, const std::string& truth) {
        const auto a = code_points(read), b = code_points(truth);
        ++plates;
        full += a == b;
        chars += static_cast<int>(b.size());
        if (a.size() == b.size())
            for (std::size_t i = 0; i < a.size(); ++i) chars_right += a[i] == b[i];
    }
    double full_rate() const { return plates ? static_cast<double>(full) / plates : 0; }
    double char_rate() const { return chars ? static_cast<double>(chars_right) / chars : 0; }
};

// Crops: full and character accuracy per kind ("" when the manifest has none); scenes: found.
struct SetResult {
    std::map<std::string, Tally> crops;
    int scenes = 0, scenes_found = 0;
};

SetResult measure(PlateRecognizer& recognizer, const std::vector<Row>& rows, Report& report) {
    SetResult out;
    PlateReader reader(std::move(recognizer));
    for (const auto& row : rows) {
        auto image = load_bgr(row.file);
        if (!image) {
            report.note(image.error().message + " (skipped)");
            continue;
        }
        if (image->width > kSceneWidth) {
            ++out.scenes;
            for (const auto& read : reader.read(image->view()))
                if (read.text.text == row.plate) {
                    ++out.scenes_found;
                    break;
                }
        } else {
            const auto read = reader.recognizer().read(image->view(), row.rows);
            out.crops[row.kind].add(read.text, row.plate);
            if (!row.kind.empty()) out.crops[""].add(read.text, row.plate);
        }
    }
    recognizer = std::move(reader).release_recognizer();
    return out;
}

std::filesystem::path find_up(const std::filesystem::path& relative) {
    for (const auto* up : {"", "../", "../../", "../../../"}) {
        std::error_code ec;
        const auto p = std::filesystem::path(up) / relative;
        if (std::filesystem::exists(p, ec)) return p;
    }
    return {};
}

BgrImage grey_frame(int width, int height, std::uint8_t level) {
    return {width, height, 3 * width, std::vector<std::uint8_t>(static_cast<std::size_t>(3 * width * height), level)};
}

// A 720p lane with the crop enlarged to 240 px wide at (520, 420).
BgrImage frame_with(const BgrImage& crop) {
    auto frame = grey_frame(1280, 720, 90);
    const int w = 240, h = std::max(1, 240 * crop.height / crop.width);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < 3; ++k)
                frame.pixels[static_cast<std::size_t>((420 + y) * frame.stride + 3 * (520 + x) + k)] =
                    crop.pixels[static_cast<std::size_t>((y * crop.height / h) * crop.stride + 3 * (x * crop.width / w) + k)];
    return frame;
}

void report_crops(Report& report, const SetResult& r, const std::string& set, const std::string& figure_suffix) {
    for (const auto& [kind, t] : r.crops) {
        if (kind.empty() && r.crops.size() > 1) {
            report.figure("vision", "plate_full_accuracy_" + figure_suffix, t.full_rate(), "ratio", set, "all");
        } else if (kind.empty()) {
            report.figure("vision", "plate_full_accuracy_" + figure_suffix, t.full_rate(), "ratio", set);
            report.figure("vision", "plate_char_accuracy_" + figure_suffix, t.char_rate(), "ratio", set);
        } else {
            report.figure("vision", "plate_full_accuracy_" + figure_suffix, t.full_rate(), "ratio", set, kind);
        }
    }
    if (r.scenes) report.figure("vision", "plate_scene_found_" + figure_suffix, static_cast<double>(r.scenes_found) / r.scenes, "ratio", set);
}

}  // namespace

int run_plate_bench(Report& report, const BenchOptions& options) {
    const auto model_path = find_up("models/plate_ocr.onnx");
    if (model_path.empty()) {
        report.note("models/plate_ocr.onnx not found (run gwbench from the repository or its build directory)");
        return 1;
    }
    limit_opencv_threads(1);
    auto recognizer = PlateRecognizer::load(model_path);
    if (!recognizer) {
        report.note(recognizer.error().message);
        return 1;
    }
    if (!options.plates_dir.empty()) {
        auto rows = load_manifest(options.plates_dir);
        if (!rows) {
            report.note(rows.error().message);
            return 1;
        }
        report_crops(report, measure(*recognizer, *rows, report), "plates:" + options.plates_dir, "dir");
        return 0;
    }

    const auto shared = find_up("../shared/data/plates");
    if (shared.empty()) {
        report.note("../shared/data/plates is absent: no real plate figures (ccpd-crops, ccpd-scenes)");
    } else {
        for (const auto* folder : {"ccpd-crops", "ccpd-scenes"}) {
            auto rows = load_manifest(shared / folder);
            if (!rows) {
                report.note(rows.error().message);
                continue;
            }
            report_crops(report, measure(*recognizer, *rows, report), std::string("shared/") + folder, "real");
        }
    }
    const auto fixtures_dir = find_up("tests/gateway/vision/plates");
    std::vector<Row> fixtures;
    if (auto rows = fixtures_dir.empty() ? Result<std::vector<Row>>(failure("no fixtures")) : load_manifest(fixtures_dir))
        fixtures = std::move(*rows);
    else
        report.note("tests/gateway/vision/plates not found: no synthetic figures and no plate_ms_p50");
    if (!fixtures.empty()) report_crops(report, measure(*recognizer, fixtures, report), "synthetic/fixtures", "synthetic");

    PlateReader reader(std::move(*recognizer));
    if (!fixtures.empty()) {
        std::vector<double> ms;
        const int rounds = options.quick ? 1 : 3;
        for (int round = 0; round < rounds; ++round)
            for (const auto& row : fixtures) {
                const auto crop = load_bgr(row.file);
                if (!crop) continue;
                const auto frame = frame_with(*crop);
                const auto t0 = Clock::now();
                (void)reader.read(frame.view());
                ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        report.figure("vision", "plate_ms_p50", median(ms), "ms", "720p");
    }
    PlateScanner scanner(std::move(reader), nullptr);
    const auto empty = grey_frame(1280, 720, 90);
    std::vector<double> idle;
    auto at = PlateScanner::Clock::time_point{};
    for (int i = 0; i < (options.quick ? 50 : 250); ++i) {
        const auto t0 = Clock::now();
        scanner.scan(empty.view(), at += std::chrono::milliseconds(40));
        idle.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    report.figure("vision", "plate_idle_ms_p50", median(idle), "ms", "idle");
    return 0;
}

}  // namespace gw::bench
