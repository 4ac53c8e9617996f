#pragma once
// The simulated checkpoint's terminal view: one line per lane report (decision with its
// reasons in Chinese and English, passage, override, alert) and the scenario runner's own
// lines, never interleaved.
//
// Threading: print() is a ReportSink, called on the lanes' strands; it and line() take one
// mutex around a single write and flush, so they are safe from any thread.
#include <cstdio>
#include <mutex>
#include <string>

#include "gateway/lane/lane_report.h"

namespace gw::sim {

/// "08:00:01 car-1    OPEN   [] 请通行 / Go ahead  两书一证 张*明 沪A12345  3.1 ms"; no newline.
/// An opening timed hop by hop ends with hops_text(): gwbench lane reads it from gatewayd's log.
std::string report_line(const lane::LaneReport& report);
/// "hops to_strand=0.021 decide=0.102 submit=0.004 queue=0.040 journal=0.700 to_lane=0.030 open=0.012"
/// (milliseconds, lane::kHopNames order).
std::string hops_text(const lane::HopTimes& ms);

class ReportPrinter {
public:
    explicit ReportPrinter(std::FILE* out = stdout) : out_(out) {}
    /// The ReportSink: prints report_line(report).
    void print(const lane::LaneReport& report);
    /// Prints `text` and a newline as one write.
    void line(const std::string& text);

private:
    std::mutex mutex_;
    std::FILE* out_;
};

}  // namespace gw::sim
