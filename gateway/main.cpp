// gatewayd: the checkpoint gateway daemon. Wires the modules; holds no logic of its own.
//
//   gatewayd --config FILE        run a checkpoint (SIGTERM/SIGINT: clean shutdown)
//   gatewayd --check-config FILE  validate a configuration, exit non-zero on any error
//   gatewayd                      the embedded default: a whole simulated checkpoint (four
//                                 emulated lanes, scanners, plate cameras, today's demo
//                                 passes and trust roots, two registryd processes it syncs
//                                 from) decided live until Ctrl-C
//   gatewayd --core-demo          the verification core alone on the demo scenarios
//   gatewayd --add-user NAME --role admin|operator [--config FILE]
//                                 create a console account (password from the terminal or stdin)
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "gateway/app/console_backend.h"
#include "gateway/app/simulated_checkpoint.h"
#include "gateway/console/accounts.h"
#include "gateway/console/hub.h"
#include "gateway/console/password_prompt.h"
#include "gateway/console/server.h"
#include "gateway/console/settings.h"
#include "gateway/core/number.h"
#include "gateway/core/temp_dir.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/gateway.h"
#include "gateway/demo/core_demo.h"
#include "gateway/sim/report_printer.h"
#include "gateway/systemd/notifier.h"

namespace {

using namespace gw;

constexpr const char* kUsage = R"(usage: gatewayd [--config FILE | --check-config FILE | --core-demo] [--rounds N]
       gatewayd --add-user NAME --role admin|operator [--config FILE | --console-dir DIR]

  (no option)          run a whole simulated checkpoint (the demo): emulated lane
                       controllers, QR scanners and plate cameras, today's demo passes, and
                       Shanghai's and Zhejiang's registries (registryd, beside gatewayd) it
                       syncs from, which revoke, suspend and issue during the rounds;
                       decisions shown live until Ctrl-C (--rounds N: stop after N rounds)
  --config FILE        run the checkpoint FILE describes (see config/README.md)
  --check-config FILE  validate FILE and exit: 0 valid, 1 invalid (one line naming the problem)
  --core-demo          run the demo passes through the verification core and print each decision
  --add-user NAME      create a console account with --role admin or operator; the password
                       is read from the terminal (asked twice) or from stdin, never argv;
                       the accounts file is [console] accounts of --config FILE, else the demo's
  --console-listen A   the demo's console address (default 127.0.0.1:8443; port 0: any)
  --console-dir DIR    where the demo's console keeps its accounts and certificate
                       (default $XDG_STATE_HOME or ~/.local/state, then gatewayd-demo/console)
  --no-console         run the demo without its console
)";

sim::ReportPrinter printer;

/// Every lane report goes to the terminal and to the console's hub.
lane::ReportSink printed_and_published(console::Hub& hub) {
    return daemon::fan_out({[](const lane::LaneReport& r) { printer.print(r); }, [&hub](const lane::LaneReport& r) { hub.publish(r); }});
}

std::filesystem::path default_console_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::filesystem::path(x) / "gatewayd-demo" / "console";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/tmp") / ".local" / "state" / "gatewayd-demo" / "console";
}

std::unique_ptr<console::ConsoleServer> start_console(const console::ConsoleSettings& settings, daemon::Gateway& gateway,
                                                      console::Hub& hub) {
    auto server = console::ConsoleServer::start(settings, app::console_backend(gateway), hub);
    if (!server) {
        std::fprintf(stderr, "gatewayd: console not started: %s\n", server.error().message.c_str());
        return nullptr;
    }
    std::printf("console 控制台: %s  (certificate SHA-256 %s)\n", (*server)->url().c_str(), (*server)->fingerprint().c_str());
    if ((*server)->admin_exists())
        std::printf("  log in with a console account (accounts: %s)\n", (*server)->accounts_path().c_str());
    else
        std::printf("  no admin account yet, so nobody can log in: create one with\n"
                    "    gatewayd --add-user NAME --role admin%s\n",
                    settings.accounts == console::demo_console_settings(default_console_dir()).accounts
                        ? ""
                        : (" (accounts file " + settings.accounts.string() + ")").c_str());
    std::fflush(stdout);
    return std::move(*server);
}

int add_user(const std::string& name, const std::string& role_text, const std::string& config,
             const std::filesystem::path& console_dir) {
    const auto role = console::parse_role(role_text);
    if (!role) {
        std::fprintf(stderr, "gatewayd: --role must be admin or operator\n");
        return 2;
    }
    std::filesystem::path accounts = console::demo_console_settings(console_dir).accounts;
    if (!config.empty()) {
        auto c = daemon::load_config(config);
        if (!c) {
            std::fprintf(stderr, "gatewayd: %s\n", c.error().message.c_str());
            return 1;
        }
        if (!c->console) {
            std::fprintf(stderr, "gatewayd: %s has no [console] section\n", config.c_str());
            return 1;
        }
        accounts = c->console->accounts;
    }
    const auto password = console::read_new_password(STDIN_FILENO, std::cin, std::cerr);
    if (!password) {
        std::fprintf(stderr, "gatewayd: no password given (or the two did not match)\n");
        return 1;
    }
    console::AccountStore store(accounts);
    if (auto ok = store.add(name, *role, *password); !ok) {
        std::fprintf(stderr, "gatewayd: %s\n", ok.error().message.c_str());
        return 1;
    }
    std::printf("added %s '%s' to %s\n", std::string(console::role_name(*role)).c_str(), name.c_str(), accounts.c_str());
    return 0;
}

