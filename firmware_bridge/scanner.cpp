#include "firmware_bridge/scanner.h"

#include "firmware_bridge/utf8.h"

namespace gw::bridge {

std::string_view name(LineReject reason) {
    switch (reason) {
    case LineReject::kOverlong: return "overlong line";
    case LineReject::kNulByte: return "NUL byte";
    case LineReject::kControlByte: return "control byte";
    case LineReject::kInvalidUtf8: return "invalid UTF-8";
    }
    return "?";
}

LineSplitter::LineSplitter(std::size_t max_line) : max_line_(max_line) {}

void LineSplitter::reject(LineReject reason) {
    switch (reason) {
    case LineReject::kOverlong: ++stats_.overlong; break;
    case LineReject::kNulByte: ++stats_.nul; break;
    case LineReject::kControlByte: ++stats_.control; break;
    case LineReject::kInvalidUtf8: ++stats_.invalid_utf8; break;
    }
    last_reject_ = reason;
}

void LineSplitter::end_line(std::vector<std::string>& out) {
    // An overlong line was counted when it crossed the limit, so that an endless line still
    // shows up in the counters; nothing more to do for it here.
    if (!overlong_) {
        if (bad_) {
            reject(*bad_);
        } else if (line_.empty()) {
            ++stats_.empty;
        } else if (!is_valid_utf8(line_)) {
            reject(LineReject::kInvalidUtf8);
        } else {
            ++stats_.lines;
            out.push_back(std::move(line_));
        }
    }
    line_.clear();
    bad_.reset();
    overlong_ = false;
}

std::vector<std::string> LineSplitter::feed(ByteView bytes) {
    std::vector<std::string> out;
    for (std::uint8_t b : bytes) {
        if (after_cr_) {
            after_cr_ = false;
            if (b == '\n') continue;  // the second half of CR LF: not another (empty) line
        }
        if (b == '\r' || b == '\n') {
            end_line(out);
            after_cr_ = (b == '\r');
            continue;
        }
        if (overlong_) continue;
        if (line_.size() >= max_line_) {
            overlong_ = true;
            reject(LineReject::kOverlong);
            line_.clear();
            continue;
        }
        if (!bad_ && b == 0) bad_ = LineReject::kNulByte;
        else if (!bad_ && (b < 0x20 || b == 0x7F)) bad_ = LineReject::kControlByte;
        // Keep the byte even when the line is already doomed: the length limit must still apply.
        line_.push_back(static_cast<char>(b));
    }
    return out;
}

void LineSplitter::end_of_stream() {
    if (!line_.empty() || bad_ || overlong_) ++stats_.partial_dropped;
    line_.clear();
    bad_.reset();
    overlong_ = false;
    after_cr_ = false;
}

ScannerReader::ScannerReader(std::unique_ptr<Transport> transport, Options options, PayloadHandler on_payload)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      on_payload_(std::move(on_payload)),
      splitter_(options_.max_line),
      reopen_timer_(transport_->get_executor()) {
    if (!options_.log) options_.log = [](std::string_view) {};
}

std::shared_ptr<ScannerReader> ScannerReader::create(std::unique_ptr<Transport> transport, Options options,
                                                     PayloadHandler on_payload) {
    return std::shared_ptr<ScannerReader>(new ScannerReader(std::move(transport), std::move(options), std::move(on_payload)));
}

std::shared_ptr<ScannerReader> ScannerReader::open_serial(asio::any_io_executor ex, std::string device, unsigned baud,
                                                          Options options, PayloadHandler on_payload) {
    return create(make_serial(asio::make_strand(ex), std::move(device), SerialOptions{baud}), std::move(options),
                  std::move(on_payload));
}

void ScannerReader::start() {
    asio::post(transport_->get_executor(), [self = shared_from_this()] { self->open(); });
}

void ScannerReader::stop() {
    asio::post(transport_->get_executor(), [self = shared_from_this()] {
        self->stopped_ = true;
        self->open_ = false;
        self->reopen_timer_.cancel();
        self->transport_->shutdown();
    });
}

LineStats ScannerReader::stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_snapshot_;
}

void ScannerReader::publish() {
    std::lock_guard lock(stats_mutex_);
    stats_snapshot_ = splitter_.stats();
}

void ScannerReader::fail(error_code ec, const char* what) {
    if (ec == asio::error::operation_aborted) return;
    ++io_errors_;
    options_.log(transport_->describe() + ": scanner " + what + ": " + ec.message());
    open_ = false;
    transport_->close();
    splitter_.end_of_stream();
    publish();
    reopen_timer_.expires_after(options_.reopen_delay);
    reopen_timer_.async_wait([self = shared_from_this()](error_code e) {
        if (!e && !self->stopped_) self->open();
    });
}

void ScannerReader::open() {
    if (stopped_) return;
    transport_->async_open([self = shared_from_this()](error_code ec) {
        if (self->stopped_) return;
        if (ec) return self->fail(ec, "open");
        self->open_ = true;
        self->read();
    });
}

void ScannerReader::read() {
    transport_->async_read_some(asio::buffer(buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
        if (self->stopped_) return;
        if (ec) return self->fail(ec, "read");
        for (auto& line : self->splitter_.feed(ByteView(self->buf_.data(), n)))
            if (self->on_payload_) self->on_payload_(std::move(line));
        self->publish();
        self->read();
    });
}

}  // namespace gw::bridge
