#include "tools/registry_api/requests.h"

#include <algorithm>

#include "gateway/core/conf.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/id_number.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"

namespace gw::registry_api {
namespace {

using namespace gw::credential;

Result<ConfFile> parse_body(std::string_view body, const char* name) {
    if (body.find('\0') != std::string_view::npos) return failure(std::string(name) + ": binary data in a text request");
    return parse_conf(body, name);
}

bool names_two_regions(PassType t) { return t == PassType::kCommuter || t == PassType::kWorkCommute; }

}  // namespace

std::string format_records_request(const RecordsRequest& request) {
    std::string body;
    for (const auto& r : request.records) body += store::format_record(r) + "\n";
    return body;
}

Result<RecordsRequest> parse_records_request(std::string_view body) {
    if (body.find('\0') != std::string_view::npos) return failure("records request: binary data in a text request");
    // The lines of a records file (store::parse_record), without its header lines: the
    // registry and its provinces are the registry's own, the time is when it appends.
    RecordsRequest out;
    int line_no = 0;
    while (!body.empty()) {
        const auto nl = body.find('\n');
        const auto raw = body.substr(0, nl);
        body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
        ++line_no;
        const auto line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        auto record = store::parse_record(raw);
        if (!record) return failure("records request:" + std::to_string(line_no) + ": " + record.error().message);
        out.records.push_back(std::move(*record));
    }
    if (out.records.empty()) return failure("records request: no records");
    return out;
}

std::string format_issuer_request(const IssuerRequest& request) {
    std::string body = "certificate = " + to_base64(request.certificate) + "\n";
    if (request.secret) body += "secret = " + to_base64(request.secret->bytes) + "\n";
    return body;
}

Result<IssuerRequest> parse_issuer_request(std::string_view body) {
    auto conf = parse_body(body, "issuer request");
    if (!conf) return unexpected(conf.error());
    if (conf->sections.size() != 1) return failure("issuer request: no sections expected");
    ConfReader r(*conf, conf->sections.front());
    IssuerRequest out;
    const auto* c = r.find("certificate");
    if (!c) return unexpected(r.error("missing key 'certificate'"));
    auto bytes = from_base64(c->value);
    if (!bytes) return unexpected(r.error(*c, bytes.error().message));
    if (auto cert = parse_certificate(*bytes); !cert) return unexpected(r.error(*c, cert.error().message));
    out.certificate = std::move(*bytes);
    if (const auto* s = r.find("secret")) {
        auto sk = from_base64(s->value);
        if (!sk || sk->size() != 64) return unexpected(r.error(*s, "not the base64 of a 64-byte Ed25519 secret key"));
        SecretKey key;
        std::copy(sk->begin(), sk->end(), key.bytes.begin());
        out.secret = key;
    }
    if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
    return out;
}

std::string format_issue_request(const IssueRequest& request) {
    const auto& p = request.pass;
    std::string body = "type = " + std::string(type_name(p.type)) + "\nkey-id = " + std::to_string(p.key_id) +
                       "\nfrom = " + format_day(p.valid_from_day) + "\ndays = " + std::to_string(p.valid_days) + "\n";
    if (names_two_regions(p.type)) {
        body += "home = " + p.home_region.text() + "\nwork = " + p.work_region.text() + "\nissued-by = " +
                (p.issued_by_home ? "home" : "work") + "\n";
    } else {
        body += "region = " + p.issuing_region.text() + "\n";
    }
    if (p.enterprise) body += "enterprise = " + p.enterprise->text + "\n";
    if (p.type == PassType::kCommuter)
        body += "personal-letter = " + std::to_string(p.personal_letter) + "\nenterprise-letter = " +
                std::to_string(p.enterprise_letter) + "\n";
    if (p.holder) {
        body += "name = " + request.name + "\n";
        if (request.id_number) body += "id-number = " + *request.id_number + "\n";
        else body += "id-tail = " + p.holder->id_tail + "\nholder-token = " + p.holder->token.hex() + "\n";
    }
    if (!p.plates.empty()) {
        body += "plates = ";
        for (std::size_t i = 0; i < p.plates.size(); ++i) body += (i ? ", " : "") + p.plates[i].text;
        body += "\n";
    }
    if (p.id.value != 0) body += "pass-id = " + p.id.hex() + "\n";
    return body;
}

Result<IssueRequest> parse_issue_request(std::string_view body) {
    auto conf = parse_body(body, "issue request");
    if (!conf) return unexpected(conf.error());
    if (conf->sections.size() != 1) return failure("issue request: no sections expected");
    ConfReader r(*conf, conf->sections.front());
    const auto need = [&](std::string_view key) -> Result<const ConfEntry*> {
        const auto* e = r.find(key);
        if (!e) return unexpected(r.error("missing key '" + std::string(key) + "'"));
        return e;
    };
    const auto region_of = [&](std::string_view key) -> Result<RegionCode> {
        auto e = need(key);
        if (!e) return unexpected(e.error());
        auto region = parse_region((*e)->value);
        if (!region) return unexpected(r.error(**e, region.error().message));
        return region;
    };

    IssueRequest out;
    Pass& p = out.pass;
    auto type_e = need("type");
    if (!type_e) return unexpected(type_e.error());
    auto type = parse_pass_type((*type_e)->value);
    if (!type) return unexpected(r.error(**type_e, type.error().message));
    p.type = *type;
    auto key_id = r.integer("key-id", 1, 0xFFFF);
    if (!key_id) return unexpected(key_id.error());
    p.key_id = static_cast<std::uint16_t>(*key_id);
    if (const auto* id = r.find("pass-id")) {
        auto parsed = parse_pass_id(id->value);
        if (!parsed || parsed->value == 0) return unexpected(r.error(*id, "not a 12-digit hex pass id"));
        p.id = *parsed;
    }
    auto from_e = need("from");
    if (!from_e) return unexpected(from_e.error());
    auto from = parse_day((*from_e)->value);
    if (!from) return unexpected(r.error(**from_e, from.error().message));
    p.valid_from_day = *from;
    const auto* until_e = r.find("until");
    auto days = r.integer_or("days", 0, 1, 1024);
    if (!days) return unexpected(days.error());
    if ((until_e != nullptr) == (*days != 0)) return unexpected(r.error("give exactly one of 'until' and 'days'"));
    if (until_e) {
        auto until = parse_day(until_e->value);
        if (!until) return unexpected(r.error(*until_e, until.error().message));
        if (*until < *from || *until - *from >= 1024) return unexpected(r.error(*until_e, "not 1..1024 days after 'from'"));
        p.valid_days = static_cast<std::uint16_t>(*until - *from + 1);
    } else {
        p.valid_days = static_cast<std::uint16_t>(*days);
    }

    if (names_two_regions(p.type)) {
        auto home = region_of("home");
        auto work = region_of("work");
        if (!home) return unexpected(home.error());
        if (!work) return unexpected(work.error());
        p.home_region = *home;
        p.work_region = *work;
        const auto by = r.text_or("issued-by", "work");
        if (by != "home" && by != "work") return unexpected(r.error("'issued-by' is home or work"));
        p.issued_by_home = by == "home";
        p.issuing_region = p.issued_by_home ? p.home_region : p.work_region;
    } else {
        auto region = region_of("region");
        if (!region) return unexpected(region.error());
        p.issuing_region = *region;
    }
    if (p.type != PassType::kQuarantineRelease) {
        auto e = need("enterprise");
        if (!e) return unexpected(e.error());
        auto u = parse_uscc((*e)->value);
        if (!u) return unexpected(r.error(**e, u.error().message));
        p.enterprise = *u;
    }
    if (p.type == PassType::kCommuter) {
        auto personal = r.integer("personal-letter", 1, (1 << 24) - 1);
        auto enterprise = r.integer("enterprise-letter", 1, (1 << 24) - 1);
        if (!personal) return unexpected(personal.error());
        if (!enterprise) return unexpected(enterprise.error());
        p.personal_letter = static_cast<std::uint32_t>(*personal);
        p.enterprise_letter = static_cast<std::uint32_t>(*enterprise);
    }
    if (p.type != PassType::kFreight) {
        auto name = r.text("name");
        if (!name) return unexpected(name.error());
        HolderToken token;
        std::string tail;
        if (const auto* id = r.find("id-number")) {
            // The token is the registry's to make, with its key: 0 until then.
            auto number = parse_id_number(id->value);
            if (!number) return unexpected(r.error(*id, number.error().message));
            tail = number->substr(14);
            out.id_number = std::move(*number);
        } else {
            auto t = r.text("id-tail");
            const auto* h = r.find("holder-token");
            if (!t) return unexpected(t.error());
            if (!h) return unexpected(r.error("missing key 'id-number' (or 'holder-token' with 'id-tail')"));
            auto parsed = parse_holder_token(h->value);
            if (!parsed) return unexpected(r.error(*h, parsed.error().message));
            token = *parsed;
            tail = *t;
        }
        auto holder = make_holder(*name, tail, token);
        if (!holder) return unexpected(r.error(holder.error().message));
        p.holder = *holder;
        out.name = std::move(*name);
    }
    if (const auto* e = r.find("plates")) {
        for (const auto& text : split_list(e->value)) {
            auto plate = parse_plate(text);
            if (!plate) return unexpected(r.error(*e, plate.error().message));
            p.plates.push_back(*plate);
        }
    }
    if (p.type == PassType::kFreight ? p.plates.empty() || p.plates.size() > 3 : p.plates.size() > 1)
        return unexpected(r.error("freight passes bind 1-3 plates, other passes at most one"));
    if (auto ok = r.unknown_keys(); !ok) return unexpected(ok.error());
    // Whatever else the pass format cannot carry (a day past 15 bits, ...) is refused here too.
    if (auto encoded = encode_body(p); !encoded) return failure("issue request: " + encoded.error().message);
    return out;
}

}  // namespace gw::registry_api
