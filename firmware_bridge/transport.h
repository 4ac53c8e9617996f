#pragma once
// Byte streams the bridge link and the scanner reader run over: a TCP client, a TCP server
// (one peer at a time), a serial port (RS-485 / RS-232 / UART / USB serial) and an already-open
// file descriptor (a pty master). One interface so Link and ScannerReader do not care which.
//
// Threading: a transport belongs to one executor, the one it was created with; every method
// must be called on it and every completion handler runs on it. Create it with the same
// executor (strand) as the Link or ScannerReader that will own it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/core/asio.h"
#include "gateway/core/error.h"

namespace gw::bridge {

/// TCP port a lane controller listens on unless configured otherwise (PROTOCOL.md).
constexpr std::uint16_t kDefaultTcpPort = 5020;

class Transport {
public:
    using OpenHandler = std::function<void(error_code)>;
    using IoHandler = std::function<void(error_code, std::size_t)>;

    virtual ~Transport() = default;

    /// Connects, accepts or opens the device. Completes with an error if that failed; the
    /// owner then retries after a delay.
    virtual void async_open(OpenHandler handler) = 0;
    /// Reads at least one byte into buffer. Only one read outstanding at a time.
    virtual void async_read_some(asio::mutable_buffer buffer, IoHandler handler) = 0;
    /// Writes the whole buffer. Only one write outstanding at a time.
    virtual void async_write(asio::const_buffer buffer, IoHandler handler) = 0;
    /// Drops the connection: pending operations complete with operation_aborted. async_open()
    /// may be called again afterwards.
    virtual void close() = 0;
    /// Final close (also stops listening, releases the descriptor). Nothing may follow.
    virtual void shutdown() { close(); }
    /// True when dropping and reopening can cure a silent peer (a half-open TCP connection);
    /// false for a port that is simply there (serial, pty).
    virtual bool reopen_on_silence() const = 0;
    /// For log lines: "tcp 127.0.0.1:5020", "serial /dev/ttyUSB0".
    virtual std::string describe() const = 0;
    virtual asio::any_io_executor get_executor() const = 0;
};

/// Connects to `peer`; gives up a connection attempt after connect_timeout.
std::unique_ptr<Transport> make_tcp_client(asio::any_io_executor ex, asio::ip::tcp::endpoint peer,
                                           std::chrono::milliseconds connect_timeout = std::chrono::seconds{3});
/// Connects to `host` (an IP address or a DNS name, resolved asynchronously before every
/// connection attempt, so a retry sees a changed or recovered name) on `port`. A name that
/// does not resolve fails that attempt like a refused connection; connect_timeout bounds both.
std::unique_ptr<Transport> make_tcp_client(asio::any_io_executor ex, std::string host, std::uint16_t port,
                                           std::chrono::milliseconds connect_timeout = std::chrono::seconds{3});

/// Listens on an endpoint and serves one peer at a time; the socket is bound when this returns,
/// so port() is known (bind to port 0 for an ephemeral port).
class TcpServerTransport : public Transport {
public:
    static Result<std::unique_ptr<TcpServerTransport>> listen(asio::any_io_executor ex, asio::ip::tcp::endpoint local);
    std::uint16_t port() const;
    ~TcpServerTransport() override;

    void async_open(OpenHandler handler) override;
    void async_read_some(asio::mutable_buffer buffer, IoHandler handler) override;
    void async_write(asio::const_buffer buffer, IoHandler handler) override;
    void close() override;
    void shutdown() override;
    bool reopen_on_silence() const override { return true; }
    std::string describe() const override;
    asio::any_io_executor get_executor() const override;

private:
    explicit TcpServerTransport(asio::any_io_executor ex);
    asio::any_io_executor ex_;
    asio::ip::tcp::acceptor acceptor_;
    asio::ip::tcp::socket socket_;
};

/// Serial line settings. 8 data bits, no parity, 1 stop bit, no flow control are fixed by the
/// protocol; only the speed varies.
struct SerialOptions {
    unsigned baud = 115200;
};

/// Opens `device` (e.g. "/dev/ttyS1", "/dev/ttyUSB0", a pty slave) in raw mode, 8N1.
std::unique_ptr<Transport> make_serial(asio::any_io_executor ex, std::string device, SerialOptions options = {});

/// Adopts an open file descriptor (takes ownership; e.g. a pty master). async_open succeeds at
/// once while the descriptor is open; close() only cancels, shutdown() closes it.
std::unique_ptr<Transport> make_descriptor(asio::any_io_executor ex, int fd, std::string description);

}  // namespace gw::bridge
