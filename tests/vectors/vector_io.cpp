#include "tests/vectors/vector_io.h"

#include <cstdio>
#include <stdexcept>

#include "gateway/check/pass_checker.h"
#include "gateway/core/codec.h"
#include "gateway/credential/certificate.h"
#include "tests/temp_dir.h"

namespace gw::vectors {
namespace {

std::string temps_text(const decision::Readings& r) {
    std::string out;
    for (const auto& t : r.temperatures) {
        if (!out.empty()) out += ", ";
        if (t.quality == decision::ReadingQuality::kRemeasure) out += "remeasure";
        else if (t.quality == decision::ReadingQuality::kSensorFault) out += "fault";
        else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.1f", t.value.value);
            out += buf;
        }
    }
    return out;
}

}  // namespace

std::string make_vectors_text() {
    const auto& w = demo::demo_world();
    std::string out =
        "# Credential test vectors, format CP1 (proto/credential.md section 5).\n"
        "# Generated from gateway/demo by gw_make_vectors; checked by gw_vectors_tests.\n"
        "# The keys are demo keys from published seeds: never trust them anywhere real.\n";
    for (const auto& [name, key] : w.keys)
        out += "\n[seed " + name + "]\nseed = " + to_hex(key.seed) + "\npublic-key = " + to_base64(key.pair.public_key.bytes) + "\n";
    out += "\n# Trusted roots, as in a checkpoint's trust.conf\n" + w.trust_conf();
    for (const auto& [name, cert] : w.certs)
        out += "\n[cert " + name + "]\n# " + cert.name + "\ndata = " + to_base64(credential::serialize_certificate(cert)) + "\n";

    testing::TempDir dir;
    auto cache = store::Cache::open(dir.path).value();
    if (!cache->apply(w.registry_batch("shanghai", {31}, demo::demo_data_as_of())) ||
        !cache->apply(w.registry_batch("zhejiang", {33}, demo::demo_data_as_of())))
        throw std::runtime_error("vectors: cache apply failed");
    check::PassChecker checker(*cache, w.trust, decision::Policy::defaults());
    for (const auto& sc : w.scenarios) {
        const auto d = demo::run_scenario(checker, sc);
        if (!demo::matches(sc, d)) throw std::runtime_error("vectors: scenario " + sc.name + " does not decide as expected");
        if (sc.payload.ends_with(' ')) throw std::runtime_error("vectors: payload of " + sc.name + " ends with a space");
        auto f = checker.check(sc.payload, sc.at).facts;
        f.storage_fault = sc.storage_fault;
        out += "\n[vector " + sc.name + "]\n# " + sc.title_zh + "\npayload = " + sc.payload + "\nat = " + format_time(sc.at) +
               "\nlane = " + std::string(decision::lane_kind_name(sc.lane.kind)) + "\ndirection = " + sc.lane.direction +
               "\nneeds-temperature = " + (sc.lane.needs_temperature ? "true" : "false") +
               "\nneeds-plate = " + (sc.lane.needs_plate ? "true" : "false") + "\n";
        if (!sc.readings.temperatures.empty()) out += "temperatures = " + temps_text(sc.readings) + "\n";
        if (sc.readings.plate) out += "plate = " + sc.readings.plate->text + "\n";
        if (sc.readings.plate_reader_fault) out += "plate-fault = true\n";
        out += std::string("final = ") + (sc.readings.final ? "true" : "false") + "\n";
        std::string facts;
        const auto flag = [&](bool on, const char* n) {
            if (on) facts += (facts.empty() ? "" : ", ") + std::string(n);
        };
        flag(f.pass_revoked, "pass-revoked");
        flag(f.personal_letter_revoked, "personal-letter-revoked");
        flag(f.enterprise_letter_revoked, "enterprise-letter-revoked");
        flag(f.issuer_key_revoked, "issuer-key-revoked");
        flag(f.enterprise_suspended, "enterprise-suspended");
        flag(f.storage_fault, "storage-fault");
        if (!facts.empty()) out += "facts = " + facts + "\n";
        if (f.shared_list_day) out += "shared-list-day = " + format_day(*f.shared_list_day) + "\n";
        if (f.last_passage)
            out += "last-passage = " + format_time(f.last_passage->at) + "\nlast-direction = " + f.last_passage->direction + "\n";
        if (f.data_age) out += "data-age = " + std::to_string(f.data_age->count()) + "s\n";
        std::string reasons;
        for (auto r : d.reasons) reasons += (reasons.empty() ? "" : ", ") + std::string(code_name(r));
        out += "verdict = " + std::string(decision::verdict_name(d.verdict)) + "\nreasons = " + reasons + "\n";
    }
    return out;
}

