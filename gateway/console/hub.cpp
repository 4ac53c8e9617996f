#include "gateway/console/hub.h"

#include <algorithm>

#include "gateway/core/reason.h"

namespace gw::console {
namespace {

/// The decision reasons that the booth must see and acknowledge: a fever, a pass that is
/// forged, revoked or out of date, a plate mismatch, a passback, a fault or stale data.
bool is_alert_reason(Reason r) {
    switch (r) {
        case Reason::kMalformed:
        case Reason::kBadSignature:
        case Reason::kUnknownIssuer:
        case Reason::kIssuerOutOfScope:
        case Reason::kIssuerExpired:
        case Reason::kIssuerRevoked:
        case Reason::kExpired:
        case Reason::kNotYetValid:
        case Reason::kRevoked:
        case Reason::kEnterpriseSuspended:
        case Reason::kHolderOnSharedList:
        case Reason::kFever:
        case Reason::kPlateMismatch:
        case Reason::kPassback:
        case Reason::kStaleData:
        case Reason::kSensorFault:
        case Reason::kStorageFault:
            return true;
        default:
            return false;
    }
}

bool contains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    // ASCII case-insensitive; UTF-8 bytes compare as they are.
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           }) != hay.end();
}

std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return std::min(n, s.size() - i);
}

}  // namespace

std::string mask_plate(std::string_view plate) {
    std::vector<std::string_view> chars;
    for (std::size_t i = 0; i < plate.size();) {
        const auto n = utf8_length(plate, i);
        chars.push_back(plate.substr(i, n));
        i += n;
    }
    std::string out;
    for (std::size_t i = 0; i < chars.size(); ++i)
        out += (chars.size() > 5 && i >= 3 && i + 2 < chars.size()) ? std::string_view("*") : chars[i];
    return out;
}

std::vector<std::shared_ptr<const std::string>> Subscriber::take(bool& resync) {
    std::lock_guard lock(mutex_);
    resync = overflow_;
    overflow_ = false;
    std::vector<std::shared_ptr<const std::string>> out(queue_.begin(), queue_.end());
    queue_.clear();
    return out;
}

void write_alert(JsonWriter& w, const AlertEntry& a) {
    w.begin_object()
        .field("id", a.id)
        .field("lane", a.lane)
        .field("at", format_time(a.at))
        .field("code", a.code)
        .field("zh", a.zh)
        .field("en", a.en)
        .field("acked", a.acked);
    if (a.acked) w.field("acked_by", a.acked_by).field("acked_at", format_time(a.acked_at));
    if (a.evidence) w.field("evidence", *a.evidence);
    w.end_object();
}

void write_passage(JsonWriter& w, const DecisionEntry& p) {
    w.begin_object()
        .field("id", p.id)
        .field("lane", p.lane)
        .field("at", format_time(p.at))
        .field("verdict", p.verdict)
        .key("reasons")
        .begin_array();
    for (const auto& r : p.reasons) w.value(r);
    w.end_array().field("zh", p.zh).field("en", p.en).field("pass_type", p.pass_type).field("holder", p.holder)
        .field("plate", p.plate).field("passed", p.passed);
    if (!p.operator_name.empty()) w.field("operator", p.operator_name);
    if (p.latency_ms) w.field("latency_ms", *p.latency_ms);
    if (p.evidence) w.field("evidence", *p.evidence);
    if (p.plate_evidence) w.field("plate_evidence", *p.plate_evidence);
    w.end_object();
}

void Hub::deliver_locked(std::shared_ptr<const std::string> message) {
    std::erase_if(subscribers_, [](const auto& w) { return w.expired(); });
    for (const auto& weak : subscribers_) {
        auto s = weak.lock();
        if (!s) continue;
        {
            std::lock_guard lock(s->mutex_);
            if (s->overflow_) {
                ++counters_.dropped_messages;  // it gets a fresh snapshot anyway
                continue;
            }
            if (s->queue_.size() >= kQueueLimit) {
                counters_.dropped_messages += s->queue_.size() + 1;
                ++counters_.resyncs;
                s->queue_.clear();
                s->overflow_ = true;
            } else {
                s->queue_.push_back(message);
            }
        }
        if (s->wake_) s->wake_();
    }
    counters_.subscribers = subscribers_.size();
}

