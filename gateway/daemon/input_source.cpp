#include "gateway/daemon/input_source.h"

#include "firmware_bridge/scanner.h"

namespace gw::daemon {
namespace {

class SerialLineSource final : public InputSource {
public:
    SerialLineSource(std::shared_ptr<bridge::ScannerReader> reader, std::string name)
        : reader_(std::move(reader)), name_(std::move(name)) {}
    ~SerialLineSource() override { reader_->stop(); }
    void start() override { reader_->start(); }
    void stop() override { reader_->stop(); }
    bool is_open() const override { return reader_->is_open(); }
    const std::string& name() const override { return name_; }

private:
    std::shared_ptr<bridge::ScannerReader> reader_;
    std::string name_;
};

}  // namespace

LossAlert InputSource::loss_alert(bool lost) const {
    const auto& dev = name();
    if (lost)
        return {"SCANNER_LOST", "扫码器断开：" + dev + "（请使用其他扫码器或人工核验）",
                "Scanner lost: " + dev + " (use another scanner or check by hand)"};
    return {"SCANNER_BACK", "扫码器已恢复：" + dev, "Scanner back: " + dev};
}

std::unique_ptr<InputSource> serial_line_source(asio::any_io_executor ex, const SerialDevice& device,
                                                std::function<void(std::string_view)> log,
                                                std::function<void(std::string line)> on_line) {
    bridge::ScannerReader::Options options;
    options.log = std::move(log);
    auto reader = bridge::ScannerReader::open_serial(ex, device.path, device.baud, options, std::move(on_line));
    return std::make_unique<SerialLineSource>(std::move(reader), device.path);
}

}  // namespace gw::daemon
