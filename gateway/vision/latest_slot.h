#pragma once
// LatestSlot<T>: the hand-over between a camera's capture thread and its decode thread.
// The latest frame wins and every drop is counted: put() replaces a value nobody took yet,
// so a slow decoder always works on the newest frame, memory stays bounded at one value,
// and the drop counter says how far behind the decoder is. Never a queue.
//
// Threading: every member function is safe to call from any thread. Typically one producer
// calls put() and one consumer calls wait_take(); close() is called once at shutdown.
// T's destructor never runs under the slot's lock (a dropped frame may free a big buffer).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

namespace gw::vision {

/// Counter snapshot. Every value passed to put() is counted exactly once as taken or
/// dropped, or is still waiting in the slot: puts == taken + dropped + (holding ? 1 : 0).
struct SlotStats {
    std::uint64_t puts = 0;     ///< Values offered with put(), before and after close().
    std::uint64_t taken = 0;    ///< Values handed out by take() or wait_take().
    std::uint64_t dropped = 0;  ///< Values replaced before anyone took them, or put after close().
    bool holding = false;       ///< A value is waiting in the slot.
};

template <class T>
class LatestSlot {
public:
    LatestSlot() = default;
    LatestSlot(const LatestSlot&) = delete;
    LatestSlot& operator=(const LatestSlot&) = delete;

    /// Offers `value`. A value still in the slot is dropped (counted in SlotStats::dropped)
    /// and replaced. After close() the value is dropped and counted, and put returns false.
    /// Wakes one wait_take().
    bool put(T value) {
        std::optional<T> replaced;  // destroyed after the lock is released
        {
            std::lock_guard lock(mutex_);
            ++puts_;
            if (closed_) {
                ++dropped_;
                replaced.emplace(std::move(value));
                return false;
            }
            if (value_) {
                ++dropped_;
                replaced = std::move(value_);
            }
            value_.emplace(std::move(value));
        }
        ready_.notify_one();
        return true;
    }

    /// The newest value, leaving the slot empty; nullopt when there is none. Never blocks
    /// beyond the lock. Still hands out the last value after close().
    std::optional<T> take() {
        std::lock_guard lock(mutex_);
        return take_locked();
    }

    /// Like take(), but waits up to `timeout` for a value. Returns nullopt on timeout, or at
    /// once when the slot is closed and empty (so a consumer loop ends at shutdown).
    template <class Rep, class Period>
    std::optional<T> wait_take(std::chrono::duration<Rep, Period> timeout) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, timeout, [this] { return value_.has_value() || closed_; });
        return take_locked();
    }

    /// Refuses further values and wakes every waiter. A value already in the slot can still
    /// be taken. Idempotent.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
    }

    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }

    SlotStats stats() const {
        std::lock_guard lock(mutex_);
        return {puts_, taken_, dropped_, value_.has_value()};
    }

    std::uint64_t frames_dropped() const {
        std::lock_guard lock(mutex_);
        return dropped_;
    }

private:
    std::optional<T> take_locked() {
        if (!value_) return std::nullopt;
        std::optional<T> out = std::move(value_);
        value_.reset();
        ++taken_;
        return out;
    }

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::optional<T> value_;
    bool closed_ = false;
    std::uint64_t puts_ = 0;
    std::uint64_t taken_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace gw::vision
