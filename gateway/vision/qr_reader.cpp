#include "gateway/vision/qr_reader.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>
#include <ZXing/Result.h>

namespace gw::vision {
namespace {

std::vector<QrRead> to_reads(const ZXing::Results& results, bool inverted) {
    std::vector<QrRead> reads;
    for (const auto& r : results) {
        // With returnErrors off ReadBarcodes returns only valid symbols; the check is cheap
        // insurance against a library change.
        if (!r.isValid()) continue;
        const auto& bytes = r.bytes();
        reads.push_back(QrRead{std::string(bytes.begin(), bytes.end()), r.text(), inverted});
    }
    return reads;
}

}  // namespace

std::vector<QrRead> decode_qr_pass(GrayView frame, const QrPass& pass, std::vector<std::uint8_t>& scratch,
                                   bool* decoder_error) {
    if (frame.empty()) return {};
    if (frame.stride < frame.width) throw std::invalid_argument("decode_qr_pass: stride smaller than width");
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryHarder(pass.try_harder);
    hints.setTryRotate(pass.try_rotate);
    hints.setBinarizer(pass.binarizer == QrBinarizer::kGlobalHistogram ? ZXing::Binarizer::GlobalHistogram
                                                                       : ZXing::Binarizer::LocalAverage);
    hints.setMaxNumberOfSymbols(static_cast<std::uint8_t>(std::clamp(pass.max_codes, 1, 255)));
    ZXing::ImageView view{frame.data, frame.width, frame.height, ZXing::ImageFormat::Lum, frame.stride};
    if (pass.inverted) {
        // zxing-cpp 1.4.0 has no tryInvert: its finder search wants dark-light-dark runs.
        scratch.resize(static_cast<std::size_t>(frame.width) * frame.height);
        for (int y = 0; y < frame.height; ++y) {
            const std::uint8_t* src = frame.data + static_cast<std::size_t>(y) * frame.stride;
            std::uint8_t* dst = scratch.data() + static_cast<std::size_t>(y) * frame.width;
            for (int x = 0; x < frame.width; ++x) dst[x] = static_cast<std::uint8_t>(255 - src[x]);
        }
        view = ZXing::ImageView{scratch.data(), frame.width, frame.height, ZXing::ImageFormat::Lum};
    }
    try {
        return to_reads(ZXing::ReadBarcodes(view, hints), pass.inverted);
    } catch (const std::exception&) {
        if (decoder_error) *decoder_error = true;
        return {};
    }
}

QrReader::QrReader(QrReaderOptions options) : options_(options) {}

std::vector<QrRead> QrReader::read(GrayView frame) {
    counters_.frames.fetch_add(1, std::memory_order_relaxed);
    if (frame.empty()) return {};
    if (frame.stride < frame.width) throw std::invalid_argument("QrReader::read: stride smaller than width");

    QrPass pass{true, true, false, QrBinarizer::kLocalAverage, options_.max_codes};
    bool decoder_error = false;
    counters_.attempts.fetch_add(1, std::memory_order_relaxed);
    auto reads = decode_qr_pass(frame, pass, inverted_, &decoder_error);
    if (reads.empty() && options_.try_inverted && !decoder_error) {
        pass.inverted = true;
        counters_.attempts.fetch_add(1, std::memory_order_relaxed);
        reads = decode_qr_pass(frame, pass, inverted_, &decoder_error);
        if (!reads.empty()) counters_.inverted_reads.fetch_add(1, std::memory_order_relaxed);
    }
    if (decoder_error) {
        // A decoder exception is a library defect on one frame, not a reason to stop the
        // camera thread: the frame yields nothing and the counter makes it visible.
        counters_.decoder_errors.fetch_add(1, std::memory_order_relaxed);
        return {};
    }
    if (!reads.empty()) {
        counters_.frames_with_code.fetch_add(1, std::memory_order_relaxed);
        counters_.codes.fetch_add(reads.size(), std::memory_order_relaxed);
    }
    return reads;
}

std::vector<QrRead> QrReader::read(const GrayImage& frame) {
    if (!frame.valid()) throw std::invalid_argument("QrReader::read: inconsistent GrayImage geometry");
    return read(frame.view());
}

QrReaderStats QrReader::stats() const {
    constexpr auto r = std::memory_order_relaxed;
    return {counters_.frames.load(r), counters_.attempts.load(r),       counters_.frames_with_code.load(r),
            counters_.codes.load(r),  counters_.inverted_reads.load(r), counters_.decoder_errors.load(r)};
}

std::vector<std::string> read_qr(const GrayImage& frame) {
    QrReader reader;
    std::vector<std::string> payloads;
    for (auto& r : reader.read(frame)) payloads.push_back(std::move(r.payload));
    return payloads;
}

}  // namespace gw::vision
