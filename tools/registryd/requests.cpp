#include "tools/registryd/requests.h"

#include <algorithm>

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/id_number.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"

namespace gw::registryd {
namespace {

using namespace gw::credential;

Result<ConfFile> parse_body(std::string_view body, const char* name) {
    if (body.find('\0') != std::string_view::npos) return failure(std::string(name) + ": binary data in a text request");
    return parse_conf(body, name);
}

}  // namespace

Result<std::vector<store::Record>> parse_records_request(std::string_view body, const std::string& registry,
                                                         const std::vector<std::uint32_t>& provinces) {
    // The records-file parser, with the header lines the request does not carry.
    std::string text = "registry " + registry;
    for (auto p : provinces) text += " " + std::to_string(p);
    text += "\nas-of @0\n";
    text.append(body);
    auto batch = store::parse_records(text, "request");
    if (!batch) return unexpected(batch.error());
    if (batch->records.empty()) return failure("request: no records");
    return std::move(batch->records);
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

Result<Pass> parse_issue_request(std::string_view body, const std::optional<std::array<std::uint8_t, 32>>& token_key) {
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

    Pass p;
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

    if (p.type == PassType::kCommuter || p.type == PassType::kWorkCommute) {
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
            if (!token_key) return unexpected(r.error(*id, "this registry has no holder-token key: give id-tail and holder-token"));
            auto number = parse_id_number(id->value);
            if (!number) return unexpected(r.error(*id, number.error().message));
            token = HolderToken{holder_token(*token_key, *number)};
            tail = number->substr(14);
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
    if (auto body = encode_body(p); !body) return unexpected(body.error());
    return p;
}

}  // namespace gw::registryd
