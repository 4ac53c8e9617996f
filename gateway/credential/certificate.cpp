#include "gateway/core/codec.h"
#include "gateway/credential/certificate.h"

#include <algorithm>
#include <cstring>

#include "credential.pb.h"
#include "gateway/core/conf.h"
#include "gateway/credential/key_file.h"

namespace gw::credential {
namespace {

Bytes with_context(ByteView tbs) {
    // Sized once and copied: g++ 12 warns falsely (-Warray-bounds) on inserting into a growing vector.
    Bytes m(kCertContext.size() + tbs.size());
    std::memcpy(m.data(), kCertContext.data(), kCertContext.size());
    if (!tbs.empty()) std::memcpy(m.data() + kCertContext.size(), tbs.data(), tbs.size());
    return m;
}


}  // namespace

std::uint8_t type_bit(PassType t) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(t)); }

Bytes sign_certificate(const IssuerCert& cert, const SecretKey& root) {
    gw::proto::IssuerCertificate pc;
    pc.set_province(cert.province);
    pc.set_key_id(cert.key_id);
    pc.set_public_key(as_string(cert.key.bytes));
    pc.set_scope(cert.scope.prefix);
    for (std::uint8_t t = 1; t <= kPassTypeCount; ++t)
        if (cert.allows(static_cast<PassType>(t))) pc.add_pass_types(t);
    pc.set_not_before(cert.not_before.time_since_epoch().count());
    pc.set_not_after(cert.not_after.time_since_epoch().count());
    pc.set_root_key(as_string(public_of(root).bytes));
    pc.set_issuer_name(cert.name);
    const std::string tbs = pc.SerializeAsString();
    const auto sig = sign(root, with_context(as_bytes(tbs)));
    gw::proto::SignedIssuerCertificate signed_cert;
    signed_cert.set_certificate(tbs);
    signed_cert.set_signature(as_string(sig));
    const std::string out = signed_cert.SerializeAsString();
    return to_bytes(out);
}

Result<IssuerCert> parse_certificate(ByteView signed_bytes) {
    const auto bad = [](std::string_view why) { return failure("bad issuer certificate: " + std::string(why)); };
    gw::proto::SignedIssuerCertificate sc;
    if (signed_bytes.size() > 4096 || !sc.ParseFromArray(signed_bytes.data(), static_cast<int>(signed_bytes.size())))
        return bad("not a SignedIssuerCertificate");
    if (sc.signature().size() != 64) return bad("signature is not 64 bytes");
    gw::proto::IssuerCertificate pc;
    if (!pc.ParseFromString(sc.certificate())) return bad("undecodable certificate body");
    IssuerCert c;
    if (!is_province(pc.province())) return bad("province " + std::to_string(pc.province()) + " is not GB/T 2260");
    c.province = pc.province();
    if (pc.key_id() == 0 || pc.key_id() > 0xFFFF) return bad("key id must be 1..65535");
    c.key_id = static_cast<std::uint16_t>(pc.key_id());
    if (pc.public_key().size() != 32 || pc.root_key().size() != 32) return bad("keys must be 32 bytes");
    std::copy(pc.public_key().begin(), pc.public_key().end(), c.key.bytes.begin());
    std::copy(pc.root_key().begin(), pc.root_key().end(), c.root_key.bytes.begin());
    auto scope = parse_scope(pc.scope());
    if (!scope) {
        // parse_scope echoes its input; these bytes come off the wire and may hold a newline.
        const bool printable = std::all_of(pc.scope().begin(), pc.scope().end(), [](char ch) { return ch >= 0x20 && ch < 0x7F; });
        return bad(printable ? scope.error().message : "scope is not a GB/T 2260 prefix of 2, 4 or 6 digits");
    }
    c.scope = *scope;
    if (c.scope.province() != c.province) return bad("scope " + c.scope.prefix + " lies outside the root's province");
    for (auto t : pc.pass_types()) {
        if (t < 1 || t > kPassTypeCount) return bad("unknown pass type " + std::to_string(t));
        c.type_mask |= type_bit(static_cast<PassType>(t));
    }
    if (!c.type_mask) return bad("no pass types");
    c.not_before = TimePoint{Seconds{pc.not_before()}};
    c.not_after = TimePoint{Seconds{pc.not_after()}};
    if (c.not_after <= c.not_before) return bad("validity window is empty");
    // Shown to people and written into logs and .cert comments: one line of text only.
    for (unsigned char ch : pc.issuer_name())
        if (ch < 0x20 || ch == 0x7f) return bad("issuer name holds control characters");
    if (pc.issuer_name().size() > 200) return bad("issuer name longer than 200 bytes");
    c.name = pc.issuer_name();
    c.tbs.assign(sc.certificate().begin(), sc.certificate().end());
    std::copy(sc.signature().begin(), sc.signature().end(), c.signature.begin());
    return c;
}

Bytes serialize_certificate(const IssuerCert& cert) {
    gw::proto::SignedIssuerCertificate sc;
    sc.set_certificate(as_string(cert.tbs));
    sc.set_signature(as_string(cert.signature));
    const std::string out = sc.SerializeAsString();
    return to_bytes(out);
}

bool certificate_signature_ok(const IssuerCert& cert) {
    return verify_signature(cert.root_key, with_context(cert.tbs), cert.signature);
}

Result<void> write_certificate_file(const std::filesystem::path& path, const IssuerCert& cert) {
    std::string types;
    for (std::uint8_t t = 1; t <= kPassTypeCount; ++t)
        if (cert.allows(static_cast<PassType>(t))) types += (types.empty() ? "" : ", ") + std::string(type_name(static_cast<PassType>(t)));
    const std::string text = "# Issuer certificate: " + cert.name + "\n# province " + std::to_string(cert.province) +
                             ", key id " + std::to_string(cert.key_id) + ", scope " + cert.scope.prefix + ", " + types +
                             "\n# valid " + format_time(cert.not_before) + " .. " + format_time(cert.not_after) +
                             "\nkind = issuer-certificate\ndata = " + to_base64(serialize_certificate(cert)) + "\n";
    return write_new_file(path, text, 0644);
}

Result<IssuerCert> load_certificate_file(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    ConfReader r(*conf, conf->sections[0]);
    auto kind = r.text("kind");
    if (!kind) return unexpected(kind.error());
    if (*kind != "issuer-certificate") return unexpected(r.error(*r.find("kind"), "expected issuer-certificate"));
    auto data = r.text("data");
    if (!data) return unexpected(data.error());
    auto bytes = from_base64(*data);
    if (!bytes) return unexpected(r.error(*r.find("data"), bytes.error().message));
    auto cert = parse_certificate(*bytes);
    if (!cert) return unexpected(r.error(*r.find("data"), cert.error().message));
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return cert;
}

}  // namespace gw::credential
