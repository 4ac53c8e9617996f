#pragma once
// Reading Chinese plates (GA 36) from camera images with the model the project trains itself
// (tools/plates, models/README.md), run by OpenCV's dnn module on the CPU.
//
// Vision knows nothing of credentials: the text it returns is what the model saw, not a
// checked plate. The caller checks it against the GA 36 rules (credential::parse_plate in
// gateway/credential/plate.h) and decides from the per-character confidences what to trust.
//
// Threading: a PlateRecognizer or PlateReader belongs to one capture/decode thread; read()
// is not reentrant (cv::dnn::Net keeps its buffers between calls). Loading is blocking file
// I/O: do it at start-up, not on a network thread.
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/vision/frame_effects.h"
#include "gateway/vision/plate_image.h"
#include "gateway/vision/plate_locator.h"

namespace gw::vision {

/// One character as read: its UTF-8 text ("浙", "A", "7", "挂") and the model's probability
/// for it (0..1, the peak softmax value over the time steps that produced it).
struct PlateChar {
    std::string text;
    float confidence = 0;
};

struct PlateText {
    std::string text;              ///< The characters joined, e.g. "浙F12345"; may be empty.
    std::vector<PlateChar> chars;  ///< One per character of text, left to right.
    /// The lowest character confidence (0 when nothing was read): one bad character makes a
    /// bad plate.
    float confidence() const;
};

/// The recogniser: a rectified plate crop in, text out (greedy CTC decoding).
class PlateRecognizer {
public:
    /// Loads the ONNX model (models/plate_ocr.onnx) and checks that it is one: a 1x3x32x96
    /// input and a [1, 69, 1, T] output. Fails with kNotFound for a missing file, kInvalid
    /// for a file OpenCV cannot import or a model of another shape.
    static Result<PlateRecognizer> load(const std::filesystem::path& onnx);

    /// Reads a crop whose four sides are the plate's edges (a little margin is fine).
    /// `rows` kAuto decides single or double row from the crop's height/width (>= 0.4:
    /// double). An empty crop reads as empty text. About 1-4 ms on one core here.
    PlateText read(BgrView crop, PlateRows rows = PlateRows::kAuto);

    PlateRecognizer(PlateRecognizer&&) noexcept;
    PlateRecognizer& operator=(PlateRecognizer&&) noexcept;
    ~PlateRecognizer();

private:
    struct Impl;
    explicit PlateRecognizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct PlateReaderOptions {
    /// Candidates recognised per frame at most (the most plate-like first): bounds the time
    /// of a busy frame.
    int max_candidates = 4;
    /// A candidate whose text is not 7 or 8 characters, or whose lowest character confidence
    /// is below this, is no plate and is dropped.
    float min_confidence = 0.3f;
};

struct PlateRead {
    PlateText text;
    std::array<PointF, 4> corners{};  ///< In the frame: top-left, top-right, bottom-right, bottom-left.
    PlateColour colour = PlateColour::kBlue;
    PlateRows rows = PlateRows::kSingle;
};

/// Sets the worker threads of OpenCV (cv::setNumThreads) for the whole process: 1 for a
/// measurement on one core, or for a box whose cores belong to the lanes. Call at start-up.
void limit_opencv_threads(int threads);

/// Locator + recogniser for whole frames.
class PlateReader {
public:
    PlateReader(PlateRecognizer recognizer, PlateReaderOptions options = {});

    /// The plates read in `frame`, most confident first; empty for an empty frame or one
    /// without a plate-coloured region (the cheap case: no recognition runs).
    std::vector<PlateRead> read(BgrView frame);
    /// The recogniser alone, for crops that need no locating.
    PlateRecognizer& recognizer() { return recognizer_; }
    /// Gives the recogniser back (the reader is empty afterwards).
    PlateRecognizer release_recognizer() && { return std::move(recognizer_); }

private:
    PlateRecognizer recognizer_;
    PlateReaderOptions options_;
};

}  // namespace gw::vision
