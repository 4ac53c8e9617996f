#pragma once
// Where a registry is and how the gateway proves who it is: the parts of the sync configuration
// the network code needs, without the network code (the fuzz build parses configurations too).
#include <chrono>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::sync {

using Millis = std::chrono::milliseconds;

/// PEM files: the CA that signs registry servers, and the gateway's certificate and key.
struct TlsFiles {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
};

/// "https://host[:port]/path/" (path ends with '/' once normalised; port 443 by default).
struct Url {
    std::string host;
    std::string port;
    std::string path;
    std::string text() const { return "https://" + host + ":" + port + path; }
};
Result<Url> parse_url(std::string_view text);

}  // namespace gw::sync
