#pragma once
// A registry's signed log built in memory for tests: keys from fixed seeds, a registry
// certificate from the demo world's province root, segments, heads and snapshots signed with
// gateway/sync/log_format.h. Every attack test starts from one of these and bends one thing.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gateway/credential/crypto.h"
#include "gateway/demo/demo_world.h"
#include "gateway/store/cache.h"
#include "gateway/sync/cursor.h"
#include "gateway/sync/log_format.h"
#include "gateway/sync/verifier.h"

namespace gw::testing {

inline TimePoint at(const char* text) { return parse_time(text).value(); }

/// 2020-03-02T08:00+08:00, the demo world's now: logs are made in the hour before it.
inline TimePoint t0() { return demo::demo_now(); }

struct LogFixture {
    std::string name;
    std::vector<std::uint32_t> provinces;
    credential::KeyPair root;  ///< The province root that certifies the registry key.
    credential::KeyPair key;   ///< The registry key.
    Bytes cert;                ///< SignedRegistryCertificate of `key`.

    std::vector<sync::SignedBytes> segments;
    std::vector<sync::Segment> bodies;
    std::uint64_t seq = 0;
    std::uint64_t version = 0;
    std::map<std::uint64_t, sync::SignedBytes> snapshots;  ///< by the segment count they cover

    /// `root_name` is a demo world key ("zhejiang-root", "shanghai-root", "forged-root").
    LogFixture(std::string registry, std::vector<std::uint32_t> provs, const std::string& root_name)
        : name(std::move(registry)), provinces(std::move(provs)) {
        root = demo::demo_world().keys.at(root_name).pair;
        key = credential::keypair_from_seed(credential::derive_seed("test-registry-key:" + name));
        cert = certify(key.public_key, name, provinces, at("2020-01-01"), at("2021-01-01"));
    }

    Bytes certify(const credential::PublicKey& k, const std::string& registry, std::vector<std::uint32_t> provs,
                  TimePoint from, TimePoint until) const {
        sync::RegistryCert c;
        c.registry = registry;
        c.provinces = std::move(provs);
        c.key = k;
        c.not_before = from;
        c.not_after = until;
        c.root_province = provinces.front();
        c.root_key = root.public_key;
        return sync::sign_registry_cert(c, root.secret_key);
    }

    /// A new certificate for the registry key (e.g. valid around the real clock's now).
    void recertify(TimePoint from, TimePoint until) { cert = certify(key.public_key, name, provinces, from, until); }

    sync::RegistryTrust trust() const { return {name, root.public_key, provinces}; }

    sync::Hash last_hash() const { return segments.empty() ? sync::Hash{} : segments.back().hash; }

    /// Appends a segment holding `records` (entries numbered on from the log's end).
    const sync::SignedBytes& add(std::vector<store::Record> records, TimePoint created = t0() - std::chrono::minutes{30}) {
        sync::Segment s;
        s.registry = name;
        s.index = segments.size();
        s.first_seq = seq + 1;
        s.prev_hash = last_hash();
        s.created_at = created;
        for (auto& r : records) {
            sync::Entry e;
            e.seq = ++seq;
            e.record = std::move(r);
            s.entries.push_back(std::move(e));
        }
        bodies.push_back(s);
        segments.push_back(sync::sign_segment(s, key.secret_key, cert));
        return segments.back();
    }

    /// Signs a snapshot of everything so far: the entries of every segment, in order, that
    /// `keep` keeps (a registry compacts; tests say what compaction would drop).
    const sync::SignedBytes& snapshot(TimePoint created = t0() - std::chrono::minutes{20},
                                      std::function<bool(const sync::Entry&)> keep = {}) {
        sync::Snapshot s;
        s.registry = name;
        s.seq = seq;
        s.segment_count = segments.size();
        s.segment_hash = last_hash();
        s.created_at = created;
        for (const auto& b : bodies)
            for (const auto& e : b.entries)
                if (!keep || keep(e)) s.entries.push_back(e);
        return snapshots[segments.size()] = sync::sign_snapshot(s, key.secret_key, cert);
    }

    /// A head over the log as it stands, naming the newest snapshot if any.
    sync::SignedBytes head(TimePoint issued = t0() - std::chrono::minutes{10}, Seconds validity = std::chrono::hours{1}) {
        sync::Head h;
        h.registry = name;
        h.segment_count = segments.size();
        h.latest_seq = seq;
        h.latest_segment_hash = last_hash();
        h.issued_at = issued;
        h.expires_at = issued + validity;
        h.version = ++version;
        if (!snapshots.empty()) {
            const auto& [count, snap] = *snapshots.rbegin();
            h.snapshot_segment_count = count;
            h.snapshot_seq = bodies[count - 1].entries.back().seq;
            h.snapshot_hash = snap.hash;
        }
        return sync::sign_head(h, key.secret_key, cert);
    }

    /// Fetched parts for a gateway at `cursor` with `head`: segments from the cursor on.
    sync::Fetched fetch(const sync::SignedBytes& h, const sync::Cursor& cursor) const {
        sync::Fetched f{h.bytes, std::nullopt, {}};
        for (auto i = cursor.segment_count; i < segments.size(); ++i) f.segments.push_back(segments[i].bytes);
        return f;
    }
};

/// A revocation per pass id: easy to recognise in the cache afterwards.
inline std::vector<store::Record> revocations(std::uint64_t first_id, std::size_t n) {
    std::vector<store::Record> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(store::RevokePass{credential::PassId{first_id + i}});  // clang-14: no parenthesised aggregate init
    return out;
}

/// Whether the cache holds a revocation of pass `id` (of the 330482 region, as revocations()
/// makes them). The lookup's time only ages the data; it does not change what is revoked.
inline bool revoked(const store::Cache& cache, std::uint64_t id) {
    credential::Pass p;
    p.type = credential::PassType::kQuarantineRelease;
    p.id = credential::PassId{id};
    p.issuing_region = credential::parse_region("330482").value();
    decision::Facts f;
    cache.lookup(p, t0(), f);
    return f.pass_revoked;
}

}  // namespace gw::testing
