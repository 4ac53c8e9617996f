#pragma once
// Serial QR scanner modules: a source of credential payloads beside the cameras. Such a
// module sends each code it reads as one text line ending in CR, LF or CR LF, over RS-232,
// TTL UART or a USB CDC-ACM serial port.
//
// LineSplitter is the pure part (bytes in, accepted lines out, every rejection counted);
// ScannerReader reads a port with Asio and hands each accepted line to a handler.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware_bridge/link_session.h"
#include "firmware_bridge/log.h"
#include "firmware_bridge/transport.h"
#include "gateway/core/asio.h"
#include "gateway/core/codec.h"

namespace gw::bridge {

/// Longest line accepted by default: a QR code holds at most 2953 bytes (version 40-L, binary).
constexpr std::size_t kDefaultMaxLine = 4096;

enum class LineReject : std::uint8_t {
    kOverlong,     ///< longer than max_line before its terminator: dropped to the next terminator
    kNulByte,      ///< held a 0x00 byte
    kControlByte,  ///< held another control byte (0x01-0x1F except CR/LF, or 0x7F)
    kInvalidUtf8,  ///< not valid UTF-8
};
std::string_view name(LineReject reason);

struct LineStats {
    std::uint64_t lines = 0;          ///< accepted lines handed out
    std::uint64_t empty = 0;          ///< empty lines (a CR LF pair is one terminator, LF CR two): ignored
    std::uint64_t overlong = 0;
    std::uint64_t nul = 0;
    std::uint64_t control = 0;
    std::uint64_t invalid_utf8 = 0;
    std::uint64_t partial_dropped = 0;  ///< unterminated text dropped at end_of_stream()
    std::uint64_t rejected() const { return overlong + nul + control + invalid_utf8; }
};

/// Splits a byte stream into lines. CR, LF and CR LF each end a line, also when the CR and the
/// LF arrive in different chunks. A line is accepted if it is non-empty, at most max_line
/// bytes, free of control bytes and valid UTF-8; otherwise it is dropped whole and counted
/// with its reason (the first reason found; overlong wins). Pure; one owner.
class LineSplitter {
public:
    explicit LineSplitter(std::size_t max_line = kDefaultMaxLine);

    /// Accepted lines completed by these bytes, in order, without terminators.
    std::vector<std::string> feed(ByteView bytes);
    /// The stream ended (port closed): an unterminated partial line is dropped and counted.
    void end_of_stream();

    const LineStats& stats() const { return stats_; }
    /// Reason of the most recent rejection, if any.
    std::optional<LineReject> last_reject() const { return last_reject_; }

private:
    void end_line(std::vector<std::string>& out);
    void reject(LineReject reason);

    std::size_t max_line_;
    std::string line_;
    std::optional<LineReject> bad_;  ///< reason the current line will be rejected
    bool after_cr_ = false;          ///< a LF right now completes a CR LF pair
    bool overlong_ = false;          ///< discarding up to the next terminator
    LineStats stats_;
    std::optional<LineReject> last_reject_;
};

/// Reads one scanner port and emits each accepted line. Reopens the port after an error or
/// end of stream (a USB scanner unplugged and plugged in again) every reopen_delay.
///
/// Threading: home executor is the transport's (open_serial() makes a strand). The payload
/// handler runs there. start(), stop(), stats() and is_open() are safe from any thread.
class ScannerReader : public std::enable_shared_from_this<ScannerReader> {
public:
    using PayloadHandler = std::function<void(std::string payload)>;
    struct Options {
        std::size_t max_line = kDefaultMaxLine;
        Millis reopen_delay{1000};
        LogSink log = log_to_stderr;
    };

    static std::shared_ptr<ScannerReader> create(std::unique_ptr<Transport> transport, Options options,
                                                 PayloadHandler on_payload);
    /// Most scanner modules default to 9600 baud, 8N1.
    static std::shared_ptr<ScannerReader> open_serial(asio::any_io_executor ex, std::string device, unsigned baud,
                                                      Options options, PayloadHandler on_payload);

    void start();
    void stop();
    LineStats stats() const;
    /// Failed opens and reads (an unplugged scanner counts once per reopen attempt).
    std::uint64_t io_errors() const { return io_errors_.load(); }
    bool is_open() const { return open_.load(); }

private:
    ScannerReader(std::unique_ptr<Transport> transport, Options options, PayloadHandler on_payload);
    void open();
    void read();
    void fail(error_code ec, const char* what);
    void publish();

    std::unique_ptr<Transport> transport_;
    Options options_;
    PayloadHandler on_payload_;
    LineSplitter splitter_;
    asio::steady_timer reopen_timer_;
    std::array<std::uint8_t, 512> buf_{};
    bool stopped_ = false;
    std::atomic<bool> open_{false};
    std::atomic<std::uint64_t> io_errors_{0};
    mutable std::mutex stats_mutex_;
    LineStats stats_snapshot_;
};

}  // namespace gw::bridge
