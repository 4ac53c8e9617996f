#include "gateway/demo/core_demo.h"

#include <algorithm>
#include <cstdio>

#include "gateway/check/pass_checker.h"
#include "gateway/store/cache.h"

namespace gw::demo {

std::size_t CoreDemoRun::right() const {
    return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.as_expected; }));
}

Result<CoreDemoRun> run_core_demo(const DemoWorld& world, const std::filesystem::path& state_dir) {
    auto cache = store::Cache::open(state_dir);
    if (!cache) return unexpected(cache.error());
    for (const auto& [name, province] : {std::pair<std::string, std::uint32_t>{"shanghai", 31}, {"zhejiang", 33}}) {
        // A batch the cache cannot write (disk full, RocksDB error) ends the demo with that
        // error as a value: the caller prints it and exits non-zero.
        if (auto ok = (*cache)->apply(world.registry_batch(name, {province}, demo_data_as_of())); !ok)
            return unexpected(ok.error());
    }
    check::PassChecker checker(**cache, world.trust, decision::Policy::defaults());
    CoreDemoRun run;
    run.refused_certificates = checker.refused_certificates();
    for (const auto& sc : world.scenarios) {
        auto d = run_scenario(checker, sc);
        const bool ok = matches(sc, d);
        run.rows.push_back({sc.name, std::move(d), ok});
    }
    return run;
}

std::string reasons_text(const decision::Decision& d) {
    std::string out;
    for (auto r : d.reasons) out += (out.empty() ? "" : " ") + std::string(code_name(r));
    return out;
}

std::string core_demo_line(std::size_t number, const CoreDemoRow& row) {
    const auto& d = row.decision;
    const auto text = "[" + std::string(number < 10 ? " " : "") + std::to_string(number) + "] ";
    char name[64];
    std::snprintf(name, sizeof name, "%-36s %-6s", row.scenario.c_str(), std::string(decision::verdict_name(d.verdict)).c_str());
    return text + name + " [" + reasons_text(d) + "] " + decision::display_text(d, Lang::kZh) + " / " +
           decision::display_text(d, Lang::kEn) + (row.as_expected ? "" : "   <-- NOT AS EXPECTED");
}

}  // namespace gw::demo
