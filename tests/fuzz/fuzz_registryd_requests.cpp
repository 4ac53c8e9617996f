// registryd's admin request bodies (tools/registryd/requests.h): records lines, issuer
// registrations and pass issue requests; the first byte picks the parser. Never a crash,
// every error one line, and what parses is what a registry may sign.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "tools/registryd/requests.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw;
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto one_line = [](const Error& e) {
        if (e.message.find('\n') != std::string::npos) __builtin_trap();
    };
    switch (data[0] % 3) {
    case 0: {
        const auto r = registryd::parse_records_request(body, "zhejiang", {33});
        if (!r) return one_line(r.error()), 0;
        if (r->empty()) __builtin_trap();
        break;
    }
    case 1: {
        const auto r = registryd::parse_issuer_request(body);
        if (!r) return one_line(r.error()), 0;
        if (!credential::parse_certificate(r->certificate)) __builtin_trap();
        break;
    }
    case 2: {
        const std::array<std::uint8_t, 32> token_key{1, 2, 3};
        const auto p = registryd::parse_issue_request(body, token_key);
        if (!p) return one_line(p.error()), 0;
        // Every pass the parser lets through can be encoded as a pass body.
        if (!credential::encode_body(*p)) __builtin_trap();
        break;
    }
    }
    return 0;
}
