#include "tools/registryd/config.h"

#include "gateway/core/conf.h"
#include "gateway/core/number.h"
#include "gateway/credential/key_file.h"
#include "gateway/sync/log_format.h"

namespace gw::registryd {
namespace {

std::filesystem::path beside(const std::filesystem::path& conf, const std::string& file) {
    const std::filesystem::path p = file;
    return p.is_absolute() ? p : conf.parent_path() / p;
}

Result<Seconds> duration_or(ConfReader& r, std::string_view key, Seconds fallback) {
    const auto* e = r.find(key);
    if (!e) return fallback;
    auto d = parse_duration(e->value);
    if (!d || d->count() < 1) return unexpected(r.error(*e, d ? "at least 1s" : d.error().message));
    return *d;
}

}  // namespace

Result<DaemonConfig> load_daemon_config(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    DaemonConfig out;
    bool have_registry = false, have_server = false;
    for (const auto& section : conf->sections) {
        ConfReader r(*conf, section);
        if (section.kind == "registry") {
            have_registry = true;
            auto key_path = r.text("key");
            auto cert_path = r.text("certificate");
            auto db = r.text("db");
            for (auto* v : {&key_path, &cert_path, &db})
                if (!*v) return unexpected(v->error());
            auto key = credential::load_secret_key(beside(path, *key_path));
            if (!key) return unexpected(key.error());
            if (key->role != credential::KeyRole::kRegistry) return failure(*key_path + ": not a registry secret key");
            out.registry.key = key->key;
            auto cert = load_registry_certificate(beside(path, *cert_path));
            if (!cert) return unexpected(cert.error());
            out.registry.cert = *cert;
            out.db = beside(path, *db);
            if (const auto* t = r.find("token-key")) {
                auto token = credential::load_token_key(beside(path, t->value));
                if (!token) return unexpected(token.error());
                out.registry.token_key = token->key;
            }
            if (const auto* e = r.find("export")) out.registry.export_dir = beside(path, e->value);
            auto validity = duration_or(r, "head-validity", out.registry.head_validity);
            auto refresh = duration_or(r, "head-refresh", Seconds{60});
            auto snapshots = duration_or(r, "snapshot-interval", Seconds{600});
            auto entries = r.integer_or("segment-entries", 10000, 1, 1000000);
            auto per_request = r.integer_or("max-records-per-request", 50000, 1, 1000000);
            if (!validity) return unexpected(validity.error());
            if (!refresh) return unexpected(refresh.error());
            if (!snapshots) return unexpected(snapshots.error());
            if (!entries) return unexpected(entries.error());
            if (!per_request) return unexpected(per_request.error());
            if (*refresh >= *validity) return unexpected(r.error("head-refresh must be shorter than head-validity"));
            out.registry.head_validity = *validity;
            out.server.head_refresh = *refresh;
            out.server.snapshot_interval = *snapshots;
            out.registry.max_entries_per_segment = static_cast<std::size_t>(*entries);
            out.registry.max_records_per_append = static_cast<std::size_t>(*per_request);
            if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
        } else if (section.kind == "server") {
            have_server = true;
            auto listen = r.text("listen");
            auto cert = r.text("tls-cert");
            auto key = r.text("tls-key");
            auto ca = r.text("client-ca");
            auto token_file = r.text("admin-token-file");
            for (auto* v : {&listen, &cert, &key, &ca, &token_file})
                if (!*v) return unexpected(v->error());
            const auto colon = listen->rfind(':');
            const auto port =
                colon == std::string::npos ? std::nullopt : parse_unsigned<std::uint16_t>(std::string_view(*listen).substr(colon + 1));
            if (!port) return unexpected(r.error(*r.find("listen"), "expected HOST:PORT"));
            out.server.host = listen->substr(0, colon);
            out.server.port = *port;
            out.server.tls_cert = beside(path, *cert).string();
            out.server.tls_key = beside(path, *key).string();
            out.server.client_ca = beside(path, *ca).string();
            auto token = read_file(beside(path, *token_file), 4096);
            if (!token) return unexpected(token.error());
            // One line: the line break after it is not part of the token.
            std::string_view line = *token;
            line = line.substr(0, line.find('\n'));
            out.server.admin_token = std::string(trim(line));
            if (out.server.admin_token.size() < 16) return failure(*token_file + ": the admin token needs at least 16 characters");
            if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
        } else if (!section.kind.empty() || !section.entries.empty()) {
            return unexpected(r.error("unknown section; expected [registry] and [server]"));
        }
    }
    if (!have_registry || !have_server) return failure(path.string() + ": needs a [registry] and a [server] section");
    return out;
}

Result<Bytes> load_registry_certificate(const std::filesystem::path& path) {
    auto conf = load_conf(path);
    if (!conf) return unexpected(conf.error());
    ConfReader r(*conf, conf->sections.front());
    auto kind = r.text("kind");
    if (!kind) return unexpected(kind.error());
    if (*kind != "registry-certificate") return unexpected(r.error(*r.find("kind"), "expected registry-certificate"));
    auto data = r.text("data");
    if (!data) return unexpected(data.error());
    auto bytes = from_base64(*data);
    if (!bytes) return unexpected(r.error(*r.find("data"), bytes.error().message));
    if (auto cert = sync::parse_registry_cert(*bytes); !cert) return unexpected(r.error(*r.find("data"), cert.error().message));
    if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
    return bytes;
}

Result<void> write_registry_certificate(const std::filesystem::path& path, const Bytes& signed_cert) {
    return credential::write_new_file(path, "kind = registry-certificate\ndata = " + to_base64(signed_cert) + "\n", 0644);
}

}  // namespace gw::registryd
