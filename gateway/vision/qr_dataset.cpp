#include "gateway/vision/qr_dataset.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string_view>

namespace gw::vision {
namespace {

std::vector<std::string> split_tabs(std::string_view line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const auto tab = line.find('\t', start);
        fields.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return fields;
}

Result<std::string> read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return failure(file.string() + ": cannot open");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Row {
    std::string image;
    std::string expected;
    std::string expected_file;  // empty for the literal form
};

}  // namespace

Result<QrManifest> load_qr_manifest(const std::filesystem::path& dir) {
    const auto manifest_path = dir / "manifest.tsv";
    auto manifest = read_file(manifest_path);
    if (!manifest) return unexpected(manifest.error());

    std::istringstream lines(*manifest);
    std::string line;
    if (!std::getline(lines, line)) return failure(manifest_path.string() + ": empty manifest");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto header = split_tabs(line);
    if (header.size() < 2 || header[0] != "image" || (header[1] != "expected" && header[1] != "expected_file"))
        return failure(manifest_path.string() +
                       ": header must start with image<TAB>expected or image<TAB>expected_file");
    const bool literal = header[1] == "expected";

    std::vector<Row> rows;
    std::map<std::string, int> uses_of_file;
    for (int number = 2; std::getline(lines, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto fields = split_tabs(line);
        if (fields.size() < 2 || fields[0].empty())
            return failure(manifest_path.string() + ":" + std::to_string(number) + ": expected at least two columns");
        Row row{fields[0], literal ? fields[1] : std::string(), literal ? std::string() : fields[1]};
        if (!literal) ++uses_of_file[row.expected_file];
        rows.push_back(std::move(row));
    }

    QrManifest out;
    for (auto& row : rows) {
        // Several images sharing one expected file are the parts of a structured-append
        // sequence; each part decodes to a fragment, and our passes never use the feature.
        if (!literal && uses_of_file[row.expected_file] > 1) {
            ++out.skipped;
            continue;
        }
        if (!literal) {
            auto text = read_file(dir / row.expected_file);
            if (!text) return unexpected(text.error());
            row.expected = std::move(*text);
        }
        out.rows.push_back({std::move(row.image), std::move(row.expected)});
    }
    return out;
}

Result<QrDatasetStats> evaluate_qr_dataset(const std::filesystem::path& dir, QrReaderOptions options) {
    auto manifest = load_qr_manifest(dir);
    if (!manifest) return unexpected(manifest.error());
    QrDatasetStats stats;
    stats.skipped = manifest->skipped;
    QrReader reader(options);
    for (const auto& row : manifest->rows) {
        QrDatasetItem item;
        item.image = row.image;
        item.has_code = !row.expected.empty();
        ++stats.images;
        if (item.has_code) ++stats.with_code;

        auto image = load_gray(dir / row.image);
        if (!image) {
            ++stats.load_failures;
            stats.items.push_back(std::move(item));
            continue;
        }
        item.loaded = true;
        item.width = image->width;
        item.height = image->height;
        const auto t0 = std::chrono::steady_clock::now();
        const auto reads = reader.read(*image);
        item.decode_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

        item.correct = item.has_code && std::any_of(reads.begin(), reads.end(), [&](const QrRead& r) {
                           return r.payload == row.expected || r.text == row.expected;
                       });
        item.misread = !reads.empty() && !item.correct;
        if (item.correct) ++stats.correct;
        if (item.misread) ++stats.misread;
        stats.total_decode_ms += item.decode_ms;
        stats.max_decode_ms = std::max(stats.max_decode_ms, item.decode_ms);
        stats.items.push_back(std::move(item));
    }
    const int loaded = stats.images - stats.load_failures;
    stats.mean_decode_ms = loaded > 0 ? stats.total_decode_ms / loaded : 0.0;
    stats.reader = reader.stats();
    return stats;
}

}  // namespace gw::vision
