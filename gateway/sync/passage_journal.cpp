#include "gateway/sync/passage_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "gateway/sync/log_format.h"

namespace gw::sync {
namespace {

constexpr std::uint8_t kMagic[4] = {'G', 'W', 'J', '1'};
constexpr std::size_t kHeader = 4 + 4 + 8;
constexpr std::size_t kCheck = 8;
// An event is a few hundred bytes; anything near this is damage, not an event.
constexpr std::uint32_t kMaxRecord = 1u << 20;

void put_be(Bytes& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint64_t get_be(const std::uint8_t* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
    return v;
}
std::array<std::uint8_t, kCheck> check_of(const std::uint8_t* seq_and_data, std::size_t n) {
    const auto h = sha256(ByteView(seq_and_data, n));
    std::array<std::uint8_t, kCheck> c{};
    std::copy_n(h.begin(), kCheck, c.begin());
    return c;
}

std::string errno_text(const std::filesystem::path& path, const char* what) {
    return "passage journal " + path.string() + ": " + what + ": " + std::strerror(errno);
}

Result<void> sync_dir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return failure(errno_text(dir, "open directory"));
    const int r = ::fsync(fd);
    const auto saved = errno;
    ::close(fd);
    errno = saved;
    if (r != 0) return failure(errno_text(dir, "fsync directory"));
    return {};
}

}  // namespace

Bytes encode_journal_record(std::uint64_t seq, ByteView data) {
    Bytes out(kMagic, kMagic + 4);
    out.reserve(kHeader + data.size() + kCheck);
    put_be(out, data.size(), 4);
    put_be(out, seq, 8);
    out.insert(out.end(), data.begin(), data.end());
    const auto check = check_of(out.data() + 8, 8 + data.size());
    out.insert(out.end(), check.begin(), check.end());
    return out;
}

std::vector<JournalRecord> decode_journal(ByteView bytes) {
    std::vector<JournalRecord> out;
    std::size_t at = 0;
    while (bytes.size() - at >= kHeader + kCheck) {
        const auto* p = bytes.data() + at;
        if (!std::equal(kMagic, kMagic + 4, p)) break;
        const auto length = static_cast<std::uint32_t>(get_be(p + 4, 4));
        if (length > kMaxRecord || bytes.size() - at - kHeader - kCheck < length) break;  // torn
        const auto check = check_of(p + 8, 8 + length);
        if (!std::equal(check.begin(), check.end(), p + kHeader + length)) break;  // damaged
        out.push_back({get_be(p + 8, 8), Bytes(p + kHeader, p + kHeader + length)});
        at += kHeader + length + kCheck;
    }
    return out;
}

Result<std::unique_ptr<PassageJournal>> PassageJournal::open(const std::filesystem::path& dir, std::size_t files) {
    if (files == 0) return failure("passage journal: needs at least one file");
    std::error_code ec;
    const bool existed = std::filesystem::exists(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec) return failure("passage journal " + dir.string() + ": cannot create: " + ec.message());
    // Files left by a run with more writers are opened too: their records count.
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (name.starts_with("journal-") && name.size() <= 12 &&
            name.find_first_not_of("0123456789", 8) == std::string::npos && name.size() > 8)
            files = std::max<std::size_t>(files, std::stoul(name.substr(8)) + 1);
    }
    std::unique_ptr<PassageJournal> j(new PassageJournal(dir));
    bool created = !existed;
    for (std::size_t i = 0; i < files; ++i) {
        const auto path = j->path_of(i);
        created = created || !std::filesystem::exists(path, ec);
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return failure(errno_text(path, "open"));
        j->fds_.push_back(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0) return failure(errno_text(path, "stat"));
        j->sizes_.push_back(static_cast<std::uint64_t>(st.st_size));
        j->max_seq_.push_back(st.st_size ? UINT64_MAX : 0);  // unknown until read: never "ready to empty"
        j->free_.push_back(i);
    }
    // A file made now must still be there after a power cut, or its first record would be lost
    // with the directory entry.
    if (created) {
        if (auto ok = sync_dir(dir); !ok) return unexpected(ok.error());
        if (!existed)
            if (auto ok = sync_dir(dir.parent_path().empty() ? "." : dir.parent_path()); !ok) return unexpected(ok.error());
    }
    return j;
}

