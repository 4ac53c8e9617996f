#pragma once
// Measures the QR reader on a folder of labelled images: how many it reads and how long a
// frame takes. For the benchmarks (gwbench) and for checking a site's own sample frames;
// never on the lane path. Blocking file I/O; call from a tool's main thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/vision/qr_reader.h"

namespace gw::vision {

struct QrDatasetItem {
    std::string image;      ///< Path relative to the dataset folder, as the manifest names it.
    bool has_code = false;  ///< The manifest expects a code in this image.
    bool loaded = false;    ///< The image file could be read.
    bool correct = false;   ///< A decoded payload (raw bytes, or its UTF-8 text) equals the expected text.
    bool misread = false;   ///< Something else was decoded: wrong text, or a code in a frame without one.
    int width = 0;
    int height = 0;
    double decode_ms = 0;  ///< Time spent in QrReader::read (image loading excluded).
};

struct QrDatasetStats {
    int images = 0;         ///< Rows evaluated (skipped rows excluded).
    int with_code = 0;      ///< Of those, rows that expect a code.
    int correct = 0;        ///< Rows with a code read correctly.
    int misread = 0;        ///< Rows where something other than the expected text was decoded.
    int load_failures = 0;  ///< Rows whose image could not be read (counted as not read).
    int skipped = 0;        ///< Structured-append parts (several images sharing one expected file).
    double total_decode_ms = 0;
    double mean_decode_ms = 0;  ///< Over loaded images.
    double max_decode_ms = 0;
    QrReaderStats reader;  ///< The reader's own counters over the run.
    std::vector<QrDatasetItem> items;
};

/// One labelled image of a dataset.
struct QrManifestRow {
    std::string image;     ///< Path relative to the dataset folder.
    std::string expected;  ///< The expected payload; empty: the image holds no code.
};

struct QrManifest {
    std::vector<QrManifestRow> rows;
    int skipped = 0;  ///< Structured-append parts (several images sharing one expected file).
};

/// Reads `dir`/manifest.tsv (the layout evaluate_qr_dataset describes), resolving
/// `expected_file` entries. Fails when the manifest is missing, its header is neither form,
/// a row has fewer than two columns, or an expected file cannot be read.
Result<QrManifest> load_qr_manifest(const std::filesystem::path& dir);

/// Reads `dir`/manifest.tsv, a tab-separated file with a header line whose first column is
/// `image` (a path relative to `dir`) and whose second column is either
///  - `expected`: the expected text itself (empty: the image holds no code), or
///  - `expected_file`: a path relative to `dir` holding the expected text as raw bytes.
/// Further columns are ignored. Decodes every image once with a QrReader(options).
/// Fails when the manifest is missing or its header is neither form; a missing image is
/// counted in load_failures, not a failure.
Result<QrDatasetStats> evaluate_qr_dataset(const std::filesystem::path& dir, QrReaderOptions options = {});

}  // namespace gw::vision