void Hub::add_alert_locked(std::string lane, TimePoint at, std::string code, std::string zh, std::string en,
                           std::optional<std::uint64_t> evidence) {
    AlertEntry a;
    a.evidence = evidence;
    a.id = next_id_++;
    a.lane = std::move(lane);
    a.at = at;
    a.code = std::move(code);
    a.zh = std::move(zh);
    a.en = std::move(en);
    ++counters_.alerts_by_code[a.code];
    alerts_.push_back(a);
    // Bounded: drop the oldest acknowledged alert first, else the oldest.
    if (alerts_.size() > kMaxAlerts) {
        auto it = std::find_if(alerts_.begin(), alerts_.end(), [](const auto& x) { return x.acked; });
        alerts_.erase(it != alerts_.end() ? it : alerts_.begin());
    }
    JsonWriter w;
    w.begin_object().field("type", "alert").key("alert");
    write_alert(w, a);
    w.end_object();
    deliver_locked(std::make_shared<const std::string>(w.str()));
}

void Hub::publish(const lane::LaneReport& r) {
    using K = lane::LaneReport::Kind;
    std::lock_guard lock(mutex_);
    switch (r.kind) {
        case K::kDecision: {
            if (!r.decision) return;
            const auto& d = *r.decision;
            const auto verdict = std::string(decision::verdict_name(d.verdict));
            ++counters_.decisions_by_verdict[verdict];
            for (auto reason : d.reasons) ++counters_.decisions_by_lane_reason[{r.lane_id, std::string(code_name(reason))}];
            if (r.scan_to_barrier_ms) {
                const double s = *r.scan_to_barrier_ms / 1000.0;
                for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
                    if (s <= kLatencyBuckets[i]) ++counters_.latency_buckets[i];
                ++counters_.latency_count;
                counters_.latency_sum_s += s;
            }
            DecisionEntry p;
            p.id = next_id_++;
            p.lane = r.lane_id;
            p.at = r.at;
            p.verdict = verdict;
            for (auto reason : d.reasons) p.reasons.emplace_back(code_name(reason));
            p.zh = decision::display_text(d, Lang::kZh);
            p.en = decision::display_text(d, Lang::kEn);
            if (r.pass) {
                p.pass_type = std::string(credential::type_name(r.pass->type));
                if (r.pass->holder) p.holder = r.pass->holder->masked_name();
                if (!r.pass->plates.empty()) p.plate = mask_plate(r.pass->plates.front().text);
            }
            p.latency_ms = r.scan_to_barrier_ms;
            p.evidence = r.evidence_id;
            p.plate_evidence = r.plate_evidence_id;
            last_[r.lane_id] = p;
            // WAIT is a step on the way, not an outcome: the list shows outcomes only.
            if (d.verdict != decision::Verdict::kWait) {
                passages_.push_front(p);
                if (passages_.size() > kMaxPassages) passages_.pop_back();
            }
            JsonWriter w;
            w.begin_object().field("type", "decision").key("decision");
            write_passage(w, p);
            w.end_object();
            deliver_locked(std::make_shared<const std::string>(w.str()));
            if (d.verdict == decision::Verdict::kDeny || d.verdict == decision::Verdict::kManual)
                for (auto reason : d.reasons)
                    if (is_alert_reason(reason))
                        add_alert_locked(r.lane_id, r.at, std::string(code_name(reason)), std::string(message(reason, Lang::kZh)),
                                         std::string(message(reason, Lang::kEn)), r.evidence_id);
            break;
        }
        case K::kPassage: {
            ++counters_.passages;
            for (auto& p : passages_)
                if (p.lane == r.lane_id && !p.passed && (p.verdict == "OPEN" || p.verdict == "OVERRIDE-OPEN")) {
                    p.passed = true;
                    break;
                }
            JsonWriter w;
            w.begin_object().field("type", "passage").field("lane", r.lane_id).field("at", format_time(r.at)).end_object();
            deliver_locked(std::make_shared<const std::string>(w.str()));
            break;
        }
        case K::kOverride: {
            ++counters_.overrides;
            DecisionEntry p;
            p.id = next_id_++;
            p.lane = r.lane_id;
            p.at = r.at;
            p.verdict = r.opened ? "OVERRIDE-OPEN" : "OVERRIDE-CLOSED";
            p.zh = r.zh;
            p.en = r.en;
            p.operator_name = r.operator_name;
            passages_.push_front(p);
            if (passages_.size() > kMaxPassages) passages_.pop_back();
            JsonWriter w;
            w.begin_object().field("type", "override").key("entry");
            write_passage(w, p);
            w.end_object();
            deliver_locked(std::make_shared<const std::string>(w.str()));
            break;
        }
        case K::kAlert:
            add_alert_locked(r.lane_id, r.at, r.code, r.zh, r.en, r.evidence_id);
            break;
    }
}

