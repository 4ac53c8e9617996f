#pragma once
// The frames decisions and alerts came from (the JPEG of the frame a decision's payload was
// read from, the last frame before a CAMERA_LOST), kept under the state dir within a byte
// budget, as camera and ANPR consoles do. Each frame gets an id (a number, increasing); the
// lane report and the console name a frame only by that id, never by a path.
//
//   STATE/evidence/000000000042.jpg      one file per frame, its id in the name
//
// The oldest frames are evicted when a new one would exceed the budget, and counted. A frame
// larger than the whole budget is refused (ErrorKind::kTooLarge). open() resumes from the files
// there (ids keep increasing across restarts).
//
// Threading: every call is thread-safe (one mutex) and put()/get() do blocking file I/O:
// call them off the lanes' strands (the writes pool), never on a network thread.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"

namespace gw::evidence {

struct EvidenceId {
    std::uint64_t value = 0;
    friend bool operator==(const EvidenceId&, const EvidenceId&) = default;
};

/// An id as the console's URL carries it: decimal digits only, 1..20 of them, not zero;
/// anything else (a path, a sign, blanks) is refused (ErrorKind::kInvalid).
Result<EvidenceId> parse_evidence_id(std::string_view text);

struct EvidenceStats {
    std::uint64_t frames = 0;   ///< kept now
    std::uint64_t bytes = 0;    ///< their size
    std::uint64_t evicted = 0;  ///< removed to stay within the budget, since open()
    std::uint64_t refused = 0;  ///< too large for the budget, or not written (I/O error)
};

class EvidenceStore {
public:
    /// Creates `dir` if needed (0700) and reads what is there. Fails (kIo) when it cannot.
    static Result<std::unique_ptr<EvidenceStore>> open(const std::filesystem::path& dir, std::uint64_t budget_bytes);

    /// Keeps `jpeg`; returns its id. Evicts the oldest frames first if needed.
    Result<EvidenceId> put(const std::vector<std::uint8_t>& jpeg);
    /// The next id, handed out before its frame is written (no file I/O, only the mutex): a
    /// lane's reading goes on with the id at once while the frame is written after it
    /// (put(id, jpeg)). Until then, and for ever if that write fails, get(id) is kNotFound.
    EvidenceId reserve();
    /// Keeps `jpeg` under an id from reserve(), as put(jpeg) does.
    Result<EvidenceId> put(EvidenceId id, const std::vector<std::uint8_t>& jpeg);
    /// The frame's bytes; kNotFound when it was never kept or has been evicted.
    Result<std::vector<std::uint8_t>> get(EvidenceId id) const;
    EvidenceStats stats() const;

private:
    EvidenceStore(std::filesystem::path dir, std::uint64_t budget) : dir_(std::move(dir)), budget_(budget) {}
    std::filesystem::path file_of(EvidenceId id) const;

    std::filesystem::path dir_;
    std::uint64_t budget_;
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::uint64_t> sizes_;  // id -> bytes, oldest first
    std::uint64_t next_ = 1;
    EvidenceStats stats_;
};

}  // namespace gw::evidence
