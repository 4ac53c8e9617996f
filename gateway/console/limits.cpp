#include "gateway/console/limits.h"

#include <array>

#include "gateway/core/number.h"

namespace gw::console {
namespace {

/// Clients on a [::] listener show IPv4 addresses as ::ffff:a.b.c.d: compare them as IPv4.
asio::ip::address unmapped(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

template <std::size_t N>
bool same_prefix(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b, unsigned bits) {
    for (std::size_t i = 0; i < N && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
        const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
    }
    return true;
}

template <std::size_t N>
bool host_bits_clear(const std::array<unsigned char, N>& a, unsigned bits) {
    for (std::size_t i = 0; i < N; ++i, bits = bits >= 8 ? bits - 8 : 0) {
        const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if (a[i] & ~mask) return false;
    }
    return true;
}

bool host_bits_clear(const asio::ip::address& a, unsigned bits) {
    return a.is_v4() ? host_bits_clear(a.to_v4().to_bytes(), bits) : host_bits_clear(a.to_v6().to_bytes(), bits);
}

}  // namespace

bool AddressPrefix::contains(const asio::ip::address& peer) const {
    const auto a = unmapped(peer);
    if (a.is_v4() != address.is_v4()) return false;
    if (a.is_v4()) return same_prefix(a.to_v4().to_bytes(), address.to_v4().to_bytes(), bits);
    return same_prefix(a.to_v6().to_bytes(), address.to_v6().to_bytes(), bits);
}

Result<AddressPrefix> parse_address_prefix(std::string_view text) {
    const auto slash = text.find('/');
    const std::string host(text.substr(0, slash));
    error_code ec;
    AddressPrefix p;
    p.address = asio::ip::make_address(host, ec);
    if (ec || host.empty()) return failure("'" + std::string(text) + "' is not an IP address or prefix (10.20.0.0/24)");
    p.address = unmapped(p.address);
    const unsigned max = p.address.is_v4() ? 32 : 128;
    p.bits = max;
    if (slash != std::string_view::npos) {
        const auto bits = parse_unsigned<unsigned>(text.substr(slash + 1));
        if (!bits || *bits > max) return failure("'" + std::string(text) + "': prefix length must be 0.." + std::to_string(max));
        p.bits = *bits;
        // Host bits set ("10.20.0.7/24") is most likely a typo for one address or the other.
        if (!host_bits_clear(p.address, p.bits))
            return failure("'" + std::string(text) + "' has host bits set: write the prefix (10.20.0.0/24) or the address");
    }
    return p;
}

Result<std::vector<AddressPrefix>> parse_address_prefixes(std::string_view text) {
    std::vector<AddressPrefix> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        auto item = text.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        auto p = parse_address_prefix(item);
        if (!p) return unexpected(p.error());
        out.push_back(*p);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return out;
}

bool ConnectionTable::is_booth(const asio::ip::address& peer) const {
    for (const auto& p : limits_.booth)
        if (p.contains(peer)) return true;
    return false;
}

std::size_t ConnectionTable::open_from(const asio::ip::address& peer) const {
    const auto it = per_address_.find(unmapped(peer));
    return it == per_address_.end() ? 0 : it->second;
}

ConnectionTable::Admit ConnectionTable::admit(const asio::ip::address& peer) {
    const auto a = unmapped(peer);
    if (is_booth(a)) {
        if (open_ >= limits_.max_connections) return Admit::kFull;
    } else {
        const std::size_t reserve = limits_.booth.empty() ? 0 : limits_.booth_reserve;
        if (open_ + reserve >= limits_.max_connections) return Admit::kFull;
        if (open_from(a) >= limits_.per_address) return Admit::kAddressFull;
    }
    ++open_;
    ++per_address_[a];
    return Admit::kAdmitted;
}

void ConnectionTable::release(const asio::ip::address& peer) {
    const auto it = per_address_.find(unmapped(peer));
    if (it == per_address_.end()) return;
    --open_;
    if (--it->second == 0) per_address_.erase(it);
}

}  // namespace gw::console
