#include "tools/registry_api/answers.h"

#include <functional>
#include <limits>
#include <map>
#include <optional>

#include "gateway/core/json.h"
#include "gateway/core/json_read.h"
#include "gateway/core/number.h"
#include "gateway/core/text.h"

namespace gw::registry_api {
namespace {

using namespace gw::credential;

struct Value {
    std::string text;     ///< A string's decoded text, or any other value's JSON text.
    bool quoted = false;  ///< It was a string.
};
using Members = std::map<std::string, Value, std::less<>>;

constexpr TimePoint kEarliest{std::chrono::sys_days{std::chrono::year{1970} / 1 / 1}};
constexpr TimePoint kLatest{std::chrono::sys_days{std::chrono::year{9000} / 1 / 1}};

// Any value but a string, kept as its text: nested values by bracket depth (skipping strings).
std::optional<std::string> json_other(JsonReader& c) {
    c.ws();
    const auto start = c.i;
    int depth = 0;
    while (c.i < c.s.size()) {
        const char ch = c.s[c.i];
        if (ch == '"') {
            if (depth == 0 || !c.string()) return std::nullopt;
            continue;
        }
        if (ch == '{' || ch == '[') ++depth;
        else if (ch == '}' || ch == ']') {
            if (depth == 0) break;
            --depth;
        } else if (ch == ',' && depth == 0) {
            break;
        }
        ++c.i;
    }
    if (depth != 0 || c.i == start) return std::nullopt;
    auto text = std::string(c.s.substr(start, c.i - start));
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
        text.pop_back();
    return text;
}

std::optional<Value> json_value(JsonReader& c) {
    c.ws();
    if (c.i < c.s.size() && c.s[c.i] == '"') {
        auto s = c.string();
        if (!s) return std::nullopt;
        return Value{std::move(*s), true};
    }
    auto other = json_other(c);
    if (!other) return std::nullopt;
    return Value{std::move(*other), false};
}

unexpected<Error> not_json(const char* shape) {
    return failure(std::string("the registry's answer is not a JSON ") + shape);
}

Result<Members> members_of(std::string_view text) {
    JsonReader c{text};
    Members out;
    if (!c.eat('{')) return not_json("object");
    if (!c.eat('}')) {
        do {
            auto key = c.string();
            if (!key || !c.eat(':')) return not_json("object");
            auto value = json_value(c);
            if (!value) return not_json("object");
            out[*key] = std::move(*value);
        } while (c.eat(','));
        if (!c.eat('}')) return not_json("object");
    }
    c.ws();
    if (!c.at_end()) return not_json("object");
    return out;
}

Result<std::vector<Value>> elements_of(std::string_view text) {
    JsonReader c{text};
    std::vector<Value> out;
    if (!c.eat('[')) return not_json("array");
    if (!c.eat(']')) {
        do {
            auto value = json_value(c);
            if (!value) return not_json("array");
            out.push_back(std::move(*value));
        } while (c.eat(','));
        if (!c.eat(']')) return not_json("array");
    }
    c.ws();
    if (!c.at_end()) return not_json("array");
    return out;
}

// Typed members of one answer; the first problem is kept and reported once at the end, so a
// reader is a list of fields rather than a ladder of checks.
class Fields {
public:
    explicit Fields(Members m) : m_(std::move(m)) {}