Result<Vector> read_vector(const ConfFile& file, const ConfSection& section) {
    ConfReader r(file, section);
    Vector v;
    v.name = section.name;
    auto payload = r.text("payload");
    if (!payload) return unexpected(payload.error());
    // The conf format trims values: the generator refuses payloads that end with a space.
    v.payload = *payload;
    auto at = r.text("at");
    if (!at) return unexpected(at.error());
    auto t = parse_time(*at);
    if (!t) return unexpected(r.error(*r.find("at"), t.error().message));
    v.at = *t;
    auto lane = decision::parse_lane_kind(r.text_or("lane", ""));
    if (!lane) return unexpected(r.error(lane.error().message));
    v.lane.kind = *lane;
    v.lane.direction = r.text_or("direction", "");
    auto nt = r.boolean_or("needs-temperature", true);
    auto np = r.boolean_or("needs-plate", false);
    auto fin = r.boolean_or("final", false);
    auto pf = r.boolean_or("plate-fault", false);
    if (!nt || !np || !fin || !pf) return failure(section.name + ": bad boolean");
    v.lane.needs_temperature = *nt;
    v.lane.needs_plate = *np;
    v.readings.final = *fin;
    v.readings.plate_reader_fault = *pf;
    for (const auto& item : split_list(r.text_or("temperatures", ""))) {
        if (item == "remeasure") v.readings.temperatures.push_back({Celsius{0}, decision::ReadingQuality::kRemeasure});
        else if (item == "fault") v.readings.temperatures.push_back({Celsius{0}, decision::ReadingQuality::kSensorFault});
        else v.readings.temperatures.push_back({Celsius{std::stof(item)}, decision::ReadingQuality::kOk});
    }
    if (const auto* e = r.find("plate")) {
        auto p = credential::parse_plate(e->value);
        if (!p) return unexpected(r.error(*e, p.error().message));
        v.readings.plate = *p;
    }
    for (const auto& f : split_list(r.text_or("facts", ""))) {
        if (f == "pass-revoked") v.facts.pass_revoked = true;
        else if (f == "personal-letter-revoked") v.facts.personal_letter_revoked = true;
        else if (f == "enterprise-letter-revoked") v.facts.enterprise_letter_revoked = true;
        else if (f == "issuer-key-revoked") v.facts.issuer_key_revoked = true;
        else if (f == "enterprise-suspended") v.facts.enterprise_suspended = true;
        else if (f == "storage-fault") v.facts.storage_fault = true;
        else return unexpected(r.error(*r.find("facts"), "unknown fact '" + f + "'"));
    }
    if (const auto* e = r.find("shared-list-day")) v.facts.shared_list_day = parse_day(e->value).value();
    if (const auto* e = r.find("last-passage"))
        v.facts.last_passage = decision::PassbackRecord{parse_time(e->value).value(), r.text_or("last-direction", "")};
    if (const auto* e = r.find("data-age")) v.facts.data_age = parse_duration(e->value).value();
    auto verdict = r.text("verdict");
    if (!verdict) return unexpected(verdict.error());
    bool known = false;
    for (auto vv : {decision::Verdict::kOpen, decision::Verdict::kWait, decision::Verdict::kManual, decision::Verdict::kDeny})
        if (decision::verdict_name(vv) == *verdict) v.verdict = vv, known = true;
    if (!known) return unexpected(r.error(*r.find("verdict"), "unknown verdict"));
    for (const auto& name : split_list(r.text_or("reasons", ""))) {
        auto reason = reason_from_name(name);
        if (!reason) return unexpected(r.error(*r.find("reasons"), "unknown reason '" + name + "'"));
        v.reasons.push_back(*reason);
    }
    (void)r.find("last-direction");
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return v;
}

}  // namespace gw::vectors
