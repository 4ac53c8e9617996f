#pragma once
// The console's TLS: TLS 1.2 and 1.3 only; on 1.2 only ECDHE key exchange with AEAD ciphers
// (AES-GCM, ChaCha20-Poly1305); 1.3's suites are all forward-secret AEAD. The certificate is
// the one supplied in [console] cert/key, or a self-signed one generated on first start.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/asio.h"

#include <boost/asio/ssl/context.hpp>

#include "gateway/console/anpr_push.h"
#include "gateway/core/error.h"

namespace gw::console {

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// Writes a self-signed certificate (ECDSA P-256, SHA-256, valid 10 years, CN and
/// subjectAltName: the given DNS names and IP addresses) and its key, both mode 0600,
/// atomically. Used when the configuration supplies no certificate and none exists yet.
Result<void> generate_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key,
                                  const std::vector<std::string>& names);

/// The server context for `cert` and `key` (PEM). Fails naming the file at fault. With
/// `ask_client_certificate` the server asks every client for a certificate and takes any, or
/// none (browsers send none): no chain is checked here; the ANPR push compares the one a camera
/// presents with the fingerprint its section pins (anpr_push.h).
Result<std::shared_ptr<asio::ssl::context>> make_server_context(const std::filesystem::path& cert,
                                                                const std::filesystem::path& key,
                                                                bool ask_client_certificate = false);

/// The certificate the peer of `ssl` presented (SHA-256 fingerprint, RFC 2253 subject), if any.
/// `ssl` is an SSL* after the handshake (a stream's native_handle()).
std::optional<PeerCertificate> peer_certificate(void* ssl);

/// SHA-256 fingerprint of the certificate in `cert` ("AB:CD:..."), for the operator to compare.
Result<std::string> certificate_fingerprint(const std::filesystem::path& cert);

}  // namespace gw::console