    std::string text(std::string_view key) {
        const auto* v = find(key);
        if (v && !v->quoted) bad(key, "not a string");
        return v ? v->text : std::string();
    }
    std::uint64_t number(std::string_view key, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
        const auto* v = find(key);
        if (!v) return 0;
        const auto n = v->quoted ? std::nullopt : parse_unsigned<std::uint64_t>(v->text, max);
        if (!n) bad(key, "not a whole number up to " + std::to_string(max));
        return n.value_or(0);
    }
    bool boolean(std::string_view key) {
        const auto* v = find(key);
        if (v && (v->quoted || (v->text != "true" && v->text != "false"))) bad(key, "not true or false");
        return v && v->text == "true";
    }
    TimePoint time(std::string_view key) {
        const auto s = text(key);
        if (error_) return {};
        auto t = parse_time(s);
        if (!t) bad(key, t.error().message);
        // Years past 9999 in CST would print as five digits that no parser reads back.
        else if (*t < kEarliest || *t >= kLatest) bad(key, "not a time between 1970 and 9000");
        return t.value_or(TimePoint{});
    }
    PassId pass_id(std::string_view key) {
        const auto s = text(key);
        if (error_) return {};
        auto id = parse_pass_id(s);
        if (!id) bad(key, id.error().message);
        return id.value_or(PassId{});
    }
    PassType pass_type(std::string_view key) {
        const auto s = text(key);
        if (error_) return {};
        auto t = parse_pass_type(s);
        if (!t) bad(key, t.error().message);
        return t.value_or(PassType::kCommuter);
    }
    /// The JSON array's elements; empty when missing (an error then).
    std::vector<Value> array(std::string_view key) {
        const auto* v = find(key);
        if (!v) return {};
        auto e = v->quoted ? not_json("array") : elements_of(v->text);
        if (!e) bad(key, "not an array");
        return e ? std::move(*e) : std::vector<Value>{};
    }
    void bad(std::string_view key, const std::string& why) {
        // `why` may quote the answer (a value it could not read): one line, bounded.
        if (!error_) error_ = Error("the registry's answer: '" + std::string(key) + "': " + one_line(why, 200));
    }
    const std::optional<Error>& error() const { return error_; }

private:
    const Value* find(std::string_view key) {
        const auto it = m_.find(key);
        if (it != m_.end()) return &it->second;
        if (!error_) error_ = Error("the registry's answer has no '" + std::string(key) + "'");
        return nullptr;
    }
    Members m_;
    std::optional<Error> error_;
};

// Reads an answer with `read` (which fills `out` from the fields); the first problem wins.
template <class T, class Read>
Result<T> read_object(std::string_view text, Read read) {
    auto m = members_of(text);
    if (!m) return unexpected(m.error());
    Fields f(std::move(*m));
    T out;
    read(f, out);
    if (f.error()) return unexpected(*f.error());
    return out;
}

std::string body_of(const JsonWriter& w) { return w.str() + "\n"; }

void write_issuer(JsonWriter& w, const IssuerKey& i) {
    w.begin_object()
        .field("province", i.province)
        .field("key_id", static_cast<unsigned>(i.key_id))
        .field("name", i.name)
        .field("can_issue", i.can_issue)
        .end_object();
}

void read_issuer(Fields& f, IssuerKey& i) {
    i.province = static_cast<std::uint32_t>(f.number("province", 99));
    i.key_id = static_cast<std::uint16_t>(f.number("key_id", 0xFFFF));
    i.name = f.text("name");
    i.can_issue = f.boolean("can_issue");
}

}  // namespace

std::string format_error(const ErrorAnswer& answer) {
    JsonWriter w;
    w.begin_object().field("error", answer.text).end_object();
    return body_of(w);
}

Result<ErrorAnswer> parse_error(std::string_view body) {
    return read_object<ErrorAnswer>(body, [](Fields& f, ErrorAnswer& a) { a.text = f.text("error"); });
}

std::string format_records_appended(const RecordsAppended& a) {
    JsonWriter w;
    w.begin_object().field("first_seq", a.first_seq).field("last_seq", a.last_seq).field("segments", a.segments).end_object();
    return body_of(w);
}

Result<RecordsAppended> parse_records_appended(std::string_view body) {
    return read_object<RecordsAppended>(body, [](Fields& f, RecordsAppended& a) {
        a.first_seq = f.number("first_seq");
        a.last_seq = f.number("last_seq");
        a.segments = f.number("segments");
        if (!f.error() && a.last_seq < a.first_seq) f.bad("last_seq", "before first_seq");
    });
}

std::string format_issuer_key(const IssuerKey& answer) {
    JsonWriter w;
    write_issuer(w, answer);
    return body_of(w);
}

Result<IssuerKey> parse_issuer_key(std::string_view body) { return read_object<IssuerKey>(body, read_issuer); }

std::string format_pass_issued(const PassIssued& a) {
    JsonWriter w;
    w.begin_object().field("pass_id", a.pass_id.hex()).field("type", type_name(a.type)).field("payload", a.payload).end_object();
    return body_of(w);
}

Result<PassIssued> parse_pass_issued(std::string_view body) {
    return read_object<PassIssued>(body, [](Fields& f, PassIssued& a) {
        a.pass_id = f.pass_id("pass_id");
        a.type = f.pass_type("type");
        a.payload = f.text("payload");
        if (!f.error() && a.payload.empty()) f.bad("payload", "empty");
    });
}

std::string format_snapshot_made(const SnapshotMade& a) {
    JsonWriter w;
    w.begin_object().field("snapshot_seq", a.snapshot_seq).end_object();
    return body_of(w);
}

Result<SnapshotMade> parse_snapshot_made(std::string_view body) {
    return read_object<SnapshotMade>(body, [](Fields& f, SnapshotMade& a) { a.snapshot_seq = f.number("snapshot_seq"); });
}

std::string format_state(const RegistryState& s) {
    JsonWriter w;
    w.begin_object().field("registry", s.registry).key("provinces").begin_array();
    for (auto p : s.provinces) w.value(p);
    w.end_array()
        .field("latest_seq", s.latest_seq)
        .field("segments", s.segments)
        .field("head_version", s.head_version)
        .field("head_issued_at", format_time(s.head_issued_at))
        .field("snapshot_seq", s.snapshot_seq)
        .field("certificates", s.certificates)
        .field("revoked_passes", s.revoked_passes)
        .field("revoked_letters", s.revoked_letters)
        .field("revoked_keys", s.revoked_keys)
        .field("suspended", s.suspended)
        .field("listed", s.listed)
        .field("freight", s.freight)
        .field("issued", s.issued)
        .field("export_failures", s.export_failures)
        .key("issuers")
        .begin_array();
    for (const auto& i : s.issuers) write_issuer(w, i);
    w.end_array().key("gateways").begin_array();
    for (const auto& g : s.gateways) w.value(g);
    w.end_array().end_object();
    return body_of(w);
}

Result<RegistryState> parse_state(std::string_view body) {
    return read_object<RegistryState>(body, [](Fields& f, RegistryState& s) {
        s.registry = f.text("registry");
        for (const auto& v : f.array("provinces")) {
            const auto p = v.quoted ? std::nullopt : parse_unsigned<std::uint32_t>(v.text, 99);
            if (!p) f.bad("provinces", "not a list of province codes");
            s.provinces.push_back(p.value_or(0));
        }
        s.latest_seq = f.number("latest_seq");
        s.segments = f.number("segments");
        s.head_version = f.number("head_version");
        s.head_issued_at = f.time("head_issued_at");
        s.snapshot_seq = f.number("snapshot_seq");
        s.certificates = f.number("certificates");
        s.revoked_passes = f.number("revoked_passes");
        s.revoked_letters = f.number("revoked_letters");
        s.revoked_keys = f.number("revoked_keys");
        s.suspended = f.number("suspended");
        s.listed = f.number("listed");
        s.freight = f.number("freight");
        s.issued = f.number("issued");
        s.export_failures = f.number("export_failures");
        for (const auto& v : f.array("issuers")) {
            auto issuer = v.quoted ? not_json("object") : read_object<IssuerKey>(v.text, read_issuer);
            if (!issuer) f.bad("issuers", issuer.error().message);
            else s.issuers.push_back(std::move(*issuer));
        }
        for (const auto& v : f.array("gateways")) {
            if (!v.quoted) f.bad("gateways", "not a list of names");
            s.gateways.push_back(v.text);
        }
    });
}

std::string format_issued(const std::vector<IssuedPass>& passes) {
    JsonWriter w;
    w.begin_array();
    for (const auto& p : passes)
        w.begin_object()
            .field("pass_id", p.pass_id.hex())
            .field("type", type_name(p.type))
            .field("at", format_time(p.at))
            .field("payload", p.payload)
            .end_object();
    w.end_array();
    return body_of(w);
}

Result<std::vector<IssuedPass>> parse_issued(std::string_view body) {
    auto elements = elements_of(body);
    if (!elements) return unexpected(elements.error());
    std::vector<IssuedPass> out;
    for (const auto& v : *elements) {
        auto pass = v.quoted ? not_json("object") : read_object<IssuedPass>(v.text, [](Fields& f, IssuedPass& p) {
            p.pass_id = f.pass_id("pass_id");
            p.type = f.pass_type("type");
            p.at = f.time("at");
            p.payload = f.text("payload");
        });
        if (!pass) return unexpected(pass.error());
        out.push_back(std::move(*pass));
    }
    return out;
}

std::string format_gateway_events(const GatewayEvents& e) {
    JsonWriter w;
    w.begin_object()
        .field("gateway", e.gateway)
        .field("first_seq", e.first_seq)
        .field("last_seq", e.last_seq)
        .field("count", e.count)
        .field("duplicates", e.duplicates)
        .end_object();
    return body_of(w);
}

Result<GatewayEvents> parse_gateway_events(std::string_view body) {
    return read_object<GatewayEvents>(body, [](Fields& f, GatewayEvents& e) {
        e.gateway = f.text("gateway");
        e.first_seq = f.number("first_seq");
        e.last_seq = f.number("last_seq");
        e.count = f.number("count");
        e.duplicates = f.number("duplicates");
    });
}

std::string refusal_line(unsigned status, std::string_view body) {
    std::string line = "registry refused (HTTP " + std::to_string(status) + ")";
    if (auto e = parse_error(body); e && !e->text.empty()) return line + ": " + one_line(e->text, 300);
    return line;
}

}  // namespace gw::registry_api
