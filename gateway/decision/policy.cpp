#include "gateway/decision/policy.h"

namespace gw::decision {
namespace {

using credential::PassType;

std::uint8_t bit(PassType t) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(t)); }

}  // namespace

std::string_view lane_kind_name(LaneKind k) {
    switch (k) {
        case LaneKind::kPedestrian: return "pedestrian";
        case LaneKind::kCar: return "car";
        case LaneKind::kTruck: return "truck";
    }
    return "?";
}

Result<LaneKind> parse_lane_kind(std::string_view s) {
    if (s == "pedestrian") return LaneKind::kPedestrian;
    if (s == "car") return LaneKind::kCar;
    if (s == "truck") return LaneKind::kTruck;
    return failure("unknown lane type '" + std::string(s) + "': expected pedestrian, car or truck");
}

Policy Policy::defaults() {
    using std::chrono::hours;
    Policy p;
    p.lane_types[static_cast<std::size_t>(LaneKind::kPedestrian)] =
        bit(PassType::kCommuter) | bit(PassType::kWorkCommute) | bit(PassType::kQuarantineRelease);
    p.lane_types[static_cast<std::size_t>(LaneKind::kCar)] = bit(PassType::kCommuter) | bit(PassType::kWorkCommute);
    p.lane_types[static_cast<std::size_t>(LaneKind::kTruck)] = bit(PassType::kFreight);
    p.staleness[static_cast<std::size_t>(PassType::kCommuter)] = {hours{12}, hours{48}};
    p.staleness[static_cast<std::size_t>(PassType::kWorkCommute)] = {hours{24}, hours{96}};
    p.staleness[static_cast<std::size_t>(PassType::kFreight)] = {hours{24}, hours{72}};
    p.staleness[static_cast<std::size_t>(PassType::kQuarantineRelease)] = {hours{6}, hours{24}};
    return p;
}

Result<Policy> parse_policy(const ConfFile& file, const ConfSection& section) {
    Policy p = Policy::defaults();
    ConfReader r(file, section);
    auto threshold = r.number_or("fever-threshold", p.fever_threshold.value, 35.0, 40.0);
    if (!threshold) return unexpected(threshold.error());
    p.fever_threshold = Celsius{static_cast<float>(*threshold)};
    auto attempts = r.integer_or("temperature-attempts", p.temperature_attempts, 1, 5);
    if (!attempts) return unexpected(attempts.error());
    p.temperature_attempts = static_cast<int>(*attempts);
    if (const auto* e = r.find("passback-window")) {
        auto d = parse_duration(e->value);
        if (!d) return unexpected(r.error(*e, d.error().message));
        p.passback_window = *d;
    }
    for (auto kind : {LaneKind::kPedestrian, LaneKind::kCar, LaneKind::kTruck}) {
        const std::string key = "lane." + std::string(lane_kind_name(kind));
        if (const auto* e = r.find(key)) {
            std::uint8_t mask = 0;
            for (const auto& name : split_list(e->value)) {
                auto t = credential::parse_pass_type(name);
                if (!t) return unexpected(r.error(*e, t.error().message));
                mask |= bit(*t);
            }
            p.lane_types[static_cast<std::size_t>(kind)] = mask;
        }
    }
    for (std::uint8_t i = 1; i <= credential::kPassTypeCount; ++i) {
        const auto t = static_cast<PassType>(i);
        const std::string key = "stale." + std::string(credential::type_name(t));
        const auto* e = r.find(key);
        if (!e) continue;
        const auto parts = split_list(e->value);
        if (parts.size() != 2) return unexpected(r.error(*e, "expected 'WARN, MANUAL' durations, e.g. 12h, 48h"));
        auto warn = parse_duration(parts[0]);
        auto manual = parse_duration(parts[1]);
        if (!warn) return unexpected(r.error(*e, warn.error().message));
        if (!manual) return unexpected(r.error(*e, manual.error().message));
        if (*warn > *manual) return unexpected(r.error(*e, "the warning must come before the manual limit"));
        p.staleness[i] = {*warn, *manual};
    }
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return p;
}

}  // namespace gw::decision
