#pragma once
// How many connections the console holds, from whom, and for how long a client that has not
// finished a handshake or a request may hold one (issue 13, defect 2: 64 idle sockets from
// one client used to lock every operator out).
//
// Three rules, applied when a connection is accepted:
//   - at most `max_connections` at once, of which the last `booth_reserve` are kept for the
//     booth's own addresses (`booth-addresses`), so a flood from elsewhere never fills them;
//   - at most `per_address` from one address outside the booth;
//   - booth addresses have no per-address cap (a booth PC runs several browsers and the
//     live stream), only the total.
// The deadlines bound what a connection may hold without doing anything useful: a socket
// that never finishes TLS, a client that never sends a request, a header or body trickled
// a byte at a time.
//
// ConnectionTable is plain state for the server's io thread (not thread-safe).
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/asio.h"
#include "gateway/core/error.h"

namespace gw::console {

/// An address or a prefix of addresses: "10.20.0.7", "10.20.0.0/24", "fd00::/64".
struct AddressPrefix {
    asio::ip::address address;
    unsigned bits = 0;  ///< 32 or 128 for one address
    /// IPv4-mapped IPv6 addresses (a listener on [::]) match their IPv4 prefix.
    bool contains(const asio::ip::address& a) const;
};

/// Parses one prefix; refuses host names, a prefix longer than the address, host bits set.
Result<AddressPrefix> parse_address_prefix(std::string_view text);
/// A comma-separated list of prefixes (empty text: none).
Result<std::vector<AddressPrefix>> parse_address_prefixes(std::string_view text);

struct ConnectionLimits {
    std::size_t max_connections = 256;  ///< max-connections: 16..4096
    std::size_t per_address = 16;       ///< connections-per-address: 1..max-connections
    std::size_t booth_reserve = 32;     ///< of max-connections, kept for booth addresses (max/8)
    std::vector<AddressPrefix> booth;   ///< booth-addresses; empty: no reserve is used
    /// Accepted -> TLS handshake finished.
    std::chrono::milliseconds handshake{3000};
    /// TLS finished -> the first request's first byte; after a response, the keep-alive wait
    /// for the next request's first byte.
    std::chrono::milliseconds first_request{5000};
    std::chrono::milliseconds keep_alive{60000};
    /// A request's first byte -> its header and body read whole.
    std::chrono::milliseconds request{5000};
};

class ConnectionTable {
public:
    explicit ConnectionTable(ConnectionLimits limits) : limits_(std::move(limits)) {}

    enum class Admit { kAdmitted, kAddressFull, kFull };
    /// Counts the connection in when the limits allow it; release() it when it closes.
    Admit admit(const asio::ip::address& peer);
    void release(const asio::ip::address& peer);

    bool is_booth(const asio::ip::address& peer) const;
    std::size_t open() const { return open_; }
    std::size_t open_from(const asio::ip::address& peer) const;
    const ConnectionLimits& limits() const { return limits_; }

private:
    ConnectionLimits limits_;
    std::size_t open_ = 0;
    std::map<asio::ip::address, std::size_t> per_address_;
};

}  // namespace gw::console
