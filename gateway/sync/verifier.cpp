#include "gateway/sync/verifier.h"
#include "gateway/core/text.h"

#include <algorithm>

namespace gw::sync {
namespace {

unexpected<SyncRefusal> refuse(SyncReason r, std::string detail) { return unexpected(SyncRefusal{r, std::move(detail)}); }

// A parse error is MALFORMED, unless the message was refused for its size alone.
unexpected<SyncRefusal> refuse_parse(const Error& e) {
    return refuse(e.kind == ErrorKind::kTooLarge ? SyncReason::kTooLarge : SyncReason::kMalformed, e.message);
}

std::string at_text(TimePoint t) { return format_time(t); }

// The certificate must come from the configured root, name this registry and only provinces
// the configuration lets it speak for, and be valid when the message was made. Checking the
// root's signature once per distinct certificate is enough: `known` holds the last one checked.
SyncResult<void> check_cert(const RegistryTrust& trust, const RegistryCert& cert, TimePoint at, std::string_view what,
                            Bytes& known, const Bytes& cert_bytes) {
    if (!(cert.root_key == trust.root_key))
        return refuse(SyncReason::kUncertifiedKey, std::string(what) + ": key certified by a root other than " + trust.name + "'s");
    if (cert.registry != trust.name)
        return refuse(SyncReason::kUncertifiedKey, std::string(what) + ": key certified for registry '" + one_line(cert.registry, 64) + "'");
    for (auto p : cert.provinces)
        if (std::find(trust.provinces.begin(), trust.provinces.end(), p) == trust.provinces.end())
            return refuse(SyncReason::kUncertifiedKey,
                          std::string(what) + ": key certified for province " + std::to_string(p) + ", not configured");
    if (!cert.valid_at(at))
        return refuse(SyncReason::kUncertifiedKey, std::string(what) + ": key not certified at " + at_text(at));
    if (!known.empty() && known == cert_bytes) return {};
    if (!registry_cert_signature_ok(cert))
        return refuse(SyncReason::kUncertifiedKey, std::string(what) + ": registry certificate signature does not verify");
    known = cert_bytes;
    return {};
}

template <class T>
SyncResult<void> check_signed(const RegistryTrust& trust, const Signed<T>& s, TimePoint at, std::string_view what,
                              Bytes& known) {
    if (auto ok = check_cert(trust, s.cert, at, what, known, s.cert_bytes); !ok) return ok;
    if (!signature_ok(s)) return refuse(SyncReason::kBadSignature, std::string(what) + ": signature does not verify");
    return {};
}

SyncResult<void> check_scope(const std::vector<Entry>& entries, const RegistryCert& cert, std::string_view what) {
    for (const auto& e : entries)
        if (e.province && std::find(cert.provinces.begin(), cert.provinces.end(), e.province) == cert.provinces.end())
            return refuse(SyncReason::kOutOfScope, std::string(what) + ": entry " + std::to_string(e.seq) +
                                                       " is bound to province " + std::to_string(e.province));
    return {};
}

// Where the chain stands: after the cursor, then after the snapshot, then after each segment.
struct ChainState {
    std::uint64_t seq = 0;
    std::uint64_t segment_count = 0;
    Hash hash{};
    TimePoint made_at{};
};

}  // namespace

std::string_view reason_name(SyncReason r) {
    switch (r) {
    case SyncReason::kTooLarge: return "TOO_LARGE";
    case SyncReason::kMalformed: return "MALFORMED";
    case SyncReason::kWrongRegistry: return "WRONG_REGISTRY";
    case SyncReason::kUncertifiedKey: return "UNCERTIFIED_KEY";
    case SyncReason::kBadSignature: return "BAD_SIGNATURE";
    case SyncReason::kRollback: return "ROLLBACK";
    case SyncReason::kHeadExpired: return "HEAD_EXPIRED";
    case SyncReason::kHeadFromFuture: return "HEAD_FROM_FUTURE";
    case SyncReason::kMixedHeads: return "MIXED_HEADS";
    case SyncReason::kChainBroken: return "CHAIN_BROKEN";
    case SyncReason::kOutOfScope: return "OUT_OF_SCOPE";
    }
    return "?";
}

std::string_view reason_message(SyncReason r, Lang lang) {
    const bool zh = lang == Lang::kZh;
    switch (r) {
    case SyncReason::kTooLarge: return zh ? "名单数据超过大小上限，已拒收" : "Registry data over the size limit, refused";
    case SyncReason::kMalformed: return zh ? "名单数据格式错误，已拒收" : "Malformed registry data, refused";
    case SyncReason::kWrongRegistry: return zh ? "数据来自其他名单库，已拒收" : "Data names another registry, refused";
    case SyncReason::kUncertifiedKey: return zh ? "签名密钥未经省级根证书认证，已拒收" : "Signed by a key the root did not certify, refused";
    case SyncReason::kBadSignature: return zh ? "名单数据签名无效，已拒收" : "Bad signature on registry data, refused";
    case SyncReason::kRollback: return zh ? "收到旧版本名单（回滚），已拒收" : "Older registry data than already held (rollback), refused";
    case SyncReason::kHeadExpired: return zh ? "名单数据已过期（冻结），已拒收" : "Registry head expired (freeze), refused";
    case SyncReason::kHeadFromFuture: return zh ? "名单数据时间超前，已拒收" : "Registry head issued in the future, refused";
    case SyncReason::kMixedHeads: return zh ? "名单数据版本混杂，已拒收" : "Registry data from different versions mixed, refused";
    case SyncReason::kChainBroken: return zh ? "名单数据链不连续，已拒收" : "Registry log chain broken, refused";
    case SyncReason::kOutOfScope: return zh ? "名单库越权发布其他省份数据，已拒收" : "Registry published data outside its provinces, refused";
    }
    return "?";
}

SyncResult<VerifiedHead> verify_head(const RegistryTrust& trust, const Cursor& cursor, ByteView head_bytes,
                                     TimePoint now, const Limits& limits) {
    if (head_bytes.size() > limits.max_head_bytes)
        return refuse(SyncReason::kTooLarge, "head of " + std::to_string(head_bytes.size()) + " bytes");
    auto parsed = parse_signed_head(head_bytes);
    if (!parsed) return refuse(SyncReason::kMalformed, parsed.error().message);
    const auto& h = parsed->body;
    Bytes known;
    if (auto ok = check_signed(trust, *parsed, h.issued_at, "head", known); !ok) return unexpected(ok.error());
    if (h.registry != trust.name) return refuse(SyncReason::kWrongRegistry, "head of registry '" + one_line(h.registry, 64) + "'");
    if (h.issued_at > now + limits.max_clock_skew)
        return refuse(SyncReason::kHeadFromFuture, "head issued at " + at_text(h.issued_at));
    if (now >= h.expires_at) return refuse(SyncReason::kHeadExpired, "head expired at " + at_text(h.expires_at));
    if (now >= h.issued_at + limits.max_head_validity)
        return refuse(SyncReason::kHeadExpired, "head issued at " + at_text(h.issued_at) + " is older than the validity limit");

    if (!cursor.empty()) {
        if (h.version < cursor.head_version)
            return refuse(SyncReason::kRollback, "head version " + std::to_string(h.version) + ", already accepted " +
                                                     std::to_string(cursor.head_version));
        if (h.version == cursor.head_version && parsed->hash != cursor.head_hash)
            return refuse(SyncReason::kRollback, "a different head with the version of the accepted one");
        if (h.issued_at < cursor.head_issued_at)
            return refuse(SyncReason::kRollback, "head issued at " + at_text(h.issued_at) + ", already accepted one of " +
                                                     at_text(cursor.head_issued_at));
        if (h.segment_count < cursor.segment_count || h.latest_seq < cursor.seq)
            return refuse(SyncReason::kRollback, "head has " + std::to_string(h.latest_seq) + " entries, already applied " +
                                                     std::to_string(cursor.seq));
        if (h.segment_count == cursor.segment_count && (h.latest_seq != cursor.seq || h.latest_segment_hash != cursor.segment_hash))
            return refuse(SyncReason::kChainBroken, "head's last segment is not the one applied");
    }

    VerifiedHead out{std::move(*parsed), {}};
    auto& plan = out.plan;
    const auto& body = out.head.body;
    plan.snapshot = cursor.empty() && body.snapshot_seq > 0;
    plan.first_segment = plan.snapshot ? body.snapshot_segment_count : cursor.segment_count;
    plan.end_segment = std::min<std::uint64_t>(body.segment_count, plan.first_segment + limits.max_segments_per_batch);
    plan.unchanged = !cursor.empty() && out.head.hash == cursor.head_hash && cursor.segment_count == body.segment_count;
    return out;
}

SyncResult<Update> verify_update(const RegistryTrust& trust, const Cursor& cursor, const Fetched& fetched, TimePoint now,
                                 const Limits& limits) {
    auto verified = verify_head(trust, cursor, fetched.head, now, limits);
    if (!verified) return unexpected(verified.error());
    const auto& head = verified->head;
    const auto& h = head.body;
    Bytes known = head.cert_bytes;  // the head's certificate was checked just now

    if (fetched.segments.size() > limits.max_segments_per_batch)
        return refuse(SyncReason::kTooLarge, std::to_string(fetched.segments.size()) + " segments in one batch");
    std::size_t total = 0;
    for (const auto& s : fetched.segments) {
        if (s.size() > limits.max_segment_bytes)
            return refuse(SyncReason::kTooLarge, "segment of " + std::to_string(s.size()) + " bytes");
        total += s.size();
    }
    if (total > limits.max_batch_bytes) return refuse(SyncReason::kTooLarge, "batch of " + std::to_string(total) + " bytes");

    Update out;
    out.batch.registry = trust.name;
    out.batch.provinces = head.cert.provinces;
    ChainState chain{cursor.seq, cursor.segment_count, cursor.segment_hash, cursor.as_of};

    if (fetched.snapshot) {
        const auto& bytes = *fetched.snapshot;
        if (!cursor.empty()) return refuse(SyncReason::kMixedHeads, "a snapshot offered to a gateway that already holds data");
        if (h.snapshot_seq == 0) return refuse(SyncReason::kMixedHeads, "a snapshot the head does not name");
        if (bytes.size() > limits.max_snapshot_bytes)
            return refuse(SyncReason::kTooLarge, "snapshot of " + std::to_string(bytes.size()) + " bytes");
        auto snap = parse_signed_snapshot(bytes, limits.max_snapshot_entries);
        if (!snap) return refuse_parse(snap.error());
        const auto& s = snap->body;
        if (s.registry != trust.name) return refuse(SyncReason::kWrongRegistry, "snapshot of registry '" + one_line(s.registry, 64) + "'");
        if (snap->hash != h.snapshot_hash || s.seq != h.snapshot_seq || s.segment_count != h.snapshot_segment_count)
            return refuse(SyncReason::kMixedHeads, "snapshot at entry " + std::to_string(s.seq) + " is not the head's");
        if (auto ok = check_signed(trust, *snap, s.created_at, "snapshot", known); !ok) return unexpected(ok.error());
        if (auto ok = check_scope(s.entries, head.cert, "snapshot"); !ok) return unexpected(ok.error());
        chain = {s.seq, s.segment_count, s.segment_hash, s.created_at};
        out.entries += s.entries.size();
        out.batch.records.reserve(s.entries.size());
        for (const auto& e : s.entries) out.batch.records.push_back(e.record);
    }

    for (const auto& bytes : fetched.segments) {
        auto seg = parse_signed_segment(bytes, limits.max_entries_per_segment);
        if (!seg) return refuse_parse(seg.error());
        const auto& s = seg->body;
        const auto what = "segment " + std::to_string(s.index);
        if (s.registry != trust.name) return refuse(SyncReason::kWrongRegistry, what + " of registry '" + one_line(s.registry, 64) + "'");
        if (s.index >= h.segment_count) return refuse(SyncReason::kMixedHeads, what + " is beyond the head's log");
        if (s.index != chain.segment_count) return refuse(SyncReason::kChainBroken, what + " where segment " +
                                                                                         std::to_string(chain.segment_count) + " belongs");
        if (s.prev_hash != chain.hash) return refuse(SyncReason::kChainBroken, what + " does not chain to the one before");
        if (s.first_seq != chain.seq + 1)
            return refuse(SyncReason::kChainBroken, what + " starts at entry " + std::to_string(s.first_seq) + ", not " +
                                                        std::to_string(chain.seq + 1));
        if (auto ok = check_signed(trust, *seg, s.created_at, what, known); !ok) return unexpected(ok.error());
        if (auto ok = check_scope(s.entries, head.cert, what); !ok) return unexpected(ok.error());
        chain = {s.entries.back().seq, s.index + 1, seg->hash, std::max(chain.made_at, s.created_at)};
        out.entries += s.entries.size();
        for (const auto& e : s.entries) out.batch.records.push_back(e.record);
    }

    out.caught_up = chain.segment_count == h.segment_count;
    if (out.caught_up && (chain.hash != h.latest_segment_hash || chain.seq != h.latest_seq))
        return refuse(SyncReason::kMixedHeads, "the segments do not end at the head's last segment");

    out.cursor.seq = chain.seq;
    out.cursor.segment_count = chain.segment_count;
    out.cursor.segment_hash = chain.hash;
    out.cursor.head_version = h.version;
    out.cursor.head_issued_at = h.issued_at;
    out.cursor.head_hash = head.hash;
    // "As of" is when the registry produced what the gateway now holds: the head's issue time
    // once caught up, else the newest segment's; never later than the head, never backwards.
    const auto made = out.caught_up ? h.issued_at : std::min(chain.made_at, h.issued_at);
    out.cursor.as_of = std::max(cursor.as_of, made);
    out.changed = !(verified->plan.unchanged && fetched.segments.empty() && !fetched.snapshot);
    out.batch.as_of = out.cursor.as_of;
    out.batch.sequence = out.cursor.seq;
    return out;
}

}  // namespace gw::sync
