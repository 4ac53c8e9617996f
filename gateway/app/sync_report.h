#pragma once
// The terminal's view of the registries between the demo's rounds: the same merged status
// the console shows (registry_status.h: version, data age, reachable, events acknowledged,
// last problem) and the outbox backlog, one line each, in Chinese and English.
//
// registry_status() reads a running gateway (any thread: the Gateway calls it wraps are
// thread-safe); sync_report() is pure.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/console/metrics.h"
#include "gateway/daemon/gateway.h"

namespace gw::app {

/// What the console's registry panel shows, now.
std::vector<console::RegistryStatus> registry_status(daemon::Gateway& gateway);

/// Per registry "  登记机关 registry shanghai  版本 version 12  数据时长 data age 3 s  落后 lag 0
/// 连接 link 正常 ok  已上传记录 events uploaded 41" (and the last problem on a line of its own),
/// then "  待上传 outbox backlog: 2 events"; every line ends in '\n'.
std::string sync_report(const std::vector<console::RegistryStatus>& registries, std::uint64_t backlog, TimePoint now);

}  // namespace gw::app
