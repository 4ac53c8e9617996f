#pragma once
// Simulated IP cameras: MJPEG over HTTP on loopback, the way many IP cameras serve video
// (`multipart/x-mixed-replace`, one JPEG a part). gatewayd opens these streams through
// OpenCV videoio exactly as it opens a real camera; the tests also use the server to play
// bad cameras (parts that are not JPEG, empty parts, a stream that stalls).
//
// Threading: the server runs its own thread (one io_context); each stream's PartSource is
// called on that thread, once per frame tick per connected client, and must not block for
// long. add_stream() is called before start(); port(), connections() and the counters are
// safe from any thread. stop() (also in the destructor) closes every connection and joins.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/error.h"

namespace gw::camsim {

/// The next part of a stream for the given client frame number (0, 1, ... per connection):
/// its body (sent as image/jpeg, whatever it holds; may be empty), or nullopt to send
/// nothing this tick (a camera that stalls).
using PartSource = std::function<std::optional<std::vector<std::uint8_t>>(std::uint64_t frame)>;

struct MjpegServerOptions {
    double fps = 25.0;  ///< Frame ticks a second on every connection (> 0).
    int max_connections = 16;
    std::uint16_t port = 0;  ///< 0: an ephemeral port; else this one (a camera that comes back on its address).
};

class MjpegServer {
public:
    explicit MjpegServer(MjpegServerOptions options = {});
    ~MjpegServer();
    MjpegServer(const MjpegServer&) = delete;
    MjpegServer& operator=(const MjpegServer&) = delete;

    /// Serves `source` at `path` (e.g. "/cam/1"). With a non-empty `user`, a client must send
    /// HTTP Basic credentials user:password (else 401), as a camera with a password does.
    void add_stream(std::string path, PartSource source, std::string user = {}, std::string password = {});

    /// Binds 127.0.0.1 on options.port and starts serving. Fails (kIo) when it cannot bind.
    Result<void> start();
    void stop();

    std::uint16_t port() const;
    /// "http://127.0.0.1:PORT" + path (add "user@" yourself for a stream with a password).
    std::string url(const std::string& path) const;
    /// Clients connected now, and parts sent since start.
    int connections() const;
    std::uint64_t parts_sent() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gw::camsim
