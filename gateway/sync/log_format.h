#pragma once
// The signed registry log (proto/registry.proto, spec in proto/registry.md) as C++ values:
// registry certificates, segments, heads and snapshots, with their parsers (gateways) and
// signers (registries). Protobuf stays inside this module's .cpp files.
//
// Parsers check structure and field values (a revocation's pass id fits 48 bits, a
// certificate record holds a parseable issuer certificate, a freight record holds a freight
// pass ...) and never the signatures: trust is the verifier's job (verifier.h). Each error
// is one line. Pure functions, thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/credential/crypto.h"
#include "gateway/store/record.h"

namespace gw::sync {

// Domain separation: each kind of signed message has its own context, so a signature over
// one can never be replayed as another.
constexpr std::string_view kRegistryCertContext = "GW-REGISTRY-CERT-1";
constexpr std::string_view kSegmentContext = "GW-REGISTRY-SEGMENT-1";
constexpr std::string_view kHeadContext = "GW-REGISTRY-HEAD-1";
constexpr std::string_view kSnapshotContext = "GW-REGISTRY-SNAPSHOT-1";

using Hash = std::array<std::uint8_t, 32>;
Hash sha256(ByteView data);
std::string hash_hex(const Hash& h);  ///< 64 lower-case hex digits.

/// A province root certifies a registry key for a set of provinces and a validity window.
struct RegistryCert {
    std::string registry;
    std::vector<std::uint32_t> provinces;
    credential::PublicKey key;
    TimePoint not_before{}, not_after{};
    std::uint32_t root_province = 0;
    credential::PublicKey root_key;

    Bytes tbs;  ///< Serialized RegistryCertificate as signed.
    credential::Signature signature{};
    bool valid_at(TimePoint t) const { return t >= not_before && t < not_after; }
};

/// Serializes the fields (tbs and signature ignored), signs with `root`; returns the
/// serialized SignedRegistryCertificate.
Bytes sign_registry_cert(const RegistryCert& cert, const credential::SecretKey& root);
/// Parses a SignedRegistryCertificate; checks the fields, not the signature.
Result<RegistryCert> parse_registry_cert(ByteView signed_bytes);
bool registry_cert_signature_ok(const RegistryCert& cert);

/// One log entry. `province` is the province the record is bound to (an issuer
/// certificate's, a revoked key's, a letter's or freight pass's issuing region's), or 0 for
/// records that name none (pass revocations, suspensions, shared lists).
struct Entry {
    std::uint64_t seq = 0;
    store::Record record;
    std::uint32_t province = 0;
};

struct Segment {
    std::string registry;
    std::uint64_t index = 0;
    std::uint64_t first_seq = 0;
    std::vector<Entry> entries;
    Hash prev_hash{};
    TimePoint created_at{};
};

struct Head {
    std::string registry;
    std::uint64_t segment_count = 0;
    std::uint64_t latest_seq = 0;
    Hash latest_segment_hash{};
    TimePoint issued_at{};
    TimePoint expires_at{};
    std::uint64_t snapshot_seq = 0;
    std::uint64_t snapshot_segment_count = 0;
    Hash snapshot_hash{};
    std::uint64_t version = 0;  ///< Rises with every head signed: two heads never share one.
};

struct Snapshot {
    std::string registry;
    std::uint64_t seq = 0;
    std::uint64_t segment_count = 0;
    Hash segment_hash{};
    TimePoint created_at{};
    std::vector<Entry> entries;
};

/// A parsed signed message. `hash` is the body's hash (a segment's hash, the snapshot hash a
/// head names, a head's identity); `message` is exactly what the signature covers.
template <class T>
struct Signed {
    T body;
    Hash hash{};
    Bytes message;
    credential::Signature signature{};
    RegistryCert cert;
    Bytes cert_bytes;  ///< The SignedRegistryCertificate as received.
};

Result<Signed<Head>> parse_signed_head(ByteView bytes);
/// max_entries bounds the work a hostile segment can cause before it is refused; that error's
/// kind is ErrorKind::kTooLarge (any other refusal is kInvalid).
Result<Signed<Segment>> parse_signed_segment(ByteView bytes, std::size_t max_entries);
Result<Signed<Snapshot>> parse_signed_snapshot(ByteView bytes, std::size_t max_entries);
/// Ed25519 of `s.message` under the certificate's key.
template <class T>
bool signature_ok(const Signed<T>& s) {
    return credential::verify_signature(s.cert.key, s.message, s.signature);
}

/// The registry's side: serialized Signed* messages and their body hashes.
struct SignedBytes {
    Bytes bytes;
    Hash hash{};
};
/// `cert` is the serialized SignedRegistryCertificate of `key`. Entries carry their seqs.
SignedBytes sign_segment(const Segment& segment, const credential::SecretKey& key, ByteView cert);
SignedBytes sign_head(const Head& head, const credential::SecretKey& key, ByteView cert);
SignedBytes sign_snapshot(const Snapshot& snapshot, const credential::SecretKey& key, ByteView cert);

/// One record as a serialized LogEntry, and back (with the same field checks as segments).
Bytes encode_entry(std::uint64_t seq, const store::Record& record);
Result<Entry> parse_entry(ByteView bytes);

}  // namespace gw::sync
