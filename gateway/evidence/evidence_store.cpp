#include "gateway/evidence/evidence_store.h"

#include <cstdio>
#include <fstream>

#include "gateway/core/fail.h"
#include "gateway/core/number.h"

namespace gw::evidence {

Result<EvidenceId> parse_evidence_id(std::string_view text) {
    // Digits only: the id becomes part of a file name, so nothing else may reach it.
    if (text.empty() || text.size() > 20) return failure("bad evidence id", ErrorKind::kInvalid);
    for (const char c : text)
        if (c < '0' || c > '9') return failure("bad evidence id", ErrorKind::kInvalid);
    auto v = parse_unsigned<std::uint64_t>(text, UINT64_MAX);
    if (!v || *v == 0) return failure("bad evidence id", ErrorKind::kInvalid);
    return EvidenceId{*v};
}

Result<std::unique_ptr<EvidenceStore>> EvidenceStore::open(const std::filesystem::path& dir, std::uint64_t budget) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return failure(dir.string() + ": " + ec.message(), ErrorKind::kIo);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    std::unique_ptr<EvidenceStore> s(new EvidenceStore(dir, budget));
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() != ".jpg") continue;
        auto id = parse_evidence_id(entry.path().stem().string());
        if (!id) continue;  // not ours
        const auto size = entry.file_size(ec);
        if (ec) continue;
        s->sizes_[id->value] = size;
        s->stats_.bytes += size;
        s->next_ = std::max(s->next_, id->value + 1);
    }
    if (ec) return failure(dir.string() + ": " + ec.message(), ErrorKind::kIo);
    s->stats_.frames = s->sizes_.size();
    return s;
}

std::filesystem::path EvidenceStore::file_of(EvidenceId id) const {
    char name[32];
    std::snprintf(name, sizeof name, "%012llu.jpg", static_cast<unsigned long long>(id.value));
    return dir_ / name;
}

Result<EvidenceId> EvidenceStore::put(const std::vector<std::uint8_t>& jpeg) { return put(reserve(), jpeg); }

EvidenceId EvidenceStore::reserve() {
    std::lock_guard lock(mutex_);
    return EvidenceId{next_++};
}

Result<EvidenceId> EvidenceStore::put(EvidenceId id, const std::vector<std::uint8_t>& jpeg) {
    std::lock_guard lock(mutex_);
    if (jpeg.size() > budget_) {
        ++stats_.refused;
        return failure("evidence frame of " + std::to_string(jpeg.size()) + " bytes is larger than the budget",
                       ErrorKind::kTooLarge);
    }
    // Oldest first, until the new frame fits.
    std::error_code ec;
    while (!sizes_.empty() && stats_.bytes + jpeg.size() > budget_) {
        const auto [id, size] = *sizes_.begin();
        std::filesystem::remove(file_of(EvidenceId{id}), ec);
        stats_.bytes -= size;
        sizes_.erase(sizes_.begin());
        ++stats_.evicted;
    }
    const auto path = file_of(id);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
        if (!out) {
            ++stats_.refused;
            std::filesystem::remove(path, ec);
            return failure(path.string() + ": cannot write", ErrorKind::kIo);
        }
    }
    sizes_[id.value] = jpeg.size();
    stats_.bytes += jpeg.size();
    stats_.frames = sizes_.size();
    return id;
}

Result<std::vector<std::uint8_t>> EvidenceStore::get(EvidenceId id) const {
    std::lock_guard lock(mutex_);
    const auto it = sizes_.find(id.value);
    if (it == sizes_.end()) return failure("no evidence " + std::to_string(id.value), ErrorKind::kNotFound);
    std::ifstream in(file_of(id), std::ios::binary);
    std::vector<std::uint8_t> bytes(it->second);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) return failure("evidence " + std::to_string(id.value) + ": cannot read", ErrorKind::kIo);
    return bytes;
}

EvidenceStats EvidenceStore::stats() const {
    std::lock_guard lock(mutex_);
    auto s = stats_;
    s.frames = sizes_.size();
    return s;
}

}  // namespace gw::evidence
