#pragma once
// The checkpoint's decision policy. Defaults follow the 2020 rules for the Yangtze River
// Delta checkpoints; a [policy] section of the checkpoint's conf file overrides them:
//
//   [policy]
//   fever-threshold = 37.3          # °C, at or above is a fever
//   temperature-attempts = 2        # one re-measure before a fever denial
//   passback-window = 30m
//   lane.pedestrian = commuter, work-commute, quarantine-release
//   lane.car = commuter, work-commute
//   lane.truck = freight
//   stale.commuter = 12h, 48h       # warn after, then MANUAL for that pass type after
//   stale.freight = 24h, 72h
#include <array>

#include "gateway/core/conf.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/core/units.h"
#include "gateway/credential/pass.h"
#include "gateway/decision/plate_match.h"

namespace gw::decision {

enum class LaneKind { kPedestrian, kCar, kTruck };
std::string_view lane_kind_name(LaneKind k);  ///< "pedestrian", "car", "truck"
Result<LaneKind> parse_lane_kind(std::string_view s);

struct Staleness {
    Seconds warn_after{};
    Seconds manual_after{};
};

struct Policy {
    Celsius fever_threshold{37.3f};
    int temperature_attempts = 2;
    Seconds passback_window = std::chrono::minutes{30};
    /// Pass types (bit 1 << PassType) each lane kind accepts, indexed by LaneKind.
    std::array<std::uint8_t, 3> lane_types{};
    /// Per pass type (index PassType). Different limits per type on purpose: when a registry
    /// goes quiet, lanes degrade one pass type at a time, never all at one instant.
    std::array<Staleness, credential::kPassTypeCount + 1> staleness{};
    /// How sure a camera's plate read must be (plate_match.h); defaults only, not in [policy].
    PlateMatchPolicy plate_match{};

    static Policy defaults();
    bool lane_accepts(LaneKind lane, credential::PassType t) const {
        return lane_types[static_cast<std::size_t>(lane)] & (1u << static_cast<unsigned>(t));
    }
    const Staleness& stale_limits(credential::PassType t) const { return staleness[static_cast<std::size_t>(t)]; }
};

/// Reads a [policy] section over the defaults; errors name file, line and key.
Result<Policy> parse_policy(const ConfFile& file, const ConfSection& section);

}  // namespace gw::decision
