#include "gateway/demo/demo_world.h"

#include <stdexcept>

#include "gateway/core/codec.h"
#include "gateway/credential/id_number.h"
#include "gateway/credential/pass_codec.h"

namespace gw::demo {
namespace {

using namespace gw::credential;
using decision::LaneKind;
using decision::ReadingQuality;
using decision::Verdict;
using std::chrono::hours;
using std::chrono::minutes;

template <class T>
T must(Result<T> r) {
    if (!r) throw std::logic_error("demo world: " + r.error().message);
    return std::move(*r);
}

// Unified social credit codes (check characters valid per GB 32100).
const char* const kEmployer = "91330482MA28A1B2C0";   // a Pinghu manufacturer
const char* const kCarrier = "91330482MA29B3C4DK";    // a Pinghu logistics firm
const char* const kSuspended = "92330482MA2AC5D6E4";  // an enterprise whose permit was suspended
const char* const kShanghaiFirm = "91310116MA1J8K9L0X";

TimePoint at(const char* text) { return must(parse_time(text)); }

}  // namespace

TimePoint demo_now() { return at("2020-03-02T08:00:00+08:00"); }
TimePoint demo_data_as_of() { return demo_now() - hours{1}; }

const DemoWorld& demo_world() {
    static const DemoWorld world = demo_world_at(demo_now());
    return world;
}

DemoWorld demo_world_at(TimePoint now) {
    {
        DemoWorld w;
        // Every date is relative to `now`'s CST day D; with now = demo_now() (D = 2020-03-02)
        // these are the dates of early 2020 the vectors were made with.
        const auto D = static_cast<std::uint32_t>(day_of(now));
        const auto day = [D](int offset) { return static_cast<std::uint32_t>(static_cast<int>(D) + offset); };
        const auto midnight = [&](int offset) { return format_time(day_start(day(offset))); };
        const auto key = [&](const std::string& name) -> const DemoKey& {
            DemoKey k;
            k.name = name;
            k.seed = derive_seed("gw-demo-key:" + name);
            k.pair = keypair_from_seed(k.seed);
            return w.keys.emplace(name, k).first->second;
        };
        const auto& sh_root = key("shanghai-root");
        const auto& zj_root = key("zhejiang-root");
        const auto& forged_root = key("forged-root");
        w.trust.roots.push_back({"shanghai", 31, sh_root.pair.public_key,
                                 static_cast<std::uint8_t>(type_bit(PassType::kCommuter) | type_bit(PassType::kWorkCommute) |
                                                           type_bit(PassType::kFreight) | type_bit(PassType::kQuarantineRelease))});
        w.trust.roots.push_back({"zhejiang", 33, zj_root.pair.public_key,
                                 static_cast<std::uint8_t>(type_bit(PassType::kCommuter) | type_bit(PassType::kWorkCommute) |
                                                           type_bit(PassType::kFreight) | type_bit(PassType::kQuarantineRelease))});
        w.token_key = derive_seed("gw-demo-token-key");

        const auto certify = [&](const DemoKey& root, std::uint32_t province, const std::string& issuer, std::uint16_t key_id,
                                 const char* scope, std::initializer_list<PassType> types, const std::string& from,
                                 const std::string& until, const char* label) {
            const auto& k = key(issuer);
            IssuerCert c;
            c.province = province;
            c.key_id = key_id;
            c.key = k.pair.public_key;
            c.scope = must(parse_scope(scope));
            for (auto t : types) c.type_mask |= type_bit(t);
            c.not_before = at(from.c_str());
            c.not_after = at(until.c_str());
            c.name = label;
            w.certs.emplace(issuer, must(parse_certificate(sign_certificate(c, root.pair.secret_key))));
        };
        using enum PassType;
        certify(sh_root, 31, "jinshan-1", 1, "310116", {kCommuter, kWorkCommute, kQuarantineRelease}, midnight(-47),
                midnight(319), "金山区新冠肺炎疫情防控指挥部");
        certify(zj_root, 33, "pinghu-7", 7, "3304", {kCommuter, kWorkCommute, kFreight}, midnight(-47), midnight(319),
                "嘉兴市平湖市疫情防控工作领导小组（2020a）");
        certify(zj_root, 33, "pinghu-8", 8, "3304", {kCommuter, kWorkCommute, kFreight}, midnight(-6), midnight(360),
                "嘉兴市平湖市疫情防控工作领导小组（2020b）");
        certify(zj_root, 33, "jiashan-9", 9, "330421", {kCommuter, kWorkCommute}, midnight(-47), midnight(319),
                "嘉兴市嘉善县疫情防控工作领导小组");
        certify(zj_root, 33, "jiaxing-3", 3, "3304", {kCommuter, kWorkCommute, kFreight}, midnight(-61), midnight(-16),
                "嘉兴市（旧密钥，已到期）");
        certify(zj_root, 33, "haiyan-6", 6, "330424", {kCommuter, kWorkCommute}, midnight(-47), midnight(319),
                "嘉兴市海盐县（密钥已吊销）");
        certify(forged_root, 33, "rogue-5", 5, "3304", {kCommuter, kWorkCommute, kFreight}, midnight(-61), midnight(305),
                "伪造签发机关");

        // Passes. Valid 2020-02-20 .. 2020-06-30 unless a case needs otherwise.
        const auto holder = [&](const char* name, const char* id_number) {
            const std::string id = must(parse_id_number(id_number));
            return must(make_holder(name, id.substr(14), HolderToken{holder_token(w.token_key, id)}));
        };
        const auto base = [&](PassType type, std::uint16_t key_id, std::uint64_t id) {
            Pass p;
            p.type = type;
            p.key_id = key_id;
            p.id = PassId{id};
            p.valid_from_day = day(-11);                // 2020-02-20
            p.valid_days = static_cast<std::uint16_t>(132);  // through 2020-06-30
            return p;
        };
        const auto commuter = [&](std::uint16_t key_id, std::uint64_t id, const char* name, const char* id_number,
                                  const char* enterprise, std::uint32_t letter) {
            Pass p = base(kCommuter, key_id, id);
            p.home_region = must(parse_region("310116"));
            p.work_region = must(parse_region("330482"));
            p.issuing_region = p.work_region;
            p.enterprise = must(parse_uscc(enterprise));
            p.personal_letter = letter;
            p.enterprise_letter = 55;
            p.holder = holder(name, id_number);
            return p;
        };
        const auto signed_by = [&](const std::string& issuer, const Pass& p) {
            return must(sign_pass(p, w.keys.at(issuer).pair.secret_key));
        };

        Pass car = commuter(7, 0x1a2b3c4d5e01, "张三明", "310116198503124212", kEmployer, 1001);
        car.plates.push_back(must(parse_plate("沪A12345")));
        const auto p_car = signed_by("pinghu-7", car);

        Pass walker = commuter(1, 0x1a2b3c4d5e02, "李四", "310116199002023346", kShanghaiFirm, 2001);
        walker.issued_by_home = true;
        walker.issuing_region = walker.home_region;
        walker.enterprise = must(parse_uscc(kShanghaiFirm));
        const auto p_walker = signed_by("jinshan-1", walker);

        Pass work = base(kWorkCommute, 8, 0x1a2b3c4d5e03);
        work.home_region = must(parse_region("310116"));
        work.work_region = must(parse_region("330482"));
        work.issuing_region = work.work_region;
        work.enterprise = must(parse_uscc(kEmployer));
        work.holder = holder("王小红", "330482199107075525");
        const auto p_work = signed_by("pinghu-8", work);

        Pass freight = base(kFreight, 7, 0x1a2b3c4d5e04);
        freight.issuing_region = must(parse_region("330482"));
        freight.enterprise = must(parse_uscc(kCarrier));
        freight.plates = {must(parse_plate("浙F12345")), must(parse_plate("浙F6789挂"))};
        const auto p_freight = signed_by("pinghu-7", freight);

        Pass release = base(kQuarantineRelease, 1, 0x1a2b3c4d5e05);
        release.issuing_region = must(parse_region("310116"));
        release.valid_from_day = day(-7);  // 2020-02-24
        release.valid_days = 30;
        release.holder = holder("赵六", "310116197708081231");
        const auto p_release = signed_by("jinshan-1", release);

        const auto p_revoked = signed_by("pinghu-7", commuter(7, 0x1a2b3c4d5e06, "钱七", "330482198001011115", kEmployer, 1006));
        const auto p_letter = signed_by("pinghu-7", commuter(7, 0x1a2b3c4d5e07, "孙八", "330482198202022224", kEmployer, 1007));
        const auto p_suspended = signed_by("pinghu-7", commuter(7, 0x1a2b3c4d5e08, "周九", "330482198303033336", kSuspended, 1008));
        const auto p_listed = signed_by("pinghu-7", commuter(7, 0x1a2b3c4d5e09, "吴十", "330482198404044448", kEmployer, 1009));
        Pass expired = commuter(7, 0x1a2b3c4d5e0a, "郑一", "33048219850505555X", kEmployer, 1010);
        expired.valid_from_day = day(-30);  // 2020-02-01
        expired.valid_days = 29;            // through 2020-02-29
        const auto p_expired = signed_by("pinghu-7", expired);
        Pass early = commuter(7, 0x1a2b3c4d5e0b, "冯二", "330482198606066661", kEmployer, 1011);
        early.valid_from_day = day(8);  // 2020-03-10
        const auto p_early = signed_by("pinghu-7", early);
        const auto p_out_of_scope = signed_by("jiashan-9", commuter(9, 0x1a2b3c4d5e0c, "陈三", "330482198707077773", kEmployer, 1012));
        const auto p_old_issuer = signed_by("jiaxing-3", commuter(3, 0x1a2b3c4d5e0d, "褚四", "330482198808088885", kEmployer, 1013));
        Pass haiyan = commuter(6, 0x1a2b3c4d5e0e, "卫五", "330482198909099997", kEmployer, 1014);
        haiyan.work_region = must(parse_region("330424"));
        haiyan.issuing_region = haiyan.work_region;
        const auto p_issuer_revoked = signed_by("haiyan-6", haiyan);
        const auto p_forged = signed_by("rogue-5", commuter(5, 0x1a2b3c4d5e0f, "蒋六", "330482199010101010", kEmployer, 1015));
        // The rogue key claims a genuine issuer's key id.
        const auto p_bad_sig = signed_by("rogue-5", commuter(7, 0x1a2b3c4d5e10, "沈七", "330482199111111111", kEmployer, 1016));

        // Lanes of the checkpoint, heading into Zhejiang.
        const decision::Lane car_lane{LaneKind::kCar, "to-zhejiang", true, true};
        const decision::Lane truck_lane{LaneKind::kTruck, "to-zhejiang", true, true};
        const decision::Lane walk_lane{LaneKind::kPedestrian, "to-zhejiang", true, false};
        const auto normal = [](float c) { return decision::TemperatureReading{Celsius{c}, ReadingQuality::kOk}; };
        const auto plate = [](const char* p) { return must(parse_plate(p)); };
        auto& s = w.scenarios;
        const auto add = [&](std::string name, std::string zh, std::string payload, decision::Lane lane,
                             decision::Readings readings, Verdict verdict, std::vector<Reason> reasons) -> Scenario& {
            s.push_back(Scenario{std::move(name), std::move(zh), std::move(payload), std::move(lane), std::move(readings),
                                 now, std::nullopt, "", false, verdict, std::move(reasons)});
            return s.back();
        };
        decision::Readings car_ok{{normal(36.5f)}, plate("沪A12345"), false, false, {}};
        decision::Readings walk_ok{{normal(36.6f)}, std::nullopt, false, false, {}};
        decision::Readings freight_ok{{normal(36.4f)}, plate("浙F12345"), false, false, {}};
        add("valid-commuter-car", "两书一证驾车通勤，车牌相符", p_car, car_lane, car_ok, Verdict::kOpen, {Reason::kOk});
        add("valid-commuter-walk", "两书一证步行通勤", p_walker, walk_lane, walk_ok, Verdict::kOpen, {Reason::kOk});
        add("valid-work-commute-rotated-key", "工作通勤证（新密钥签发）", p_work, walk_lane, walk_ok, Verdict::kOpen, {Reason::kOk});
        add("valid-freight-truck", "货通证货车，车牌相符", p_freight, truck_lane, freight_ok, Verdict::kOpen, {Reason::kOk});
        add("valid-freight-trailer-plate", "货通证挂车号牌", p_freight, truck_lane,
            {{normal(36.4f)}, plate("浙F·6789挂"), false, false, {}}, Verdict::kOpen, {Reason::kOk});
        add("quarantine-release-answers-listing", "隔离解除告知单（解除日期晚于名单日期）", p_release, walk_lane, walk_ok,
            Verdict::kOpen, {Reason::kOk});
        add("revoked-pass", "通行证已撤销", p_revoked, walk_lane, walk_ok, Verdict::kDeny, {Reason::kRevoked});
        add("revoked-personal-letter", "个人承诺书已撤销", p_letter, walk_lane, walk_ok, Verdict::kDeny, {Reason::kRevoked});
        add("suspended-enterprise", "企业已暂停", p_suspended, walk_lane, walk_ok, Verdict::kDeny, {Reason::kEnterpriseSuspended});
        add("holder-on-shared-list", "持证人在共享名单", p_listed, walk_lane, walk_ok, Verdict::kDeny, {Reason::kHolderOnSharedList});
        add("expired-pass", "通行证过期", p_expired, walk_lane, walk_ok, Verdict::kDeny, {Reason::kExpired});
        add("not-yet-valid-pass", "通行证未生效", p_early, walk_lane, walk_ok, Verdict::kDeny, {Reason::kNotYetValid});
        add("issuer-out-of-scope", "嘉善签发平湖地区通行证（越权）", p_out_of_scope, walk_lane, walk_ok, Verdict::kDeny,
            {Reason::kIssuerOutOfScope});
        add("issuer-certificate-expired", "签发机关证书已过期", p_old_issuer, walk_lane, walk_ok, Verdict::kDeny, {Reason::kIssuerExpired});
        add("issuer-key-revoked", "签发机关密钥已吊销", p_issuer_revoked, walk_lane, walk_ok, Verdict::kDeny, {Reason::kIssuerRevoked});
        add("forged-root", "伪造根证书签发", p_forged, walk_lane, walk_ok, Verdict::kDeny, {Reason::kUnknownIssuer});
        add("forged-signature", "冒用签发机关密钥编号", p_bad_sig, walk_lane, walk_ok, Verdict::kDeny, {Reason::kBadSignature});
        add("malformed-payload", "非通行码", "https://example.invalid/pass?id=1", walk_lane, walk_ok, Verdict::kDeny,
            {Reason::kMalformed});
        add("wrong-lane-type", "货通证走人行通道", p_freight, walk_lane, walk_ok, Verdict::kDeny, {Reason::kWrongLaneType});
        add("plate-mismatch", "车牌与通行证不符", p_car, car_lane, {{normal(36.5f)}, plate("沪B54321"), false, false, {}},
            Verdict::kDeny, {Reason::kPlateMismatch});
        add("plate-awaited", "等待车牌识别", p_car, car_lane, {{normal(36.5f)}, std::nullopt, false, false, {}}, Verdict::kWait,
            {Reason::kPlateUnread});
        add("plate-unread", "车牌未识别（超时）", p_car, car_lane, {{normal(36.5f)}, std::nullopt, false, true, {}},
            Verdict::kManual, {Reason::kPlateUnread});
        add("plate-reader-fault", "车牌识别设备故障", p_car, car_lane, {{normal(36.5f)}, std::nullopt, true, true, {}},
            Verdict::kManual, {Reason::kSensorFault});
        add("fever-first-reading", "首次体温偏高，复测", p_walker, walk_lane, {{normal(37.9f)}, std::nullopt, false, false, {}},
            Verdict::kWait, {Reason::kRemeasure});
        add("fever-confirmed", "复测仍发热", p_walker, walk_lane, {{normal(37.9f), normal(38.2f)}, std::nullopt, false, false, {}},
            Verdict::kDeny, {Reason::kFever});
        add("fever-not-confirmed", "复测体温正常", p_walker, walk_lane, {{normal(37.5f), normal(36.8f)}, std::nullopt, false, false, {}},
            Verdict::kOpen, {Reason::kOk});
        add("fever-unconfirmed-at-timeout", "首次偏高后未复测（超时）", p_walker, walk_lane,
            {{normal(37.9f)}, std::nullopt, false, true, {}}, Verdict::kManual, {Reason::kRemeasure});
        add("bad-measurement", "测温无效（未对准）", p_walker, walk_lane,
            {{{Celsius{0}, ReadingQuality::kRemeasure}}, std::nullopt, false, false, {}}, Verdict::kWait, {Reason::kRemeasure});
        add("thermal-sensor-fault", "测温设备故障", p_walker, walk_lane,
            {{{Celsius{0}, ReadingQuality::kSensorFault}}, std::nullopt, false, false, {}}, Verdict::kManual, {Reason::kSensorFault});
        add("temperature-missing", "未获体温读数（超时）", p_walker, walk_lane, {{}, std::nullopt, false, true, {}}, Verdict::kManual,
            {Reason::kTemperatureMissing});
        add("passback", "五分钟内同向再次通行", p_walker, walk_lane, walk_ok, Verdict::kDeny, {Reason::kPassback})
            .passed_before = minutes{5};
        add("other-direction-is-not-passback", "反向通行不算回传", p_walker,
            decision::Lane{LaneKind::kPedestrian, "to-shanghai", true, false}, walk_ok, Verdict::kOpen, {Reason::kOk});
        s.back().passed_before = minutes{5};
        s.back().passed_direction = "to-zhejiang";
        add("data-aging", "名单数据13小时未更新（提示）", p_walker, walk_lane, walk_ok, Verdict::kOpen,
            {Reason::kOk, Reason::kDataAging})
            .at = now + hours{12};
        add("data-stale", "名单数据49小时未更新（两书一证转人工）", p_walker, walk_lane, walk_ok, Verdict::kManual,
            {Reason::kStaleData})
            .at = now + hours{48};
        add("stale-data-degrades-by-type", "同一时刻货通证仍自动放行", p_freight, truck_lane, freight_ok, Verdict::kOpen,
            {Reason::kOk, Reason::kDataAging})
            .at = now + hours{48};
        add("storage-fault", "存储故障时不自动放行", p_work, walk_lane, walk_ok, Verdict::kManual, {Reason::kStorageFault})
            .storage_fault = true;
        add("several-reasons-at-once", "多项不符同时列出", p_expired, car_lane,
            {{normal(37.9f), normal(38.4f)}, plate("沪B54321"), false, false, {}}, Verdict::kDeny,
            {Reason::kExpired, Reason::kPlateMismatch, Reason::kFever});
        w.listed_day = day(-3);           // 2020-02-28
        w.release_listed_day = day(-21);  // 2020-02-10
        return w;
    }
}

store::RecordBatch DemoWorld::registry_batch(const std::string& registry, std::vector<std::uint32_t> provinces,
                                             TimePoint as_of) const {
    store::RecordBatch b;
    b.registry = registry;
    b.provinces = std::move(provinces);
    b.as_of = as_of;
    b.sequence = 1;
    for (const auto& [name, cert] : certs) b.records.push_back(store::CertRecord{serialize_certificate(cert)});
    b.records.push_back(store::RevokePass{PassId{0x1a2b3c4d5e06}});
    b.records.push_back(store::RevokeLetter{store::LetterKind::kPersonal, must(parse_region("330482")), 1007});
    b.records.push_back(store::RevokeIssuerKey{33, 6});
    b.records.push_back(store::EnterpriseStatus{must(parse_uscc(kSuspended)), true});
    b.records.push_back(store::SharedListEntry{HolderToken{holder_token(token_key, "330482198404044448")}, listed_day});
    b.records.push_back(store::SharedListEntry{HolderToken{holder_token(token_key, "310116197708081231")}, release_listed_day});
    for (const auto& sc : scenarios)
        if (sc.name == "valid-freight-truck") {
            auto decoded = must(decode_payload(sc.payload));
            b.records.push_back(store::FreightRecord{sc.payload, decoded.pass.plates});
        }
    return b;
}

std::string DemoWorld::trust_conf() const {
    std::string out = "# Demo trust roots: NOT for real use.\n";
    for (const auto& r : trust.roots) {
        std::string types;
        for (std::uint8_t t = 1; t <= kPassTypeCount; ++t)
            if (r.type_mask & type_bit(static_cast<PassType>(t)))
                types += (types.empty() ? "" : ", ") + std::string(type_name(static_cast<PassType>(t)));
        out += "\n[root " + r.name + "]\nprovince = " + std::to_string(r.province) + "\npublic-key = " +
               to_base64(r.key.bytes) + "\npass-types = " + types + "\n";
    }
    return out;
}

}  // namespace gw::demo

#include <algorithm>

#include "gateway/check/pass_checker.h"

namespace gw::demo {

decision::Decision run_scenario(check::PassChecker& checker, const Scenario& sc) {
    if (sc.passed_before) {
        const auto& earlier = checker.check(sc.payload, sc.at - *sc.passed_before);
        if (earlier.credential) {
            auto lane = sc.lane;
            if (!sc.passed_direction.empty()) lane.direction = sc.passed_direction;
            auto ok = checker.record_passage(earlier.credential->pass, lane, sc.at - *sc.passed_before);
            if (!ok) throw std::runtime_error(ok.error().message);
        }
    }
    if (!sc.storage_fault) return checker.evaluate(sc.payload, sc.lane, sc.readings, sc.at);
    auto checked = checker.check(sc.payload, sc.at);
    checked.facts.storage_fault = true;
    return checker.decide(checked, sc.lane, sc.readings, sc.at);
}

bool matches(const Scenario& sc, const decision::Decision& d) {
    if (d.verdict != sc.verdict || d.reasons.size() != sc.reasons.size()) return false;
    return std::all_of(sc.reasons.begin(), sc.reasons.end(), [&](Reason r) { return d.has(r); });
}

}  // namespace gw::demo
