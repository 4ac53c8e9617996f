#include "firmware_bridge/emulator/pty.h"

#include <cerrno>
#include <cstring>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

namespace gw::bridge::emulator {

Result<PtyPair> PtyPair::open() {
    termios raw{};
    cfmakeraw(&raw);
    cfsetispeed(&raw, B115200);
    cfsetospeed(&raw, B115200);
    int master = -1, slave = -1;
    char name[256] = {};
    if (::openpty(&master, &slave, name, &raw, nullptr) != 0)
        return failure(std::string("openpty: ") + std::strerror(errno));
    return PtyPair(master, slave, name);
}

PtyPair::PtyPair(PtyPair&& o) noexcept : master_(o.master_), slave_(o.slave_), path_(std::move(o.path_)) {
    o.master_ = o.slave_ = -1;
}

PtyPair& PtyPair::operator=(PtyPair&& o) noexcept {
    if (this != &o) {
        close_all();
        master_ = o.master_;
        slave_ = o.slave_;
        path_ = std::move(o.path_);
        o.master_ = o.slave_ = -1;
    }
    return *this;
}

PtyPair::~PtyPair() { close_all(); }

void PtyPair::close_all() {
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);
    master_ = slave_ = -1;
}

int PtyPair::release_master() {
    const int fd = master_;
    master_ = -1;
    return fd;
}

int PtyPair::release_slave() {
    const int fd = slave_;
    slave_ = -1;
    return fd;
}

}  // namespace gw::bridge::emulator
