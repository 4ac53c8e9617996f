#include "gateway/credential/pass_codec.h"

#include <algorithm>
#include <cstring>

namespace gw::credential {
namespace {

// Bits are written most significant first; the body ends with zero padding to a whole byte.
class BitWriter {
public:
    void put(std::uint64_t value, int bits) {
        for (int i = bits - 1; i >= 0; --i) {
            if (used_ % 8 == 0) bytes_.push_back(0);
            if ((value >> i) & 1) bytes_.back() |= static_cast<std::uint8_t>(0x80 >> (used_ % 8));
            ++used_;
        }
    }
    void put128(unsigned __int128 value, int bits) {
        if (bits > 64) put(static_cast<std::uint64_t>(value >> 64), bits - 64);
        put(static_cast<std::uint64_t>(value), std::min(bits, 64));
    }
    Bytes take() { return std::move(bytes_); }

private:
    Bytes bytes_;
    std::size_t used_ = 0;
};

class BitReader {
public:
    explicit BitReader(ByteView bytes) : bytes_(bytes) {}
    bool get(int bits, std::uint64_t& out) {
        if (pos_ + static_cast<std::size_t>(bits) > bytes_.size() * 8) return false;
        out = 0;
        for (int i = 0; i < bits; ++i, ++pos_) out = out << 1 | ((bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
        return true;
    }
    bool get128(int bits, unsigned __int128& out) {
        std::uint64_t hi = 0, lo = 0;
        if (!get(bits - 64, hi) || !get(64, lo)) return false;
        out = static_cast<unsigned __int128>(hi) << 64 | lo;
        return true;
    }
    /// Exactly the padding of the last byte is left, and it is zero.
    bool at_clean_end() const {
        if (bytes_.size() * 8 - pos_ >= 8) return false;
        for (auto p = pos_; p < bytes_.size() * 8; ++p)
            if ((bytes_[p / 8] >> (7 - p % 8)) & 1) return false;
        return true;
    }

private:
    ByteView bytes_;
    std::size_t pos_ = 0;
};

constexpr int kRegionBits = 20, kUsccBits = 75, kLetterBits = 24, kPlateBits = 44, kTokenBits = 48;

bool has_holder(PassType t) { return t != PassType::kFreight; }
bool has_home_work(PassType t) { return t == PassType::kCommuter || t == PassType::kWorkCommute; }

std::uint64_t pack_id_tail(const std::string& t) {
    const std::uint64_t check = t[3] == 'X' ? 10 : static_cast<std::uint64_t>(t[3] - '0');
    return ((static_cast<std::uint64_t>(t[0] - '0') * 10 + (t[1] - '0')) * 10 + (t[2] - '0')) * 11 + check;
}

std::string unpack_id_tail(std::uint64_t v) {
    std::string t(4, '0');
    const auto check = v % 11;
    t[3] = check == 10 ? 'X' : static_cast<char>('0' + check);
    v /= 11;
    for (int i = 2; i >= 0; --i, v /= 10) t[i] = static_cast<char>('0' + v % 10);
    return t;
}

Result<Bytes> bad_field(std::string_view what) { return failure("cannot encode pass: " + std::string(what)); }

}  // namespace

Result<Bytes> encode_body(const Pass& p) {
    const auto t = static_cast<std::uint8_t>(p.type);
    if (t < 1 || t > kPassTypeCount) return bad_field("unknown pass type");
    if (p.key_id == 0) return bad_field("key id 0 is reserved");
    if (p.id.value >> 48) return bad_field("pass id over 48 bits");
    if (p.valid_from_day >= (1u << 15)) return bad_field("valid-from day out of range");
    if (p.valid_days < 1 || p.valid_days > 1024) return bad_field("validity must be 1 to 1024 days");
    const auto check_region = [](RegionCode r) { return is_province(r.province()) && r.value < 1000000; };
    BitWriter w;
    w.put(t, 4);
    w.put(p.key_id, 16);
    w.put(p.id.value, 48);
    w.put(p.valid_from_day, 15);
    w.put(p.valid_days - 1u, 10);
    if (has_home_work(p.type)) {
        if (!check_region(p.home_region) || !check_region(p.work_region)) return bad_field("home or work region");
        if (p.issuing_region != (p.issued_by_home ? p.home_region : p.work_region))
            return bad_field("issuing region must be the home or the work region");
        w.put(p.home_region.value, kRegionBits);
        w.put(p.work_region.value, kRegionBits);
        w.put(p.issued_by_home ? 1 : 0, 1);
    } else {
        if (!check_region(p.issuing_region)) return bad_field("issuing region");
        w.put(p.issuing_region.value, kRegionBits);
    }
    if (p.type != PassType::kQuarantineRelease) {
        if (!p.enterprise) return bad_field("enterprise (unified social credit code) missing");
        w.put128(pack_uscc(*p.enterprise), kUsccBits);
    } else if (p.enterprise) {
        return bad_field("a quarantine release notice names no enterprise");
    }
    if (p.type == PassType::kCommuter) {
        if (p.personal_letter == 0 || p.enterprise_letter == 0 || p.personal_letter >> kLetterBits ||
            p.enterprise_letter >> kLetterBits)
            return bad_field("commitment letter numbers must be 1 to 16777215");
        w.put(p.personal_letter, kLetterBits);
        w.put(p.enterprise_letter, kLetterBits);
    }
    if (has_holder(p.type)) {
        if (!p.holder) return bad_field("holder missing");
        const auto& h = *p.holder;
        if (h.length < 1 || h.length > 8 || h.surname == 0 || h.surname > 0xFFFF || h.last > 0xFFFF ||
            (h.length > 1) != (h.last != 0) || h.id_tail.size() != 4)
            return bad_field("holder name or ID tail");
        w.put(h.length - 1u, 3);
        w.put(h.surname, 16);
        w.put(h.last, 16);
        w.put(pack_id_tail(h.id_tail), 14);
        w.put(h.token.value, kTokenBits);
    } else if (p.holder) {
        return bad_field("a freight pass names no holder");
    }
    if (p.type == PassType::kFreight) {
        if (p.plates.empty() || p.plates.size() > 3) return bad_field("a freight pass binds 1 to 3 plates");
        w.put(p.plates.size() - 1, 2);
        for (const auto& plate : p.plates) w.put(pack_plate(plate), kPlateBits);
    } else if (p.type != PassType::kQuarantineRelease) {
        if (p.plates.size() > 1) return bad_field("a commuter or work pass binds at most one plate");
        w.put(p.plates.size(), 1);
        if (!p.plates.empty()) w.put(pack_plate(p.plates[0]), kPlateBits);
    } else if (!p.plates.empty()) {
        return bad_field("a quarantine release notice binds no plate");
    }
    return w.take();
}

Bytes signed_message(ByteView body) {
    Bytes m(kPayloadPrefix.size() + body.size());
    std::memcpy(m.data(), kPayloadPrefix.data(), kPayloadPrefix.size());
    if (!body.empty()) std::memcpy(m.data() + kPayloadPrefix.size(), body.data(), body.size());
    return m;
}

std::string make_payload(ByteView body, ByteView signature) {
    Bytes all(body.begin(), body.end());
    all.insert(all.end(), signature.begin(), signature.end());
    return std::string(kPayloadPrefix) + to_base45(all);
}

Result<DecodedPayload> decode_payload(std::string_view text) {
    const auto bad = [](std::string_view why) { return failure("bad payload: " + std::string(why)); };
    if (text.empty()) return bad("empty");
    if (text.size() > kMaxPayloadChars) return bad("longer than " + std::to_string(kMaxPayloadChars) + " characters");
    if (!text.starts_with(kPayloadPrefix)) {
        // Only a digit is echoed as a version: the detail goes to the logs verbatim, and a
        // scanned code may hold any byte (a newline here forged a log line).
        if (text.size() >= 4 && text.substr(0, 2) == "CP" && text[2] >= '0' && text[2] <= '9' && text[3] == ':')
            return bad("unsupported format version '" + std::string(text.substr(0, 4)) + "'");
        return bad("not a checkpoint pass (no 'CP1:' prefix)");
    }
    DecodedPayload out;
    out.message.assign(kPayloadPrefix.begin(), kPayloadPrefix.end());
    if (!base45_decode_into(text.substr(kPayloadPrefix.size()), out.message)) return bad("not Base45");
    if (out.message.size() < kPayloadPrefix.size() + kSignatureSize + 12) return bad("too short");
    std::copy(out.message.end() - kSignatureSize, out.message.end(), out.signature.begin());
    out.message.resize(out.message.size() - kSignatureSize);

    BitReader r(ByteView(out.message).subspan(kPayloadPrefix.size()));
    Pass& p = out.pass;
    std::uint64_t v = 0;
    r.get(4, v);
    if (v < 1 || v > kPassTypeCount) return bad("unknown pass type " + std::to_string(v));
    p.type = static_cast<PassType>(v);
    r.get(16, v);
    if (v == 0) return bad("key id 0");
    p.key_id = static_cast<std::uint16_t>(v);
    r.get(48, p.id.value);
    r.get(15, v);
    p.valid_from_day = static_cast<std::uint32_t>(v);
    r.get(10, v);
    p.valid_days = static_cast<std::uint16_t>(v + 1);
    const auto region = [&](RegionCode& out_region) {
        std::uint64_t rv = 0;
        if (!r.get(kRegionBits, rv) || !is_province(static_cast<std::uint32_t>(rv / 10000))) return false;
        out_region.value = static_cast<std::uint32_t>(rv);
        return true;
    };
    if (has_home_work(p.type)) {
        if (!region(p.home_region) || !region(p.work_region) || !r.get(1, v)) return bad("bad region code");
        p.issued_by_home = v;
        p.issuing_region = v ? p.home_region : p.work_region;
    } else if (!region(p.issuing_region)) {
        return bad("bad region code");
    }
    if (p.type != PassType::kQuarantineRelease) {
        unsigned __int128 u = 0;
        if (!r.get128(kUsccBits, u)) return bad("truncated");
        auto uscc = unpack_uscc(u);
        if (!uscc) return bad("bad unified social credit code");
        p.enterprise = std::move(*uscc);
    }
    if (p.type == PassType::kCommuter) {
        std::uint64_t a = 0, b = 0;
        if (!r.get(kLetterBits, a) || !r.get(kLetterBits, b)) return bad("truncated");
        if (a == 0 || b == 0) return bad("commitment letter number 0");
        p.personal_letter = static_cast<std::uint32_t>(a);
        p.enterprise_letter = static_cast<std::uint32_t>(b);
    }
    if (has_holder(p.type)) {
        Holder h;
        std::uint64_t len = 0, first = 0, last = 0, tail = 0;
        if (!r.get(3, len) || !r.get(16, first) || !r.get(16, last) || !r.get(14, tail) || !r.get(kTokenBits, h.token.value))
            return bad("truncated");
        if (first == 0 || (len > 0) != (last != 0) || (first >= 0xD800 && first <= 0xDFFF) ||
            (last >= 0xD800 && last <= 0xDFFF) || tail >= 11000)
            return bad("bad holder fields");
        h.length = static_cast<std::uint8_t>(len + 1);
        h.surname = static_cast<char32_t>(first);
        h.last = static_cast<char32_t>(last);
        h.id_tail = unpack_id_tail(tail);
        p.holder = std::move(h);
    }
    std::uint64_t plates = 0;
    if (p.type == PassType::kFreight) {
        if (!r.get(2, plates) || plates == 3) return bad("bad plate count");
        ++plates;
    } else if (p.type != PassType::kQuarantineRelease) {
        if (!r.get(1, plates)) return bad("truncated");
    }
    for (std::uint64_t i = 0; i < plates; ++i) {
        std::uint64_t packed = 0;
        if (!r.get(kPlateBits, packed)) return bad("truncated");
        auto plate = unpack_plate(packed);
        if (!plate) return bad("bad plate");
        p.plates.push_back(std::move(*plate));
    }
    if (!r.at_clean_end()) return bad("trailing data");
    return out;
}

}  // namespace gw::credential

#include "gateway/credential/crypto.h"

namespace gw::credential {
Result<std::string> sign_pass(const Pass& pass, const SecretKey& issuer_key) {
    auto body = encode_body(pass);
    if (!body) return unexpected(body.error());
    const auto sig = sign(issuer_key, signed_message(*body));
    return make_payload(*body, sig);
}
}  // namespace gw::credential
