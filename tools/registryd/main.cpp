// registryd: the reference registry. Wiring only: the registry (registry.h), its HTTPS server
// (server.h) and the configuration (config.h).
//
// Exit codes: 0 stopped by SIGINT/SIGTERM (serve) or done (certify), 2 usage, configuration or
// start-up error (one line on stderr naming the problem).
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "gateway/credential/key_file.h"
#include "gateway/sync/registry_sync.h"
#include "gateway/systemd/notifier.h"
#include "tools/common/args.h"
#include "tools/registryd/config.h"

namespace {

using namespace gw;
using gw::tools::Args;

constexpr const char* kUsage = R"(registryd: the reference registry for checkpoint gateways

usage: registryd serve --config FILE
       registryd certify --root ROOT.key --key REGISTRY.pub --name NAME --provinces 33[,31]
                         --from TIME --until TIME --out FILE.rcert

serve    runs the registry: the signed log, its static export, the HTTPS admin API, long
         polls for gateways and passage-event ingest (see tools/registryd/config.h)
certify  a province root certifies a registry key (passctl keygen --role registry)
)";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "registryd: %s\n", message.c_str());
    return 2;
}

int certify(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2, {{"root"}, {"key"}, {"name"}, {"provinces"}, {"from"}, {"until"}, {"out"}});
    if (!args) return usage_error(args.error().message);
    for (const char* n : {"root", "key", "name", "provinces", "from", "until", "out"})
        if (auto v = args->required(n); !v) return usage_error(v.error().message);
    auto root = credential::load_secret_key(*args->get("root"));
    if (!root) return usage_error(root.error().message);
    if (root->role != credential::KeyRole::kRoot) return usage_error(*args->get("root") + ": not a root secret key");
    auto key = credential::load_public_key(*args->get("key"));
    if (!key) return usage_error(key.error().message);
    if (key->role != credential::KeyRole::kRegistry) return usage_error(*args->get("key") + ": not a registry public key");
    sync::RegistryCert cert;
    cert.registry = *args->get("name");
    for (const auto& p : split_list(*args->get("provinces"))) {
        unsigned v = 0;
        if (std::sscanf(p.c_str(), "%u", &v) != 1 || !credential::is_province(v) || std::to_string(v) != p)
            return usage_error("--provinces: '" + p + "' is not a GB/T 2260 province code");
        cert.provinces.push_back(v);
    }
    auto from = parse_time(*args->get("from"));
    auto until = parse_time(*args->get("until"));
    if (!from) return usage_error("--from: " + from.error().message);
    if (!until) return usage_error("--until: " + until.error().message);
    cert.not_before = *from;
    cert.not_after = *until;
    cert.key = key->key;
    cert.root_province = root->province;
    cert.root_key = credential::public_of(root->key);
    const auto bytes = sync::sign_registry_cert(cert, root->key);
    if (auto parsed = sync::parse_registry_cert(bytes); !parsed) return usage_error(parsed.error().message);
    if (auto ok = registryd::write_registry_certificate(*args->get("out"), bytes); !ok) return usage_error(ok.error().message);
    return 0;
}

int serve(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2, {{"config"}});
    if (!args) return usage_error(args.error().message);
    auto path = args->required("config");
    if (!path) return usage_error(path.error().message);
    auto config = registryd::load_daemon_config(*path);
    if (!config) return usage_error(config.error().message);
    const auto log = [](const std::string& line) {
        std::fprintf(stderr, "%s\n", line.c_str());
        std::fflush(stderr);
    };
    auto registry = registryd::Registry::open(config->db, config->registry, sync::system_now());
    if (!registry) return usage_error(registry.error().message);

    asio::io_context io;
    asio::thread_pool blocking(2);
    auto server = registryd::Server::create(io, blocking, **registry, config->server, log);
    if (!server) return usage_error(server.error().message);
    (*server)->start();
    // Under systemd (Type=notify): READY once it listens, STOPPING on SIGTERM, and WATCHDOG=1
    // from a timer on the io_context, so threads stuck in their handlers stop the pings.
    auto notifier = systemd::Notifier::from_environment();
    if (!notifier) log("registryd: NOTIFY_SOCKET: " + notifier.error().message);
    const auto notify = [&](const std::string& message) {
        if (!notifier) return;
        if (auto ok = notifier->send(message); !ok) log("registryd: systemd notification failed: " + ok.error().message);
    };
    const auto interval = systemd::watchdog_ping_interval_from_environment();
    asio::steady_timer watchdog(io);
    std::function<void()> ping = [&] {
        notify("WATCHDOG=1");
        watchdog.expires_after(*interval);
        watchdog.async_wait([&](const error_code& ec) {
            if (!ec) ping();
        });
    };
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const error_code& ec, int) {
        if (ec) return;
        notify("STOPPING=1");
        watchdog.cancel();
        (*server)->stop();
        io.stop();
    });
    std::printf("registryd: %s listening on %s:%u\n", (*registry)->name().c_str(), config->server.host.c_str(),
                static_cast<unsigned>((*server)->port()));
    std::fflush(stdout);
    notify("READY=1\nSTATUS=" + (*registry)->name() + " listening on port " + std::to_string((*server)->port()) +
           "; 正在监听端口 " + std::to_string((*server)->port()));
    if (interval && notifier && notifier->enabled()) ping();
    std::thread second([&io] { io.run(); });
    io.run();
    second.join();
    blocking.join();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage_error(std::string("no command\n") + kUsage);
    const std::string command = argv[1];
    if (command == "--help" || command == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == "serve") return serve(argc, argv);
    if (command == "certify") return certify(argc, argv);
    return usage_error("unknown command '" + command + "'\n" + kUsage);
}