PassageJournal::~PassageJournal() {
    for (const int fd : fds_) ::close(fd);
}

std::filesystem::path PassageJournal::path_of(std::size_t index) const {
    return dir_ / ("journal-" + std::to_string(index));
}

PassageJournal::File PassageJournal::take() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !free_.empty(); });
    const auto index = free_.back();
    free_.pop_back();
    return File(*this, index);
}

std::optional<PassageJournal::File> PassageJournal::take_full(std::uint64_t bytes, std::uint64_t through) {
    std::lock_guard lock(mutex_);
    for (auto it = free_.begin(); it != free_.end(); ++it)
        if (sizes_[*it] >= bytes && max_seq_[*it] <= through) {
            const auto index = *it;
            free_.erase(it);
            return File(*this, index);
        }
    return std::nullopt;
}

void PassageJournal::give_back(std::size_t index) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(index);
    }
    freed_.notify_one();
}

PassageJournal::File::File(File&& other) noexcept : journal_(std::exchange(other.journal_, nullptr)), index_(other.index_) {}

PassageJournal::File::~File() {
    if (journal_) journal_->give_back(index_);
}

Result<void> PassageJournal::File::append(std::uint64_t seq, ByteView data) {
    const auto record = encode_journal_record(seq, data);
    const int fd = journal_->fds_[index_];
    std::size_t done = 0;
    while (done < record.size()) {
        const auto n = ::write(fd, record.data() + done, record.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            // A partial record is a torn tail: decode_journal() stops there, and so must the
            // next append, so the file is cut back to where this record began.
            const auto saved = errno;
            if (::ftruncate(fd, static_cast<off_t>(journal_->sizes_[index_])) != 0) {}
            errno = saved;
            return failure(errno_text(journal_->path_of(index_), "write"));
        }
        done += static_cast<std::size_t>(n);
    }
    journal_->sizes_[index_] += record.size();
    journal_->max_seq_[index_] = std::max(journal_->max_seq_[index_], seq);
    if (::fdatasync(fd) != 0) return failure(errno_text(journal_->path_of(index_), "fdatasync"));
    return {};
}

std::uint64_t PassageJournal::File::size() const { return journal_->sizes_[index_]; }

Result<void> PassageJournal::File::clear() { return journal_->clear_file(index_); }

Result<void> PassageJournal::clear_file(std::size_t index) {
    const int fd = fds_[index];
    if (::ftruncate(fd, 0) != 0) return failure(errno_text(path_of(index), "truncate"));
    sizes_[index] = 0;
    max_seq_[index] = 0;
    if (::fdatasync(fd) != 0) return failure(errno_text(path_of(index), "fdatasync"));
    return {};
}

Result<std::vector<JournalRecord>> PassageJournal::read_all() const {
    std::vector<JournalRecord> all;
    for (std::size_t i = 0; i < fds_.size(); ++i) {
        Bytes bytes(sizes_[i]);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const auto n = ::pread(fds_[i], bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return failure(errno_text(path_of(i), "read"));
            if (n == 0) break;
            done += static_cast<std::size_t>(n);
        }
        bytes.resize(done);
        for (auto& r : decode_journal(bytes)) all.push_back(std::move(r));
    }
    std::sort(all.begin(), all.end(), [](const JournalRecord& a, const JournalRecord& b) { return a.seq < b.seq; });
    return all;
}

Result<void> PassageJournal::clear_all() {
    for (std::size_t i = 0; i < fds_.size(); ++i)
        if (sizes_[i] != 0)
            if (auto ok = clear_file(i); !ok) return ok;
    return {};
}

}  // namespace gw::sync
