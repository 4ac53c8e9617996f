#include "gateway/vision/plate_voter.h"

#include <algorithm>
#include <map>
#include <string>

namespace gw::vision {

PlateVoter::PlateVoter(PlateVoteOptions options) : options_(options) {}

std::optional<PlateVote> PlateVoter::current() const {
    if (reads_.empty()) return std::nullopt;
    // The length with the most summed confidence: one stray 6-character read must not outvote
    // four 7-character ones.
    std::map<std::size_t, float> by_length;
    for (const auto& r : reads_)
        for (const auto& c : r.chars) by_length[r.chars.size()] += c.confidence;
    const auto length = std::max_element(by_length.begin(), by_length.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    PlateVote vote;
    vote.total = static_cast<int>(reads_.size());
    for (const auto& r : reads_) vote.reads += r.chars.size() == length;
    for (std::size_t i = 0; i < length; ++i) {
        std::map<std::string, float> sums;
        for (const auto& r : reads_)
            if (r.chars.size() == length) sums[r.chars[i].text] += r.chars[i].confidence;
        const auto best = std::max_element(sums.begin(), sums.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
        vote.text.chars.push_back({best->first, std::min(1.0f, best->second / static_cast<float>(vote.reads))});
        vote.text.text += best->first;
    }
    return vote;
}

std::optional<PlateVote> PlateVoter::close() {
    auto vote = current();
    reads_.clear();
    return vote;
}

void PlateVoter::reset() { reads_.clear(); }

std::optional<PlateVote> PlateVoter::expire(Clock::time_point now) {
    if (reads_.empty() || now - last_ < options_.vehicle_gap) return std::nullopt;
    return close();
}

std::optional<PlateVote> PlateVoter::add(const PlateText& read, Clock::time_point at) {
    if (read.chars.size() < 7 || read.chars.size() > 8) return std::nullopt;
    std::optional<PlateVote> closed = expire(at);
    if (!closed && !reads_.empty() && read.confidence() >= options_.clear_confidence) {
        // A clearly read plate unlike the vote so far is the next vehicle.
        const auto so_far = current();
        int differences = 0;
        if (so_far->text.chars.size() != read.chars.size())
            differences = options_.max_differences + 1;
        else
            for (std::size_t i = 0; i < read.chars.size(); ++i)
                differences += so_far->text.chars[i].text != read.chars[i].text;
        if (differences > options_.max_differences) closed = close();
    }
    reads_.push_back(read);
    last_ = at;
    return closed;
}

}  // namespace gw::vision
