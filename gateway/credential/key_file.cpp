#include "gateway/credential/key_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/credential/region.h"

namespace gw::credential {
namespace {

template <std::size_t N>
Result<std::array<std::uint8_t, N>> read_key_bytes(ConfReader& r, std::string_view key) {
    auto text = r.text(key);
    if (!text) return unexpected(text.error());
    auto bytes = from_base64(*text);
    if (!bytes || bytes->size() != N)
        return unexpected(r.error(*r.find(key), "expected base64 of " + std::to_string(N) + " bytes"));
    std::array<std::uint8_t, N> out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

struct Header {
    std::string kind;
    std::uint32_t province = 0;
    std::string name;
};

Result<Header> read_header(ConfReader& r, bool with_province) {
    Header h;
    auto kind = r.text("kind");
    if (!kind) return unexpected(kind.error());
    h.kind = *kind;
    h.name = r.text_or("name", "");
    if (with_province) {
        auto p = r.integer("province", 11, 82);
        if (!p) return unexpected(p.error());
        if (!is_province(static_cast<std::uint32_t>(*p)))
            return unexpected(r.error(*r.find("province"), "not a GB/T 2260 province code"));
        h.province = static_cast<std::uint32_t>(*p);
    }
    return h;
}

Result<KeyRole> role_of(ConfReader& r, const std::string& kind, std::string_view suffix) {
    if (!kind.ends_with(suffix)) {
        return unexpected(r.error(*r.find("kind"), "this is a '" + kind + "' file, expected a *" + std::string(suffix) + " key"));
    }
    auto role = parse_role(std::string_view(kind).substr(0, kind.size() - suffix.size()));
    if (!role) return unexpected(r.error(*r.find("kind"), role.error().message));
    return role;
}

}  // namespace

std::string_view role_name(KeyRole r) {
    switch (r) {
        case KeyRole::kRoot: return "root";
        case KeyRole::kIssuer: return "issuer";
        case KeyRole::kRegistry: return "registry";
    }
    return "?";
}

Result<KeyRole> parse_role(std::string_view s) {
    if (s == "root") return KeyRole::kRoot;
    if (s == "issuer") return KeyRole::kIssuer;
    if (s == "registry") return KeyRole::kRegistry;
    return failure("unknown key kind '" + std::string(s) + "': expected root, issuer or registry");
}

Result<void> write_new_file(const std::filesystem::path& path, const std::string& text, unsigned mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) return failure(path.string() + ": already exists; not overwriting");
        return failure(path.string() + ": cannot create: " + std::strerror(errno));
    }
    const char* p = text.data();
    std::size_t left = text.size();
    while (left) {
        const auto n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            return failure(path.string() + ": write failed: " + why);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) return failure(path.string() + ": write failed");
    return {};
}

Result<void> write_keypair(const std::filesystem::path& prefix, KeyRole role, std::uint32_t province,
                           const std::string& name, const KeyPair& kp) {
    const auto secret_path = std::filesystem::path(prefix.string() + ".key");
    const auto public_path = std::filesystem::path(prefix.string() + ".pub");
    if (std::filesystem::exists(public_path)) return failure(public_path.string() + ": already exists; not overwriting");
    const std::string common = "province = " + std::to_string(province) + "\nname = " + name + "\n";
    const std::string fp = fingerprint(kp.public_key);
    auto s = write_new_file(secret_path,
                            "# Checkpoint gateway " + std::string(role_name(role)) + " SECRET key " + fp +
                                ". Keep private.\nkind = " + std::string(role_name(role)) + "-secret\n" + common +
                                "secret = " + to_base64(kp.secret_key.bytes) + "\n",
                            0600);
    if (!s) return s;
    return write_new_file(public_path,
                          "# Checkpoint gateway " + std::string(role_name(role)) + " public key " + fp + "\nkind = " +
                              std::string(role_name(role)) + "-public\n" + common + "public = " +
                              to_base64(kp.public_key.bytes) + "\n",
                          0644);
}

Result<void> write_token_key(const std::filesystem::path& path, const std::string& name,
                             const std::array<std::uint8_t, 32>& key) {
    return write_new_file(path,
                          "# Holder-token key shared by the registries. SECRET: gateways never hold it.\n"
                          "kind = token-secret\nname = " + name + "\nsecret = " + to_base64(key) + "\n",
                          0600);
}

Result<SecretKeyFile> load_secret_key(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    ConfReader r(*conf, conf->sections[0]);
    auto h = read_header(r, true);
    if (!h) return unexpected(h.error());
    auto role = role_of(r, h->kind, "-secret");
    if (!role) return unexpected(role.error());
    auto bytes = read_key_bytes<64>(r, "secret");
    if (!bytes) return unexpected(bytes.error());
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    SecretKeyFile f{*role, h->province, h->name, {}};
    f.key.bytes = *bytes;
    return f;
}

Result<PublicKeyFile> load_public_key(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    ConfReader r(*conf, conf->sections[0]);
    auto h = read_header(r, true);
    if (!h) return unexpected(h.error());
    auto role = role_of(r, h->kind, "-public");
    if (!role) return unexpected(role.error());
    auto bytes = read_key_bytes<32>(r, "public");
    if (!bytes) return unexpected(bytes.error());
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return PublicKeyFile{*role, h->province, h->name, PublicKey{*bytes}};
}

Result<TokenKeyFile> load_token_key(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    ConfReader r(*conf, conf->sections[0]);
    auto h = read_header(r, false);
    if (!h) return unexpected(h.error());
    if (h->kind != "token-secret")
        return unexpected(r.error(*r.find("kind"), "this is a '" + h->kind + "' file, expected token-secret"));
    auto bytes = read_key_bytes<32>(r, "secret");
    if (!bytes) return unexpected(bytes.error());
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return TokenKeyFile{h->name, *bytes};
}

}  // namespace gw::credential
