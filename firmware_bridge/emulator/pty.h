#pragma once
// A pseudo-terminal pair in raw mode: the emulator holds the master side, the gateway opens
// the slave path as if it were a serial port (/dev/pts/N).
#include <string>

#include "gateway/core/error.h"

namespace gw::bridge::emulator {

/// Owns both descriptors; moving transfers them, destruction closes what is still held.
class PtyPair {
public:
    /// openpty() in raw mode (no echo, no CR/LF translation): without raw mode the slave echoes
    /// every byte the master writes back to the master until someone configures it.
    static Result<PtyPair> open();

    PtyPair(PtyPair&& other) noexcept;
    PtyPair& operator=(PtyPair&& other) noexcept;
    PtyPair(const PtyPair&) = delete;
    PtyPair& operator=(const PtyPair&) = delete;
    ~PtyPair();

    int master() const { return master_; }
    int slave() const { return slave_; }
    /// The slave's device path, e.g. "/dev/pts/7".
    const std::string& slave_path() const { return path_; }

    /// Hands the master descriptor over (the caller closes it from now on).
    int release_master();
    /// Hands the slave descriptor over (the caller closes it from now on).
    int release_slave();

private:
    PtyPair(int master, int slave, std::string path) : master_(master), slave_(slave), path_(std::move(path)) {}
    void close_all();
    int master_ = -1;
    int slave_ = -1;
    std::string path_;
};

}  // namespace gw::bridge::emulator
