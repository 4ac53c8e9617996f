#include "gateway/console/tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "gateway/core/free_with.h"

#include "gateway/console/accounts.h"
#include "gateway/core/conf.h"

namespace gw::console {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, FreeWith<X509_free>>;
using Bio = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;

std::string bio_text(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

bool is_ip(const std::string& s) {
    error_code ec;
    asio::ip::make_address(s, ec);
    return !ec;
}

}  // namespace

Result<void> generate_self_signed(const std::filesystem::path& cert_path, const std::filesystem::path& key_path,
                                  const std::vector<std::string>& names) {
    PKey key(EVP_EC_gen("P-256"));
    if (!key) return failure("cannot generate a P-256 key");
    Cert cert(X509_new());
    if (!cert) return failure("out of memory");
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return failure("no randomness for the serial number");
    serial[0] &= 0x7f;
    auto* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    auto* subject = X509_get_subject_name(cert.get());
    const std::string cn = names.empty() ? "gatewayd console" : names.front();
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("gatewayd console"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), subject);
    std::string san;
    for (const auto& n : names) san += (san.empty() ? "" : ",") + std::string(is_ip(n) ? "IP:" : "DNS:") + n;
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    const std::pair<int, std::string> exts[] = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                {NID_key_usage, "critical,digitalSignature"},
                                                {NID_ext_key_usage, "serverAuth"},
                                                {NID_subject_alt_name, san}};
    for (const auto& [nid, value] : exts) {
        if (value.empty()) continue;
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (!ext) return failure("cannot build certificate extension " + value);
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return failure("cannot sign the certificate");
    Bio kb(BIO_new(BIO_s_mem())), cb(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
        !PEM_write_bio_X509(cb.get(), cert.get()))
        return failure("cannot encode the certificate");
    std::error_code ec;
    for (const auto* p : {&cert_path, &key_path})
        if (p->has_parent_path()) std::filesystem::create_directories(p->parent_path(), ec);
    if (auto ok = write_file_atomic(key_path, bio_text(kb.get())); !ok) return ok;
    return write_file_atomic(cert_path, bio_text(cb.get()));
}

Result<std::shared_ptr<asio::ssl::context>> make_server_context(const std::filesystem::path& cert,
                                                                const std::filesystem::path& key,
                                                                bool ask_client_certificate) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    SSL_CTX* c = ctx->native_handle();
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
    SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_TICKET);
    if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) return failure("TLS 1.2 cipher list refused by OpenSSL");
    if (SSL_CTX_set_ciphersuites(c, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") != 1)
        return failure("TLS 1.3 suites refused by OpenSSL");
    SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384");
    if (SSL_CTX_use_certificate_chain_file(c, cert.c_str()) != 1) return failure(cert.string() + ": not a PEM certificate (chain)");
    if (SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM) != 1) return failure(key.string() + ": not a PEM private key");
    if (SSL_CTX_check_private_key(c) != 1) return failure(key.string() + ": does not match " + cert.string());
    if (ask_client_certificate) {
        // Asked, never required, never chain-checked: a camera's certificate is usually its own
        // self-signed one, pinned by fingerprint where it is used (routes_anpr.cpp).
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
        // TLS 1.3 asks for the certificate in the handshake too; a session id context keeps
        // OpenSSL from refusing resumption with SSL_VERIFY_PEER set.
        static const unsigned char kContext[] = "gw-console";
        SSL_CTX_set_session_id_context(c, kContext, sizeof kContext - 1);
    }
    return ctx;
}

namespace {

std::string sha256_fingerprint(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    std::string out;
    char buf[4];
    for (unsigned i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", md[i]);
        out += (i ? ":" : "") + std::string(buf);
    }
    return out;
}

}  // namespace

std::optional<PeerCertificate> peer_certificate(void* ssl) {
    Cert cert(SSL_get1_peer_certificate(static_cast<SSL*>(ssl)));
    if (!cert) return std::nullopt;
    PeerCertificate out{sha256_fingerprint(cert.get()), {}};
    Bio b(BIO_new(BIO_s_mem()));
    if (X509_NAME_print_ex(b.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253) >= 0) out.subject = bio_text(b.get());
    return out;
}

Result<std::string> certificate_fingerprint(const std::filesystem::path& path) {
    auto text = read_file(path, 1 << 20);
    if (!text) return unexpected(text.error());
    Bio b(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    Cert cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    if (!cert) return failure(path.string() + ": not a PEM certificate");
    return sha256_fingerprint(cert.get());
}

}  // namespace gw::console
