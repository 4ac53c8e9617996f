// The console's HTTP request handling (gateway/console/router.h): raw bytes through Beast's
// request parser, then the router with a session cookie, CSRF header and JSON body as the
// bytes say. Every response must be complete and carry the security headers.
#include <cstdint>
#include <string_view>

#include "gateway/console/json_body.h"
#include "gateway/console/router.h"

#include <boost/beast/core/flat_buffer.hpp>

using namespace gw;
using namespace gw::console;

namespace {

struct World {
    Hub hub;
    AccountStore accounts{"/nonexistent/gw-fuzz-accounts"};
    Router router;
    World()
        : router(
              [] {
                  Backend b;
                  b.checkpoint = "fuzz";
                  b.snapshots = [] {
                      lane::LaneSnapshot s;
                      s.id = "car-1";
                      return std::vector<lane::LaneSnapshot>{s};
                  };
                  b.override_lane = [](const std::string& lane, bool, const std::string&, const std::string&) { return lane == "car-1"; };
                  b.registries = [] { return std::vector<RegistryStatus>{{"sh", 1, TimePoint{Seconds{1583020800}}, std::nullopt, std::nullopt, {}, std::nullopt}}; };
                  b.now = [] { return TimePoint{Seconds{1583024400}}; };
                  // One evidence frame, 1; every other id is unknown.
                  b.evidence_frame = [](evidence::EvidenceId id) -> Result<std::vector<std::uint8_t>> {
                      if (id.value == 1) return std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 0xD9};
                      return failure("no evidence", ErrorKind::kNotFound);
                  };
                  b.evidence_stats = [] { return evidence::EvidenceStats{1, 4, 0, 0}; };
                  return b;
              }(),
              hub, accounts) {
        lane::LaneReport r;
        r.lane_id = "car-1";
        r.decision = decision::Decision{decision::Verdict::kDeny, {Reason::kFever}, Seconds{1}};
        hub.publish(r);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    // A live session, so the fuzzer reaches the routes behind it when it guesses the cookie
    // format; its tokens are fixed for the process (created once).
    static const Session session = world.router.sessions().create("fuzzer", Role::kOperator, SteadyTime{} + std::chrono::hours{1});
    std::string text(reinterpret_cast<const char*>(data), size);
    for (auto [tag, value] : {std::pair<std::string_view, std::string_view>{"@SESSION@", session.id}, {"@CSRF@", session.csrf}})
        for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag)) text.replace(at, tag.size(), value);
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(16 * 1024);
    parser.body_limit(kMaxBody);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(text), ec);
    if (ec || !parser.is_done()) return 0;
    const auto res = world.router.handle(parser.get(), "10.0.0.1", SteadyTime{} + std::chrono::hours{1});
    if (res["X-Frame-Options"] != "DENY" || res[http::field::strict_transport_security].empty()) __builtin_trap();
    if (res.body().size() != std::stoull(std::string(res[http::field::content_length]))) __builtin_trap();
    return 0;
}
