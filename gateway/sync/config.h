#pragma once
// Which registries a gateway syncs from and sends passage events to, in the conf format
// (gateway/core/conf.h):
//
//   [sync]
//   gateway = jinshan-pinghu-1          # this gateway's name: its client certificate's CN
//   ca-file = tls/registry-ca.pem       # CA of the registries' servers (paths relative to the file)
//   client-cert = tls/gateway.pem
//   client-key = tls/gateway.key
//
//   [registry zhejiang]                 # one section per registry; the name must match its log
//   url = https://registry.zj.example:8443/v1/   # log base: head, segments/N, snapshots/N
//   events-url = https://registry.zj.example:8443/v1/   # optional: events are POSTed to <this>events
//   root-key = <base64 of the Zhejiang province root's Ed25519 key>
//   provinces = 33                      # provinces this registry may speak for
//   poll-interval = 2s                  # least time between head requests when nothing changes
//   long-poll = 25s                     # how long a registry may hold a head request
//   request-timeout = 10s               # deadline of one request (beyond the long poll)
//
// Errors name the file, the line and the key; unknown keys are errors.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/conf.h"
#include "gateway/core/error.h"
#include "gateway/sync/url.h"
#include "gateway/sync/verifier.h"

namespace gw::sync {

struct RegistryEndpoint {
    RegistryTrust trust;
    Url url;                          ///< Log base.
    std::optional<Url> events_url;    ///< Base of the event upload (POST <base>events); none: no upload.
    Millis poll_interval{2000};
    Millis long_poll{25000};
    Millis request_timeout{10000};
    Millis retry_after{1000};         ///< First wait after a failure or refusal; doubles up to kMaxBackoff.
    Millis snapshot_timeout{300000};  ///< A snapshot of a million entries is tens of megabytes.
    Limits limits;
};

struct SyncConfig {
    std::string gateway;
    TlsFiles tls;
    std::vector<RegistryEndpoint> registries;
};

/// The keys of a [registry NAME] section this parser reads. gatewayd's configuration reads
/// `provinces` too and owns `records` (a registry loaded from a file, not synced).
inline constexpr std::string_view kRegistrySyncKeys[] = {"url", "events-url", "root-key", "provinces",
                                                        "poll-interval", "long-poll", "request-timeout"};

/// Reads [sync] and every [registry NAME] section with a `url` (a section without one is not
/// synced: gatewayd loads its `records` file); other sections are left to the caller.
Result<SyncConfig> parse_sync_config(const ConfFile& file);

}  // namespace gw::sync
