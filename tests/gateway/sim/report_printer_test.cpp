// The simulated checkpoint's terminal view (gateway/sim/report_printer.h).
#include <doctest/doctest.h>

#include <cstdio>

#include "gateway/sim/report_printer.h"

using namespace gw;
using K = lane::LaneReport::Kind;

namespace {

lane::LaneReport report(K kind) {
    lane::LaneReport r;
    r.kind = kind;
    r.lane_id = "car-1";
    r.at = parse_time("2020-03-02T08:00:05+08:00").value();
    return r;
}

}  // namespace

TEST_CASE("a decision line shows time, lane, verdict, reasons and the display text in both languages") {
    auto r = report(K::kDecision);
    decision::Decision d;
    d.verdict = decision::Verdict::kDeny;
    d.reasons = {Reason::kExpired, Reason::kFever};
    r.decision = d;
    const auto line = sim::report_line(r);
    CHECK(line.starts_with("08:00:05 car-1    DENY   [EXPIRED FEVER] "));
    CHECK(line.find(decision::display_text(d, Lang::kZh) + " / " + decision::display_text(d, Lang::kEn)) != std::string::npos);
    CHECK(line.find(" ms") == std::string::npos);
    r.scan_to_barrier_ms = 3.14;
    CHECK(sim::report_line(r).ends_with("  3.1 ms"));
}

TEST_CASE("an opening timed hop by hop ends its line with every hop in milliseconds, in order") {
    auto r = report(K::kDecision);
    decision::Decision d;
    d.verdict = decision::Verdict::kOpen;
    r.decision = d;
    r.scan_to_barrier_ms = 1.5;
    r.hops_ms = lane::HopTimes{0.021, 0.1024, 0.004, 0.05, 1.0, 0.03, 0.0126};
    CHECK(sim::report_line(r).ends_with("  1.5 ms  hops to_strand=0.021 decide=0.102 submit=0.004 queue=0.050 journal=1.000 "
                                        "to_lane=0.030 open=0.013"));
}

TEST_CASE("passage, override and alert lines say what happened and who decided") {
    CHECK(sim::report_line(report(K::kPassage)) == "08:00:05 car-1    passed   通行完成，道闸关闭 / passage complete, barrier closed");
    auto o = report(K::kOverride);
    o.opened = true;
    o.operator_name = "op1";
    o.zh = o.en = "救护车";
    CHECK(sim::report_line(o) == "08:00:05 car-1    OVERRIDE open by op1: 救护车");
    auto a = report(K::kAlert);
    a.code = "LINK_LOST";
    a.zh = "通信中断";
    a.en = "link lost";
    CHECK(sim::report_line(a) == "08:00:05 car-1    ALERT    LINK_LOST  通信中断 / link lost");
}

TEST_CASE("a decision report without its decision prints a line instead of crashing") {
    CHECK(sim::report_line(report(K::kDecision)).ends_with("decision without its content"));
}

TEST_CASE("the printer writes each report as one whole line") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    sim::ReportPrinter printer(f);
    printer.print(report(K::kPassage));
    printer.line("=== round 1");
    std::rewind(f);
    char buf[256] = {};
    const auto n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    CHECK(std::string(buf, n) == sim::report_line(report(K::kPassage)) + "\n=== round 1\n");
}
