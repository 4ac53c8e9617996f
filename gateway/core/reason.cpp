#include "gateway/core/reason.h"

#include <array>

namespace gw {
namespace {

struct Entry {
    Reason reason;
    std::string_view name;
    std::string_view zh;
    std::string_view en;
};

constexpr std::array kEntries{
    Entry{Reason::kOk, "OK", "核验通过", "Checks passed"},
    Entry{Reason::kMalformed, "MALFORMED", "无法识别的通行码", "Unreadable pass code"},
    Entry{Reason::kBadSignature, "BAD_SIGNATURE", "签名无效，疑似伪造", "Invalid signature: possible forgery"},
    Entry{Reason::kUnknownIssuer, "UNKNOWN_ISSUER", "签发机关未获信任", "Issuer not trusted"},
    Entry{Reason::kIssuerOutOfScope, "ISSUER_OUT_OF_SCOPE", "签发机关无权签发此地区或此类通行证",
          "Issuer not authorised for this region or pass type"},
    Entry{Reason::kIssuerExpired, "ISSUER_EXPIRED", "签发机关证书不在有效期内", "Issuer certificate not valid now"},
    Entry{Reason::kIssuerRevoked, "ISSUER_REVOKED", "签发机关密钥已吊销", "Issuer key revoked"},
    Entry{Reason::kExpired, "EXPIRED", "通行证已过期", "Pass expired"},
    Entry{Reason::kNotYetValid, "NOT_YET_VALID", "通行证尚未生效", "Pass not yet valid"},
    Entry{Reason::kRevoked, "REVOKED", "通行证或承诺书已撤销", "Pass or commitment letter revoked"},
    Entry{Reason::kEnterpriseSuspended, "ENTERPRISE_SUSPENDED", "所属企业已暂停通行", "Enterprise suspended"},
    Entry{Reason::kHolderOnSharedList, "HOLDER_ON_SHARED_LIST", "持证人在共享防控名单中，请人工处置",
          "Holder is on the shared health list"},
    Entry{Reason::kFever, "FEVER", "复测体温异常，禁止通行", "Fever confirmed on re-measure"},
    Entry{Reason::kRemeasure, "REMEASURE", "请重新测量体温", "Please measure temperature again"},
    Entry{Reason::kTemperatureMissing, "TEMPERATURE_MISSING", "未获得体温读数", "No temperature reading"},
    Entry{Reason::kPlateMismatch, "PLATE_MISMATCH", "车牌与通行证不符", "Plate does not match the pass"},
    Entry{Reason::kPlateUnread, "PLATE_UNREAD", "车牌未识别或识别不清", "Plate not read, or not read clearly"},
    Entry{Reason::kWrongLaneType, "WRONG_LANE_TYPE", "此通道不受理该类通行证", "This lane does not accept this pass"},
    Entry{Reason::kPassback, "PASSBACK", "该证件刚已同向通行（防回传）", "Pass already used in this direction"},
    Entry{Reason::kDataAging, "DATA_AGING", "名单数据即将过期，请关注同步", "Registry data getting old"},
    Entry{Reason::kStaleData, "STALE_DATA", "名单数据过旧，需人工核验", "Registry data too old: check by hand"},
    Entry{Reason::kSensorFault, "SENSOR_FAULT", "设备故障，需人工核验", "Sensor fault: check by hand"},
    Entry{Reason::kStorageFault, "STORAGE_FAULT", "通行记录无法保存（存储故障），需人工核验",
          "Passages cannot be recorded (storage fault): check by hand"},
};

constexpr std::array<Reason, kEntries.size()> kAll = [] {
    std::array<Reason, kEntries.size()> all{};
    for (std::size_t i = 0; i < kEntries.size(); ++i) all[i] = kEntries[i].reason;
    return all;
}();

static_assert([] {
    for (std::size_t i = 0; i < kEntries.size(); ++i)
        if (static_cast<std::size_t>(kEntries[i].reason) != i) return false;
    return true;
}(), "kEntries must list the reasons in declaration order");

}  // namespace

std::span<const Reason> all_reasons() { return kAll; }

std::string_view code_name(Reason r) { return kEntries[static_cast<std::size_t>(r)].name; }

std::optional<Reason> reason_from_name(std::string_view name) {
    for (const auto& e : kEntries)
        if (e.name == name) return e.reason;
    return std::nullopt;
}

std::string_view message(Reason r, Lang lang) {
    const auto& e = kEntries[static_cast<std::size_t>(r)];
    return lang == Lang::kZh ? e.zh : e.en;
}

}  // namespace gw
