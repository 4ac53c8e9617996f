#include "gateway/credential/trust.h"

#include <algorithm>

#include "gateway/core/codec.h"
#include "gateway/core/text.h"

namespace gw::credential {

const TrustedRoot* TrustConfig::find(const PublicKey& key) const {
    for (const auto& r : roots)
        if (r.key == key) return &r;
    return nullptr;
}

Result<TrustConfig> parse_trust(const ConfFile& file) {
    TrustConfig trust;
    for (const auto& section : file.sections) {
        if (section.kind != "root") continue;
        ConfReader r(file, section);
        if (section.name.empty()) return unexpected(r.error("a [root] section needs a name"));
        TrustedRoot root;
        root.name = section.name;
        auto province = r.integer("province", 11, 82);
        if (!province) return unexpected(province.error());
        if (!is_province(static_cast<std::uint32_t>(*province)))
            return unexpected(r.error(*r.find("province"), "not a GB/T 2260 province code"));
        root.province = static_cast<std::uint32_t>(*province);
        auto key_text = r.text("public-key");
        if (!key_text) return unexpected(key_text.error());
        auto key = from_base64(*key_text);
        if (!key || key->size() != 32)
            return unexpected(r.error(*r.find("public-key"), "expected base64 of a 32-byte Ed25519 key"));
        std::copy(key->begin(), key->end(), root.key.bytes.begin());
        auto types = r.list("pass-types");
        if (!types) return unexpected(types.error());
        for (const auto& t : *types) {
            auto type = parse_pass_type(t);
            if (!type) return unexpected(r.error(*r.find("pass-types"), type.error().message));
            root.type_mask |= type_bit(*type);
        }
        if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
        for (const auto& other : trust.roots)
            if (other.key == root.key || other.name == root.name)
                return unexpected(r.error("root repeats [root " + other.name + "]"));
        trust.roots.push_back(std::move(root));
    }
    if (trust.roots.empty()) return failure(file.path + ": no [root NAME] section: this checkpoint would trust nobody");
    return trust;
}

Result<TrustConfig> load_trust(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    return parse_trust(*conf);
}

Result<void> IssuerSet::add(const IssuerCert& cert) {
    const std::string who = "issuer certificate '" + cert.name + "' (province " + std::to_string(cert.province) +
                            ", key id " + std::to_string(cert.key_id) + ")";
    const auto* root = trust_.find(cert.root_key);
    if (!root) return failure(who + ": not certified by a root this checkpoint trusts");
    if (root->province != cert.province)
        return failure(who + ": root '" + root->name + "' is province " + std::to_string(root->province));
    if (!certificate_signature_ok(cert)) return failure(who + ": root signature does not verify");
    const std::uint32_t slot = cert.province << 16 | cert.key_id;
    if (auto it = issuers_.find(slot); it != issuers_.end() && !(it->second->cert.key == cert.key))
        return failure(who + ": key id already used by another key of '" + it->second->cert.name + "'");
    issuers_[slot] = std::make_shared<const Issuer>(Issuer{cert, root->type_mask});
    return {};
}

const Issuer* IssuerSet::find(std::uint32_t province, std::uint16_t key_id) const {
    const auto it = issuers_.find(province << 16 | key_id);
    return it == issuers_.end() ? nullptr : it->second.get();
}

Result<TrustDir> load_trust_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return failure(dir.string() + ": not a directory");
    auto trust = load_trust(dir / "trust.conf");
    if (!trust) return unexpected(trust.error());
    std::vector<std::filesystem::path> certs;
    std::filesystem::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".cert") certs.push_back(it->path());
    // A half-listed directory would skip certificates without a word.
    if (ec) return failure(dir.string() + ": cannot list: " + ec.message(), ErrorKind::kIo);
    std::sort(certs.begin(), certs.end());
    TrustDir out{IssuerSet(std::move(*trust)), {}};
    for (const auto& path : certs) {
        auto cert = load_certificate_file(path);
        // Conf and certificate errors already begin with the file's path (and line).
        if (!cert) out.warnings.push_back(one_line(cert.error().message));
        else if (auto ok = out.issuers.add(*cert); !ok)
            out.warnings.push_back(one_line(path.string() + ": " + ok.error().message));
    }
    return out;
}

}  // namespace gw::credential
