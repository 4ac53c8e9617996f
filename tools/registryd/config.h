#pragma once
// registryd's configuration file, in the conf format (gateway/core/conf.h); relative paths
// are relative to the file:
//
//   [registry]
//   key = zhejiang-registry.key            # passctl keygen --role registry
//   certificate = zhejiang-registry.rcert  # registryd certify (names the registry, provinces)
//   token-key = token.key                  # optional: holder tokens from ID numbers when issuing
//   db = db                                # RocksDB directory
//   export = export                        # optional: static files for any HTTP server
//   head-validity = 10m                    # a head expires this long after it is signed
//   head-refresh = 60s                     # re-sign the head this often
//   snapshot-interval = 10m                # compact into a snapshot this often (when the log grew)
//   segment-entries = 10000                # most entries in one segment
//   max-records-per-request = 50000        # most records one admin `records` post may add
//                                          # (1..1000000; over it: 413, nothing written;
//                                          # a record repeated within a request: 422)
//
//   [server]
//   listen = 127.0.0.1:8443                # port 0: any free port (printed at start)
//   tls-cert = server.pem
//   tls-key = server.key
//   client-ca = gateway-ca.pem             # CA of the gateways' client certificates
//   admin-token-file = admin.token         # the bearer token of the admin API (one line)
//
// A registry certificate file (*.rcert):  kind = registry-certificate / data = <base64>.
#include <filesystem>
#include <string>

#include "gateway/core/error.h"
#include "tools/registryd/registry.h"
#include "tools/registryd/server.h"

namespace gw::registryd {

struct DaemonConfig {
    std::filesystem::path db;
    RegistryOptions registry;
    ServerOptions server;
};

Result<DaemonConfig> load_daemon_config(const std::filesystem::path& path);

Result<Bytes> load_registry_certificate(const std::filesystem::path& path);
/// Refuses to overwrite an existing file.
Result<void> write_registry_certificate(const std::filesystem::path& path, const Bytes& signed_cert);

}  // namespace gw::registryd
