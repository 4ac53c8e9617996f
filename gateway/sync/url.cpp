#include "gateway/sync/url.h"

#include "gateway/core/number.h"

namespace gw::sync {

Result<Url> parse_url(std::string_view text) {
    constexpr std::string_view kScheme = "https://";
    if (!text.starts_with(kScheme)) return failure("URL '" + std::string(text) + "': only https:// is accepted");
    auto rest = text.substr(kScheme.size());
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    Url url;
    url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (!url.path.ends_with('/')) url.path += '/';
    if (authority.empty()) return failure("URL '" + std::string(text) + "': no host");
    std::string_view host = authority, port = "443";
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return failure("URL '" + std::string(text) + "': bad IPv6 host");
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return failure("URL '" + std::string(text) + "': bad port");
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    const auto p = parse_unsigned<unsigned>(port, 65535u);
    if (host.empty() || !p || *p == 0)
        return failure("URL '" + std::string(text) + "': bad host or port");
    if (url.path.find_first_of("?# ") != std::string::npos) return failure("URL '" + std::string(text) + "': no query or fragment");
    url.host = host;
    url.port = port;
    return url;
}

}  // namespace gw::sync
