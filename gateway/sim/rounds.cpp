#include "gateway/sim/rounds.h"

namespace gw::sim {

RoundsResult run_rounds(SimCheckpoint& sim, const std::vector<SimScenario>& scenarios, int rounds,
                        const std::atomic<bool>& stop, ReportPrinter& printer, const RoundExtras& extras) {
    RoundsResult result;
    for (int round = 1; !stop && (rounds == 0 || round <= rounds); ++round) {
        std::size_t right = 0, n = 0;
        for (const auto& sc : scenarios) {
            if (stop) break;
            printer.line("\n--- " + sc.lane + " · " + sc.title_zh + " (" + sc.name + ")");
            const auto out = run_scenario(sim, sc);
            ++n;
            right += out.right;
            printer.line(std::string("    ") + (out.right ? "✓ as expected " : "✗ NOT AS EXPECTED: ") + out.note);
        }
        if (extras.after_lanes && !stop) {
            const auto [r, m] = extras.after_lanes(round);
            right += r;
            n += m;
        }
        printer.line("\n=== round " + std::to_string(round) + ": " + std::to_string(right) + "/" + std::to_string(n) +
                     " lane outcomes as expected");
        if (extras.between_rounds) extras.between_rounds();
        result.right += right;
        result.outcomes += n;
        result.rounds = round;
        if (right != n) break;
    }
    return result;
}

}  // namespace gw::sim
