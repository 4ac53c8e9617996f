#include "gateway/daemon/gateway.h"

#include <csignal>

#include "gateway/store/record.h"

namespace gw::daemon {

ReportSink fan_out(std::vector<ReportSink> sinks) {
    std::erase_if(sinks, [](const ReportSink& s) { return !s; });
    return [sinks = std::move(sinks)](const LaneReport& r) {
        for (const auto& s : sinks) s(r);
    };
}

Result<std::unique_ptr<Gateway>> Gateway::open(GatewayConfig config, ReportSink sink) {
    auto cache = store::Cache::open(config.state_dir / "cache");
    if (!cache) return unexpected(cache.error());
    for (const auto& reg : config.registries) {
        if (!reg.records) continue;
        auto text = read_file(*reg.records);
        if (!text) return unexpected(text.error());
        auto batch = store::parse_records(*text, reg.records->string());
        if (!batch) return unexpected(batch.error());
        if (batch->registry != reg.name)
            return failure(reg.records->string() + ": records of registry '" + batch->registry + "', configured for '" +
                           reg.name + "'");
        batch->provinces = reg.provinces;  // the checkpoint's configuration says whom a registry speaks for
        if (auto ok = (*cache)->apply(*batch); !ok) return unexpected(ok.error());
    }
    return std::unique_ptr<Gateway>(new Gateway(std::move(config), std::move(*cache), std::move(sink)));
}

Gateway::Gateway(GatewayConfig config, std::unique_ptr<store::Cache> cache, ReportSink sink)
    : config_(std::move(config)), cache_(std::move(cache)), work_(asio::make_work_guard(io_)) {
    for (const auto& l : config_.lanes)
        lanes_.push_back(LaneController::create(io_, blocking_, l, *cache_, config_.trust, config_.policy, sink));
}

Gateway::~Gateway() {
    stop();
    join();
}

void Gateway::start() {
    for (auto& l : lanes_) l->start();
    for (unsigned i = 0; i < config_.threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

void Gateway::run(bool handle_signals) {
    if (handle_signals) {
        signals_ = std::make_unique<asio::signal_set>(io_, SIGINT, SIGTERM);
        signals_->async_wait([this](error_code ec, int) {
            if (!ec) stop();
        });
    }
    start();
    join();
}

void Gateway::stop() {
    asio::post(io_, [this] {
        for (auto& l : lanes_) l->stop();
        if (signals_) signals_->cancel();
        // Let the lanes' close commands go out, then let the io_context run dry.
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds{300});
        timer->async_wait([this, timer](error_code) { work_.reset(); io_.stop(); });
    });
}

void Gateway::join() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    blocking_.join();
}

std::shared_ptr<LaneController> Gateway::lane(const std::string& id) const {
    for (const auto& l : lanes_)
        if (l->id() == id) return l;
    return nullptr;
}

std::vector<LaneSnapshot> Gateway::snapshots() const {
    std::vector<LaneSnapshot> out;
    for (const auto& l : lanes_) out.push_back(l->snapshot());
    return out;
}

}  // namespace gw::daemon
