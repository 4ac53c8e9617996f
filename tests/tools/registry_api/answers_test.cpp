// registryd's JSON answers (tools/registry_api/answers.h): what registryd formats, passctl
// parses back to the same value; anything else is refused in one line naming the member.
#include <doctest/doctest.h>

#include <string>

#include "gateway/core/time.h"
#include "tests/tools/registry_api/must.h"
#include "gateway/core/text.h"
#include "tools/registry_api/answers.h"

namespace {

using namespace gw;
using namespace gw::credential;
namespace api = gw::registry_api;

using gw::testing::must;

template <class T>
std::string refusal(const Result<T>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find('\n') == std::string::npos);
    return r.error().message;
}

const TimePoint kAt = parse_time("2020-03-02T08:00:15+08:00").value();

}  // namespace

TEST_CASE("each answer of the admin API parses back to the value registryd formatted") {
    CHECK(must(api::parse_error(api::format_error({"未授权 / admin token required"}))).text == "未授权 / admin token required");

    const auto appended = must(api::parse_records_appended(api::format_records_appended({12, 14, 1})));
    CHECK(appended.first_seq == 12);
    CHECK(appended.last_seq == 14);
    CHECK(appended.segments == 1);

    const auto issuer = must(api::parse_issuer_key(api::format_issuer_key({33, 7, "平湖市 \"东\"", true})));
    CHECK(issuer.province == 33);
    CHECK(issuer.key_id == 7);
    CHECK(issuer.name == "平湖市 \"东\"");
    CHECK(issuer.can_issue);

    const auto issued = must(api::parse_pass_issued(
        api::format_pass_issued({parse_pass_id("1a2b3c4d5e06").value(), PassType::kFreight, "CP1:ABC DEF"})));
    CHECK(issued.pass_id.hex() == "1a2b3c4d5e06");
    CHECK(issued.type == PassType::kFreight);
    CHECK(issued.payload == "CP1:ABC DEF");

    CHECK(must(api::parse_snapshot_made(api::format_snapshot_made({0}))).snapshot_seq == 0);
    CHECK(must(api::parse_snapshot_made(api::format_snapshot_made({18446744073709551615u}))).snapshot_seq ==
          18446744073709551615u);

    const auto events = must(api::parse_gateway_events(api::format_gateway_events({"jinshan-1", 3, 9, 7, 2})));
    CHECK(events.gateway == "jinshan-1");
    CHECK(events.first_seq == 3);
    CHECK(events.last_seq == 9);
    CHECK(events.count == 7);
    CHECK(events.duplicates == 2);

    const auto passes = must(api::parse_issued(api::format_issued(
        {{parse_pass_id("000000000001").value(), PassType::kCommuter, kAt, "CP1:A"},
         {parse_pass_id("00000000000f").value(), PassType::kQuarantineRelease, kAt + Seconds{1}, "CP1:B"}})));
    REQUIRE(passes.size() == 2);
    CHECK(passes[1].pass_id.hex() == "00000000000f");
    CHECK(passes[1].type == PassType::kQuarantineRelease);
    CHECK(passes[1].at == kAt + Seconds{1});
    CHECK(passes[0].payload == "CP1:A");
    CHECK(must(api::parse_issued(api::format_issued({}))).empty());
}

TEST_CASE("the registry's state parses back with its provinces, counts, issuer keys and gateways") {
    api::RegistryState s{.registry = "zhejiang",
                         .provinces = {33, 31},
                         .latest_seq = 40,
                         .segments = 5,
                         .head_version = 9,
                         .head_issued_at = kAt,
                         .snapshot_seq = 38,
                         .certificates = 2,
                         .revoked_passes = 3,
                         .revoked_letters = 4,
                         .revoked_keys = 5,
                         .suspended = 6,
                         .listed = 7,
                         .freight = 8,
                         .issued = 11,
                         .export_failures = 1,
                         .issuers = {{33, 7, "平湖市", true}, {33, 8, "嘉善县", false}},
                         .gateways = {"jinshan-1", "pinghu-2"}};
    const auto body = api::format_state(s);
    const auto back = must(api::parse_state(body));
    CHECK(api::format_state(back) == body);
    CHECK(back.provinces == std::vector<std::uint32_t>{33, 31});
    CHECK(back.head_issued_at == kAt);
    CHECK(back.listed == 7);
    CHECK(back.export_failures == 1);
    REQUIRE(back.issuers.size() == 2);
    CHECK(back.issuers[1].name == "嘉善县");
    CHECK_FALSE(back.issuers[1].can_issue);
    CHECK(back.gateways == std::vector<std::string>{"jinshan-1", "pinghu-2"});
}

TEST_CASE("members a newer registry adds are skipped, whatever their value") {
    const auto r = must(api::parse_snapshot_made(R"({"took_ms": 12.5, "snapshot_seq": 7, "extra": {"a": [1, "]"]}})"));
    CHECK(r.snapshot_seq == 7);
}

