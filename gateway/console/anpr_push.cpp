#include "gateway/console/anpr_push.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "gateway/console/json_body.h"
#include "gateway/console/sessions.h"

namespace gw::console {
namespace {

constexpr std::size_t kMaxImage = 12 * 1024;
constexpr std::array<std::string_view, 6> kKeys{"camera", "plate", "confidence", "colour", "time", "image"};
constexpr std::array<std::string_view, 6> kColours{"blue", "yellow", "green", "white", "black", "unknown"};

bool valid_camera_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
    return true;
}

// "ab:cd:..." or "ABCD..." (64 hex digits) as certificate_fingerprint writes it: "AB:CD:...".
std::optional<std::string> normalise_fingerprint(std::string_view text) {
    std::string hex;
    for (char c : text) {
        if (c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) out += (i ? ":" : "") + hex.substr(i, 2);
    return out;
}

// The keys every [anpr-camera] section may end with.
Result<AnprCamera> finish(ConfReader& r, AnprCamera& camera) {
    auto min = r.number_or("min-confidence", 0.5, 0.0, 1.0);
    if (!min) return unexpected(min.error());
    camera.min_confidence = static_cast<float>(*min);
    if (auto u = r.unknown_keys(); !u) return unexpected(u.error());
    return camera;
}

}  // namespace

Result<AnprPush> parse_anpr_push(std::string_view body) {
    auto object = parse_json_object(body);
    if (!object) return unexpected(object.error());
    for (const auto& [key, value] : object->fields)
        if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) return failure("unknown key '" + key + "'");
    AnprPush push;
    const auto camera = object->string("camera");
    if (!camera || !valid_camera_name(*camera)) return failure("'camera' must be a camera name ([A-Za-z0-9_.-], 1-64)");
    push.camera = *camera;
    const auto plate_text = object->string("plate");
    if (!plate_text) return failure("'plate' (string) is required");
    auto plate = credential::parse_plate(*plate_text);
    if (!plate) return failure("'plate': " + plate.error().message);
    push.plate = std::move(*plate);
    const auto confidence = object->fields.find("confidence");
    const auto* number = confidence == object->fields.end() ? nullptr : std::get_if<double>(&confidence->second);
    if (!number || !std::isfinite(*number) || *number < 0 || *number > 1)
        return failure("'confidence' must be a number from 0 to 1");
    push.confidence = static_cast<float>(*number);
    if (object->fields.contains("colour")) {
        const auto colour = object->string("colour");
        if (!colour || std::find(kColours.begin(), kColours.end(), *colour) == kColours.end())
            return failure("'colour' must be blue, yellow, green, white, black or unknown");
        push.colour = *colour;
    }
    if (object->fields.contains("time")) {
        const auto text = object->string("time");
        if (!text) return failure("'time' must be an ISO 8601 string");
        auto t = parse_time(*text);
        if (!t) return failure("'time': " + t.error().message);
        push.time = *t;
    }
    if (object->fields.contains("image")) {
        const auto text = object->string("image");
        if (!text) return failure("'image' must be a Base64 string");
        auto image = from_base64(*text);
        if (!image) return failure("'image': " + image.error().message);
        if (image->size() > kMaxImage) return failure("'image' is larger than 12 KiB");
        push.image = std::move(*image);
    }
    return push;
}

Result<AnprCamera> parse_anpr_camera(const ConfFile& file, const ConfSection& section, const std::filesystem::path& base) {
    ConfReader r(file, section);
    if (!valid_camera_name(section.name))
        return unexpected(r.error("an [anpr-camera NAME] section needs a name of [A-Za-z0-9_.-], 1-64"));
    AnprCamera camera;
    camera.name = section.name;
    auto lane = r.text("lane");
    if (!lane) return unexpected(lane.error());
    camera.lane = *lane;
    if (const auto* e = r.find("client-cert-fingerprint")) {
        auto fingerprint = normalise_fingerprint(e->value);
        if (!fingerprint)
            return unexpected(r.error(*e, "expected the certificate's SHA-256 fingerprint: 32 hex bytes, ':' between them or not"));
        camera.cert_fingerprint = std::move(*fingerprint);
    }
    if (const auto* e = r.find("client-cert-subject")) {
        if (camera.cert_fingerprint.empty())
            return unexpected(r.error(*e, "needs client-cert-fingerprint: a subject alone is anyone's to claim"));
        camera.cert_subject = e->value;
    }
    if (!r.find("token-file") && !camera.cert_fingerprint.empty()) return finish(r, camera);
    auto token_file = r.text("token-file");
    if (!token_file) return unexpected(r.error("needs token-file or client-cert-fingerprint (how the camera proves it is itself)"));
    const auto path = std::filesystem::path(*token_file).is_absolute() ? std::filesystem::path(*token_file)
                                                                      : base / *token_file;
    const auto* entry = r.find("token-file");
    std::error_code ec;
    const auto perms = std::filesystem::status(path, ec).permissions();
    if (ec) return unexpected(r.error(*entry, path.string() + ": no such file"));
    using std::filesystem::perms;
    if ((perms & (perms::group_all | perms::others_all)) != perms::none)
        return unexpected(r.error(*entry, path.string() + ": readable by others (chmod 600)"));
    auto text = read_file(path, 4096);
    if (!text) return unexpected(r.error(*entry, text.error().message));
    std::string token = *text;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    bool printable = token.size() >= 32 && token.size() <= 256;
    for (char c : token) printable = printable && c > 0x20 && c < 0x7f;
    if (!printable) return unexpected(r.error(*entry, path.string() + ": the token must be one line of 32-256 printable ASCII characters"));
    camera.token = std::move(token);
    return finish(r, camera);
}

std::vector<float> per_character_confidence(const AnprPush& push) {
    // UTF-8: every byte that is not a continuation byte starts a character.
    const auto chars = std::count_if(push.plate.text.begin(), push.plate.text.end(),
                                     [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    return std::vector<float>(static_cast<std::size_t>(chars), push.confidence);
}

const AnprCamera* authenticate_camera(const std::vector<AnprCamera>& cameras, std::string_view name,
                                      std::string_view token) {
    const AnprCamera* found = nullptr;
    for (const auto& c : cameras) {
        // Every token is compared, the name only afterwards: the time is the same for any name.
        const bool token_ok = !c.token.empty() && tokens_equal(c.token, token);
        if (token_ok && c.name == name) found = &c;
    }
    return found;
}

const AnprCamera* authenticate_camera(const std::vector<AnprCamera>& cameras, std::string_view name,
                                      const PeerCertificate& certificate) {
    for (const auto& c : cameras) {
        if (c.name != name || c.cert_fingerprint.empty()) continue;
        // The fingerprint is public (it is in every handshake): no secret to time.
        if (c.cert_fingerprint != certificate.fingerprint) return nullptr;
        if (!c.cert_subject.empty() && c.cert_subject != certificate.subject) return nullptr;
        return &c;
    }
    return nullptr;
}

}  // namespace gw::console
