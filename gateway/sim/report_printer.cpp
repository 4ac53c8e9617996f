#include "gateway/sim/report_printer.h"

#include "gateway/demo/core_demo.h"

namespace gw::sim {
namespace {

std::string clock_text(TimePoint t) { return format_time(t).substr(11, 8); }

std::string padded(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string hops_text(const lane::HopTimes& ms) {
    std::string out = "hops";
    char value[48];
    for (std::size_t h = 0; h < lane::kHopCount; ++h) {
        std::snprintf(value, sizeof value, " %s=%.3f", std::string(lane::kHopNames[h]).c_str(), ms[h]);
        out += value;
    }
    return out;
}

std::string report_line(const lane::LaneReport& r) {
    using K = lane::LaneReport::Kind;
    const auto head = clock_text(r.at) + " " + padded(r.lane_id, 8) + " ";
    switch (r.kind) {
        case K::kDecision: {
            if (!r.decision) return head + "decision without its content";
            const auto& d = *r.decision;
            std::string who;
            if (r.pass) {
                who = std::string(credential::type_label_zh(r.pass->type));
                if (r.pass->holder) who += " " + r.pass->holder->masked_name();
                for (const auto& p : r.pass->plates) who += " " + p.text;
            }
            char latency[32] = "";
            if (r.scan_to_barrier_ms) std::snprintf(latency, sizeof latency, "  %.1f ms", *r.scan_to_barrier_ms);
            return head + padded(std::string(decision::verdict_name(d.verdict)), 6) + " [" + demo::reasons_text(d) + "] " +
                   decision::display_text(d, Lang::kZh) + " / " + decision::display_text(d, Lang::kEn) + "  " + who + latency +
                   (r.hops_ms ? "  " + hops_text(*r.hops_ms) : "");
        }
        case K::kPassage:
            return head + "passed   通行完成，道闸关闭 / passage complete, barrier closed";
        case K::kOverride:
            return head + "OVERRIDE " + (r.opened ? "open" : "keep closed") + " by " + r.operator_name + ": " + r.zh;
        case K::kAlert:
            return head + "ALERT    " + r.code + "  " + r.zh + " / " + r.en;
    }
    return head;
}

void ReportPrinter::print(const lane::LaneReport& report) { line(report_line(report)); }

void ReportPrinter::line(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::fprintf(out_, "%s\n", text.c_str());
    std::fflush(out_);
}

}  // namespace gw::sim
