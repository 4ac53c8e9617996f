#include "tools/passctl/pass_options.h"

#include "gateway/core/time.h"
#include "gateway/credential/crypto.h"
#include "gateway/credential/id_number.h"
#include "gateway/credential/key_file.h"
#include "tools/passctl/cli.h"

namespace gw::passctl {
namespace {

using namespace gw::credential;
using tools::Args;

// The validators' messages carry the rule and the text; the option is prefixed so that a
// typo in a long command line is found at once.
Error at(const std::string& option, const Error& e) { return Error{"--" + option + ": " + e.message}; }

template <class T>
Result<T> named(const std::string& option, Result<T> r) {
    if (!r) return unexpected(at(option, r.error()));
    return r;
}

}  // namespace

std::vector<tools::OptionSpec> pass_option_specs() {
    return {{"type"},       {"from"},       {"until"},           {"days"},           {"home"},
            {"work"},       {"issued-by"},  {"region"},          {"enterprise"},     {"personal-letter"},
            {"enterprise-letter"}, {"name"}, {"id-number"},      {"token-key"},      {"id-tail"},
            {"holder-token"}, {"plate", true, true}, {"pass-id"}};
}

Result<Pass> pass_from_options(const Args& a) {
    Pass p;
    auto type_text = a.required("type");
    if (!type_text) return unexpected(type_text.error());
    auto type = named("type", parse_pass_type(*type_text));
    if (!type) return unexpected(type.error());
    p.type = *type;
    if (auto id = a.get("pass-id")) {
        auto parsed = named("pass-id", parse_pass_id(*id));
        if (!parsed) return unexpected(parsed.error());
        p.id = *parsed;
    }

    auto from_text = a.required("from");
    if (!from_text) return unexpected(from_text.error());
    auto from = named("from", parse_day(*from_text));
    if (!from) return unexpected(from.error());
    p.valid_from_day = *from;
    if (a.has("until") == a.has("days")) return failure("give exactly one of --until and --days");
    std::uint32_t days = 0;
    if (a.has("until")) {
        auto until = named("until", parse_day(*a.get("until")));
        if (!until) return unexpected(until.error());
        if (*until < *from) return failure("--until is before --from");
        days = *until - *from + 1;
    } else {
        auto d = parse_u32(*a.get("days"), "days", 1024);
        if (!d || *d == 0) return failure("bad --days: expected 1..1024");
        days = *d;
    }
    if (days > 1024) return failure("--until: a pass is valid for at most 1024 days");
    p.valid_days = static_cast<std::uint16_t>(days);

    if (p.type == PassType::kCommuter || p.type == PassType::kWorkCommute) {
        if (a.has("region")) return failure("--region is for freight and quarantine-release; this pass uses --home/--work");
        for (const char* n : {"home", "work"})
            if (auto v = a.required(n); !v) return unexpected(v.error());
        auto home = named("home", parse_region(*a.get("home")));
        auto work = named("work", parse_region(*a.get("work")));
        if (!home) return unexpected(home.error());
        if (!work) return unexpected(work.error());
        p.home_region = *home;
        p.work_region = *work;
        const auto by = a.get("issued-by").value_or("work");
        if (by != "home" && by != "work") return failure("--issued-by is home or work");
        p.issued_by_home = by == "home";
        p.issuing_region = p.issued_by_home ? p.home_region : p.work_region;
    } else {
        for (const char* n : {"home", "work", "issued-by"})
            if (a.has(n)) return failure(std::string("--") + n + " is for commuter and work-commute passes; this one uses --region");
        auto region_text = a.required("region");
        if (!region_text) return unexpected(region_text.error());
        auto region = named("region", parse_region(*region_text));
        if (!region) return unexpected(region.error());
        p.issuing_region = *region;
    }

    if (p.type != PassType::kQuarantineRelease) {
        auto e = a.required("enterprise");
        if (!e) return unexpected(e.error());
        auto u = named("enterprise", parse_uscc(*e));
        if (!u) return unexpected(u.error());
        p.enterprise = *u;
    } else if (a.has("enterprise")) {
        return failure("--enterprise: a quarantine-release notice names no enterprise");
    }
    if (p.type == PassType::kCommuter) {
        for (const char* n : {"personal-letter", "enterprise-letter"})
            if (auto v = a.required(n); !v) return unexpected(v.error());
        auto pn = parse_u32(*a.get("personal-letter"), "personal letter number", (1u << 24) - 1);
        auto en = parse_u32(*a.get("enterprise-letter"), "enterprise letter number", (1u << 24) - 1);
        if (!pn || *pn == 0) return failure("bad --personal-letter: expected 1..16777215");
        if (!en || *en == 0) return failure("bad --enterprise-letter: expected 1..16777215");
        p.personal_letter = *pn;
        p.enterprise_letter = *en;
    } else {
        for (const char* n : {"personal-letter", "enterprise-letter"})
            if (a.has(n)) return failure(std::string("--") + n + ": only commuter passes carry commitment letters");
    }
    for (const auto& text : a.all("plate")) {
        auto plate = named("plate", parse_plate(text));
        if (!plate) return unexpected(plate.error());
        p.plates.push_back(*plate);
    }
    if (p.type == PassType::kFreight ? p.plates.empty() || p.plates.size() > 3 : p.plates.size() > 1)
        return failure("--plate: a freight pass binds 1 to 3 plates, other passes at most one");
    if (p.type == PassType::kFreight) {
        for (const char* n : {"name", "id-number", "token-key", "id-tail", "holder-token"})
            if (a.has(n)) return failure(std::string("--") + n + ": a freight pass has no holder");
    }
    return p;
}

Result<Holder> holder_from_options(const Args& a) {
    auto name = a.required("name");
    if (!name) return unexpected(name.error());
    if (a.has("id-number")) {
        if (a.has("id-tail") || a.has("holder-token")) return failure("give --id-number or --id-tail/--holder-token, not both");
        auto id = named("id-number", parse_id_number(*a.get("id-number")));
        if (!id) return unexpected(id.error());
        auto key_path = a.required("token-key");
        if (!key_path) return failure("--id-number needs --token-key to derive the holder token");
        auto key = named("token-key", load_token_key(*key_path));
        if (!key) return unexpected(key.error());
        // make_holder's messages name the holder name or the ID tail themselves.
        return make_holder(*name, id->substr(14), HolderToken{holder_token(key->key, *id)});
    }
    if (a.has("token-key")) return failure("--token-key derives the holder token from --id-number, which is missing");
    auto tail = a.required("id-tail");
    auto token = a.required("holder-token");
    if (!tail || !token) return failure("a holder needs --id-number and --token-key, or --id-tail and --holder-token");
    auto t = named("holder-token", parse_holder_token(*token));
    if (!t) return unexpected(t.error());
    return make_holder(*name, *tail, *t);
}

}  // namespace gw::passctl
