#include "gateway/credential/pass_json.h"

namespace gw::credential {

void write_pass_json(JsonWriter& w, const Pass& p) {
    w.begin_object();
    w.field("type", type_name(p.type)).field("type_zh", type_label_zh(p.type));
    w.field("pass_id", p.id.hex()).field("key_id", static_cast<unsigned>(p.key_id));
    w.field("valid_from", format_day(p.valid_from_day));
    w.field("valid_until", format_day(p.valid_from_day + p.valid_days - 1u));
    w.field("issuing_region", p.issuing_region.text());
    if (p.type == PassType::kCommuter || p.type == PassType::kWorkCommute) {
        w.field("home_region", p.home_region.text()).field("work_region", p.work_region.text());
        w.field("issued_by", p.issued_by_home ? "home" : "work");
    }
    if (p.enterprise) w.field("enterprise", p.enterprise->text);
    if (p.type == PassType::kCommuter)
        w.field("personal_letter", static_cast<unsigned>(p.personal_letter))
            .field("enterprise_letter", static_cast<unsigned>(p.enterprise_letter));
    if (p.holder) {
        w.key("holder").begin_object();
        w.field("name", p.holder->masked_name()).field("id_tail", p.holder->id_tail).field("token", p.holder->token.hex());
        w.end_object();
    }
    w.key("plates").begin_array();
    for (const auto& plate : p.plates) w.value(plate.text);
    w.end_array();
    w.end_object();
}

void write_issuer_json(JsonWriter& w, const IssuerFacts& i) {
    w.begin_object();
    w.field("name", i.name).field("province", static_cast<unsigned>(i.province));
    w.field("key_id", static_cast<unsigned>(i.key_id)).field("scope", i.scope.prefix);
    w.field("not_before", format_time(i.not_before)).field("not_after", format_time(i.not_after));
    w.end_object();
}

}  // namespace gw::credential
