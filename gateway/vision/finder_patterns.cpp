#include "gateway/vision/finder_patterns.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "gateway/vision/cv_interop.h"

namespace gw::vision {
namespace {

// Five runs across a finder pattern: 1:1:3:1:1 modules, with room for blur, tilt and the
// rounding of 2-4 px modules.
bool finder_ratio(const std::array<int, 5>& runs, float* module) {
    const int total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
    if (total < 7) return false;
    const float m = static_cast<float>(total) / 7.0f;
    const auto near = [m](int run, float modules) {
        return std::abs(static_cast<float>(run) - modules * m) <= std::max(0.75f * m * (modules > 1 ? 1.6f : 1.0f), 1.0f);
    };
    if (!(near(runs[0], 1) && near(runs[1], 1) && near(runs[2], 3) && near(runs[3], 1) && near(runs[4], 1)))
        return false;
    *module = m;
    return true;
}

// Walks from (x, y) up or down the column and measures the runs of the pattern's centre:
// the half of the centre square, then light, then dark. Returns false at the frame's edge
// or when a run exceeds `limit`.
bool column_runs(GrayView f, const BlockMeans& bm, int x, int y, int dir, int contrast, bool centre_dark, int limit,
                 std::array<int, 3>* runs) {
    int state = 0;
    *runs = {0, 0, 0};
    bool dark = centre_dark;
    for (int yy = y; yy >= 0 && yy < f.height; yy += dir) {
        const int thr = bm.means.at(std::min(x / bm.block, bm.means.width - 1), std::min(yy / bm.block, bm.means.height - 1));
        const int v = f.at(x, yy);
        if (v < thr - contrast) dark = true;
        else if (v > thr + contrast) dark = false;
        const bool want_dark = (state % 2 == 0) == centre_dark;
        if (dark != want_dark) {
            if (++state == 3) return true;
        }
        if (++(*runs)[static_cast<std::size_t>(state)] > limit) return false;
    }
    return false;
}

}  // namespace

BlockMeans block_means(GrayView frame, int block) {
    if (block < 1) throw std::invalid_argument("block_means: block < 1");
    BlockMeans out{block, {}};
    if (frame.empty()) return out;
    // Whole blocks only: OpenCV's area resize has a fast path for integer factors (4x faster
    // at 720p); the rows and columns left over belong to the last block for every reader.
    const int w = std::max(frame.width / block, 1), h = std::max(frame.height / block, 1);
    const GrayView whole{frame.data, std::min(frame.width, w * block), std::min(frame.height, h * block), frame.stride};
    cv::Mat small;
    cv::resize(detail::as_mat(whole), small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    out.means = detail::to_gray_image(small);
    return out;
}

std::vector<FinderCandidate> find_finder_patterns(GrayView f, const BlockMeans& bm, FinderOptions options) {
    std::vector<FinderCandidate> found;
    if (f.empty() || bm.means.empty()) return found;
    const int contrast = options.min_contrast;
    std::vector<int> thr_row(static_cast<std::size_t>(f.width));
    for (int y = 0; y < f.height && static_cast<int>(found.size()) < options.max_candidates;
         y += std::max(options.row_step, 1)) {
        const int by = std::min(y / bm.block, bm.means.height - 1);
        for (int x = 0; x < f.width; ++x) thr_row[static_cast<std::size_t>(x)] = bm.means.at(std::min(x / bm.block, bm.means.width - 1), by);
        // Run lengths with hysteresis: a pixel within `contrast` of the local mean keeps the
        // colour before it, so sensor noise on a flat wall makes no runs.
        std::array<int, 5> runs{};
        std::array<bool, 5> colours{};
        int count = 0;
        bool dark = f.at(0, y) < thr_row[0];
        int run = 0;
        const std::uint8_t* row = f.data + static_cast<std::size_t>(y) * f.stride;
        for (int x = 0; x <= f.width; ++x) {
            bool now = dark;
            if (x < f.width) {
                const int v = row[x];
                const int t = thr_row[static_cast<std::size_t>(x)];
                if (v < t - contrast) now = true;
                else if (v > t + contrast) now = false;
            }
            if (x < f.width && now == dark) {
                ++run;
                continue;
            }
            // A run ended at x: shift it into the window of the last five.
            std::rotate(runs.begin(), runs.begin() + 1, runs.end());
            std::rotate(colours.begin(), colours.begin() + 1, colours.end());
            runs[4] = run;
            colours[4] = dark;
            count = std::min(count + 1, 5);
            float module = 0;
            if (count == 5 && colours[0] == colours[2] && colours[2] == colours[4] && finder_ratio(runs, &module)) {
                const bool centre_dark = colours[2];
                const int cx = x - runs[4] - runs[3] - runs[2] / 2 - 1;
                const int limit = static_cast<int>(module * 4.5f) + 2;
                std::array<int, 3> up{}, down{};
                if (cx >= 0 && column_runs(f, bm, cx, y, -1, contrast, centre_dark, limit, &up) &&
                    column_runs(f, bm, cx, y, +1, contrast, centre_dark, limit, &down)) {
                    const std::array<int, 5> vertical{up[2], up[1], up[0] + down[0] - 1, down[1], down[2]};
                    float vmodule = 0;
                    if (finder_ratio(vertical, &vmodule) && vmodule < module * 2.0f && module < vmodule * 2.0f) {
                        const int cy = y - up[0] + (up[0] + down[0] - 1) / 2;
                        const float m = (module + vmodule) / 2;
                        auto same = std::find_if(found.begin(), found.end(), [&](const FinderCandidate& c) {
                            return c.inverted == !centre_dark && std::abs(c.x - cx) < m * 3 && std::abs(c.y - cy) < m * 3;
                        });
                        if (same != found.end()) ++same->hits;
                        else found.push_back({cx, cy, m, !centre_dark, 1});
                    }
                }
            }
            dark = now;
            run = 1;
        }
    }
    return found;
}

std::vector<QrRegion> code_regions(const std::vector<FinderCandidate>& candidates, int frame_width, int frame_height,
                                   int max_regions) {
    // Greedy grouping: a candidate joins the first group of its polarity whose first member
    // has a similar module size and is close enough to be in the same code (the centres of
    // a version-10 code's finders are 50 modules apart). Data modules can look like a
    // finder too; inside the code they only confirm the region.
    struct Group {
        std::vector<const FinderCandidate*> members;
        int hits = 0;
    };
    std::vector<Group> groups;
    for (const auto& c : candidates) {
        auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& grp) {
            const auto& f = *grp.members.front();
            const float reach = 60 * std::max(f.module_px, c.module_px);
            return f.inverted == c.inverted && c.module_px < f.module_px * 1.8f && f.module_px < c.module_px * 1.8f &&
                   std::abs(f.x - c.x) < reach && std::abs(f.y - c.y) < reach;
        });
        if (g == groups.end()) groups.push_back({{&c}, c.hits});
        else {
            g->members.push_back(&c);
            g->hits += c.hits;
        }
    }
    std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
        return a.hits > b.hits;  // a real finder is confirmed on several sampled rows
    });
    std::vector<QrRegion> regions;
    for (const auto& g : groups) {
        if (static_cast<int>(regions.size()) >= max_regions) break;
        float module = 0;
        int x0 = frame_width, y0 = frame_height, x1 = 0, y1 = 0;
        for (const auto* c : g.members) {
            module = std::max(module, c->module_px);
            x0 = std::min(x0, c->x), y0 = std::min(y0, c->y), x1 = std::max(x1, c->x), y1 = std::max(y1, c->y);
        }
        const int grow = static_cast<int>(std::ceil(module * (g.members.size() >= 3 ? 10.0f : 54.0f)));
        QrRegion r;
        r.x = std::max(0, x0 - grow);
        r.y = std::max(0, y0 - grow);
        r.width = std::min(frame_width, x1 + grow) - r.x;
        r.height = std::min(frame_height, y1 + grow) - r.y;
        r.inverted = g.members.front()->inverted;
        r.candidates = static_cast<int>(g.members.size());
        if (r.width > 0 && r.height > 0) regions.push_back(r);
    }
    return regions;
}

}  // namespace gw::vision
