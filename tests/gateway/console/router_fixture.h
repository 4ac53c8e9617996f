#pragma once
// A console Router without sockets over a fake backend (one lane car-1, two registries), with
// two accounts (admin1, op1) and helpers to log in and send requests.
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/console/accounts.h"
#include "gateway/console/hub.h"
#include "gateway/console/router.h"
#include "tests/temp_dir.h"

namespace gw::testing {

using namespace gw::console;
using namespace std::chrono_literals;

constexpr const char* kHost = "gw.test:8443";

struct Overrides {
    std::vector<std::tuple<std::string, bool, std::string, std::string>> calls;
};

/// One lane car-1 with a plate and a temperature, two registries, a disk and an outbox.
inline Backend fake_backend(Overrides& overrides) {
    Backend b;
    b.checkpoint = "test";
    b.snapshots = [] {
        lane::LaneSnapshot s;
        s.id = "car-1";
        s.link_up = true;
        s.last_plate = "沪A12345";
        s.last_temperature = Celsius{36.6f};
        return std::vector<lane::LaneSnapshot>{s};
    };
    b.override_lane = [&overrides](const std::string& lane, bool open, const std::string& user, const std::string& reason) {
        if (lane != "car-1") return false;
        overrides.calls.emplace_back(lane, open, user, reason);
        return true;
    };
    b.registries = [] {
        return std::vector<RegistryStatus>{{"zhejiang", 7, TimePoint{Seconds{1583020800}}, 2, false, "head: connection refused", 41},
                                           {"shanghai", 3, TimePoint{Seconds{1583020800}}, std::nullopt, std::nullopt, {}, std::nullopt}};
    };
    b.disk = [] { return std::optional<DiskStatus>(DiskStatus{"/var/lib/gw", 1000, 400}); };
    b.outbox_backlog = [] { return std::optional<std::uint64_t>(3); };
    b.now = [] { return TimePoint{Seconds{1583024400}}; };
    return b;
}

struct Fixture {
    testing::TempDir dir;
    AccountStore accounts{dir.path / "accounts"};
    Hub hub;
    Overrides overrides;
    std::vector<std::pair<std::string, std::string>> plates;  ///< (lane, plate) posted by ANPR pushes
    std::vector<std::vector<float>> plate_confidences;        ///< their per-character confidences, in order
    std::unique_ptr<Router> router;
    SteadyTime now = SteadyTime{} + 1000h;

    /// `tweak` changes the fake backend before the router takes it (or replaces it: a real gateway's).
    explicit Fixture(bool with_users = true, std::function<void(Backend&)> tweak = {}) {
        if (with_users) {
            REQUIRE(accounts.add("admin1", Role::kAdmin, "correct horse battery"));
            REQUIRE(accounts.add("op1", Role::kOperator, "operator pass 123"));
        }
        Backend b = fake_backend(overrides);
        b.anpr_cameras = {{"gate-cam-1", "car-1", std::string(40, 'k'), 0.5f, {}, {}},
                          {"gate-cam-2", "car-9", std::string(40, 'q'), 0.5f, {}, {}}};
        b.post_plate = [this](const std::string& lane, const std::string& plate, std::vector<float> confidence) {
            if (lane != "car-1") return false;
            plates.emplace_back(lane, plate);
            plate_confidences.push_back(std::move(confidence));
            return true;
        };
        if (tweak) tweak(b);
        router = std::make_unique<Router>(b, hub, accounts, RouterOptions{{10min, 2h}, {10min, 20, 5}});
    }

    Request request(http::verb verb, std::string target, std::string body = {}) {
        Request r{verb, target, 11};
        r.set(http::field::host, kHost);
        if (verb == http::verb::post) {
            r.set(http::field::content_type, "application/json");
            r.body() = std::move(body);
        }
        r.prepare_payload();
        return r;
    }
    Response send(const Request& r, std::string peer = "10.0.0.9") { return router->handle(r, peer, now); }

    struct Login {
        std::string cookie, csrf;
    };
    Login login(const std::string& user, const std::string& password) {
        auto res = send(request(http::verb::post, "/api/login", R"({"user":")" + user + R"(","password":")" + password + R"("})"));
        REQUIRE(res.result() == http::status::ok);
        const std::string set_cookie(res[http::field::set_cookie]);
        const auto eq = set_cookie.find('='), semi = set_cookie.find(';');
        auto body = res.body();
        const auto at = body.find("\"csrf\":\"");
        return {set_cookie.substr(eq + 1, semi - eq - 1), body.substr(at + 8, 64)};
    }
    Request with(Request r, const Login& l, bool csrf = true) {
        r.set(http::field::cookie, "gw_session=" + l.cookie);
        if (csrf) r.set("X-CSRF-Token", l.csrf);
        return r;
    }
};

inline std::string code_of(const Response& r) {
    const auto at = r.body().find("\"error\":\"");
    if (at == std::string::npos) return "";
    return r.body().substr(at + 9, r.body().find('"', at + 9) - at - 9);
}

}  // namespace gw::testing
