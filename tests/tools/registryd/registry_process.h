#pragma once
// A registryd process for tests: its own directory, key files, certificate, admin token and
// configuration, the test CA's server certificate, started on a free loopback port; and the
// small helpers the process tests share.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <string>

#include "gateway/credential/key_file.h"
#include "tests/gateway/sync/child_process.h"
#include "tests/gateway/sync/https_fetch.h"
#include "tests/tools/registryd/registry_rig.h"
#include "tools/registryd/config.h"

namespace gw::testing {

inline const std::string kBin = std::string(GW_BINARY_DIR) + "/bin/";
inline const std::string kHarness = std::string(GW_BINARY_DIR) + "/tests/gw_gateway_harness";

inline void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

inline std::uint16_t free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

// A registryd process with its own directory (`parent`/registryd-NAME), key files,
// certificate and configuration; `extra` lines go into its [registry] section.
struct RegistryProcess {
    RegistryKeys keys;
    std::filesystem::path dir;
    const TlsFixture& tls;
    std::uint16_t port = 0;
    std::unique_ptr<ChildProcess> child;

    RegistryProcess(const TlsFixture& t, const std::filesystem::path& parent, const std::string& name, std::uint32_t province,
                    const std::string& root, const std::string& extra = "")
        : keys(name, province, root), dir(parent / ("registryd-" + name)), tls(t) {
        std::filesystem::create_directories(dir);
        REQUIRE(credential::write_keypair(dir / "registry", credential::KeyRole::kRegistry, province, name,
                                          keys.log.key).has_value());
        REQUIRE(registryd::write_registry_certificate(dir / "registry.rcert", keys.log.cert).has_value());
        write(dir / "admin.token", std::string(kAdminToken) + "\n");
        extra_ = extra;
        start();
    }
    RegistryProcess(const SyncRig& rig, const std::string& name, std::uint32_t province, const std::string& root,
                    const std::string& extra = "")
        : RegistryProcess(rig.tls, rig.dir.path, name, province, root, extra) {}
    void start() {
        write(dir / "registryd.conf", "[registry]\nkey = registry.key\ncertificate = registry.rcert\ndb = db\nexport = export\n"
                                      "segment-entries = 2000\n" + extra_ + "\n[server]\nlisten = 127.0.0.1:" +
                                          std::to_string(port) + "\ntls-cert = " + tls.server_cert() +
                                          "\ntls-key = " + tls.server_key() + "\nclient-ca = " + tls.ca() +
                                          "\nadmin-token-file = admin.token\n");
        child = std::make_unique<ChildProcess>(
            std::vector<std::string>{kBin + "registryd", "serve", "--config", (dir / "registryd.conf").string()},
            (dir / "registryd.log").string());
        const auto line = child->line_starting("registryd:", std::chrono::milliseconds{10000});
        REQUIRE(line.has_value());
        port = static_cast<std::uint16_t>(std::stoul(line->substr(line->rfind(':') + 1)));
    }
    void kill() {
        child->signal(SIGKILL);
        child->wait();
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port) + "/v1/"; }
    std::string harness_arg() const {
        return keys.log.name + "," + url() + "," + to_base64(keys.log.root.public_key.bytes) + "," +
               std::to_string(keys.log.provinces.front());
    }
    HttpsFetch admin() const {
        return HttpsFetch(sync::make_client_tls(sync::TlsFiles{tls.ca(), "", ""}).value(), url() + "admin/", kAdminToken);
    }
    std::string post(const std::string& what, const std::string& body) const {
        auto res = admin().post(what, body, "text/plain", 1 << 20, std::chrono::milliseconds{60000});
        REQUIRE(res.has_value());
        INFO(res->body);
        REQUIRE(res->status == 200);
        return res->body;
    }
    std::string get(const std::string& what) const {
        auto res = admin().get(what);
        REQUIRE(res.has_value());
        return res->body;
    }

private:
    std::string extra_;
};

inline std::uint64_t json_number(const std::string& body, const std::string& key) {
    const auto at = body.find("\"" + key + "\":");
    if (at == std::string::npos) return 0;
    return std::stoull(body.substr(at + key.size() + 3));
}

}  // namespace gw::testing
