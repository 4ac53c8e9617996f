#include "gateway/core/codec.h"
#include "gateway/sync/log_format.h"

#include <openssl/evp.h>

#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"
#include "registry.pb.h"

namespace gw::sync {
namespace {

using namespace gw::credential;

constexpr std::uint64_t k48Bits = (1ull << 48) - 1;
// Pass days are 15-bit numbers (proto/credential.md); a listing day beyond them is noise.
constexpr std::uint32_t kMaxDay = (1u << 15) - 1;

ByteView view(const std::string& s) { return as_bytes(s); }

template <std::size_t N>
bool copy_exact(const std::string& from, std::array<std::uint8_t, N>& to) {
    if (from.size() != N) return false;
    std::copy(from.begin(), from.end(), to.begin());
    return true;
}

TimePoint from_unix(std::int64_t s) { return TimePoint{Seconds{s}}; }
// Times a log may carry: 1970 to the end of 9999. Beyond them arithmetic on them (expiry,
// skew, ages) and formatting them could overflow.
constexpr std::int64_t kMaxUnix = 253402300799;
bool sane(std::int64_t s) { return s >= 0 && s <= kMaxUnix; }
std::int64_t to_unix(TimePoint t) { return t.time_since_epoch().count(); }

// Unknown fields at the top of a message are refused: they could only come from a newer
// format this gateway does not understand, and signed bytes are kept as received anyway.
template <class M>
bool parse_strict(M& m, ByteView bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) return false;
    if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
    return m.GetReflection()->GetUnknownFields(m).empty();
}

Bytes with_context(std::string_view context, ByteView body) {
    Bytes m;
    m.reserve(context.size() + body.size());
    m.insert(m.end(), context.begin(), context.end());
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

void fill_entry(proto::LogEntry& e, std::uint64_t seq, const store::Record& record) {
    e.set_seq(seq);
    struct Visitor {
        proto::LogEntry& e;
        void operator()(const store::CertRecord& r) const {
            e.mutable_certificate()->set_signed_certificate(as_string(r.signed_cert));
        }
        void operator()(const store::RevokePass& r) const { e.mutable_revoke_pass()->set_pass_id(r.id.value); }
        void operator()(const store::RevokeLetter& r) const {
            auto* l = e.mutable_revoke_letter();
            l->set_kind(r.kind == store::LetterKind::kPersonal ? proto::LETTER_KIND_PERSONAL : proto::LETTER_KIND_ENTERPRISE);
            l->set_region(r.region.value);
            l->set_number(r.number);
        }
        void operator()(const store::RevokeIssuerKey& r) const {
            e.mutable_revoke_key()->set_province(r.province);
            e.mutable_revoke_key()->set_key_id(r.key_id);
        }
        void operator()(const store::EnterpriseStatus& r) const {
            e.mutable_enterprise()->set_uscc(r.uscc.text);
            e.mutable_enterprise()->set_suspended(r.suspended);
        }
        void operator()(const store::SharedListEntry& r) const {
            auto* s = e.mutable_shared_list();
            s->set_holder_token(r.token.value);
            s->set_listed(r.listed_day.has_value());
            if (r.listed_day) s->set_listed_day(*r.listed_day);
        }
        void operator()(const store::FreightRecord& r) const { e.mutable_freight()->set_payload(r.payload); }
    };
    std::visit(Visitor{e}, record);
}

Result<Entry> entry_from(const proto::LogEntry& e) {
    const auto where = "entry " + std::to_string(e.seq()) + ": ";
    if (e.seq() == 0) return failure("entry with seq 0");
    Entry out;
    out.seq = e.seq();
    switch (e.record_case()) {
    case proto::LogEntry::kCertificate: {
        const auto& bytes = e.certificate().signed_certificate();
        auto cert = parse_certificate(view(bytes));
        if (!cert) return failure(where + cert.error().message);
        out.record = store::CertRecord{to_bytes(bytes)};
        out.province = cert->province;
        return out;
    }
    case proto::LogEntry::kRevokePass:
        if (e.revoke_pass().pass_id() > k48Bits) return failure(where + "pass id over 48 bits");
        out.record = store::RevokePass{PassId{e.revoke_pass().pass_id()}};
        return out;
    case proto::LogEntry::kRevokeLetter: {
        const auto& l = e.revoke_letter();
        if (l.kind() != proto::LETTER_KIND_PERSONAL && l.kind() != proto::LETTER_KIND_ENTERPRISE)
            return failure(where + "letter kind must be personal or enterprise");
        auto region = parse_region(std::to_string(l.region()));
        if (!region || region->value != l.region()) return failure(where + "bad region " + std::to_string(l.region()));
        if (l.number() == 0 || l.number() >= (1u << 24)) return failure(where + "letter number outside 1..16777215");
        out.record = store::RevokeLetter{
            l.kind() == proto::LETTER_KIND_PERSONAL ? store::LetterKind::kPersonal : store::LetterKind::kEnterprise, *region,
            l.number()};
        out.province = region->province();
        return out;
    }
    case proto::LogEntry::kRevokeKey: {
        const auto& k = e.revoke_key();
        if (!is_province(k.province())) return failure(where + "bad province " + std::to_string(k.province()));
        if (k.key_id() == 0 || k.key_id() > 0xFFFF) return failure(where + "key id outside 1..65535");
        out.record = store::RevokeIssuerKey{k.province(), static_cast<std::uint16_t>(k.key_id())};
        out.province = k.province();
        return out;
    }
    case proto::LogEntry::kEnterprise: {
        auto uscc = parse_uscc(e.enterprise().uscc());
        // One spelling per code: the normalised form only, so two entries never name one firm twice.
        if (!uscc || uscc->text != e.enterprise().uscc()) return failure(where + "bad unified social credit code");
        out.record = store::EnterpriseStatus{*uscc, e.enterprise().suspended()};
        return out;
    }
    case proto::LogEntry::kSharedList: {
        const auto& s = e.shared_list();
        if (s.holder_token() > k48Bits) return failure(where + "holder token over 48 bits");
        if (s.listed() ? s.listed_day() > kMaxDay : s.listed_day() != 0) return failure(where + "bad listing day");
        out.record = store::SharedListEntry{HolderToken{s.holder_token()},
                                            s.listed() ? std::optional<std::uint32_t>(s.listed_day()) : std::nullopt};
        return out;
    }
    case proto::LogEntry::kFreight: {
        const auto& payload = e.freight().payload();
        auto decoded = decode_payload(payload);
        if (!decoded) return failure(where + decoded.error().message);
        if (decoded->pass.type != PassType::kFreight) return failure(where + "'freight' holds a pass of another type");
        out.record = store::FreightRecord{payload, decoded->pass.plates};
        out.province = decoded->pass.province();
        return out;
    }
    case proto::LogEntry::RECORD_NOT_SET: break;
    }
    // A record kind this gateway does not know: refused rather than skipped, since it may be
    // a revocation of a new kind (a format change needs a new context string).
    return failure(where + "no record or a kind this gateway does not know");
}

Result<RegistryCert> cert_from(const std::string& signed_bytes) {
    auto c = parse_registry_cert(view(signed_bytes));
    if (!c) return failure("registry certificate: " + c.error().message);
    return c;
}

// The outer envelope shared by heads, segments and snapshots.
template <class Outer>
Result<void> envelope(const Outer& o, const std::string& body, std::string_view what, Bytes& cert_bytes,
                      RegistryCert& cert, Signature& signature) {
    if (body.empty()) return failure(std::string(what) + ": empty body");
    if (!copy_exact(o.signature(), signature)) return failure(std::string(what) + ": signature is not 64 bytes");
    auto c = cert_from(o.certificate());
    if (!c) return unexpected(c.error());
    cert = std::move(*c);
    cert_bytes = to_bytes(o.certificate());
    return {};
}

template <class RepeatedEntries>
Result<std::vector<Entry>> entries_from(const RepeatedEntries& in) {
    std::vector<Entry> out;
    out.reserve(static_cast<std::size_t>(in.size()));
    for (const auto& e : in) {
        auto entry = entry_from(e);
        if (!entry) return unexpected(entry.error());
        out.push_back(std::move(*entry));
    }
    return out;
}

SignedBytes finish(std::string body, std::string_view context, bool sign_hash, const SecretKey& key, ByteView cert,
                   auto make_outer) {
    SignedBytes out;
    out.hash = sha256(view(body));
    const auto message = sign_hash ? with_context(context, out.hash) : with_context(context, view(body));
    const auto sig = sign(key, message);
    auto outer = make_outer(std::move(body), as_string(sig), as_string(cert));
    out.bytes = to_bytes(outer.SerializeAsString());
    return out;
}

}  // namespace

Hash sha256(ByteView data) {
    Hash h{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), h.data(), &len, EVP_sha256(), nullptr);
    return h;
}

