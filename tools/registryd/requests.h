#pragma once
// Bodies of registryd's admin requests (text people or passctl write), parsed into values:
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
// Errors are one line naming the key. Pure functions.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/credential/crypto.h"
#include "gateway/credential/pass.h"
#include "gateway/store/record.h"

namespace gw::registryd {

Result<std::vector<store::Record>> parse_records_request(std::string_view body, const std::string& registry,
                                                         const std::vector<std::uint32_t>& provinces);

struct IssuerRequest {
    Bytes certificate;
    std::optional<credential::SecretKey> secret;
};
Result<IssuerRequest> parse_issuer_request(std::string_view body);

/// The pass to sign (key_id set, id 0 unless pass-id was given).
Result<credential::Pass> parse_issue_request(std::string_view body,
                                             const std::optional<std::array<std::uint8_t, 32>>& token_key);

}  // namespace gw::registryd
