#pragma once
// The bodies of registryd's admin requests (proto/registry.md §10) as typed values, each with
// format_X (what passctl sends) beside parse_X (what registryd reads): parse_X(format_X(v))
// gives v back, and parse_X refuses whatever registryd must not act on.
//
//   POST /v1/admin/records   records lines as in a records file, without the registry and
//                            as-of lines (config/README.md):  revoke-pass 1a2b3c4d5e06
//   POST /v1/admin/issuers   conf text:  certificate = <base64 SignedIssuerCertificate>
//                                        secret = <base64 64-byte key>   (to issue here; optional)
//   POST /v1/admin/issue     conf text, the fields of `passctl issue`:
//                              type = commuter | work-commute | freight | quarantine-release
//                              key-id = 7   from = 2020-02-20   until = 2020-06-30 (or days = 30)
//                              home = 310116  work = 330482  issued-by = work|home   (commuter, work)
//                              region = 330482                   (freight, quarantine-release)
//                              enterprise = <USCC>               (all but quarantine-release)
//                              personal-letter = 1001  enterprise-letter = 55   (commuter)
//                              name = 张三明 and id-number = <18 chars> (the registry's token key
//                                makes the holder token) or id-tail = 421X + holder-token = <hex12>
//                              plates = 浙F12345, 浙F6789挂    (freight 1-3; commuter/work 0-1)
//                              pass-id = <hex12>                 (optional; random otherwise)
//
// Request bodies are outside input to registryd (fuzzed: tests/fuzz/fuzz_registryd_requests.cpp).
// Errors are one line naming the request, the line and the key (ErrorKind::kInvalid).
// Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/error.h"
#include "gateway/credential/crypto.h"
#include "gateway/credential/pass.h"
#include "gateway/store/record.h"

namespace gw::registry_api {

/// POST /v1/admin/records: records appended to the log together (all or none). At least one.
struct RecordsRequest {
    std::vector<store::Record> records;
};
std::string format_records_request(const RecordsRequest& request);
Result<RecordsRequest> parse_records_request(std::string_view body);

/// POST /v1/admin/issuers: an issuer certificate to publish, and its secret key when the
/// registry is to issue passes with it.
struct IssuerRequest {
    Bytes certificate;  ///< A SignedIssuerCertificate (parse_certificate accepts it).
    std::optional<credential::SecretKey> secret;
};
std::string format_issuer_request(const IssuerRequest& request);
Result<IssuerRequest> parse_issuer_request(std::string_view body);

/// POST /v1/admin/issue: a pass for the registry to sign.
struct IssueRequest {
    /// Every field of the pass but the signature. key_id is the registry's issuer key; id 0
    /// lets the registry pick one. holder (all but freight): its id tail and token, except that
    /// with id_number the token is 0 here and the registry makes it with its token key.
    credential::Pass pass;
    std::string name;                      ///< The holder's full name (all but freight).
    std::optional<std::string> id_number;  ///< Validated, 18 characters; the registry makes the token.
};
/// The name must be one conf value (no control characters, no '#', no leading or trailing
/// blanks): check it first (passctl does), or parse_issue_request refuses or misreads it.
std::string format_issue_request(const IssueRequest& request);
Result<IssueRequest> parse_issue_request(std::string_view body);

}  // namespace gw::registry_api
