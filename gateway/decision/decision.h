#pragma once
// The decision engine: a pure function. No I/O, no clock, no logging: everything it needs is
// an argument, so it is tested as a table and gives the same answer for the same inputs.
//
//   decide(credential, facts, lane, policy, readings, now) -> OPEN | DENY | MANUAL | WAIT
//
// It reports every reason that applies, not the first one found. WAIT means "more input is
// coming": a re-measure or a plate read the lane waits for until its timeout, after which
// the lane asks again with readings.final = true and gets OPEN, DENY or MANUAL.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/reason.h"
#include "gateway/core/time.h"
#include "gateway/core/units.h"
#include "gateway/credential/verifier.h"
#include "gateway/decision/plate_match.h"
#include "gateway/decision/policy.h"

namespace gw::decision {

enum class Verdict { kOpen, kWait, kManual, kDeny };  ///< In rising severity.
std::string_view verdict_name(Verdict v);              ///< "OPEN", "WAIT", "MANUAL", "DENY"
std::string_view verdict_label(Verdict v, Lang lang);  ///< "放行" / "Open" ...

struct Lane {
    LaneKind kind = LaneKind::kCar;
    std::string direction;          ///< e.g. "to-zhejiang"; passback is per direction.
    bool needs_temperature = true;
    bool needs_plate = true;        ///< Vehicle lanes: the plate read must be bound to the pass.
};

/// The anti-passback record: when and in which direction a pass last opened a lane here.
struct PassbackRecord {
    TimePoint at{};
    std::string direction;
};

/// What the cache knows about this pass, looked up before deciding.
struct Facts {
    bool pass_revoked = false;
    bool personal_letter_revoked = false;
    bool enterprise_letter_revoked = false;
    bool issuer_key_revoked = false;
    bool enterprise_suspended = false;
    std::optional<std::uint32_t> shared_list_day;  ///< CST day the holder was listed.
    std::optional<PassbackRecord> last_passage;          ///< Last time this pass opened a lane here.
    std::optional<Seconds> data_age;               ///< Age of the registry data for the pass's province; none: never synced.
    bool storage_fault = false;                    ///< The gateway cannot record passages right now.
};

enum class ReadingQuality { kOk, kRemeasure, kSensorFault };

struct TemperatureReading {
    Celsius value;
    ReadingQuality quality = ReadingQuality::kOk;
};

struct Readings {
    std::vector<TemperatureReading> temperatures;  ///< This passage's readings, oldest first.
    std::optional<credential::PlateNumber> plate;  ///< Plate read on the lane, if any.
    bool plate_reader_fault = false;
    bool final = false;                            ///< The lane stopped waiting for more input.
    /// Last, so that positional initialisers stay valid. One confidence (0..1) per character of `plate` from a camera's reader; empty for a
    /// reader that sends text only (taken as sure). Matching: plate_match.h.
    std::vector<float> plate_confidence;
};

struct Decision {
    Verdict verdict = Verdict::kDeny;
    std::vector<Reason> reasons;       ///< Never empty: [OK] when nothing else applies to an OPEN.
    std::optional<Seconds> data_age;   ///< Copied from the facts: every decision says how old its data was.
    bool has(Reason r) const;
};

/// The checks that need no lane and no cache: issuer scope and validity, pass validity.
/// decide() includes them; passctl verify reports them alone. Empty when all pass.
std::vector<Reason> credential_reasons(const credential::VerifiedPass& pass, TimePoint now);

Decision decide(const expected<credential::VerifiedPass, credential::Refusal>& credential, const Facts& facts,
                const Lane& lane, const Policy& policy, const Readings& readings, TimePoint now);

/// The line for the lane display and the console: verdict and the most severe reason.
std::string display_text(const Decision& d, Lang lang);

}  // namespace gw::decision