std::string hash_hex(const Hash& h) { return to_hex(h); }

Bytes sign_registry_cert(const RegistryCert& cert, const SecretKey& root) {
    proto::RegistryCertificate c;
    c.set_registry(cert.registry);
    for (auto p : cert.provinces) c.add_provinces(p);
    c.set_public_key(as_string(cert.key.bytes));
    c.set_not_before(to_unix(cert.not_before));
    c.set_not_after(to_unix(cert.not_after));
    c.set_root_province(cert.root_province);
    c.set_root_key(as_string(cert.root_key.bytes));
    const auto tbs = c.SerializeAsString();
    const auto sig = sign(root, with_context(kRegistryCertContext, view(tbs)));
    proto::SignedRegistryCertificate s;
    s.set_certificate(tbs);
    s.set_signature(as_string(sig));
    return to_bytes(s.SerializeAsString());
}

Result<RegistryCert> parse_registry_cert(ByteView signed_bytes) {
    proto::SignedRegistryCertificate s;
    if (!parse_strict(s, signed_bytes)) return failure("not a SignedRegistryCertificate");
    proto::RegistryCertificate c;
    if (!parse_strict(c, view(s.certificate()))) return failure("not a RegistryCertificate");
    RegistryCert out;
    if (!copy_exact(s.signature(), out.signature)) return failure("signature is not 64 bytes");
    if (!copy_exact(c.public_key(), out.key.bytes)) return failure("public key is not 32 bytes");
    if (!copy_exact(c.root_key(), out.root_key.bytes)) return failure("root key is not 32 bytes");
    if (c.registry().empty() || c.registry().size() > 64) return failure("registry name empty or over 64 bytes");
    if (c.provinces().empty()) return failure("no provinces");
    for (auto p : c.provinces()) {
        if (!is_province(p)) return failure("bad province " + std::to_string(p));
        out.provinces.push_back(p);
    }
    if (!is_province(c.root_province())) return failure("bad root province");
    if (!sane(c.not_before()) || !sane(c.not_after())) return failure("validity outside the years 1970-9999");
    if (c.not_after() <= c.not_before()) return failure("validity window is empty");
    out.registry = c.registry();
    out.not_before = from_unix(c.not_before());
    out.not_after = from_unix(c.not_after());
    out.root_province = c.root_province();
    out.tbs = to_bytes(s.certificate());
    return out;
}

