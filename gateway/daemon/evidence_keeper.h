#pragma once
// Where a lane input's frames go: the JPEG a reading came from (a QR camera's payload; a plate
// camera's crop uses the same hook) and the last frame before a camera was lost, kept in the
// gateway's evidence store (gateway/evidence) so that the console shows what each decision and
// alert came from. A keeper without a store (evidence-budget-mb = 0) keeps nothing.
//
// Threading: keep() runs on the input's own thread (a camera's decode thread, below the lanes'
// priority), never on a lane's strand or a network thread: it writes the file there, after the
// reading has gone on to the lane with its id, so a decision never waits for the write.
// A keeper is a small value, safe to copy into callbacks; the store is thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace gw::evidence {
class EvidenceStore;
}

namespace gw::daemon {

/// A frame as a JPEG, encoded when called (on the input's own thread); an empty result: no frame.
using FrameJpeg = std::function<std::vector<std::uint8_t>()>;

/// JPEG quality of evidence frames: a 720p gray frame is ~60-90 KB, a plate still readable.
inline constexpr int kEvidenceJpegQuality = 80;

class EvidenceKeeper {
public:
    EvidenceKeeper() = default;
    /// `log` hears of a frame that could not be written (one line, no personal data).
    EvidenceKeeper(std::shared_ptr<evidence::EvidenceStore> store, std::function<void(std::string_view)> log)
        : store_(std::move(store)), log_(std::move(log)) {}

    bool enabled() const { return store_ != nullptr; }

    /// Reserves an id for the frame and calls `hand_over` with it at once (nullopt when nothing
    /// is kept: no store, or `jpeg` an empty function), which must only post the reading on;
    /// then encodes (`jpeg()`) and writes the frame on this thread. An empty JPEG or a write
    /// that fails is logged and its id stays unknown (the console answers 404 for it, as for a
    /// frame evicted since).
    void keep(const FrameJpeg& jpeg, const std::function<void(std::optional<std::uint64_t>)>& hand_over) const;

private:
    std::shared_ptr<evidence::EvidenceStore> store_;
    std::function<void(std::string_view)> log_;
};

}  // namespace gw::daemon
