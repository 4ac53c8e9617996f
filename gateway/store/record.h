#pragma once
// Registry records: what registries publish and the cache applies. The sync client turns
// signed log entries into these; until then, and for tests and the demo, a records file
// carries them (one per line, documented in config/README.md):
//
//   registry shanghai 31                  # name, then the provinces it speaks for
//   as-of 2020-03-01T08:00                # when the registry produced this data
//   cert <base64 SignedIssuerCertificate>
//   revoke-pass <pass id, 12 hex>
//   revoke-letter personal|enterprise <region> <number>
//   revoke-key <province> <key id>
//   suspend <unified social credit code>     resume <code>
//   list <holder token, 12 hex> <YYYY-MM-DD>  delist <token>
//   freight <payload>                      # a freight pass, findable by each plate it binds
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/credential/pass.h"

namespace gw::store {

enum class LetterKind : std::uint8_t { kPersonal = 'p', kEnterprise = 'e' };

struct CertRecord { Bytes signed_cert; };
struct RevokePass { credential::PassId id; };
struct RevokeLetter { LetterKind kind; credential::RegionCode region; std::uint32_t number; };
struct RevokeIssuerKey { std::uint32_t province; std::uint16_t key_id; };
struct EnterpriseStatus { credential::Uscc uscc; bool suspended; };
struct SharedListEntry { credential::HolderToken token; std::optional<std::uint32_t> listed_day; };  ///< none: delisted
struct FreightRecord { std::string payload; std::vector<credential::PlateNumber> plates; };

using Record = std::variant<CertRecord, RevokePass, RevokeLetter, RevokeIssuerKey, EnterpriseStatus, SharedListEntry,
                            FreightRecord>;

/// One registry's records that land together, atomically, with the registry's new state.
struct RecordBatch {
    std::string registry;
    std::vector<std::uint32_t> provinces;
    TimePoint as_of{};
    std::uint64_t sequence = 0;  ///< The registry log position this batch brings the cache to.
    std::vector<Record> records;
};

/// Parses a records file; errors name the file and line.
Result<RecordBatch> parse_records(std::string_view text, const std::string& path);
/// One record line without the header lines ("revoke-pass 1a2b3c4d5e06"); the error names
/// the problem, not the line (the caller knows where it is).
Result<Record> parse_record(std::string_view line);
/// The same text form, one record a line (used by passctl and tests to write files);
/// parse_record(format_record(r)) gives r back.
std::string format_record(const Record& r);

}  // namespace gw::store
