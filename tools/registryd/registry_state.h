#pragma once
// A registry's state compacted: for every thing a record can be about (an issuer key's
// certificate, a revoked pass, letter or key, an enterprise, a holder on the shared list, a
// freight pass), the entry now in force, if any. A resume or a delist removes the entry it
// undoes; revocations are for good. A snapshot is these entries in log order.
//
// Not thread-safe: owned by the Registry, used under its lock.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/sync/log_format.h"

namespace gw::registryd {

struct StateCounts {
    std::uint64_t certificates = 0, revoked_passes = 0, revoked_letters = 0, revoked_keys = 0, suspended = 0,
                  listed = 0, freight = 0;
};

class State {
public:
    void apply(const sync::Entry& entry);
    /// The entries in force, in ascending seq.
    std::vector<sync::Entry> entries() const;
    StateCounts counts() const;
    std::size_t size() const { return live_.size(); }

private:
    std::unordered_map<std::string, sync::Entry> live_;
};

/// What a record is about, as a key: two records with the same key supersede each other.
std::string state_key(const store::Record& r);

}  // namespace gw::registryd
