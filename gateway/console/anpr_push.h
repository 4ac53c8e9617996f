#pragma once
// Plate results pushed by cameras that read plates themselves (ANPR), and the cameras allowed
// to push them: POST /api/anpr (gateway/console/API.md), [anpr-camera NAME] sections of
// gatewayd's configuration (config/README.md).
//
// The body is one flat JSON object (json_body.h, at most kMaxBody bytes in all):
//   camera      string, required: the camera's name as configured ([A-Za-z0-9_.-], 1-64)
//   plate       string, required: GA 36 plate text, normalised by credential::parse_plate
//               ("浙F·12345", full-width letters, blanks are fine)
//   confidence  number, required: the camera's confidence in the whole read, 0..1
//   colour      string, optional: blue, yellow, green, white, black or unknown (default)
//   time        string, optional: when the camera read it, ISO 8601 with offset (parse_time)
//   image       string, optional: the plate crop as Base64 JPEG (kept for the log, <= 12 KiB)
// Anything else (another key, a wrong type, a value out of range) is refused with a one-line
// reason naming the key.
//
// Pure functions, callable from any thread.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/core/error.h"
#include "gateway/core/time.h"
#include "gateway/credential/plate.h"

namespace gw::console {

struct AnprPush {
    std::string camera;
    credential::PlateNumber plate;
    float confidence = 0;
    std::string colour = "unknown";
    std::optional<TimePoint> time;
    Bytes image;
};

Result<AnprPush> parse_anpr_push(std::string_view body);

/// The push's one confidence as the lane's plate matching takes a reader's: the same value
/// for every character (code point) of the plate.
std::vector<float> per_character_confidence(const AnprPush& push);

/// One camera allowed to push: [anpr-camera NAME] with `lane`, and `token-file` or the client
/// certificate it presents on the console's TLS connection (or both: either is accepted).
struct AnprCamera {
    std::string name;
    std::string lane;
    std::string token;  ///< 32-256 printable ASCII characters, read from the token file; empty: none
    /// A push below this confidence is taken as no plate read: the lane times out to
    /// PLATE_UNREAD -> MANUAL, never a mismatch.
    float min_confidence = 0.5f;
    /// The client certificate's SHA-256 fingerprint ("AB:CD:...", 32 bytes) and, optionally, its
    /// subject (RFC 2253, "CN=gate-cam-1,O=..."); empty: no certificate accepted. The console does
    /// not check a chain: the fingerprint pins the camera's own (often self-signed) certificate.
    std::string cert_fingerprint;
    std::string cert_subject;
};

/// Parses one [anpr-camera NAME] section: `lane = ID`, `token-file = PATH` (relative to
/// `base`; the file must not be readable by group or others and holds one line, the token),
/// `client-cert-fingerprint = AB:CD:...` (SHA-256; with or without colons, any case),
/// `client-cert-subject = CN=...` (only beside a fingerprint), at least one of token-file and
/// client-cert-fingerprint; `min-confidence` (0..1, default 0.5). Errors name the file, line and key.
Result<AnprCamera> parse_anpr_camera(const ConfFile& file, const ConfSection& section, const std::filesystem::path& base);

/// The camera `name` presenting `token`, or nullptr. Compares every configured token in
/// constant time (whatever the name, so timing tells nothing of which names exist).
const AnprCamera* authenticate_camera(const std::vector<AnprCamera>& cameras, std::string_view name,
                                      std::string_view token);

/// The client certificate a TLS connection presented (tls.h: peer_certificate).
struct PeerCertificate {
    std::string fingerprint;  ///< SHA-256, "AB:CD:..."
    std::string subject;      ///< RFC 2253
};

/// The camera `name` when it is configured with the fingerprint (and subject, if set) of
/// `certificate`, else nullptr.
const AnprCamera* authenticate_camera(const std::vector<AnprCamera>& cameras, std::string_view name,
                                      const PeerCertificate& certificate);

}  // namespace gw::console
