#pragma once
// registryd's JSON answers to its admin API (proto/registry.md §10) as typed values, each with
// format_X (the body registryd sends, ending in a line break) beside parse_X (what passctl
// reads): parse_X(format_X(v)) gives v back. Answers are outside input to passctl (fuzzed:
// tests/fuzz/fuzz_registry_answer.cpp): parse_X refuses anything that is not one JSON value
// of the expected shape, in one line (ErrorKind::kInvalid); members it does not know are
// skipped, so a newer registry may add some.
//
// The head (GET /v1/head) is the signed protobuf gateways read: gw::sync::parse_signed_head.
// Pure functions, thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/credential/pass.h"

namespace gw::registry_api {

/// Any refusal (4xx, 5xx): {"error": "中文 / English"}.
struct ErrorAnswer {
    std::string text;
};
std::string format_error(const ErrorAnswer& answer);
Result<ErrorAnswer> parse_error(std::string_view body);

/// POST records (and the records a freight or issue request appends): where they landed.
struct RecordsAppended {
    std::uint64_t first_seq = 0, last_seq = 0;
    std::uint64_t segments = 0;  ///< New segments the records went into.
};
std::string format_records_appended(const RecordsAppended& answer);
Result<RecordsAppended> parse_records_appended(std::string_view body);

/// An issuer key the registry publishes: the answer to POST issuers, and each of the state's.
struct IssuerKey {
    std::uint32_t province = 0;
    std::uint16_t key_id = 0;
    std::string name;
    bool can_issue = false;  ///< The registry holds its secret key and issues passes with it.
};
std::string format_issuer_key(const IssuerKey& answer);
Result<IssuerKey> parse_issuer_key(std::string_view body);

/// POST issue: the signed pass.
struct PassIssued {
    credential::PassId pass_id;
    credential::PassType type = credential::PassType::kCommuter;
    std::string payload;  ///< "CP1:" + Base45, as the QR code carries it.
};
std::string format_pass_issued(const PassIssued& answer);
Result<PassIssued> parse_pass_issued(std::string_view body);

/// POST snapshot: the seq the snapshot compacts the log to (0: the log is empty, none made).
struct SnapshotMade {
    std::uint64_t snapshot_seq = 0;
};
std::string format_snapshot_made(const SnapshotMade& answer);
Result<SnapshotMade> parse_snapshot_made(std::string_view body);

/// GET state: the log, its head, what the compacted state holds, issuer keys and gateways.
struct RegistryState {
    std::string registry;
    std::vector<std::uint32_t> provinces;
    std::uint64_t latest_seq = 0, segments = 0, head_version = 0;
    TimePoint head_issued_at{};
    std::uint64_t snapshot_seq = 0;
    std::uint64_t certificates = 0, revoked_passes = 0, revoked_letters = 0, revoked_keys = 0, suspended = 0,
                  listed = 0, freight = 0;
    std::uint64_t issued = 0;           ///< Passes this registry signed.
    std::uint64_t export_failures = 0;  ///< Static files not written.
    std::vector<IssuerKey> issuers;
    std::vector<std::string> gateways;  ///< Those that uploaded passage events.
};
std::string format_state(const RegistryState& answer);
Result<RegistryState> parse_state(std::string_view body);

/// GET issued: the passes the registry signed, newest last (a JSON array).
struct IssuedPass {
    credential::PassId pass_id;
    credential::PassType type = credential::PassType::kCommuter;
    TimePoint at{};
    std::string payload;
};
std::string format_issued(const std::vector<IssuedPass>& answer);
Result<std::vector<IssuedPass>> parse_issued(std::string_view body);

/// GET events?gateway=NAME: the passage events stored for one gateway.
struct GatewayEvents {
    std::string gateway;
    std::uint64_t first_seq = 0, last_seq = 0, count = 0;
    std::uint64_t duplicates = 0;  ///< Events received again since the registry started.
};
std::string format_gateway_events(const GatewayEvents& answer);
Result<GatewayEvents> parse_gateway_events(std::string_view body);

/// The line a client prints when the registry refused: "registry refused (HTTP 401): 未授权 /
/// admin token required", with the ErrorAnswer's text when the body is one, control bytes
/// replaced and at most 300 bytes of it.
std::string refusal_line(unsigned status, std::string_view body);

}  // namespace gw::registry_api
