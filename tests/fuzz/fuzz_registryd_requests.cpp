// registryd's admin request bodies (tools/registry_api/requests.h): records lines, issuer
// registrations and pass issue requests; the first byte picks the parser. Never a crash,
// every error one line, what parses is what a registry may sign, and what parses formats
// back to a body that parses to the same request.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"
#include "tools/registry_api/requests.h"

namespace {

void one_line(const gw::Error& e) {
    if (e.message.find('\n') != std::string::npos) __builtin_trap();
}

// format(parse(body)) is a fixed point: parsing it again and formatting gives the same text.
template <class Parse, class Format>
void round_trips(const auto& value, Parse parse, Format format) {
    const auto body = format(value);
    const auto again = parse(body);
    if (!again || format(*again) != body) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw;
    namespace api = gw::registry_api;
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
    case 0: {
        const auto r = api::parse_records_request(body);
        if (!r) return one_line(r.error()), 0;
        if (r->records.empty()) __builtin_trap();
        round_trips(*r, api::parse_records_request, api::format_records_request);
        break;
    }
    case 1: {
        const auto r = api::parse_issuer_request(body);
        if (!r) return one_line(r.error()), 0;
        if (!credential::parse_certificate(r->certificate)) __builtin_trap();
        round_trips(*r, api::parse_issuer_request, api::format_issuer_request);
        break;
    }
    case 2: {
        const auto r = api::parse_issue_request(body);
        if (!r) return one_line(r.error()), 0;
        // Every pass the parser lets through can be encoded as a pass body.
        if (!credential::encode_body(r->pass)) __builtin_trap();
        if (r->pass.type != credential::PassType::kFreight && !r->pass.holder) __builtin_trap();
        round_trips(*r, api::parse_issue_request, api::format_issue_request);
        break;
    }
    }
    return 0;
}
