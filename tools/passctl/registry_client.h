#pragma once
// passctl's side of registryd's HTTPS API (tools/registryd/server.h): one blocking request at
// a time over gateway/sync's HttpsClient on a private io_context. The registry's server
// certificate is always verified (against the given CA and the URL's host name or IP); a
// client certificate is presented when one is given; one deadline covers the whole exchange.
//
// The answers themselves are read by the registry API module (tools/registry_api/answers.h).
// Single-threaded: a RegistryClient is used from the thread that made it.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/core/error.h"
#include "gateway/sync/url.h"

namespace gw::passctl {

/// What the registry answered, whatever the status.
struct RegistryAnswer {
    unsigned status = 0;
    std::string body;
};

struct RegistryTarget {
    sync::Url url;            ///< The API's base, e.g. https://registry.zj.example:8443/v1/
    sync::TlsFiles tls;       ///< CA of the server's certificate; client certificate and key, if any.
    std::string token;        ///< The admin bearer token, sent with every request; empty: none. Never printed.
    sync::Millis timeout{30000};
};

class RegistryClient {
public:
    /// Loads the TLS files; an error names the file refused. Nothing is sent yet.
    static Result<std::unique_ptr<RegistryClient>> create(const RegistryTarget& target);
    ~RegistryClient();

    /// GET/POST base + target ("admin/state"). An error is why no answer came (network, TLS
    /// verification, timeout, an answer over max_body), one line naming the URL.
    Result<RegistryAnswer> get(const std::string& target, std::size_t max_body);
    Result<RegistryAnswer> post(const std::string& target, std::string body, std::size_t max_body);

private:
    struct Impl;
    explicit RegistryClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace gw::passctl
