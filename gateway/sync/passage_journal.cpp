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

constexpr std::uint8_t kMagic[4] = {'G', 'W', 'J', '2'};
constexpr std::uint8_t kOldMagic[4] = {'G', 'W', 'J', '1'};
constexpr std::size_t kHeader = 4 + 4 + 8 + 8;  // magic, length, floor, seq
constexpr std::size_t kOldHeader = 4 + 4 + 8;   // magic, length, seq
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
std::array<std::uint8_t, kCheck> check_of(const std::uint8_t* covered, std::size_t n) {
    const auto h = sha256(ByteView(covered, n));
    std::array<std::uint8_t, kCheck> c{};
    std::copy_n(h.begin(), kCheck, c.begin());
    return c;
}

DecodedJournal decode_old(ByteView bytes) {
    DecodedJournal out;
    out.old_format = true;
    std::size_t at = 0;
    while (bytes.size() - at >= kOldHeader + kCheck) {
        const auto* p = bytes.data() + at;
        if (!std::equal(kOldMagic, kOldMagic + 4, p)) break;
        const auto length = static_cast<std::uint32_t>(get_be(p + 4, 4));
        if (length > kMaxRecord || bytes.size() - at - kOldHeader - kCheck < length) break;  // torn
        const auto check = check_of(p + 8, 8 + length);
        if (!std::equal(check.begin(), check.end(), p + kOldHeader + length)) break;  // damaged
        out.records.push_back({get_be(p + 8, 8), Bytes(p + kOldHeader, p + kOldHeader + length), 0});
        at += kOldHeader + length + kCheck;
    }
    out.end = at;
    return out;
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

// pwrite until done; the error is errno's text.
Result<void> write_all_at(int fd, ByteView bytes, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            return failure(std::string(std::strerror(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Bytes encode_journal_record(std::uint64_t floor, std::uint64_t seq, ByteView data) {
    Bytes out(kMagic, kMagic + 4);
    out.reserve(kHeader + data.size() + kCheck);
    put_be(out, data.size(), 4);
    put_be(out, floor, 8);
    put_be(out, seq, 8);
    out.insert(out.end(), data.begin(), data.end());
    const auto check = check_of(out.data() + 4, kHeader - 4 + data.size());
    out.insert(out.end(), check.begin(), check.end());
    return out;
}

Bytes encode_journal_record_v1(std::uint64_t seq, ByteView data) {
    Bytes out(kOldMagic, kOldMagic + 4);
    put_be(out, data.size(), 4);
    put_be(out, seq, 8);
    out.insert(out.end(), data.begin(), data.end());
    const auto check = check_of(out.data() + 8, 8 + data.size());
    out.insert(out.end(), check.begin(), check.end());
    return out;
}

DecodedJournal decode_journal(ByteView bytes) {
    if (bytes.size() >= 4 && std::equal(kOldMagic, kOldMagic + 4, bytes.data())) return decode_old(bytes);
    DecodedJournal out;
    std::size_t at = 0;
    while (bytes.size() - at >= kHeader + kCheck) {
        const auto* p = bytes.data() + at;
        if (!std::equal(kMagic, kMagic + 4, p)) break;  // the zeros of a new file, an emptied one
        const auto length = static_cast<std::uint32_t>(get_be(p + 4, 4));
        if (length > kMaxRecord || bytes.size() - at - kHeader - kCheck < length) break;  // torn
        const auto check = check_of(p + 4, kHeader - 4 + length);
        if (!std::equal(check.begin(), check.end(), p + kHeader + length)) break;  // torn or damaged
        const auto floor = get_be(p + 8, 8);
        const auto seq = get_be(p + 16, 8);
        // An older generation's record where this one's end: written before the last clear.
        if ((at != 0 && floor != out.floor) || seq <= floor) break;
        out.floor = floor;
        out.records.push_back({seq, Bytes(p + kHeader, p + kHeader + length), floor});
        at += kHeader + length + kCheck;
    }
    out.end = at;
    return out;
}

Result<std::unique_ptr<PassageJournal>> PassageJournal::open(const std::filesystem::path& dir, std::size_t files,
                                                             std::uint64_t file_bytes) {
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
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return failure(errno_text(path, "open"));
        j->fds_.push_back(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0) return failure(errno_text(path, "stat"));
        auto length = static_cast<std::uint64_t>(st.st_size);
        // Unknown until read: never "ready to empty" (a new file holds nothing).
        j->max_seq_.push_back(length ? UINT64_MAX : 0);
        // Zeros to the full size, synced now, so no record's fdatasync has to change the file's
        // size (the reason for the layout: passage_journal.h). Zeros read as no record.
        if (length < file_bytes) {
            const Bytes zeros(static_cast<std::size_t>(file_bytes - length), 0);
            if (auto ok = write_all_at(fd, zeros, length); !ok)
                return failure("passage journal " + path.string() + ": cannot make it " + std::to_string(file_bytes) +
                               " bytes: " + ok.error().message);
            if (::fdatasync(fd) != 0) return failure(errno_text(path, "fdatasync"));
            length = file_bytes;
        }
        j->lengths_.push_back(length);
        j->sizes_.push_back(0);             // read_all() reads the whole length
        j->floors_.push_back(0);            // set by clear_all() before any take()
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
    freed_.notify_all();  // a group's writer and take() may both be waiting
}

PassageJournal::File::File(File&& other) noexcept : journal_(std::exchange(other.journal_, nullptr)), index_(other.index_) {}

PassageJournal::File::~File() {
    if (journal_) journal_->give_back(index_);
}

Result<void> PassageJournal::File::append(std::uint64_t seq, ByteView data) {
    Waiting one{seq, data, false, true, std::nullopt};
    return journal_->write_group(index_, {&one});
}

Result<void> PassageJournal::write_group(std::size_t index, const std::vector<Waiting*>& group) {
    Bytes records;
    std::uint64_t top = max_seq_[index];
    for (const auto* w : group) {
        const auto record = encode_journal_record(floors_[index], w->seq, w->data);
        records.insert(records.end(), record.begin(), record.end());
        top = std::max(top, w->seq);
    }
    const int fd = fds_[index];
    // A group cut short ends with a torn record: decode_journal() stops there (the records
    // before it were never answered either), and the next write goes over it (the size is
    // only moved on below).
    if (auto ok = write_all_at(fd, records, sizes_[index]); !ok)
        return failure("passage journal " + path_of(index).string() + ": write: " + ok.error().message);
    sizes_[index] += records.size();
    lengths_[index] = std::max(lengths_[index], sizes_[index]);
    max_seq_[index] = top;
    if (::fdatasync(fd) != 0) return failure(errno_text(path_of(index), "fdatasync"));
    return {};
}

Result<void> PassageJournal::write(std::uint64_t seq, ByteView data) {
    Waiting me{seq, data, false, false, std::nullopt};
    std::unique_lock lock(mutex_);
    queue_.push_back(&me);
    while (!me.done) {
        const auto now = std::chrono::steady_clock::now();
        if (me.gathered || (writing_ > 0 && now < newest_start_ + kStalled)) {
            // In a group under way (its writer wakes it), or waiting for the next: it starts
            // when the one under way is durable, or has been under way for kStalled.
            if (me.gathered) written_.wait(lock);
            else written_.wait_until(lock, newest_start_ + kStalled);
            continue;
        }
        // The first record waiting while no group is under way (or only a stalled one): its
        // thread writes the next group, with every record waiting once it has a file.
        ++writing_;
        newest_start_ = now;
        freed_.wait(lock, [&] { return !free_.empty(); });  // a file emptied by hand-over
        std::vector<Waiting*> group;
        group.swap(queue_);
        std::uint64_t bytes = 0;
        for (auto* w : group) {
            w->gathered = true;
            bytes += kHeader + w->data.size() + kCheck;
        }
        if (group.empty()) {
            // Its record went with a group another writer gathered first (both waited for a file).
            --writing_;
            continue;
        }
        // The fullest free file the group still fits in, so that one file fills (and is
        // emptied) at a time; else the one with the most room (a group past a file's length
        // grows it, paying for a size change).
        auto pick = free_.begin();
        const auto room = [&](std::size_t i) { return lengths_[i] > sizes_[i] ? lengths_[i] - sizes_[i] : 0; };
        for (auto it = free_.begin(); it != free_.end(); ++it) {
            const bool fits = room(*it) >= bytes, best_fits = room(*pick) >= bytes;
            if (fits != best_fits ? fits : (fits ? sizes_[*it] > sizes_[*pick] : room(*it) > room(*pick))) pick = it;
        }
        const auto index = *pick;
        free_.erase(pick);
        lock.unlock();

        auto ok = write_group(index, group);

        lock.lock();
        free_.push_back(index);
        for (auto* w : group) {
            w->done = true;
            if (!ok) w->error = ok.error();
        }
        stats_.records += group.size();
        ++stats_.groups;
        stats_.largest_group = std::max(stats_.largest_group, group.size());
        --writing_;
        // Every waiting thread: those of this group return, the first of the others writes next.
        written_.notify_all();
        freed_.notify_all();
    }
    if (me.error) return unexpected(*me.error);
    return {};
}

PassageJournal::Stats PassageJournal::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

std::size_t PassageJournal::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::uint64_t PassageJournal::File::size() const { return journal_->sizes_[index_]; }

Result<void> PassageJournal::File::clear(std::uint64_t floor) { return journal_->clear_file(index_, floor); }

Result<void> PassageJournal::clear_file(std::size_t index, std::uint64_t floor) {
    // The first record's magic zeroed: the file reads empty. Its length stays, and so do the
    // older records after it (the next generation's records end where they meet one).
    static constexpr std::uint8_t kZeros[4] = {};
    if (auto ok = write_all_at(fds_[index], ByteView(kZeros, 4), 0); !ok)
        return failure("passage journal " + path_of(index).string() + ": write: " + ok.error().message);
    lengths_[index] = std::max<std::uint64_t>(lengths_[index], 4);
    sizes_[index] = 0;
    floors_[index] = floor;
    max_seq_[index] = 0;
    if (::fdatasync(fds_[index]) != 0) return failure(errno_text(path_of(index), "fdatasync"));
    return {};
}

Result<std::vector<JournalRecord>> PassageJournal::read_all() const {
    std::vector<JournalRecord> all;
    for (std::size_t i = 0; i < fds_.size(); ++i) {
        Bytes bytes(lengths_[i]);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const auto n = ::pread(fds_[i], bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return failure(errno_text(path_of(i), "read"));
            if (n == 0) break;
            done += static_cast<std::size_t>(n);
        }
        bytes.resize(done);
        for (auto& r : decode_journal(bytes).records) all.push_back(std::move(r));
    }
    std::sort(all.begin(), all.end(), [](const JournalRecord& a, const JournalRecord& b) { return a.seq < b.seq; });
    return all;
}

Result<void> PassageJournal::clear_all(std::uint64_t floor) {
    for (std::size_t i = 0; i < fds_.size(); ++i)
        if (auto ok = clear_file(i, floor); !ok) return ok;
    return {};
}

}  // namespace gw::sync
