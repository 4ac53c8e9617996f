#pragma once
// registryd's HTTPS server (Boost.Beast over OpenSSL).
//
//   GET  /v1/head[?wait=S&have=HASH]  the signed head; with `have` equal to the current head's
//                                     hash, held up to S seconds (at most max_long_poll) until a
//                                     new head is signed: gateways hear of changes at once
//   GET  /v1/segments/N               a SignedSegment
//   GET  /v1/snapshots/SEQ            a SignedSnapshot (the newest two)
//   POST /v1/events                   an EventBatch -> EventAck (200; 409 when part was refused)
//     these need a client certificate from client_ca; for /v1/events its CN is the gateway
//   GET  /v1/admin/state | issued | events?gateway=NAME        JSON
//   POST /v1/admin/records | issuers | issue | snapshot
//     bodies and answers: tools/registry_api/ (requests.h, answers.h)
//     these need "Authorization: Bearer <admin token>"
//
// It re-signs the head every head_refresh and makes a snapshot every snapshot_interval when
// the log grew. Requests have deadlines (handshake, idle, write) and size caps.
//
// Threading: connections run on strands of the io_context; the Registry's work runs on the
// blocking pool. start(), stop() and head_changed() are thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/core/error.h"
#include "tools/registryd/registry.h"

namespace boost::asio::ssl {
class context;
}

namespace gw::registryd {

using Millis = std::chrono::milliseconds;

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0: any free port (see port()).
    std::string tls_cert;    ///< PEM chain of the server's certificate.
    std::string tls_key;
    std::string client_ca;   ///< PEM: CA of the gateways' client certificates.
    std::string admin_token; ///< At least 16 characters.
    Seconds max_long_poll{60};
    Millis idle_timeout{30000};
    Millis head_refresh{60000};
    Millis snapshot_interval{600000};
    std::size_t max_request_body = 16u << 20;
};

using LogSink = std::function<void(const std::string&)>;

class Server : public std::enable_shared_from_this<Server> {
public:
    /// Loads the TLS files and binds the port; errors name the file or the address.
    static Result<std::shared_ptr<Server>> create(asio::io_context& io, asio::thread_pool& blocking, Registry& registry,
                                                  ServerOptions options, LogSink log = {});
    ~Server();
    std::uint16_t port() const { return port_; }
    void start();
    void stop();
    /// A new head was signed: wake every long poll.
    void head_changed();

private:
    struct Impl;
    Server(asio::io_context& io, asio::thread_pool& blocking, Registry& registry, ServerOptions options, LogSink log);
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
};

}  // namespace gw::registryd
