#include "gateway/app/sync_report.h"

#include "gateway/app/registry_status.h"

namespace gw::app {

std::vector<console::RegistryStatus> registry_status(daemon::Gateway& gateway) {
    return merge_registry_status(gateway.cache().registries(), gateway.sync_status(), gateway.upload_status());
}

std::string sync_report(const std::vector<console::RegistryStatus>& registries, std::uint64_t backlog, TimePoint now) {
    // The console's registry table, column for column, with its words (web/app.js).
    std::string out;
    for (const auto& r : registries) {
        out += "  登记机关 registry " + r.name + "  版本 version " + std::to_string(r.version);
        if (r.as_of == TimePoint{}) out += "  数据时长 data age —";
        else out += "  数据时长 data age " + std::to_string(std::max<std::int64_t>(0, (now - r.as_of).count())) + " s";
        out += "  落后 lag " + (r.lag ? std::to_string(*r.lag) : std::string("?"));
        if (!r.reachable) out += "  离线文件 offline file";
        else if (*r.reachable && r.last_problem.empty()) out += "  连接 link 正常 ok";
        else out += std::string("  连接 link ") + (*r.reachable ? "数据被拒收 data refused" : "无法连接 unreachable");
        out += "  已上传记录 events uploaded " + (r.events_acknowledged ? std::to_string(*r.events_acknowledged) : std::string("—"));
        if (!r.last_problem.empty()) out += "\n      问题 last problem: " + r.last_problem;
        out += "\n";
    }
    out += "  待上传 outbox backlog: " + std::to_string(backlog) + (backlog == 1 ? " event\n" : " events\n");
    return out;
}

}  // namespace gw::app
