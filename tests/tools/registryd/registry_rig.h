#pragma once
// Registries for tests, on the real clock: registry keys certified by the demo world's
// province roots, issuer keys certified for today, passes valid today, and (ServedRegistry)
// registryd's HTTPS server on a loopback port with test certificates.
#include <memory>
#include <string>
#include <thread>

#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/sync/registry_sync.h"
#include "tests/gateway/sync/log_fixture.h"
#include "tests/gateway/sync/sync_rig.h"
#include "tools/registryd/registry.h"
#include "tools/registryd/server.h"

namespace gw::testing {

constexpr const char* kAdminToken = "test-admin-token-0123456789";

/// Keys and certificate of one registry, valid from a day ago for a month.
struct RegistryKeys {
    LogFixture log;
    RegistryKeys(const std::string& name, std::uint32_t province, const std::string& root_name)
        : log(name, {province}, root_name) {
        const auto now = sync::system_now();
        log.recertify(now - std::chrono::hours{24}, now + std::chrono::hours{24 * 30});
    }
    registryd::RegistryOptions options(const std::filesystem::path& export_dir = {}) const {
        registryd::RegistryOptions o;
        o.key = log.key.secret_key;
        o.cert = log.cert;
        o.token_key = demo::demo_world().token_key;
        o.export_dir = export_dir;
        return o;
    }
    sync::RegistryTrust trust() const { return log.trust(); }
};

/// An issuer key certified today by a demo province root, for `scope`, all pass types.
struct TestIssuer {
    credential::KeyPair key;
    credential::IssuerCert cert;
    TestIssuer(const std::string& root_name, std::uint32_t province, std::uint16_t key_id, const std::string& scope,
               const std::string& label) {
        key = credential::keypair_from_seed(credential::derive_seed("test-issuer:" + label));
        const auto now = sync::system_now();
        credential::IssuerCert c;
        c.province = province;
        c.key_id = key_id;
        c.key = key.public_key;
        c.scope = credential::parse_scope(scope).value();
        for (auto t : {credential::PassType::kCommuter, credential::PassType::kWorkCommute, credential::PassType::kFreight,
                       credential::PassType::kQuarantineRelease})
            c.type_mask |= credential::type_bit(t);
        c.not_before = now - std::chrono::hours{24};
        c.not_after = now + std::chrono::hours{24 * 30};
        c.name = label;
        cert = credential::parse_certificate(credential::sign_certificate(c, demo::demo_world().keys.at(root_name).pair.secret_key))
                   .value();
    }
    Bytes bytes() const { return credential::serialize_certificate(cert); }
    std::string request(bool with_secret = true) const {
        auto body = "certificate = " + to_base64(bytes()) + "\n";
        if (with_secret) body += "secret = " + to_base64(key.secret_key.bytes) + "\n";
        return body;
    }
};

/// A GB 11643 identity number from its first 17 digits: the check character appended.
inline std::string id_number(const std::string& first17) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[static_cast<std::size_t>(i)] - '0') * kWeights[i];
    return first17 + "10X98765432"[sum % 11];
}

/// Today's CST date, for pass validity.
inline std::string today() { return format_day(static_cast<std::uint32_t>(day_of(sync::system_now()))); }

/// An issue request for a commuter pass valid today, issued by the work region.
inline std::string commuter_request(std::uint16_t key_id, const std::string& work, const std::string& enterprise,
                                    std::uint32_t letter, const std::string& id_number, const std::string& name = "张三明") {
    return "type = commuter\nkey-id = " + std::to_string(key_id) + "\nfrom = " + today() + "\ndays = 30\nhome = 310116\nwork = " +
           work + "\nenterprise = " + enterprise + "\npersonal-letter = " + std::to_string(letter) +
           "\nenterprise-letter = 55\nname = " + name + "\nid-number = " + id_number + "\n";
}

/// A registry and its HTTPS server on a loopback port (the io_context of `rig`).
struct ServedRegistry {
    RegistryKeys keys;
    std::filesystem::path db;
    std::unique_ptr<registryd::Registry> registry;
    std::shared_ptr<registryd::Server> server;
    SyncRig& rig;
    std::uint16_t port = 0;

    ServedRegistry(SyncRig& r, const std::string& name, std::uint32_t province, const std::string& root_name,
                   registryd::ServerOptions options = {})
        : keys(name, province, root_name), db(r.dir.path / ("registry-" + name)), rig(r) {
        registry = registryd::Registry::open(db, keys.options(), sync::system_now()).value();
        serve(options);
    }
    ~ServedRegistry() { stop(); }

    void serve(registryd::ServerOptions options = {}) {
        options.tls_cert = rig.tls.server_cert();
        options.tls_key = rig.tls.server_key();
        options.client_ca = rig.tls.ca();
        options.admin_token = kAdminToken;
        options.port = port;
        server = registryd::Server::create(rig.io, rig.pool, *registry, options).value();
        port = server->port();
        server->start();
    }
    /// Stops answering (the registry "goes down"); serve() brings it back on the same port.
    void stop() {
        if (!server) return;
        server->stop();
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
        server.reset();
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port) + "/v1/"; }
    sync::RegistryEndpoint endpoint() const {
        auto e = gw::testing::endpoint(keys.trust(), url());
        e.long_poll = sync::Millis{20000};
        e.poll_interval = sync::Millis{30000};  // only the long poll can bring news within a second
        e.events_url = sync::parse_url(url()).value();
        return e;
    }
};

}  // namespace gw::testing