bool registry_cert_signature_ok(const RegistryCert& cert) {
    return verify_signature(cert.root_key, with_context(kRegistryCertContext, cert.tbs), cert.signature);
}

Result<Signed<Head>> parse_signed_head(ByteView bytes) {
    proto::SignedHead o;
    if (!parse_strict(o, bytes)) return failure("head: not a SignedHead");
    Signed<Head> out;
    if (auto ok = envelope(o, o.head(), "head", out.cert_bytes, out.cert, out.signature); !ok) return unexpected(ok.error());
    proto::Head h;
    if (!parse_strict(h, view(o.head()))) return failure("head: not a Head");
    if (!sane(h.issued_at()) || !sane(h.expires_at())) return failure("head: times outside the years 1970-9999");
    auto& b = out.body;
    b.registry = h.registry();
    b.segment_count = h.segment_count();
    b.latest_seq = h.latest_seq();
    b.issued_at = from_unix(h.issued_at());
    b.expires_at = from_unix(h.expires_at());
    b.snapshot_seq = h.snapshot_seq();
    b.snapshot_segment_count = h.snapshot_segment_count();
    b.version = h.version();
    if (b.version == 0) return failure("head: version 0");
    if (!copy_exact(h.latest_segment_hash(), b.latest_segment_hash)) return failure("head: segment hash is not 32 bytes");
    if (!copy_exact(h.snapshot_hash(), b.snapshot_hash)) return failure("head: snapshot hash is not 32 bytes");
    if (b.expires_at <= b.issued_at) return failure("head: expires before it is issued");
    // Every segment holds at least one entry, so a log of n segments has at least n entries.
    if (b.latest_seq < b.segment_count) return failure("head: fewer entries than segments");
    if ((b.segment_count == 0) != (b.latest_seq == 0)) return failure("head: entries without segments");
    if (b.segment_count == 0 && b.latest_segment_hash != Hash{}) return failure("head: empty log with a segment hash");
    if ((b.snapshot_seq == 0) != (b.snapshot_segment_count == 0)) return failure("head: half a snapshot reference");
    if (b.snapshot_seq > b.latest_seq || b.snapshot_segment_count > b.segment_count ||
        b.snapshot_seq < b.snapshot_segment_count)
        return failure("head: snapshot beyond the log");
    out.hash = sha256(view(o.head()));
    out.message = with_context(kHeadContext, view(o.head()));
    return out;
}

