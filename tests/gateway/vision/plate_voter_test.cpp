#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/vision/plate_voter.h"

using namespace gw::vision;
using namespace std::chrono_literals;

namespace {

// "浙F12345" with every character at `confidence`, or the confidences given one per character.
PlateText read_of(const std::vector<std::string>& chars, std::vector<float> confidences) {
    PlateText t;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        t.chars.push_back({chars[i], confidences.size() == 1 ? confidences[0] : confidences[i]});
        t.text += chars[i];
    }
    return t;
}

const std::vector<std::string> kPlate{"浙", "F", "1", "2", "3", "4", "5"};
const PlateVoter::Clock::time_point t0{};

}  // namespace

TEST_CASE("a character misread in one frame is outvoted by the frames that read it right") {
    PlateVoter voter;
    auto misread = kPlate;
    misread[2] = "7";
    voter.add(read_of(kPlate, {0.8f}), t0);
    voter.add(read_of(misread, {0.85f}), t0 + 40ms);
    voter.add(read_of(kPlate, {0.8f}), t0 + 80ms);
    const auto vote = voter.current();
    REQUIRE(vote);
    CHECK(vote->text.text == "浙F12345");
    CHECK(vote->reads == 3);
    // The voted "1" has 1.6 of 3 reads' confidence: 0.53, lower than a unanimous character.
    CHECK(vote->text.chars[2].confidence == doctest::Approx(1.6f / 3));
    CHECK(vote->text.chars[0].confidence == doctest::Approx(2.45f / 3));  // read alike in all three
    CHECK(vote->text.confidence() == doctest::Approx(1.6f / 3));
}

TEST_CASE("the plate length most reads agree on wins over a stray read of another length") {
    PlateVoter voter;
    voter.add(read_of(kPlate, {0.7f}), t0);
    voter.add(read_of({"浙", "F", "1", "2", "3", "4", "5", "D"}, {0.85f}), t0 + 40ms);
    voter.add(read_of(kPlate, {0.7f}), t0 + 80ms);
    const auto vote = voter.current();
    REQUIRE(vote);
    CHECK(vote->text.text == "浙F12345");
    CHECK(vote->reads == 2);
    CHECK(vote->total == 3);
}

TEST_CASE("reads that are not 7 or 8 characters are no plate and are not counted") {
    PlateVoter voter;
    CHECK_FALSE(voter.add(read_of({"浙", "F", "1"}, {0.9f}), t0));
    CHECK_FALSE(voter.current());
}

TEST_CASE("a vehicle ends after the gap without reads and its final vote is handed back once") {
    PlateVoter voter;
    voter.add(read_of(kPlate, {0.9f}), t0);
    CHECK_FALSE(voter.expire(t0 + 1000ms));
    const auto closed = voter.expire(t0 + 1600ms);
    REQUIRE(closed);
    CHECK(closed->text.text == "浙F12345");
    CHECK_FALSE(voter.current());
    CHECK_FALSE(voter.expire(t0 + 5000ms));
}

TEST_CASE("a clearly read different plate starts the next vehicle at once") {
    PlateVoter voter;
    voter.add(read_of(kPlate, {0.95f}), t0);
    const auto closed = voter.add(read_of({"沪", "A", "9", "8", "7", "6", "5"}, {0.95f}), t0 + 100ms);
    REQUIRE(closed);
    CHECK(closed->text.text == "浙F12345");
    CHECK(voter.current()->text.text == "沪A98765");
}

TEST_CASE("an unsure different read stays with the current vehicle and is outvoted") {
    PlateVoter voter;
    voter.add(read_of(kPlate, {0.95f}), t0);
    voter.add(read_of(kPlate, {0.95f}), t0 + 40ms);
    CHECK_FALSE(voter.add(read_of({"沪", "A", "9", "8", "7", "6", "5"}, {0.5f}), t0 + 80ms));
    CHECK(voter.current()->text.text == "浙F12345");
}
