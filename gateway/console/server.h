#pragma once
// The console's HTTPS and WebSocket server (Boost.Beast over OpenSSL).
//
// Threading: one io thread of its own (every connection's coroutine runs there, so the lanes'
// io threads never wait for a browser) and one blocking thread for Argon2id and account
// file writes. Lanes reach the console only through Hub::publish(). start() and stop() are
// for the owning thread; the destructor stops and joins.
//
// Connections: limits per address, a reserve for the booth's addresses and short deadlines
// for unfinished handshakes and requests (limits.h, [console] in config/README.md). A request
// over the header or body cap is answered 431 / 413 and the connection closed.
//
// Live clients (GET /api/live, WebSocket): the first message is a snapshot, then every hub
// event; the lane tiles again every second; a client whose queue overflowed gets
// {"type":"resync"} and a fresh snapshot. The stream closes when the session ends.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gateway/console/router.h"
#include "gateway/console/settings.h"

namespace gw::console {

/// statvfs() of `path`; nullopt when it fails.
std::optional<DiskStatus> disk_status(const std::filesystem::path& path);

/// What the accept loop and the connections did since start (safe from any thread).
struct ConnectionStats {
    std::uint64_t accepted = 0;
    std::uint64_t refused_address = 0;     ///< closed at once: the address had its share
    std::uint64_t refused_full = 0;        ///< closed at once: no slot left for its address
    std::uint64_t accept_errors = 0;       ///< accept() failed (EMFILE: waited, not spun)
    std::uint64_t handshake_timeouts = 0;  ///< TLS never finished in time
    std::uint64_t request_timeouts = 0;    ///< a request's header or body trickled past its deadline
    std::uint64_t too_large = 0;           ///< answered 413 or 431
};

class ConsoleServer {
public:
    /// Opens the accounts file, generates a self-signed certificate when none is configured
    /// and none exists yet, binds the listen address and starts serving.
    static Result<std::unique_ptr<ConsoleServer>> start(const ConsoleSettings& settings, Backend backend, Hub& hub);
    ~ConsoleServer();
    void stop();

    /// "https://127.0.0.1:8443/" (the bound port, also when 0 was configured)
    std::string url() const;
    unsigned short port() const { return port_; }
    bool admin_exists() const;
    ConnectionStats stats() const;
    const std::string& fingerprint() const { return fingerprint_; }
    const std::filesystem::path& accounts_path() const { return accounts_->path(); }

private:
    struct Impl;
    ConsoleServer() = default;
    std::unique_ptr<Impl> impl_;
    std::unique_ptr<AccountStore> accounts_;
    unsigned short port_ = 0;
    std::string host_;
    std::string fingerprint_;
};

}  // namespace gw::console
