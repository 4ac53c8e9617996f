#include "gateway/vision/plate_reader.h"

#include <algorithm>
#include <cmath>
#include <system_error>

#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace gw::vision {
namespace {

// The model's contract (tools/plates/render.py and train.py; models/README.md): change
// them together or not at all.
constexpr int kLineH = 32, kLineW = 96;
constexpr double kDoubleSplit = 0.36;                      // render.DOUBLE_SPLIT
constexpr double kDoubleTopX0 = 0.2, kDoubleTopX1 = 0.8;   // render.DOUBLE_TOP_X
constexpr int kDoubleTopW = 40;                            // render.DOUBLE_TOP_W
constexpr float kDoubleAspect = 0.4f;                      // height/width at or above: double row
// render.ALPHABET, one UTF-8 character per class; class 0 is the CTC blank.
constexpr std::array<std::string_view, 68> kAlphabet{
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣", "鄂",
    "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼", "0",  "1",  "2",
    "3",  "4",  "5",  "6",  "7",  "8",  "9",  "A",  "B",  "C",  "D",  "E",  "F",  "G",  "H",  "J",
    "K",  "L",  "M",  "N",  "P",  "Q",  "R",  "S",  "T",  "U",  "V",  "W",  "X",  "Y",  "Z",  "学",
    "警", "挂"};
constexpr int kClasses = static_cast<int>(kAlphabet.size()) + 1;

cv::Mat as_mat(BgrView v) {
    return cv::Mat(v.height, v.width, CV_8UC3, const_cast<std::uint8_t*>(v.data), static_cast<std::size_t>(v.stride));
}

// Python rounds half to even; std::nearbyint does too in the default rounding mode, so the
// split falls on the same pixel row as in training.
int py_round(double v) { return static_cast<int>(std::nearbyint(v)); }

// Where a double-row crop's rows part: the quietest band of rows (least vertical-edge ink)
// between 25 % and 50 % of the height, when it is clearly quieter than the plate on average;
// else render.DOUBLE_SPLIT. A locator's crop with a looser top margin than training's moves
// the gap, and a top row cut through its characters reads as nothing.
int double_row_split(const cv::Mat& crop) {
    const int h = crop.rows;
    const int fixed = std::clamp(py_round(h * kDoubleSplit), 1, h - 1);
    if (h < 12) return fixed;
    cv::Mat gray, gx, profile;
    cv::cvtColor(crop, gray, cv::COLOR_BGR2GRAY);
    cv::Sobel(gray, gx, CV_32F, 1, 0, 3);
    gx = cv::abs(gx);
    cv::reduce(gx, profile, 1, cv::REDUCE_AVG, CV_32F);
    cv::blur(profile, profile, {1, 3});
    const float mean = static_cast<float>(cv::mean(profile)[0]);
    int best = fixed;
    float lowest = profile.at<float>(fixed);
    for (int y = h / 4; y <= h / 2; ++y)
        if (profile.at<float>(y) < lowest) lowest = profile.at<float>(y), best = y;
    return lowest < 0.35f * mean ? std::clamp(best, 1, h - 1) : fixed;
}

// render.to_line: the plate as one 96x32 line; a double-row plate's top row (its middle,
// where the two characters are) is set left of its bottom row.
cv::Mat to_line(const cv::Mat& crop, bool double_row) {
    cv::Mat line;
    if (!double_row) {
        cv::resize(crop, line, {kLineW, kLineH}, 0, 0, cv::INTER_AREA);
        return line;
    }
    const int h = crop.rows, w = crop.cols;
    const int split = double_row_split(crop);
    const int x0 = py_round(w * kDoubleTopX0), x1 = std::max(x0 + 1, py_round(w * kDoubleTopX1));
    cv::Mat top, bottom;
    cv::resize(crop(cv::Range(0, split), cv::Range(x0, x1)), top, {kDoubleTopW, kLineH}, 0, 0, cv::INTER_AREA);
    cv::resize(crop(cv::Range(split, h), cv::Range::all()), bottom, {kLineW - kDoubleTopW, kLineH}, 0, 0,
               cv::INTER_AREA);
    cv::hconcat(top, bottom, line);
    return line;
}

}  // namespace

float PlateText::confidence() const {
    if (chars.empty()) return 0;
    float lowest = 1;
    for (const auto& c : chars) lowest = std::min(lowest, c.confidence);
    return lowest;
}