void Hub::raise(const std::string& lane, const std::string& code, const std::string& zh, const std::string& en, TimePoint at) {
    std::lock_guard lock(mutex_);
    add_alert_locked(lane, at, code, zh, en);
}

bool Hub::acknowledge(std::uint64_t id, const std::string& user, TimePoint at) {
    std::lock_guard lock(mutex_);
    for (auto& a : alerts_) {
        if (a.id != id) continue;
        if (a.acked) return true;
        a.acked = true;
        a.acked_by = user;
        a.acked_at = at;
        JsonWriter w;
        w.begin_object().field("type", "ack").key("alert");
        write_alert(w, a);
        w.end_object();
        deliver_locked(std::make_shared<const std::string>(w.str()));
        return true;
    }
    return false;
}

void Hub::broadcast(std::string json) {
    std::lock_guard lock(mutex_);
    deliver_locked(std::make_shared<const std::string>(std::move(json)));
}

std::shared_ptr<Subscriber> Hub::subscribe(std::function<void()> wake) {
    auto s = std::make_shared<Subscriber>(std::move(wake));
    std::lock_guard lock(mutex_);
    subscribers_.push_back(s);
    counters_.subscribers = subscribers_.size();
    return s;
}

std::vector<AlertEntry> Hub::alerts() const {
    std::lock_guard lock(mutex_);
    return {alerts_.begin(), alerts_.end()};
}

std::vector<DecisionEntry> Hub::passages(const std::string& query, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::vector<DecisionEntry> out;
    for (const auto& p : passages_) {
        if (out.size() >= limit) break;
        bool match = query.empty() || contains(p.lane, query) || contains(p.verdict, query) || contains(p.pass_type, query) ||
                     contains(p.holder, query) || contains(p.plate, query) || contains(p.operator_name, query);
        for (const auto& r : p.reasons) match = match || contains(r, query);
        if (match) out.push_back(p);
    }
    return out;
}

std::optional<DecisionEntry> Hub::last_decision(const std::string& lane) const {
    std::lock_guard lock(mutex_);
    const auto it = last_.find(lane);
    if (it == last_.end()) return std::nullopt;
    return it->second;
}

HubCounters Hub::counters() const {
    std::lock_guard lock(mutex_);
    auto c = counters_;
    c.subscribers = 0;
    for (const auto& w : subscribers_) c.subscribers += !w.expired();
    c.kept_passages = passages_.size();
    c.kept_alerts = alerts_.size();
    return c;
}

}  // namespace gw::console
