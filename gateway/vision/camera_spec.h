#pragma once
// Where a camera's frames come from, as written in the configuration
// (`qr-cameras = v4l2:/dev/video0, rtsp://admin@10.0.0.5/stream1, http://..., file:..., dir:...`),
// and the stream credentials that never appear there.
//
// A spec never holds a password: a URL with `user:password@` is refused, and the password
// of `user@host` comes from a credentials file (conf format, config/README.md):
//
//   [stream admin@10.0.0.5]       # the user@host[:port] of the URL, as written in the spec
//   password = s3cret             # the rest of the line; a '#' after a blank starts a comment
//
// It is inserted (percent-encoded) only in the URL handed to the capture library at open
// time (open_url); every message about a stream names it by CameraSpec::text() or by
// masked(), never by that URL. Pure functions, callable from any thread, except
// load_stream_credentials (blocking file I/O).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw::vision {

enum class SourceKind {
    kV4l2,  ///< `v4l2:/dev/videoN`: a local V4L2 device.
    kRtsp,  ///< `rtsp://[user@]host[:port]/path`: an IP camera's RTSP stream.
    kHttp,  ///< `http://...` or `https://...`: an MJPEG-over-HTTP stream (multipart/x-mixed-replace).
    kFile,  ///< `file:PATH`: a video file (or an image), read once per open.
    kDir,   ///< `dir:PATH`: a folder of images, read in name order once per open.
};

std::string_view kind_name(SourceKind kind);

/// The longest spec accepted, in bytes.
constexpr std::size_t kMaxSpecLength = 2048;

struct CameraSpec {
    SourceKind kind = SourceKind::kV4l2;
    /// The device, file or folder path, or for a stream the whole URL as written (no password).
    std::string location;
    /// Stream URLs only: the user of `user@host` (percent-encoded as written) and the
    /// `host[:port]` the credentials file is keyed by; both empty for the other kinds.
    std::string user;
    std::string host;

    bool is_stream() const { return kind == SourceKind::kRtsp || kind == SourceKind::kHttp; }
    /// The spec as written in the configuration: safe for logs and the console.
    std::string text() const;
    /// "user@host[:port]": the credentials file's section name; empty without a user.
    std::string credential_key() const { return user.empty() ? std::string() : user + "@" + host; }
};

/// Parses one spec. Refuses (ErrorKind::kInvalid, a one-line message that quotes the spec
/// with any password masked): an unknown scheme, an empty path, control characters or
/// blanks, a longer text than kMaxSpecLength, a URL without host, a bad port, and a URL
/// with a password in it.
Result<CameraSpec> parse_camera_spec(std::string_view text);

/// The passwords of a credentials file, keyed by "user@host[:port]".
class StreamCredentials {
public:
    /// Parses the text of a credentials file (`path` names it in errors). Refuses a section
    /// other than [stream user@host], a section without `password`, an unknown key, and the
    /// same stream twice. Error messages never contain a password.
    static Result<StreamCredentials> parse(std::string_view text, const std::string& path);

    std::optional<std::string> password_for(const CameraSpec& spec) const;
    std::size_t size() const { return passwords_.size(); }

private:
    std::map<std::string, std::string, std::less<>> passwords_;
};

/// Reads a credentials file. Refuses one that group or others may read (like key files it
/// must be 0600 or stricter: ErrorKind::kInvalid) and a missing one (kNotFound).
Result<StreamCredentials> load_stream_credentials(const std::filesystem::path& file);

/// What the capture library is given: for a stream with a user, the URL with the
/// percent-encoded password inserted (from `credentials`, or none when it has no entry);
/// otherwise the location. Holds a secret: never log it.
std::string open_url(const CameraSpec& spec, const StreamCredentials* credentials);

/// `text` with every occurrence of `secret` (and of its percent-encoded form) replaced by
/// "***": for any message that might echo the URL given to a library. An empty secret
/// changes nothing.
std::string masked(std::string_view text, std::string_view secret);

}  // namespace gw::vision
