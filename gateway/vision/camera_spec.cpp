#include "gateway/vision/camera_spec.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "gateway/core/conf.h"
#include "gateway/core/number.h"
#include "gateway/core/text.h"

namespace gw::vision {
namespace {

bool has_control_or_blank(std::string_view s) {
    for (const unsigned char c : s)
        if (c <= 0x20 || c == 0x7f) return true;
    return false;
}

// RFC 3986 unreserved characters, plus '%' for what the operator already encoded and the
// sub-delimiters a camera user name may carry.
bool is_user_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("-._~%!$&'()*+,;=", c) != nullptr;
}

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '[' || c == ']' || c == ':';
}

std::string percent_encoded(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// A spec quoted in an error: a password the operator typed into it is masked first.
std::string quoted(std::string_view text) {
    std::string s(text);
    const auto scheme = s.find("://");
    if (scheme != std::string::npos) {
        const auto authority_end = s.find('/', scheme + 3);
        const auto at = s.rfind('@', authority_end);
        if (at != std::string::npos && at > scheme) {
            const auto colon = s.find(':', scheme + 3);
            if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
        }
    }
    return "camera '" + one_line(s, 200) + "'";
}

Result<CameraSpec> parse_url(std::string_view text, SourceKind kind, std::size_t scheme_length) {
    CameraSpec spec{kind, std::string(text), {}, {}};
    const auto rest = text.substr(scheme_length);
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    const auto at = authority.rfind('@');
    std::string_view host = authority;
    if (at != std::string_view::npos) {
        const auto userinfo = authority.substr(0, at);
        host = authority.substr(at + 1);
        if (userinfo.find(':') != std::string_view::npos)
            return failure(quoted(text) + ": a password in the URL; put it in the credentials file");
        if (userinfo.empty()) return failure(quoted(text) + ": empty user before '@'");
        for (const char c : userinfo)
            if (!is_user_char(c)) return failure(quoted(text) + ": bad character in the user name");
        spec.user = std::string(userinfo);
    }
    if (host.empty()) return failure(quoted(text) + ": no host");
    for (const char c : host)
        if (!is_host_char(c)) return failure(quoted(text) + ": bad character in the host");
    // host:port, where the host may be a bracketed IPv6 literal.
    const auto close = host.rfind(']');
    const auto colon = host.rfind(':');
    if (host.front() == '[' && close == std::string_view::npos) return failure(quoted(text) + ": unclosed '['");
    if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
        if (host.front() != '[' && host.find(':') != colon) return failure(quoted(text) + ": bad host");
        if (!parse_unsigned<std::uint32_t>(host.substr(colon + 1), 65535u) || colon == 0)
            return failure(quoted(text) + ": bad port");
    } else if (host.front() != '[' && colon != std::string_view::npos) {
        return failure(quoted(text) + ": bad host");
    }
    spec.host = std::string(host);
    return spec;
}

}  // namespace

std::string_view kind_name(SourceKind kind) {
    switch (kind) {
        case SourceKind::kV4l2: return "v4l2";
        case SourceKind::kRtsp: return "rtsp";
        case SourceKind::kHttp: return "http";
        case SourceKind::kFile: return "file";
        case SourceKind::kDir: return "dir";
    }
    return "?";
}

std::string CameraSpec::text() const {
    switch (kind) {
        case SourceKind::kRtsp:
        case SourceKind::kHttp: return location;
        default: return std::string(kind_name(kind)) + ":" + location;
    }
}

Result<CameraSpec> parse_camera_spec(std::string_view text) {
    if (text.empty()) return failure("camera '': empty");
    if (text.size() > kMaxSpecLength)
        return failure(quoted(text) + ": longer than " + std::to_string(kMaxSpecLength) + " bytes");
    if (has_control_or_blank(text)) return failure(quoted(text) + ": blank or control character");

    const auto path_spec = [&](std::string_view prefix, SourceKind kind) -> Result<CameraSpec> {
        const auto path = text.substr(prefix.size());
        if (path.empty()) return failure(quoted(text) + ": empty path");
        return CameraSpec{kind, std::string(path), {}, {}};
    };
    if (text.starts_with("rtsp://")) return parse_url(text, SourceKind::kRtsp, 7);
    if (text.starts_with("http://")) return parse_url(text, SourceKind::kHttp, 7);
    if (text.starts_with("https://")) return parse_url(text, SourceKind::kHttp, 8);
    if (text.starts_with("file:")) return path_spec("file:", SourceKind::kFile);
    if (text.starts_with("dir:")) return path_spec("dir:", SourceKind::kDir);
    if (text.starts_with("v4l2:")) {
        auto spec = path_spec("v4l2:", SourceKind::kV4l2);
        if (spec && !spec->location.starts_with("/dev/"))
            return failure(quoted(text) + ": a V4L2 device is a path under /dev/");
        return spec;
    }
    return failure(quoted(text) + ": unknown kind (expected v4l2:, rtsp://, http://, https://, file: or dir:)");
}

Result<StreamCredentials> StreamCredentials::parse(std::string_view text, const std::string& path) {
    auto conf = parse_conf(text, path);
    if (!conf) return unexpected(conf.error());
    StreamCredentials out;
    for (const auto& section : conf->sections) {
        ConfReader reader(*conf, section);
        if (section.kind.empty() && section.entries.empty()) continue;
        if (section.kind != "stream" || section.name.empty() || section.name.find('@') == std::string::npos)
            return unexpected(reader.error("expected [stream user@host]"));
        auto password = reader.text("password");
        if (!password) return unexpected(password.error());
        if (auto unknown = reader.unknown_keys(); !unknown) return unexpected(unknown.error());
        if (!out.passwords_.emplace(section.name, std::move(*password)).second)
            return unexpected(reader.error("the same stream twice"));
    }
    return out;
}

std::optional<std::string> StreamCredentials::password_for(const CameraSpec& spec) const {
    const auto it = passwords_.find(spec.credential_key());
    if (spec.user.empty() || it == passwords_.end()) return std::nullopt;
    return it->second;
}

Result<StreamCredentials> load_stream_credentials(const std::filesystem::path& file) {
    struct stat st{};
    if (::stat(file.c_str(), &st) != 0)
        return failure(file.string() + ": " + std::strerror(errno), errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo);
    if ((st.st_mode & 077) != 0)
        return failure(file.string() + ": readable by group or others; chmod 600 it (it holds camera passwords)");
    auto text = read_file(file, 1 << 20);
    if (!text) return unexpected(text.error());
    return StreamCredentials::parse(*text, file.string());
}

std::string open_url(const CameraSpec& spec, const StreamCredentials* credentials) {
    if (!spec.is_stream() || spec.user.empty() || credentials == nullptr) return spec.location;
    const auto password = credentials->password_for(spec);
    if (!password) return spec.location;
    // Insert ":password" right after the user of "scheme://user@host...".
    const auto at = spec.location.find('@', spec.location.find("://") + 3);
    std::string url = spec.location;
    url.insert(at, ":" + percent_encoded(*password));
    return url;
}

std::string masked(std::string_view text, std::string_view secret) {
    std::string out(text);
    if (secret.empty()) return out;
    for (const std::string& s : {std::string(secret), percent_encoded(secret)}) {
        for (auto pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 3)) out.replace(pos, s.size(), "***");
    }
    return out;
}

}  // namespace gw::vision