int check_config(const std::string& path) {
    auto c = daemon::load_config(path);
    if (!c) {
        std::fprintf(stderr, "gatewayd: %s\n", c.error().message.c_str());
        return 1;
    }
    std::printf("%s: valid: checkpoint '%s', %zu lanes, %zu trusted roots, %zu registries, evidence frames %s\n",
                path.c_str(), c->name.c_str(), c->lanes.size(), c->trust.roots.size(), c->registries.size(),
                c->evidence_budget_bytes ? (std::to_string(c->evidence_budget_bytes >> 20) + " MiB").c_str() : "off");
    return 0;
}

int run_config(const std::string& path) {
    auto c = daemon::load_config(path);
    if (!c) {
        std::fprintf(stderr, "gatewayd: %s\n", c.error().message.c_str());
        return 1;
    }
    console::Hub hub;
    const auto console_settings = c->console;
    auto gw = daemon::Gateway::open(std::move(*c), printed_and_published(hub));
    if (!gw) {
        std::fprintf(stderr, "gatewayd: %s\n", gw.error().message.c_str());
        return 1;
    }
    // Under systemd (Type=notify): READY once the lanes are up, WATCHDOG while they all beat.
    if (auto notifier = systemd::Notifier::from_environment(); notifier)
        (*gw)->notify_service_manager(std::move(*notifier), systemd::watchdog_ping_interval_from_environment());
    else
        std::fprintf(stderr, "gatewayd: NOTIFY_SOCKET: %s\n", notifier.error().message.c_str());
    std::fprintf(stderr, "gatewayd: %s: %zu lanes, starting closed\n", (*gw)->config().name.c_str(), (*gw)->config().lanes.size());
    std::unique_ptr<console::ConsoleServer> console_server;
    if (console_settings) {
        console_server = start_console(*console_settings, **gw, hub);
        if (!console_server) return 1;
    }
    (*gw)->run(true);
    if (console_server) console_server->stop();
    std::fprintf(stderr, "gatewayd: stopped\n");
    return 0;
}

std::atomic<bool> interrupted{false};
void on_signal(int) { interrupted = true; }

int run_simulation(int rounds, std::optional<console::ConsoleSettings> console_settings) {
    // Ctrl-C from here on: the registries the run starts are stopped in order, never left behind.
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    app::SimulationRun run;
    run.rounds = rounds;
    run.bin_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path();
    if (console_settings)
        run.start_console = [settings = *console_settings](daemon::Gateway& gateway, console::Hub& hub) {
            return start_console(settings, gateway, hub);
        };
    return app::run_simulated_checkpoint(run, interrupted, printer);
}

int run_core_demo() {
    const auto dir = make_temp_dir("gatewayd-demo");
    if (!dir) {
        std::fprintf(stderr, "gatewayd: %s\n", dir.error().message.c_str());
        return 1;
    }
    const auto run = demo::run_core_demo(demo::demo_world(), *dir);
    std::filesystem::remove_all(*dir);
    if (!run) {
        std::fprintf(stderr, "gatewayd: %s\n", run.error().message.c_str());
        return 1;
    }
    for (const auto& why : run->refused_certificates) std::printf("refused certificate: %s\n", why.c_str());
    for (std::size_t i = 0; i < run->rows.size(); ++i) std::printf("%s\n", demo::core_demo_line(i + 1, run->rows[i]).c_str());
    std::printf("\n%zu/%zu decisions as expected\n", run->right(), run->rows.size());
    return run->right() == run->rows.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config, check, add_user_name, role;
    std::string console_listen = "127.0.0.1:8443";
    std::filesystem::path console_dir = default_console_dir();
    bool core_demo = false, no_console = false;
    int rounds = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--config" && i + 1 < argc) {
            config = argv[++i];
        } else if (a == "--check-config" && i + 1 < argc) {
            check = argv[++i];
        } else if (a == "--core-demo") {
            core_demo = true;
        } else if (a == "--add-user" && i + 1 < argc) {
            add_user_name = argv[++i];
        } else if (a == "--role" && i + 1 < argc) {
            role = argv[++i];
        } else if (a == "--console-listen" && i + 1 < argc) {
            console_listen = argv[++i];
        } else if (a == "--console-dir" && i + 1 < argc) {
            console_dir = argv[++i];
        } else if (a == "--no-console") {
            no_console = true;
        } else if (a == "--rounds" && i + 1 < argc) {
            const auto n = parse_unsigned<unsigned>(argv[++i], 1'000'000);
            rounds = static_cast<int>(n.value_or(0));
            if (rounds <= 0) {
                std::fprintf(stderr, "gatewayd: --rounds needs a positive number\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "gatewayd: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return 2;
        }
    }
    if (!add_user_name.empty()) return add_user(add_user_name, role, config, console_dir);
    if (!check.empty()) return check_config(check);
    if (!config.empty()) return run_config(config);
    if (core_demo) return run_core_demo();
    std::optional<console::ConsoleSettings> demo_console;
    if (!no_console) {
        demo_console = console::demo_console_settings(console_dir);
        if (auto ok = console::parse_console_listen(console_listen, *demo_console); !ok) {
            std::fprintf(stderr, "gatewayd: --console-listen: %s\n", ok.error().message.c_str());
            return 2;
        }
    }
    return run_simulation(rounds, demo_console);
}
