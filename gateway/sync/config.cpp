#include "gateway/sync/config.h"

#include <algorithm>
#include <filesystem>

#include "gateway/core/number.h"
#include "gateway/credential/region.h"

namespace gw::sync {
namespace {

Result<Millis> duration(ConfReader& r, std::string_view key, Millis fallback, Millis min) {
    const auto* e = r.find(key);
    if (!e) return fallback;
    auto d = parse_duration(e->value);
    if (!d) return unexpected(r.error(*e, d.error().message));
    const Millis ms = *d;
    if (ms < min) return unexpected(r.error(*e, "at least " + std::to_string(min.count()) + " ms"));
    return ms;
}

std::string relative_to(const std::string& conf_path, const std::string& file) {
    const std::filesystem::path p = file;
    if (p.is_absolute()) return file;
    return (std::filesystem::path(conf_path).parent_path() / p).string();
}

}  // namespace

Result<SyncConfig> parse_sync_config(const ConfFile& file) {
    SyncConfig out;
    bool have_sync = false;
    for (const auto& section : file.sections) {
        if (section.kind == "sync") {
            ConfReader r(file, section);
            if (have_sync) return unexpected(r.error("a second [sync] section"));
            have_sync = true;
            auto gateway = r.text("gateway");
            auto ca = r.text("ca-file");
            auto cert = r.text("client-cert");
            auto key = r.text("client-key");
            for (auto* v : {&gateway, &ca, &cert, &key})
                if (!*v) return unexpected(v->error());
            if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
            out.gateway = *gateway;
            out.tls = {relative_to(file.path, *ca), relative_to(file.path, *cert), relative_to(file.path, *key)};
        } else if (section.kind == "registry") {
            ConfReader r(file, section);
            if (section.name.empty()) return unexpected(r.error("a registry section needs a name: [registry NAME]"));
            RegistryEndpoint e;
            e.trust.name = section.name;
            for (const auto& other : out.registries)
                if (other.trust.name == section.name) return unexpected(r.error("registry named twice"));
            // gatewayd's own key: a registry loaded from a records file at start (offline).
            const auto* records = r.find("records");
            const auto* url = r.find("url");
            if (!url) {
                // Not synced. Sync keys without a url are a mistake worth naming.
                for (const auto key : kRegistrySyncKeys)
                    if (const auto* k = r.find(key); k && key != "url" && key != "provinces")
                        return unexpected(r.error(*k, "needs 'url' (the registry's log) in the same section"));
                if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
                continue;
            }
            if (records)
                return unexpected(r.error(*records, "a synced registry's data comes from its log: 'records' and 'url' exclude each other"));
            auto parsed = parse_url(url->value);
            if (!parsed) return unexpected(r.error(*url, parsed.error().message));
            e.url = *parsed;
            if (const auto* ev = r.find("events-url")) {
                auto events = parse_url(ev->value);
                if (!events) return unexpected(r.error(*ev, events.error().message));
                e.events_url = *events;
            }
            const auto* root = r.find("root-key");
            if (!root) return unexpected(r.error("missing key 'root-key'"));
            auto key = from_base64(root->value);
            if (!key || key->size() != 32) return unexpected(r.error(*root, "not the base64 of a 32-byte Ed25519 key"));
            std::copy(key->begin(), key->end(), e.trust.root_key.bytes.begin());
            auto provinces = r.list("provinces");
            if (!provinces) return unexpected(provinces.error());
            for (const auto& p : *provinces) {
                const auto* entry = r.find("provinces");
                const auto province = p.size() == 2 ? parse_unsigned<std::uint32_t>(p) : std::nullopt;
                if (!province || !credential::is_province(*province))
                    return unexpected(r.error(*entry, "'" + p + "' is not a GB/T 2260 province code"));
                e.trust.provinces.push_back(*province);
            }
            auto poll = duration(r, "poll-interval", e.poll_interval, Millis{1000});
            auto wait = duration(r, "long-poll", e.long_poll, Millis{0});
            auto timeout = duration(r, "request-timeout", e.request_timeout, Millis{1000});
            for (auto* v : {&poll, &wait, &timeout})
                if (!*v) return unexpected(v->error());
            e.poll_interval = *poll;
            e.long_poll = *wait;
            e.request_timeout = *timeout;
            if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
            out.registries.push_back(std::move(e));
        }
    }
    if (!out.registries.empty() && !have_sync) return failure(file.path + ": [registry] sections need a [sync] section");
    return out;
}

}  // namespace gw::sync
