#pragma once
// A pass as the gateway sees it after decoding: only what the decision and the booth staff
// need. No full name, no ID number: a masked name, the ID number's last four characters for
// comparison with the ID card, and a pseudonymous holder token for the shared lists.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"
#include "gateway/credential/plate.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"

namespace gw::credential {

/// Numbering is part of the pass format and of issuer certificates: never renumber.
enum class PassType : std::uint8_t {
    kCommuter = 1,           ///< 两书一证: personal + enterprise commitment letters and a local pass.
    kWorkCommute = 2,        ///< 工作通勤证: mutually recognised work commuting pass.
    kFreight = 3,            ///< 货通证: freight pass bound to one to three plates.
    kQuarantineRelease = 4,  ///< 隔离健康观察解除告知单: quarantine release notice.
};
constexpr std::uint8_t kPassTypeCount = 4;

std::string_view type_name(PassType t);          ///< "commuter", "work-commute", "freight", "quarantine-release"
std::string_view type_label_zh(PassType t);      ///< "两书一证" ...
Result<PassType> parse_pass_type(std::string_view name);

/// 48 random bits chosen by the issuer.
struct PassId {
    std::uint64_t value = 0;
    std::string hex() const;  ///< 12 lower-case hex digits
    friend constexpr bool operator==(PassId, PassId) = default;
};
Result<PassId> parse_pass_id(std::string_view hex12);

/// First 6 bytes of a keyed BLAKE2b of the holder's ID number, computed by the registries
/// with a key they share; gateways only ever see the token.
struct HolderToken {
    std::uint64_t value = 0;  ///< 48 bits
    std::string hex() const;
    friend constexpr bool operator==(HolderToken, HolderToken) = default;
};
Result<HolderToken> parse_holder_token(std::string_view hex12);

struct Holder {
    char32_t surname = 0;      ///< First character of the name.
    char32_t last = 0;         ///< Last character (0 for one-character names).
    std::uint8_t length = 1;   ///< Characters in the full name, 1..8.
    std::string id_tail;       ///< Last 4 characters of the ID number, e.g. "123X".
    HolderToken token;
    std::string masked_name() const;  ///< "张*明", "张*", "欧**明"
};

/// Builds the holder fields from a full name (never stored) and an ID number tail.
Result<Holder> make_holder(std::string_view full_name, std::string_view id_tail, HolderToken token);

struct Pass {
    PassType type = PassType::kCommuter;
    std::uint16_t key_id = 0;          ///< Issuer key, unique within the province of issuing_region.
    PassId id;
    std::uint32_t valid_from_day = 0;  ///< CST days since 2020-01-01, first valid day.
    std::uint16_t valid_days = 1;      ///< 1..1024; valid until the end of day valid_from_day + valid_days - 1.
    RegionCode issuing_region;         ///< Commuter and work passes: home or work, per issued_by_home.
    RegionCode home_region, work_region;  ///< Commuter and work passes only.
    bool issued_by_home = false;
    std::optional<Uscc> enterprise;    ///< Employer (commuter, work) or carrier (freight).
    std::uint32_t personal_letter = 0;    ///< 个人承诺书 number within issuing_region (commuter).
    std::uint32_t enterprise_letter = 0;  ///< 企业承诺书 number within issuing_region (commuter).
    std::optional<Holder> holder;      ///< All but freight.
    std::vector<PlateNumber> plates;   ///< Freight: 1..3. Commuter and work: 0 or 1.

    std::uint32_t province() const { return issuing_region.province(); }
    bool binds_plate(const PlateNumber& p) const;
};

}  // namespace gw::credential