struct PlateRecognizer::Impl {
    cv::dnn::Net net;
    cv::Mat blob, out;
};

PlateRecognizer::PlateRecognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PlateRecognizer::PlateRecognizer(PlateRecognizer&&) noexcept = default;
PlateRecognizer& PlateRecognizer::operator=(PlateRecognizer&&) noexcept = default;
PlateRecognizer::~PlateRecognizer() = default;

Result<PlateRecognizer> PlateRecognizer::load(const std::filesystem::path& onnx) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(onnx, ec)) return failure(onnx.string() + ": no such file", ErrorKind::kNotFound);
    auto impl = std::make_unique<Impl>();
    try {
        impl->net = cv::dnn::readNetFromONNX(onnx.string());
        impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        // One forward pass now: a model of another shape is refused at start-up, not on
        // the first car.
        impl->net.setInput(cv::Mat(std::vector<int>{1, 3, kLineH, kLineW}, CV_32F, cv::Scalar(0)));
        impl->out = impl->net.forward();
    } catch (const cv::Exception& e) {
        return failure(onnx.string() + ": not a model OpenCV can run: " + e.err);
    }
    if (impl->out.dims != 4 || impl->out.size[0] != 1 || impl->out.size[1] != kClasses || impl->out.size[2] != 1)
        return failure(onnx.string() + ": not a plate recogniser (expected a [1, 69, 1, T] output)");
    return PlateRecognizer(std::move(impl));
}

PlateText PlateRecognizer::read(BgrView crop, PlateRows rows) {
    if (crop.empty()) return {};
    const cv::Mat image = as_mat(crop);
    const bool double_row = rows == PlateRows::kDouble ||
                            (rows == PlateRows::kAuto &&
                             static_cast<float>(crop.height) >= kDoubleAspect * static_cast<float>(crop.width));
    // (x - 127.5) / 127.5, as train.to_tensor.
    cv::dnn::blobFromImage(to_line(image, double_row), impl_->blob, 1.0 / 127.5, cv::Size(),
                           cv::Scalar(127.5, 127.5, 127.5), false, false, CV_32F);
    impl_->net.setInput(impl_->blob);
    impl_->out = impl_->net.forward();
    const int steps = impl_->out.size[3];
    const float* logits = impl_->out.ptr<float>();  // [class][step], contiguous

    // Greedy CTC: the best class per step, repeats collapsed, blanks dropped. A character's
    // confidence is its peak probability over the steps that produced it.
    PlateText result;
    int previous = 0;
    for (int t = 0; t < steps; ++t) {
        int best = 0;
        float best_logit = logits[t], max_logit = logits[t];
        for (int k = 1; k < kClasses; ++k) {
            const float v = logits[k * steps + t];
            if (v > best_logit) best_logit = v, best = k;
            max_logit = std::max(max_logit, v);
        }
        double sum = 0;
        for (int k = 0; k < kClasses; ++k) sum += std::exp(logits[k * steps + t] - max_logit);
        const float p = static_cast<float>(1.0 / sum);  // softmax of the best class
        if (best != 0 && best != previous)
            result.chars.push_back({std::string(kAlphabet[static_cast<std::size_t>(best - 1)]), p});
        else if (best != 0)
            result.chars.back().confidence = std::max(result.chars.back().confidence, p);
        previous = best;
    }
    for (const auto& c : result.chars) result.text += c.text;
    return result;
}

void limit_opencv_threads(int threads) { cv::setNumThreads(threads); }

PlateReader::PlateReader(PlateRecognizer recognizer, PlateReaderOptions options)
    : recognizer_(std::move(recognizer)), options_(options) {}

std::vector<PlateRead> PlateReader::read(BgrView frame) {
    std::vector<PlateRead> reads;
    for (auto& candidate : locate_plates(frame, options_.max_candidates)) {
        auto text = recognizer_.read(candidate.crop.view(), candidate.rows);
        if (text.chars.size() < 7 || text.chars.size() > 8 || text.confidence() < options_.min_confidence) continue;
        reads.push_back({std::move(text), candidate.corners, candidate.colour, candidate.rows});
    }
    std::sort(reads.begin(), reads.end(),
              [](const auto& a, const auto& b) { return a.text.confidence() > b.text.confidence(); });
    return reads;
}

}  // namespace gw::vision
