// The terminal's registry lines between the demo's rounds (gateway/app/sync_report.h).
#include <doctest/doctest.h>

#include "gateway/app/sync_report.h"

using namespace gw;

TEST_CASE("the sync report prints the console's registry columns and the outbox backlog, line for line") {
    const auto now = parse_time("2020-03-02T08:00:00+08:00").value();
    std::vector<console::RegistryStatus> rs(3);
    rs[0] = {"shanghai", 3, now - Seconds{4}, 0, true, "", 17};
    rs[1] = {"zhejiang", 15, now - Seconds{61}, 2, false, "head: connect 127.0.0.1:9: Connection refused", 12};
    rs[2] = {"anhui", 7, now - Seconds{3600}, std::nullopt, std::nullopt, "", std::nullopt};
    CHECK(app::sync_report(rs, 5, now) ==
          "  登记机关 registry shanghai  版本 version 3  数据时长 data age 4 s  落后 lag 0  连接 link 正常 ok  已上传记录 events uploaded 17\n"
          "  登记机关 registry zhejiang  版本 version 15  数据时长 data age 61 s  落后 lag 2  连接 link 无法连接 unreachable  已上传记录 events uploaded 12\n"
          "      问题 last problem: head: connect 127.0.0.1:9: Connection refused\n"
          "  登记机关 registry anhui  版本 version 7  数据时长 data age 3600 s  落后 lag ?  离线文件 offline file  已上传记录 events uploaded —\n"
          "  待上传 outbox backlog: 5 events\n");
}

TEST_CASE("a registry reachable but whose data is refused reads as refused, and one event is singular") {
    const auto now = parse_time("2020-03-02T08:00:00+08:00").value();
    const std::vector<console::RegistryStatus> rs{{"zhejiang", 0, TimePoint{}, std::nullopt, true, "ROLLBACK: version 3 < 4", std::nullopt}};
    CHECK(app::sync_report(rs, 1, now) ==
          "  登记机关 registry zhejiang  版本 version 0  数据时长 data age —  落后 lag ?  连接 link 数据被拒收 data refused  已上传记录 events uploaded —\n"
          "      问题 last problem: ROLLBACK: version 3 < 4\n"
          "  待上传 outbox backlog: 1 event\n");
}
