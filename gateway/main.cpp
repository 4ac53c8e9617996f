// gatewayd: the checkpoint gateway daemon. Wires the modules; holds no logic of its own.
//
// With no arguments it runs its embedded default: the demo checkpoint world (gateway/demo)
// through the verification core, printing every decision with its reasons.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "gateway/check/pass_checker.h"
#include "gateway/core/time.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/demo/demo_world.h"
#include "gateway/store/cache.h"

namespace {

using namespace gw;

constexpr const char* kUsage = R"(usage: gatewayd [--demo] [--state DIR]

  --demo        run the embedded demo checkpoint (the default with no arguments): a demo
                trust root and issuers, sample passes of every kind, each run through the
                verification core with its decision and reasons printed
  --state DIR   keep the RocksDB cache in DIR (default: a fresh temporary directory)
)";

std::string describe_readings(const demo::Scenario& sc) {
    std::string out = std::string(decision::lane_kind_name(sc.lane.kind)) + " lane " + sc.lane.direction;
    for (const auto& t : sc.readings.temperatures) {
        char buf[32];
        if (t.quality == decision::ReadingQuality::kOk) std::snprintf(buf, sizeof buf, ", %.1f°C", t.value.value);
        else std::snprintf(buf, sizeof buf, ", %s", t.quality == decision::ReadingQuality::kRemeasure ? "bad reading" : "sensor fault");
        out += buf;
    }
    if (sc.readings.plate) out += ", plate " + sc.readings.plate->text;
    if (sc.readings.plate_reader_fault) out += ", plate reader fault";
    if (sc.readings.final) out += ", timed out";
    return out;
}

int run_demo(const std::filesystem::path& state) {
    const auto& world = demo::demo_world();
    auto cache = store::Cache::open(state);
    if (!cache) {
        std::fprintf(stderr, "gatewayd: %s\n", cache.error().message.c_str());
        return 1;
    }
    for (const auto& [name, provinces] : {std::pair<std::string, std::vector<std::uint32_t>>{"shanghai", {31}}, {"zhejiang", {33}}})
        if (auto ok = (*cache)->apply(world.registry_batch(name, provinces, demo::demo_data_as_of())); !ok) {
            std::fprintf(stderr, "gatewayd: %s\n", ok.error().message.c_str());
            return 1;
        }
    check::PassChecker checker(**cache, world.trust, decision::Policy::defaults());
    std::printf("检查站网关演示 / Checkpoint gateway demo: Jinshan–Pinghu, %s\n", format_time(demo::demo_now()).c_str());
    std::printf("trust roots: shanghai (31), zhejiang (33); %zu issuer keys accepted\n", checker.issuer_count());
    for (const auto& why : checker.refused_certificates()) std::printf("refused certificate: %s\n", why.c_str());
    std::printf("cache: %s\n\n", state.c_str());
    int right = 0, n = 0;
    for (const auto& sc : world.scenarios) {
        ++n;
        const auto d = demo::run_scenario(checker, sc);
        const bool ok = demo::matches(sc, d);
        right += ok;
        std::string reasons;
        for (auto r : d.reasons) reasons += (reasons.empty() ? "" : " ") + std::string(code_name(r));
        std::printf("[%2d] %-36s %s\n     %s\n     -> %-6s [%s]  %s / %s%s\n", n, sc.name.c_str(), sc.title_zh.c_str(),
                    describe_readings(sc).c_str(), std::string(decision::verdict_name(d.verdict)).c_str(), reasons.c_str(),
                    decision::display_text(d, Lang::kZh).c_str(), decision::display_text(d, Lang::kEn).c_str(),
                    ok ? "" : "   <-- NOT AS EXPECTED");
    }
    std::printf("\n%d/%d decisions as expected\n", right, n);
    return right == n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path state;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (a == "--demo") continue;
        if (a == "--state" && i + 1 < argc) {
            state = argv[++i];
            continue;
        }
        std::fprintf(stderr, "gatewayd: unknown argument '%s'\n%s", a.c_str(), kUsage);
        return 2;
    }
    bool temporary = false;
    if (state.empty()) {
        char tmpl[] = "/tmp/gatewayd-demo-XXXXXX";
        if (!::mkdtemp(tmpl)) {
            std::perror("gatewayd: mkdtemp");
            return 1;
        }
        state = tmpl;
        temporary = true;
    }
    const int rc = run_demo(state);
    if (temporary) std::filesystem::remove_all(state);
    return rc;
}