Result<Signed<Segment>> parse_signed_segment(ByteView bytes, std::size_t max_entries) {
    proto::SignedSegment o;
    if (!parse_strict(o, bytes)) return failure("segment: not a SignedSegment");
    Signed<Segment> out;
    if (auto ok = envelope(o, o.segment(), "segment", out.cert_bytes, out.cert, out.signature); !ok)
        return unexpected(ok.error());
    proto::Segment s;
    if (!parse_strict(s, view(o.segment()))) return failure("segment: not a Segment");
    if (!sane(s.created_at())) return failure("segment: time outside the years 1970-9999");
    auto& b = out.body;
    if (s.entries().empty()) return failure("segment: no entries");
    if (static_cast<std::size_t>(s.entries_size()) > max_entries)
        return failure("segment: too many entries: " + std::to_string(s.entries_size()) + ", the limit is " +
                           std::to_string(max_entries),
                       ErrorKind::kTooLarge);
    b.registry = s.registry();
    b.index = s.index();
    b.first_seq = s.first_seq();
    b.created_at = from_unix(s.created_at());
    if (!copy_exact(s.prev_hash(), b.prev_hash)) return failure("segment: previous hash is not 32 bytes");
    if (b.first_seq == 0) return failure("segment: first seq 0");
    auto entries = entries_from(s.entries());
    if (!entries) return failure("segment " + std::to_string(b.index) + ": " + entries.error().message);
    b.entries = std::move(*entries);
    for (std::size_t i = 0; i < b.entries.size(); ++i)
        if (b.entries[i].seq != b.first_seq + i) return failure("segment " + std::to_string(b.index) + ": entries not numbered in order");
    out.hash = sha256(view(o.segment()));
    out.message = with_context(kSegmentContext, view(o.segment()));
    return out;
}

