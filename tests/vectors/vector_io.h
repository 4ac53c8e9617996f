#pragma once
// Reading and writing the credential test vectors (proto/credential.md §5).
#include <string>

#include "gateway/core/conf.h"
#include "gateway/demo/demo_world.h"

namespace gw::vectors {

/// The vectors file text for the demo world: seeds, roots, certificates and one vector per
/// demo scenario, with the cache facts each scenario meets.
std::string make_vectors_text();

struct Vector {
    std::string name;
    std::string payload;
    TimePoint at{};
    decision::Lane lane;
    decision::Readings readings;
    decision::Facts facts;
    decision::Verdict verdict = decision::Verdict::kDeny;
    std::vector<Reason> reasons;
};

Result<Vector> read_vector(const ConfFile& file, const ConfSection& section);

}  // namespace gw::vectors
