#include "gateway/sim/demo_tls.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "gateway/core/free_with.h"

namespace gw::sim {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, FreeWith<X509_free>>;
using Bio = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;

struct Issued {
    PKey key;
    Cert cert;
};

// A certificate for `cn` with the extensions given, signed by `ca` (or by itself when null).
Result<Issued> make(const std::string& cn, const std::vector<std::pair<int, std::string>>& extensions, const Issued* ca) {
    Issued out{PKey(EVP_EC_gen("P-256")), Cert(X509_new())};
    if (!out.key || !out.cert) return failure("demo TLS: cannot generate a P-256 key");
    X509* c = out.cert.get();
    X509_set_version(c, 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return failure("demo TLS: no randomness for a serial number");
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), 24L * 3600);
    X509_set_pubkey(c, out.key.get());
    X509_NAME* subject = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("gatewayd demo"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509* issuer = ca ? ca->cert.get() : c;
    X509_set_issuer_name(c, X509_get_subject_name(issuer));
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, c, nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (!ext) return failure("demo TLS: cannot build extension " + value);
        X509_add_ext(c, ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(c, ca ? ca->key.get() : out.key.get(), EVP_sha256()) == 0) return failure("demo TLS: cannot sign " + cn);
    return out;
}

std::string pem_of(const Bio& b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// Keys and certificates alike 0600: the demo's directory is the user's own.
Result<void> write_private(const std::filesystem::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return failure(path.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) return failure(path.string() + ": short write");
    return {};
}

Result<void> write(const Issued& i, const std::filesystem::path& cert, const std::filesystem::path& key) {
    Bio kb(BIO_new(BIO_s_mem())), cb(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(kb.get(), i.key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
        !PEM_write_bio_X509(cb.get(), i.cert.get()))
        return failure("demo TLS: cannot encode " + cert.string());
    if (auto ok = write_private(key, pem_of(kb)); !ok) return ok;
    return write_private(cert, pem_of(cb));
}

}  // namespace

Result<DemoTls> write_demo_tls(const std::filesystem::path& dir, const std::string& gateway,
                               const std::vector<std::string>& registries) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return failure(dir.string() + ": " + ec.message());
    DemoTls out{dir / "ca.pem", dir / "gateway.pem", dir / "gateway.key"};
    auto ca = make("gatewayd demo CA (not for real use)",
                   {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_key_usage, "critical,keyCertSign,cRLSign"}}, nullptr);
    if (!ca) return unexpected(ca.error());
    if (auto ok = write(*ca, out.ca, dir / "ca.key"); !ok) return unexpected(ok.error());
    for (const auto& r : registries) {
        auto server = make(r + " registry", {{NID_basic_constraints, "critical,CA:FALSE"},
                                             {NID_key_usage, "critical,digitalSignature"},
                                             {NID_ext_key_usage, "serverAuth"},
                                             {NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"}},
                           &*ca);
        if (!server) return unexpected(server.error());
        if (auto ok = write(*server, out.server_cert(r), out.server_key(r)); !ok) return unexpected(ok.error());
    }
    auto client = make(gateway, {{NID_basic_constraints, "critical,CA:FALSE"},
                                 {NID_key_usage, "critical,digitalSignature"},
                                 {NID_ext_key_usage, "clientAuth"}},
                       &*ca);
    if (!client) return unexpected(client.error());
    if (auto ok = write(*client, out.client_cert, out.client_key); !ok) return unexpected(ok.error());
    return out;
}

}  // namespace gw::sim
