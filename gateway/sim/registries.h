#pragma once
// The demo's two provincial registries, live: a registryd process each for Shanghai (31) and
// Zhejiang (33) on loopback, each with its own directory under `dir`, its registry key
// certified by the demo world's province root (registryd certify), its TLS server certificate
// from the demo CA (demo_tls.h), its static export, its admin token; loaded with today's demo
// records through the admin API (passctl registry import), Zhejiang also holding the Pinghu
// issuer key it issues new passes with (passctl registry add-issuer --secret). The gateway
// syncs from both over HTTPS with its client certificate (configure()).
//
// Everything an operator would type goes through the real tools, found beside gatewayd:
// registryd and passctl (admin(): `passctl registry ARGS --url .. --ca .. --token-file ..`).
//
// Threading: one thread drives it (the demo's rounds); its children are tied to that thread
// (child_process.h). The destructor stops every registryd it started.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/demo/demo_world.h"
#include "gateway/sim/child_process.h"
#include "gateway/sim/demo_tls.h"
#include "gateway/sim/sim_checkpoint.h"

namespace gw::sim {

/// What a registry holds of one gateway's passage events (passctl registry events).
struct EventsHeld {
    std::uint64_t first_seq = 0, last_seq = 0, count = 0, duplicates = 0;
    /// Every event from first to last, none missing (each stored once, by seq).
    bool unbroken() const { return count == 0 || count == last_seq - first_seq + 1; }
};

class DemoRegistries {
public:
    struct Options {
        std::filesystem::path dir;      ///< everything generated goes here
        std::filesystem::path bin_dir;  ///< where registryd and passctl are
        std::string gateway;            ///< the gateway's name: its client certificate's CN
        TimePoint now{};
    };
    /// Writes the keys, certificates and configurations, starts both registryd processes and
    /// loads them. Fails (one line) when a tool is missing or a step is refused; whatever was
    /// started is stopped again.
    static Result<std::unique_ptr<DemoRegistries>> start(const demo::DemoWorld& world, Options options);
    ~DemoRegistries();

    /// The [registry NAME] sync keys and the [sync] section gatewayd needs for both.
    void configure(SimOptions& options) const;
    /// "shanghai", "zhejiang".
    std::vector<std::string> names() const;
    bool running(const std::string& name) const;
    /// SIGTERM and wait (the registry goes down); restart() brings it back on the same port.
    Result<void> stop(const std::string& name);
    Result<void> restart(const std::string& name);
    void stop_all();
    /// Every registryd process running now (for the tests' "no child left").
    std::vector<pid_t> pids() const;

    /// `passctl registry ARGS` against registry `name` as its administrator: stdout, or the
    /// tool's one-line error.
    Result<std::string> admin(const std::string& name, std::vector<std::string> args) const;
    Result<EventsHeld> events(const std::string& name) const;
    /// The newest entry of registry `name`'s log (passctl registry state).
    Result<std::uint64_t> latest_seq(const std::string& name) const;

private:
    struct Registry {
        std::string name;
        std::uint32_t province = 0;
        std::filesystem::path dir;
        std::uint16_t port = 0;
        Child process;
    };
    explicit DemoRegistries(Options options) : options_(std::move(options)) {}
    Result<void> write_config(const Registry& r) const;
    Result<void> launch(Registry& r);
    Registry* find(const std::string& name);
    const Registry* find(const std::string& name) const;
    std::string url(const Registry& r) const;

    Options options_;
    DemoTls tls_;
    std::map<std::string, std::string> root_keys_;  // registry -> its root's public key, base64
    std::vector<Registry> registries_;
};

}  // namespace gw::sim
