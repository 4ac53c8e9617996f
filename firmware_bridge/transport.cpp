#include "firmware_bridge/transport.h"

#include <unistd.h>

namespace gw::bridge {
namespace {

using asio::ip::tcp;

std::string endpoint_text(const tcp::endpoint& ep) {
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

class TcpClientTransport final : public Transport {
public:
    /// `host` is an IP address or a DNS name; a name is resolved again before every connection
    /// attempt (the controller may have moved, the resolver may have been down).
    TcpClientTransport(asio::any_io_executor ex, std::string host, std::uint16_t port, std::chrono::milliseconds connect_timeout)
        : ex_(ex), conn_(std::make_shared<Conn>(ex)), host_(std::move(host)), port_(port), connect_timeout_(connect_timeout) {}
    ~TcpClientTransport() override {
        error_code ignored;
        conn_->connecting = false;
        conn_->socket.close(ignored);
        conn_->resolver.cancel();
        try {
            conn_->timer.cancel();  // only a broken reactor throws here; nothing to do about it then
        } catch (...) {
        }
    }

    void async_open(OpenHandler handler) override {
        error_code ignored;
        conn_->socket.close(ignored);
        conn_->connecting = true;
        // The kernel's own connect timeout is minutes; a lane controller that is off must be
        // retried sooner. The timer's handler holds the socket itself, not this transport,
        // because it may run after the transport is gone. It bounds the name lookup too.
        conn_->timer.expires_after(connect_timeout_);
        conn_->timer.async_wait([conn = conn_](error_code ec) {
            if (!ec && conn->connecting) {
                error_code ignore;
                conn->resolver.cancel();
                conn->socket.close(ignore);
            }
        });
        error_code not_ip;
        const auto address = asio::ip::make_address(host_, not_ip);
        if (!not_ip) return connect(conn_, {tcp::endpoint(address, port_)}, std::move(handler));
        conn_->resolver.async_resolve(host_, std::to_string(port_),
                                      [conn = conn_, handler = std::move(handler)](error_code ec, tcp::resolver::results_type r) mutable {
                                          if (ec) {
                                              conn->connecting = false;
                                              conn->timer.cancel();
                                              return handler(ec);
                                          }
                                          std::vector<tcp::endpoint> eps;
                                          for (const auto& e : r) eps.push_back(e.endpoint());
                                          connect(conn, std::move(eps), std::move(handler));
                                      });
    }
    void async_read_some(asio::mutable_buffer buffer, IoHandler handler) override {
        conn_->socket.async_read_some(buffer, std::move(handler));
    }
    void async_write(asio::const_buffer buffer, IoHandler handler) override {
        asio::async_write(conn_->socket, buffer, std::move(handler));
    }
    void close() override {
        error_code ignored;
        conn_->connecting = false;
        conn_->timer.cancel();
        conn_->resolver.cancel();
        conn_->socket.close(ignored);
    }
    bool reopen_on_silence() const override { return true; }
    std::string describe() const override {
        return "tcp " + (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
    }
    asio::any_io_executor get_executor() const override { return ex_; }

private:
    struct Conn {
        explicit Conn(asio::any_io_executor ex) : socket(ex), timer(ex), resolver(ex) {}
        tcp::socket socket;
        asio::steady_timer timer;
        tcp::resolver resolver;
        bool connecting = false;
    };
    // Tries each address in turn (a name may resolve to IPv6 and IPv4 addresses).
    static void connect(std::shared_ptr<Conn> conn, std::vector<tcp::endpoint> eps, OpenHandler handler) {
        asio::async_connect(conn->socket, eps, [conn, handler = std::move(handler)](error_code ec, const tcp::endpoint&) {
            conn->connecting = false;
            conn->timer.cancel();
            if (!ec) {
                // Frames are small and latency matters more than packet count.
                error_code ignore;
                conn->socket.set_option(tcp::no_delay(true), ignore);
                conn->socket.set_option(asio::socket_base::keep_alive(true), ignore);
            }
            handler(ec);
        });
    }
    asio::any_io_executor ex_;
    std::shared_ptr<Conn> conn_;
    std::string host_;
    std::uint16_t port_;
    std::chrono::milliseconds connect_timeout_;
};

class SerialTransport final : public Transport {
public:
    SerialTransport(asio::any_io_executor ex, std::string device, SerialOptions options)
        : ex_(ex), port_(ex), device_(std::move(device)), options_(options) {}

    void async_open(OpenHandler handler) override {
        error_code ec;
        if (port_.is_open()) port_.close(ec);
        // Asio's open() puts the line in raw mode (no echo, no CR/LF translation, 8 bits).
        port_.open(device_, ec);
        if (!ec) port_.set_option(asio::serial_port::baud_rate(options_.baud), ec);
        if (!ec) port_.set_option(asio::serial_port::character_size(8), ec);
        if (!ec) port_.set_option(asio::serial_port::parity(asio::serial_port::parity::none), ec);
        if (!ec) port_.set_option(asio::serial_port::stop_bits(asio::serial_port::stop_bits::one), ec);
        if (!ec) port_.set_option(asio::serial_port::flow_control(asio::serial_port::flow_control::none), ec);
        if (ec) {
            error_code ignored;
            port_.close(ignored);
        }
        // Complete through the executor like every other asynchronous operation.
        asio::post(port_.get_executor(), [handler = std::move(handler), ec] { handler(ec); });
    }
    void async_read_some(asio::mutable_buffer buffer, IoHandler handler) override {
        port_.async_read_some(buffer, std::move(handler));
    }
    void async_write(asio::const_buffer buffer, IoHandler handler) override {
        asio::async_write(port_, buffer, std::move(handler));
    }
    void close() override {
        error_code ignored;
        port_.close(ignored);
    }
    bool reopen_on_silence() const override { return false; }
    std::string describe() const override { return "serial " + device_; }
    asio::any_io_executor get_executor() const override { return ex_; }

private:
    asio::any_io_executor ex_;
    asio::serial_port port_;
    std::string device_;
    SerialOptions options_;
};

class DescriptorTransport final : public Transport {
public:
    DescriptorTransport(asio::any_io_executor ex, int fd, std::string description)
        : ex_(ex), fd_(ex, fd), description_(std::move(description)) {}

    void async_open(OpenHandler handler) override {
        const error_code ec = fd_.is_open() ? error_code{} : asio::error::bad_descriptor;
        asio::post(fd_.get_executor(), [handler = std::move(handler), ec] { handler(ec); });
    }
    void async_read_some(asio::mutable_buffer buffer, IoHandler handler) override {
        fd_.async_read_some(buffer, std::move(handler));
    }
    void async_write(asio::const_buffer buffer, IoHandler handler) override {
        asio::async_write(fd_, buffer, std::move(handler));
    }
    void close() override {
        // The descriptor is the port itself (a pty master): closing it would remove the device
        // the peer opened. Cancelling is all a reconnect needs.
        error_code ignored;
        fd_.cancel(ignored);
    }
    void shutdown() override {
        error_code ignored;
        fd_.close(ignored);
    }
    bool reopen_on_silence() const override { return false; }
    std::string describe() const override { return description_; }
    asio::any_io_executor get_executor() const override { return ex_; }

private:
    asio::any_io_executor ex_;
    asio::posix::stream_descriptor fd_;
    std::string description_;
};

}  // namespace

std::unique_ptr<Transport> make_tcp_client(asio::any_io_executor ex, tcp::endpoint peer,
                                           std::chrono::milliseconds connect_timeout) {
    return std::make_unique<TcpClientTransport>(ex, peer.address().to_string(), peer.port(), connect_timeout);
}

std::unique_ptr<Transport> make_tcp_client(asio::any_io_executor ex, std::string host, std::uint16_t port,
                                           std::chrono::milliseconds connect_timeout) {
    return std::make_unique<TcpClientTransport>(ex, std::move(host), port, connect_timeout);
}

std::unique_ptr<Transport> make_serial(asio::any_io_executor ex, std::string device, SerialOptions options) {
    return std::make_unique<SerialTransport>(ex, std::move(device), options);
}

std::unique_ptr<Transport> make_descriptor(asio::any_io_executor ex, int fd, std::string description) {
    return std::make_unique<DescriptorTransport>(ex, fd, std::move(description));
}

TcpServerTransport::TcpServerTransport(asio::any_io_executor ex) : ex_(ex), acceptor_(ex), socket_(ex) {}

TcpServerTransport::~TcpServerTransport() = default;

Result<std::unique_ptr<TcpServerTransport>> TcpServerTransport::listen(asio::any_io_executor ex, tcp::endpoint local) {
    std::unique_ptr<TcpServerTransport> t(new TcpServerTransport(ex));
    error_code ec;
    t->acceptor_.open(local.protocol(), ec);
    if (!ec) t->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) t->acceptor_.bind(local, ec);
    if (!ec) t->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return failure("tcp listen on " + endpoint_text(local) + ": " + ec.message());
    return t;
}

std::uint16_t TcpServerTransport::port() const {
    error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void TcpServerTransport::async_open(OpenHandler handler) {
    error_code ignored;
    socket_.close(ignored);
    acceptor_.async_accept(socket_, [this, handler = std::move(handler)](error_code ec) {
        if (!ec) {
            error_code ignore;
            socket_.set_option(tcp::no_delay(true), ignore);
            socket_.set_option(asio::socket_base::keep_alive(true), ignore);
        }
        handler(ec);
    });
}

void TcpServerTransport::async_read_some(asio::mutable_buffer buffer, IoHandler handler) {
    socket_.async_read_some(buffer, std::move(handler));
}

void TcpServerTransport::async_write(asio::const_buffer buffer, IoHandler handler) {
    asio::async_write(socket_, buffer, std::move(handler));
}

void TcpServerTransport::close() {
    error_code ignored;
    acceptor_.cancel(ignored);
    socket_.close(ignored);
}

void TcpServerTransport::shutdown() {
    close();
    error_code ignored;
    acceptor_.close(ignored);
}

std::string TcpServerTransport::describe() const {
    error_code ec;
    return "tcp server " + endpoint_text(acceptor_.local_endpoint(ec));
}

asio::any_io_executor TcpServerTransport::get_executor() const { return ex_; }

}  // namespace gw::bridge