TEST_CASE("an answer that is not the shape the API says is refused in one line naming the member") {
    CHECK(refusal(api::parse_snapshot_made("")) == "the registry's answer is not a JSON object");
    CHECK(refusal(api::parse_snapshot_made("<html>502 Bad Gateway</html>")) == "the registry's answer is not a JSON object");
    CHECK(refusal(api::parse_snapshot_made(R"({"snapshot_seq": 7} trailing)")) == "the registry's answer is not a JSON object");
    CHECK(refusal(api::parse_snapshot_made("{}")) == "the registry's answer has no 'snapshot_seq'");
    CHECK(refusal(api::parse_snapshot_made(R"({"snapshot_seq": "7"})")).starts_with("the registry's answer: 'snapshot_seq': "));
    CHECK(refusal(api::parse_snapshot_made(R"({"snapshot_seq": -7})")).starts_with("the registry's answer: 'snapshot_seq': "));
    CHECK(refusal(api::parse_snapshot_made(R"({"snapshot_seq": 1e3})")).starts_with("the registry's answer: 'snapshot_seq': "));
    CHECK(refusal(api::parse_records_appended(R"({"first_seq": 9, "last_seq": 8, "segments": 1})")) ==
          "the registry's answer: 'last_seq': before first_seq");
    CHECK(refusal(api::parse_issuer_key(R"({"province": 330, "key_id": 7, "name": "x", "can_issue": true})"))
              .starts_with("the registry's answer: 'province': "));
    CHECK(refusal(api::parse_issuer_key(R"({"province": 33, "key_id": 7, "name": "x", "can_issue": "yes"})")) ==
          "the registry's answer: 'can_issue': not true or false");
    CHECK(refusal(api::parse_pass_issued(R"({"pass_id": "zz", "type": "commuter", "payload": "CP1:A"})"))
              .starts_with("the registry's answer: 'pass_id': "));
    CHECK(refusal(api::parse_pass_issued(R"({"pass_id": "1a2b3c4d5e06", "type": "bicycle", "payload": "CP1:A"})"))
              .starts_with("the registry's answer: 'type': "));
    CHECK(refusal(api::parse_pass_issued(R"({"pass_id": "1a2b3c4d5e06", "type": "commuter", "payload": ""})")) ==
          "the registry's answer: 'payload': empty");
    CHECK(refusal(api::parse_issued(R"([{"pass_id": "1a2b3c4d5e06", "type": "commuter", "at": "yesterday", "payload": "A"}])"))
              .starts_with("the registry's answer: 'at': "));
    CHECK(refusal(api::parse_issued(R"({"pass_id": "1a2b3c4d5e06"})")) == "the registry's answer is not a JSON array");
    CHECK(refusal(api::parse_error(R"({"error": 401})")) == "the registry's answer: 'error': not a string");
    // A value quoted in the refusal stays one line, however the answer escaped it (fuzzer's find).
    CHECK(refusal(api::parse_issued(R"([{"pass_id": "1a2b3c4d5e06", "type": "fren\n{nt\t", "at": "x", "payload": "A"}])")) ==
          "the registry's answer: 'type': unknown pass type 'fren?{nt?': expected commuter, work-commute, freight or "
          "quarantine-release");
    CHECK(refusal(api::parse_issued(R"([{"pass_id": "1a2b3c4d5e06", "type": ")" + std::string(500, 'x') +
                                    R"(", "at": "x", "payload": "A"}])"))
              .size() < 200);

    auto state = api::format_state({});
    const auto with = [&](std::string_view from, std::string_view to) {
        auto b = state;
        return b.replace(b.find(from), from.size(), to);
    };
    CHECK(refusal(api::parse_state(with(R"("provinces":[])", R"("provinces":[33,"31"])"))) ==
          "the registry's answer: 'provinces': not a list of province codes");
    CHECK(refusal(api::parse_state(with(R"("issuers":[])", R"("issuers":[7])"))) ==
          "the registry's answer: 'issuers': the registry's answer is not a JSON object");
    CHECK(refusal(api::parse_state(with(R"("gateways":[])", R"("gateways":"g1")"))) ==
          "the registry's answer: 'gateways': not an array");
    CHECK(refusal(api::parse_state(with(R"("gateways":[])", R"("gateways":[1])"))) ==
          "the registry's answer: 'gateways': not a list of names");
}

TEST_CASE("a refusal is one line: the HTTP status and the registry's error text, control bytes replaced, cut at 300 bytes") {
    CHECK(api::refusal_line(401, api::format_error({"未授权 / admin token required"})) ==
          "registry refused (HTTP 401): 未授权 / admin token required");
    CHECK(api::refusal_line(502, "<html>Bad Gateway</html>") == "registry refused (HTTP 502)");
    CHECK(api::refusal_line(400, api::format_error({"bad\nline\x1b[31m"})) == "registry refused (HTTP 400): bad?line?[31m");
    std::string long_text(150, 'x');
    for (int i = 0; i < 100; ++i) long_text += "中";
    const auto long_line = api::refusal_line(422, api::format_error({long_text}));
    CHECK(long_line.size() <= std::string("registry refused (HTTP 422): ").size() + 303);
    CHECK(long_line.ends_with("中..."));
    CHECK(gw::one_line("中文字", 4) == "中...");
}
