// gwbench: the project's speed figures. `gwbench AREA [--json] [--quick]` prints one figure
// a line; with --json one JSON object a line: {"bench":..,"figure":..,"value":..,"unit":..}.
// Speeds are ratios against a baseline run in the same process: the machine is shared.
#include <cstdio>
#include <cstring>
#include <string>

#include "gateway/core/number.h"
#include "tools/gwbench/benches.h"

namespace {
constexpr const char* kUsage = R"(usage: gwbench AREA [--json] [--quick] [--qr DIR] [--plates DIR] [--instructions-only]
                    [--lane-scheduling realtime|raised|ordinary]

areas:
  verify   pass verification core vs bare libsodium Ed25519 (1M-entry RocksDB cache)
  lane     eight lanes at once through emulated lane controllers against gatewayd;
           --lane-scheduling: gatewayd's lane-scheduling (and the emulated devices' and the
           floor's writers'), to compare the classes on one box (default realtime)
  sync     registry sync over HTTPS on loopback: 1M-entry bootstrap, apply rate, revocation to
           enforcement, outbox drain (needs the openssl command for test certificates)
  vision   QR from camera frames: the gated scanner vs bare ZXing on ../shared/data/qr and
           rendered frames, idle cost; --qr DIR measures a folder with a manifest.tsv;
           plates: the reader on ../shared/data/plates (real crops and scenes), the synthetic
           fixtures per kind, ms per 720p frame and idle; --plates DIR measures a folder with
           a manifest.csv of file,plate (crops or whole scenes)
  footprint  gatewayd with 8 lanes and a 1M-entry cache: start-up to READY, resident memory,
           CPU per lane idle and busy, disk per day at the design peak, memory and CPU with
           four QR cameras decoding, instructions per decision (valgrind --tool=callgrind; see
           deploy/README.md); --instructions-only: that count alone, for this build's
           architecture (deploy/cross-build.sh --from footprint counts it for arm64)
  decide N N full-path decisions and nothing else (footprint counts them under callgrind)
  demo     the README's first command (gatewayd's embedded default, beside gwbench) from
           outside: command to first decision, revocation at Zhejiang to the lane's refusal,
           Ctrl-C to exit with no process of the demo left
)";
}

int main(int argc, char** argv) {
    std::string area, decisions;
    bool json = false;
    gw::bench::BenchOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json") json = true;
        else if (a == "--quick") options.quick = true;
        else if (a == "--qr" && i + 1 < argc) options.qr_dir = argv[++i];
        else if (a == "--plates" && i + 1 < argc) options.plates_dir = argv[++i];
        else if (a == "--instructions-only") options.instructions_only = true;
        else if (a == "--lane-scheduling" && i + 1 < argc) {
            const auto wanted = gw::parse_lane_class(argv[++i]);
            if (!wanted) {
                std::fprintf(stderr, "gwbench: --lane-scheduling %s\n", wanted.error().message.c_str());
                return 2;
            }
            options.lane_scheduling = *wanted;
        }
        else if (area == "decide" && decisions.empty() && a[0] != '-') decisions = a;
        else if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (area.empty() && a[0] != '-') area = a;
        else {
            std::fprintf(stderr, "gwbench: unknown argument '%s'\n%s", a.c_str(), kUsage);
            return 2;
        }
    }
    gw::bench::Report report(json);
    if (area == "verify") return gw::bench::run_verify_bench(report, options);
    if (area == "lane") return gw::bench::run_lane_bench(report, options);
    if (area == "sync") return gw::bench::run_sync_bench(report, options);
    if (area == "vision") return gw::bench::run_vision_bench(report, options);
    if (area == "footprint") return gw::bench::run_footprint_bench(report, options);
    if (area == "demo") return gw::bench::run_demo_bench(report, options);
    if (area == "decide") {
        const auto n = gw::parse_unsigned<std::size_t>(decisions, 100'000'000);
        if (!n) {
            std::fprintf(stderr, "gwbench: decide needs a number of decisions\n");
            return 2;
        }
        return gw::bench::run_decide(*n);
    }
    std::fprintf(stderr, "gwbench: %s\n%s", area.empty() ? "no area given" : ("unknown area '" + area + "'").c_str(), kUsage);
    return 2;
}
