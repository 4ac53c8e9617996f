#include <doctest/doctest.h>

#include "gateway/lane/lane_report.h"

using namespace gw::lane;

TEST_CASE("an opening's hops land in each hop's histogram under every bound they fit, with their sums") {
    LaneSnapshot s;
    add_hops(s, HopTimes{0.02, 0.1, 0.004, 0.05, 1.5, 0.3, 0.01});
    add_hops(s, HopTimes{0.2, 0.1, 0.004, 0.05, 20.0, 0.03, 0.01});
    CHECK(s.hop_count == 2);
    const auto sync = static_cast<std::size_t>(Hop::kJournal);
    // 1.5 ms and 20 ms: the 2 ms bound holds the first, the 50 ms bound both, 1 ms neither.
    CHECK(s.hop_buckets[sync][4] == 0);  // <= 1 ms
    CHECK(s.hop_buckets[sync][5] == 1);  // <= 2 ms
    CHECK(s.hop_buckets[sync][7] == 1);  // <= 10 ms
    CHECK(s.hop_buckets[sync][8] == 2);  // <= 50 ms
    CHECK(s.hop_sum_s[sync] == doctest::Approx(0.0215));
    const auto to_strand = static_cast<std::size_t>(Hop::kToStrand);
    CHECK(s.hop_buckets[to_strand][0] == 1);  // 20 us <= 50 us
    CHECK(s.hop_buckets[to_strand][2] == 2);  // 200 us <= 250 us
}

TEST_CASE("the hop names follow the hops' order") {
    CHECK(kHopNames[static_cast<std::size_t>(Hop::kToStrand)] == "to_strand");
    CHECK(kHopNames[static_cast<std::size_t>(Hop::kQueue)] == "queue");
    CHECK(kHopNames[static_cast<std::size_t>(Hop::kJournal)] == "journal");
    CHECK(kHopNames[static_cast<std::size_t>(Hop::kToLane)] == "to_lane");
    CHECK(kHopNames[static_cast<std::size_t>(Hop::kOpen)] == "open");
}
