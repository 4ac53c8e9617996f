#include "gateway/console/settings.h"

#include <arpa/inet.h>

#include <algorithm>

#include "gateway/core/number.h"

namespace gw::console {
namespace {

std::filesystem::path relative_to(const std::filesystem::path& base, const std::string& p) {
    const std::filesystem::path path(p);
    return path.is_absolute() ? path : base / path;
}

/// A session limit: absent -> the default; present -> a duration in [min, max].
Result<Seconds> session_limit(ConfReader& r, std::string_view key, Seconds fallback, Seconds min, Seconds max,
                              std::string_view range) {
    const auto* e = r.find(key);
    if (!e) return fallback;
    auto d = parse_duration(e->value);
    if (!d) return unexpected(r.error(*e, d.error().message));
    if (*d < min || *d > max) return unexpected(r.error(*e, "must be " + std::string(range)));
    return *d;
}

}  // namespace

Result<void> parse_console_listen(std::string_view text, ConsoleSettings& settings) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return failure("expected HOST:PORT, e.g. 0.0.0.0:8443");
    auto host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto port = parse_unsigned<unsigned short>(text.substr(colon + 1));
    if (!port) return failure("port must be 0..65535");
    unsigned char buf[16];
    const std::string h(host);
    if (::inet_pton(AF_INET, h.c_str(), buf) != 1 && ::inet_pton(AF_INET6, h.c_str(), buf) != 1)
        return failure("'" + h + "' is not an IP address");
    settings.host = h;
    settings.port = *port;
    return {};
}

Result<ConsoleSettings> parse_console_section(const ConfFile& file, const ConfSection& section,
                                              const std::filesystem::path& base, const std::filesystem::path& state_dir) {
    ConfReader r(file, section);
    ConsoleSettings c;
    if (const auto* e = r.find("listen"))
        if (auto ok = parse_console_listen(e->value, c); !ok) return unexpected(r.error(*e, ok.error().message));
    const auto* cert = r.find("cert");
    const auto* key = r.find("key");
    if (!cert != !key) return unexpected(r.error("cert and key go together (or neither: a self-signed one is generated)"));
    c.cert_supplied = cert != nullptr;
    c.cert = cert ? relative_to(base, cert->value) : state_dir / "console" / "console.crt";
    c.key = key ? relative_to(base, key->value) : state_dir / "console" / "console.key";
    if (cert) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(c.cert, ec)) return unexpected(r.error(*cert, c.cert.string() + ": no such file"));
        if (!std::filesystem::is_regular_file(c.key, ec)) return unexpected(r.error(*key, c.key.string() + ": no such file"));
    }
    c.accounts = r.find("accounts") ? relative_to(base, r.find("accounts")->value) : state_dir / "console" / "accounts";
    auto idle = session_limit(r, "session-idle", c.session_idle, Seconds{60}, Seconds{8 * 3600}, "between 1m and 8h");
    if (!idle) return unexpected(idle.error());
    auto max = session_limit(r, "session-max", c.session_max, Seconds{600}, Seconds{24 * 3600}, "between 10m and 24h");
    if (!max) return unexpected(max.error());
    if (*max < *idle) return unexpected(r.error(*r.find("session-max"), "shorter than session-idle"));
    c.session_idle = *idle;
    c.session_max = *max;
    if (const auto* e = r.find("booth-addresses")) {
        auto booth = parse_address_prefixes(e->value);
        if (!booth) return unexpected(r.error(*e, booth.error().message));
        c.limits.booth = std::move(*booth);
    }
    if (const auto* e = r.find("max-connections")) {
        const auto n = parse_unsigned<std::size_t>(e->value);
        if (!n || *n < 16 || *n > 4096) return unexpected(r.error(*e, "must be 16..4096"));
        c.limits.max_connections = *n;
    }
    c.limits.booth_reserve = c.limits.max_connections / 8;
    c.limits.per_address = std::min<std::size_t>(c.limits.per_address, c.limits.max_connections);
    if (const auto* e = r.find("connections-per-address")) {
        const auto n = parse_unsigned<std::size_t>(e->value);
        if (!n || *n < 1 || *n > c.limits.max_connections) return unexpected(r.error(*e, "must be 1..max-connections"));
        c.limits.per_address = *n;
    }
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return c;
}

ConsoleSettings demo_console_settings(const std::filesystem::path& dir) {
    ConsoleSettings c;
    c.host = "127.0.0.1";
    c.cert = dir / "console.crt";
    c.key = dir / "console.key";
    c.accounts = dir / "accounts";
    return c;
}

}  // namespace gw::console
