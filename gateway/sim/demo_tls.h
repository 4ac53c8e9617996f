#pragma once
// The demo's TLS files, made at start with OpenSSL (nothing downloaded, no openssl command):
// one demo CA (ECDSA P-256, valid a day), a server certificate per registry for 127.0.0.1
// signed by it, and the gateway's client certificate (CN = the gateway's name, as registryd's
// event ingest requires). Keys are written 0600. NOT for real use: the CA's key lies beside it.
//
// Pure file writing; any thread. Errors name the file or the OpenSSL step.
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/core/error.h"

namespace gw::sim {

struct DemoTls {
    std::filesystem::path ca;            ///< dir/ca.pem: both sides verify against it
    std::filesystem::path client_cert;   ///< dir/gateway.pem
    std::filesystem::path client_key;    ///< dir/gateway.key
    /// dir/<registry>-server.pem and .key, for each registry given.
    std::filesystem::path server_cert(const std::string& registry) const { return ca.parent_path() / (registry + "-server.pem"); }
    std::filesystem::path server_key(const std::string& registry) const { return ca.parent_path() / (registry + "-server.key"); }
};

Result<DemoTls> write_demo_tls(const std::filesystem::path& dir, const std::string& gateway,
                               const std::vector<std::string>& registries);

}  // namespace gw::sim