Result<Signed<Snapshot>> parse_signed_snapshot(ByteView bytes, std::size_t max_entries) {
    proto::SignedSnapshot o;
    if (!parse_strict(o, bytes)) return failure("snapshot: not a SignedSnapshot");
    Signed<Snapshot> out;
    if (auto ok = envelope(o, o.snapshot(), "snapshot", out.cert_bytes, out.cert, out.signature); !ok)
        return unexpected(ok.error());
    proto::Snapshot s;
    if (!parse_strict(s, view(o.snapshot()))) return failure("snapshot: not a Snapshot");
    if (!sane(s.created_at())) return failure("snapshot: time outside the years 1970-9999");
    if (static_cast<std::size_t>(s.entries_size()) > max_entries)
        return failure("snapshot: too many entries: " + std::to_string(s.entries_size()) + ", the limit is " +
                           std::to_string(max_entries),
                       ErrorKind::kTooLarge);
    auto& b = out.body;
    b.registry = s.registry();
    b.seq = s.seq();
    b.segment_count = s.segment_count();
    b.created_at = from_unix(s.created_at());
    if (!copy_exact(s.segment_hash(), b.segment_hash)) return failure("snapshot: segment hash is not 32 bytes");
    if (b.seq == 0 || b.segment_count == 0 || b.seq < b.segment_count) return failure("snapshot: empty or inconsistent position");
    auto entries = entries_from(s.entries());
    if (!entries) return failure("snapshot: " + entries.error().message);
    b.entries = std::move(*entries);
    std::uint64_t prev = 0;
    for (const auto& e : b.entries) {
        if (e.seq <= prev || e.seq > b.seq) return failure("snapshot: entries out of order or beyond its seq");
        prev = e.seq;
    }
    out.hash = sha256(view(o.snapshot()));
    out.message = with_context(kSnapshotContext, out.hash);
    return out;
}

SignedBytes sign_segment(const Segment& segment, const SecretKey& key, ByteView cert) {
    proto::Segment s;
    s.set_registry(segment.registry);
    s.set_index(segment.index);
    s.set_first_seq(segment.first_seq);
    s.set_prev_hash(as_string(segment.prev_hash));
    s.set_created_at(to_unix(segment.created_at));
    s.mutable_entries()->Reserve(static_cast<int>(segment.entries.size()));
    for (const auto& e : segment.entries) fill_entry(*s.add_entries(), e.seq, e.record);
    return finish(s.SerializeAsString(), kSegmentContext, false, key, cert, [](std::string body, std::string sig, std::string c) {
        proto::SignedSegment o;
        o.set_segment(std::move(body));
        o.set_signature(std::move(sig));
        o.set_certificate(std::move(c));
        return o;
    });
}

SignedBytes sign_head(const Head& head, const SecretKey& key, ByteView cert) {
    proto::Head h;
    h.set_registry(head.registry);
    h.set_segment_count(head.segment_count);
    h.set_latest_seq(head.latest_seq);
    h.set_latest_segment_hash(as_string(head.latest_segment_hash));
    h.set_issued_at(to_unix(head.issued_at));
    h.set_expires_at(to_unix(head.expires_at));
    h.set_snapshot_seq(head.snapshot_seq);
    h.set_snapshot_segment_count(head.snapshot_segment_count);
    h.set_snapshot_hash(as_string(head.snapshot_hash));
    h.set_version(head.version);
    return finish(h.SerializeAsString(), kHeadContext, false, key, cert, [](std::string body, std::string sig, std::string c) {
        proto::SignedHead o;
        o.set_head(std::move(body));
        o.set_signature(std::move(sig));
        o.set_certificate(std::move(c));
        return o;
    });
}

SignedBytes sign_snapshot(const Snapshot& snapshot, const SecretKey& key, ByteView cert) {
    proto::Snapshot s;
    s.set_registry(snapshot.registry);
    s.set_seq(snapshot.seq);
    s.set_segment_count(snapshot.segment_count);
    s.set_segment_hash(as_string(snapshot.segment_hash));
    s.set_created_at(to_unix(snapshot.created_at));
    s.mutable_entries()->Reserve(static_cast<int>(snapshot.entries.size()));
    for (const auto& e : snapshot.entries) fill_entry(*s.add_entries(), e.seq, e.record);
    return finish(s.SerializeAsString(), kSnapshotContext, true, key, cert, [](std::string body, std::string sig, std::string c) {
        proto::SignedSnapshot o;
        o.set_snapshot(std::move(body));
        o.set_signature(std::move(sig));
        o.set_certificate(std::move(c));
        return o;
    });
}

Bytes encode_entry(std::uint64_t seq, const store::Record& record) {
    proto::LogEntry e;
    fill_entry(e, seq, record);
    return to_bytes(e.SerializeAsString());
}

Result<Entry> parse_entry(ByteView bytes) {
    proto::LogEntry e;
    if (!parse_strict(e, bytes)) return failure("not a LogEntry");
    return entry_from(e);
}

}  // namespace gw::sync
