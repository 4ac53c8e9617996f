#include "gateway/store/record.h"

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/core/number.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/pass_codec.h"

namespace gw::store {
namespace {

using namespace gw::credential;

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const auto start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

Result<std::uint32_t> number(std::string_view s, std::uint32_t max, std::string_view what) {
    if (auto v = parse_unsigned<std::uint32_t>(s, max)) return *v;
    return failure("bad " + std::string(what) + " '" + std::string(s) + "'");
}

Result<Record> parse_line(const std::vector<std::string_view>& w) {
    const auto& op = w[0];
    const auto need = [&](std::size_t n) -> Result<void> {
        if (w.size() != n + 1) return failure("'" + std::string(op) + "' takes " + std::to_string(n) + " value(s)");
        return {};
    };
    if (op == "cert") {
        if (auto ok = need(1); !ok) return unexpected(ok.error());
        auto bytes = from_base64(w[1]);
        if (!bytes) return unexpected(bytes.error());
        if (auto c = parse_certificate(*bytes); !c) return unexpected(c.error());
        return CertRecord{std::move(*bytes)};
    }
    if (op == "revoke-pass") {
        if (auto ok = need(1); !ok) return unexpected(ok.error());
        auto id = parse_pass_id(w[1]);
        if (!id) return unexpected(id.error());
        return RevokePass{*id};
    }
    if (op == "revoke-letter") {
        if (auto ok = need(3); !ok) return unexpected(ok.error());
        if (w[1] != "personal" && w[1] != "enterprise") return failure("letter kind must be personal or enterprise");
        auto region = parse_region(w[2]);
        if (!region) return unexpected(region.error());
        auto n = number(w[3], (1u << 24) - 1, "letter number");
        if (!n || *n == 0) return failure("bad letter number '" + std::string(w[3]) + "': expected 1..16777215");
        return RevokeLetter{w[1] == "personal" ? LetterKind::kPersonal : LetterKind::kEnterprise, *region, *n};
    }
    if (op == "revoke-key") {
        if (auto ok = need(2); !ok) return unexpected(ok.error());
        auto p = number(w[1], 99, "province");
        if (!p || !is_province(*p)) return failure("bad province '" + std::string(w[1]) + "'");
        auto k = number(w[2], 0xFFFF, "key id");
        if (!k || *k == 0) return failure("bad key id '" + std::string(w[2]) + "'");
        return RevokeIssuerKey{*p, static_cast<std::uint16_t>(*k)};
    }
    if (op == "suspend" || op == "resume") {
        if (auto ok = need(1); !ok) return unexpected(ok.error());
        auto u = parse_uscc(w[1]);
        if (!u) return unexpected(u.error());
        return EnterpriseStatus{*u, op == "suspend"};
    }
    if (op == "list" || op == "delist") {
        if (auto ok = need(op == "list" ? 2 : 1); !ok) return unexpected(ok.error());
        auto token = parse_holder_token(w[1]);
        if (!token) return unexpected(token.error());
        SharedListEntry e{*token, std::nullopt};
        if (op == "list") {
            auto day = parse_day(w[2]);
            if (!day) return unexpected(day.error());
            e.listed_day = *day;
        }
        return e;
    }
    if (op == "freight") {
        if (auto ok = need(1); !ok) return unexpected(ok.error());
        auto decoded = decode_payload(w[1]);
        if (!decoded) return unexpected(decoded.error());
        if (decoded->pass.type != PassType::kFreight) return failure("'freight' needs a freight pass payload");
        return FreightRecord{std::string(w[1]), decoded->pass.plates};
    }
    return failure("unknown record '" + std::string(op) + "'");
}

}  // namespace

Result<Record> parse_record(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto w = words(line);
    if (w.empty()) return failure("empty record line");
    if (w[0] == "freight") {
        // A payload may contain spaces and even end with one (Base45): take the rest of the
        // raw line, untrimmed.
        const auto start = line.find("freight") + 8;
        if (w.size() < 2 || start > line.size()) return failure("'freight' takes a payload");
        return parse_line({w[0], line.substr(start)});
    }
    return parse_line(w);
}

Result<RecordBatch> parse_records(std::string_view text, const std::string& path) {
    RecordBatch batch;
    bool have_registry = false, have_as_of = false;
    int line_no = 0;
    std::size_t pos = 0;
    if (text.find('\0') != std::string_view::npos) return failure(path + ": binary data (NUL byte) in a records file");
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        auto raw = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        const auto line = trim(raw);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        const auto w = words(line);
        const auto where = path + ":" + std::to_string(line_no) + ": ";
        if (w[0] == "registry") {
            if (have_registry) return failure(where + "second 'registry' line");
            if (w.size() < 3) return failure(where + "'registry' takes a name and at least one province");
            batch.registry = std::string(w[1]);
            for (std::size_t i = 2; i < w.size(); ++i) {
                auto p = number(w[i], 99, "province");
                if (!p || !is_province(*p)) return failure(where + "bad province '" + std::string(w[i]) + "'");
                batch.provinces.push_back(*p);
            }
            have_registry = true;
            continue;
        }
        if (!have_registry) return failure(where + "the first record must be 'registry NAME PROVINCE...'");
        if (w[0] == "as-of") {
            if (w.size() != 2) return failure(where + "'as-of' takes one time");
            auto t = parse_time(w[1]);
            if (!t) return failure(where + t.error().message);
            batch.as_of = *t;
            have_as_of = true;
            continue;
        }
        auto record = parse_record(raw);
        if (!record) return failure(where + record.error().message);
        batch.records.push_back(std::move(*record));
    }
    if (!have_registry) return failure(path + ": no 'registry NAME PROVINCE...' line");
    if (!have_as_of) return failure(path + ": no 'as-of TIME' line: the data's age must be known");
    return batch;
}

std::string format_record(const Record& r) {
    struct Visitor {
        std::string operator()(const CertRecord& c) const { return "cert " + to_base64(c.signed_cert); }
        std::string operator()(const RevokePass& c) const { return "revoke-pass " + c.id.hex(); }
        std::string operator()(const RevokeLetter& c) const {
            return std::string("revoke-letter ") + (c.kind == LetterKind::kPersonal ? "personal " : "enterprise ") +
                   c.region.text() + " " + std::to_string(c.number);
        }
        std::string operator()(const RevokeIssuerKey& c) const {
            return "revoke-key " + std::to_string(c.province) + " " + std::to_string(c.key_id);
        }
        std::string operator()(const EnterpriseStatus& c) const {
            return (c.suspended ? "suspend " : "resume ") + c.uscc.text;
        }
        std::string operator()(const SharedListEntry& c) const {
            return c.listed_day ? "list " + c.token.hex() + " " + format_day(*c.listed_day) : "delist " + c.token.hex();
        }
        std::string operator()(const FreightRecord& c) const { return "freight " + c.payload; }
    };
    return std::visit(Visitor{}, r);
}

}  // namespace gw::store
