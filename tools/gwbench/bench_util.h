#pragma once
// Measuring on a shared, noisy 2-core machine: every figure is taken in rounds that
// alternate with its baseline in the same process, and the median round is reported.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gateway/core/json.h"

namespace gw::bench {

using Clock = std::chrono::steady_clock;

/// Operations per second of `op`, run `n` times.
template <class Op>
double rate(std::size_t n, Op&& op) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) op(i);
    const std::chrono::duration<double> dt = Clock::now() - t0;
    return static_cast<double>(n) / dt.count();
}

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

class Report {
public:
    explicit Report(bool json) : json_(json) {}
    /// `set` (optional) names the data a figure was measured on, e.g. "rendered/glare".
    /// `kind` (optional) names a subset of it, e.g. the plate kind "double".
    void figure(const std::string& bench, const std::string& figure, double value, const std::string& unit,
                const std::string& set = {}, const std::string& kind = {}) {
        if (json_) {
            JsonWriter w;
            w.begin_object().field("bench", bench).field("figure", figure).field("value", value).field("unit", unit);
            if (!set.empty()) w.field("set", set);
            if (!kind.empty()) w.field("kind", kind);
            w.end_object();
            std::printf("%s\n", w.str().c_str());
        } else {
            const std::string where = set + (kind.empty() ? "" : " " + kind);
            std::printf("%-8s %-28s %14.3f %s%s\n", bench.c_str(), figure.c_str(), value, unit.c_str(),
                        where.empty() ? "" : ("  [" + where + "]").c_str());
        }
        std::fflush(stdout);
    }
    void note(const std::string& text) { std::fprintf(stderr, "gwbench: %s\n", text.c_str()); }

private:
    bool json_;
};

}  // namespace gw::bench
