// passctl registry as an operator meets it: passctl a real subprocess, registryd a real
// `registryd serve` process on loopback with real TLS (test certificates from the openssl
// command line), each judged from outside by exit code, stdout, stderr and what the registry
// then holds (its state, its signed head, the segments of its log).
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/credential/certificate.h"
#include "gateway/credential/crypto.h"
#include "gateway/credential/key_file.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/sync/https_client.h"
#include "gateway/sync/log_format.h"
#include "tests/gateway/sync/child_process.h"
#include "tests/gateway/sync/https_fetch.h"
#include "tests/gateway/sync/tls_fixture.h"
#include "tests/temp_dir.h"
#include "tests/tools/registryd/registry_process.h"
#include "tests/tools/registryd/registry_rig.h"
#include "tools/registryd/config.h"

#include "tests/tools/passctl_run.h"

namespace fs = std::filesystem;

namespace {

using namespace gw;
using gw::testing::HttpsFetch;
using gw::testing::kAdminToken;

using gw::testing::passctl;
using gw::testing::Run;
constexpr const char* kEnterprise = "91330482MA28A1B2C0";

using V = std::vector<std::string>;

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }
void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }


std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The number after "key": in a flat JSON object (registryd's answers), which must be there.
std::uint64_t json_number(const std::string& body, const std::string& key) {
    REQUIRE_MESSAGE(contains(body, "\"" + key + "\":"), "no " << key << " in " << body);
    return gw::testing::json_number(body, key);
}

/// A scratch directory with test certificates: the registry's CA, a rogue CA, and a gateway's
/// client certificate; an admin token file (mode 0600) and the Pinghu issuer's files.
struct Scratch {
    gw::testing::TempDir dir;
    gw::testing::TlsFixture tls{dir.path / "tls"};
    gw::testing::TestIssuer pinghu{"zhejiang-root", 33, 7, "3304", "pinghu"};
    std::string gateway_prefix = tls.client("gw-1");

    Scratch() {
        spit(dir.path / "admin.token", std::string(kAdminToken) + "\n");
        fs::permissions(dir.path / "admin.token", fs::perms::owner_read | fs::perms::owner_write);
        REQUIRE(credential::write_certificate_file(dir.path / "pinghu.cert", pinghu.cert).has_value());
        REQUIRE(credential::write_keypair(dir.path / "pinghu", credential::KeyRole::kIssuer, 33, "pinghu", pinghu.key)
                    .has_value());
    }
    Run run(const std::vector<std::string>& args, const std::string& input = "") const {
        return passctl(dir.path, args, input);
    }
};

/// A `registryd serve` process for Zhejiang (province 33) with the holder-token key.
struct Served : Scratch {
    std::unique_ptr<gw::testing::RegistryProcess> registry;

    Served() {
        REQUIRE(credential::write_token_key(dir.path / "token.key", "demo", demo::demo_world().token_key).has_value());
        registry = std::make_unique<gw::testing::RegistryProcess>(tls, dir.path, "zhejiang", 33, "zhejiang-root",
                                                                  "token-key = " + (dir.path / "token.key").string());
    }
    std::string url() const { return registry->url(); }
    /// The connection options of an administrator (no client certificate, the right CA and token).
    std::vector<std::string> admin() const { return {"--url", url(), "--ca", tls.ca(), "--token-file", "admin.token"}; }
    /// The connection options of a gateway (its client certificate, no token).
    std::vector<std::string> gateway() const {
        return {"--url", url(), "--ca", tls.ca(), "--cert", gateway_prefix + ".pem", "--key", gateway_prefix + ".key"};
    }
    /// GET /v1/admin/state through passctl.
    std::string state() const {
        const auto r = run(V{"registry", "state"} + admin());
        INFO(r.err);
        REQUIRE(r.code == 0);
        return r.out;
    }
    /// A log segment as a gateway fetches it, parsed.
    sync::Segment segment(std::uint64_t index) const {
        sync::TlsFiles files{tls.ca(), gateway_prefix + ".pem", gateway_prefix + ".key"};
        HttpsFetch fetch(sync::make_client_tls(files).value(), url());
        auto res = fetch.get("segments/" + std::to_string(index));
        REQUIRE(res.has_value());
        REQUIRE(res->status == 200);
        auto parsed = sync::parse_signed_segment(as_bytes(res->body), 100000);
        REQUIRE(parsed.has_value());
        return parsed->body;
    }
    void add_pinghu() const {
        const auto r = run(V{"registry", "add-issuer", "--certificate", "pinghu.cert", "--secret", "pinghu.key"} + admin());
        INFO(r.err);
        REQUIRE(r.code == 0);
        CHECK(contains(r.out, "published issuer key 33:7 (pinghu); the registry issues with it: yes"));
    }
};

/// A loopback port that accepts connections and counts them: proof that nothing was sent.
struct Witness {
    int fd = -1;
    std::uint16_t port = 0;
    Witness() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~Witness() { ::close(fd); }
    int connections() const {
        int n = 0;
        for (int c; (c = ::accept(fd, nullptr, nullptr)) >= 0; ++n) ::close(c);
        return n;
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port) + "/v1/"; }
};

const std::vector<std::string> kCommuterFields = {
    "--key-id", "7", "--type", "commuter", "--days", "30", "--home", "310116", "--work", "330482",
    "--enterprise", kEnterprise, "--personal-letter", "1001", "--enterprise-letter", "55", "--name", "张三明"};

}  // namespace

TEST_CASE("a pass issued through the registry verifies, and revoking it lands in the registry's signed log") {
    Served s;
    s.add_pinghu();
    const auto id_number = gw::testing::id_number("33048219900307123");
    const auto issued = s.run(V{"registry", "issue"} + s.admin() + kCommuterFields +
                              std::vector<std::string>{"--from", gw::testing::today(), "--id-number", id_number, "--qr", "pass.png"});
    INFO(issued.err);
    REQUIRE(issued.code == 0);
    CHECK(issued.err.empty());
    REQUIRE(std::count(issued.out.begin(), issued.out.end(), '\n') == 1);
    const auto payload = issued.out.substr(0, issued.out.size() - 1);
    CHECK(payload.starts_with("CP1:"));
    CHECK(fs::file_size(s.dir.path / "pass.png") > 0);
    CHECK_FALSE(contains(issued.out + issued.err, id_number));

    // passctl verify, against the Zhejiang root and the issuer's certificate.
    fs::create_directories(s.dir.path / "trust");
    fs::copy_file(s.dir.path / "pinghu.cert", s.dir.path / "trust" / "pinghu.cert");
    spit(s.dir.path / "trust" / "trust.conf",
         "[root zhejiang]\nprovince = 33\npublic-key = " +
             to_base64(demo::demo_world().keys.at("zhejiang-root").pair.public_key.bytes) +
             "\npass-types = commuter, work-commute, freight, quarantine-release\n");
    const auto verdict = s.run(V{"verify", "-", "--trust", "trust"}, payload + "\n");
    INFO(verdict.out << verdict.err);
    CHECK(verdict.code == 0);
    CHECK(contains(verdict.out, "\"valid\":true"));
    // The registry made the holder token from the ID number with its token key.
    const auto pass = credential::decode_payload(payload).value().pass;
    REQUIRE(pass.holder.has_value());
    CHECK(pass.holder->token.value == credential::holder_token(demo::demo_world().token_key, id_number));
    CHECK(pass.holder->id_tail == id_number.substr(14));

    const auto before = s.run(V{"registry", "head", "--json"} + s.gateway());
    INFO(before.err);
    REQUIRE(before.code == 0);
    const auto revoked = s.run(V{"registry", "revoke", "--pass", pass.id.hex()} + s.admin());
    INFO(revoked.err);
    REQUIRE(revoked.code == 0);
    const auto seq = json_number(before.out, "latest_seq") + 1;
    CHECK(revoked.out == "appended 1 record at seq " + std::to_string(seq) + "\n");

    const auto after = s.run(V{"registry", "head", "--json"} + s.gateway());
    REQUIRE(after.code == 0);
    CHECK(json_number(after.out, "latest_seq") == seq);
    CHECK(json_number(after.out, "version") > json_number(before.out, "version"));
    const auto segment = s.segment(json_number(after.out, "segments") - 1);
    REQUIRE_FALSE(segment.entries.empty());
    CHECK(segment.entries.back().seq == seq);
    const auto* record = std::get_if<store::RevokePass>(&segment.entries.back().record);
    REQUIRE(record != nullptr);
    CHECK(record->id == pass.id);
    CHECK(json_number(s.state(), "revoked_passes") == 1);

    // The readable head: one line naming the registry and the same seq.
    const auto line = s.run(V{"registry", "head"} + s.gateway());
    REQUIRE(line.code == 0);
    CHECK(line.out.starts_with("zhejiang: head version "));
    CHECK(contains(line.out, ", seq " + std::to_string(seq) + " in "));
    CHECK(std::count(line.out.begin(), line.out.end(), '\n') == 1);
}

TEST_CASE("a registry that refuses to issue says why in one line, and passctl exits 1") {
    Served s;
    s.add_pinghu();
    auto fields = kCommuterFields;
    fields[1] = "9";  // no issuer key 9 in this registry
    const auto r = s.run(V{"registry", "issue"} + s.admin() + fields +
                         std::vector<std::string>{"--from", gw::testing::today(), "--id-tail", "123X", "--holder-token", "0123456789ab"});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "registry refused (HTTP 422): 通行证未签发 / no issuer key 9 of province 33"));
}

TEST_CASE("suspensions, the shared list, letter and issuer-key revocations and freight passes reach the registry") {
    Served s;
    s.add_pinghu();
    auto r = s.run(V{"registry", "suspend", "--enterprise", kEnterprise, "--enterprise", "92330482MA2AC5D6E4"} + s.admin());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, "appended 2 records at seq "));
    CHECK(json_number(s.state(), "suspended") == 2);
    REQUIRE(s.run(V{"registry", "unsuspend", "--enterprise", kEnterprise} + s.admin()).code == 0);
    CHECK(json_number(s.state(), "suspended") == 1);

    r = s.run(V{"registry", "shared-list", "--add", "7c1c5347e021", "--add", "0123456789ab", "--day", "2020-02-28"} + s.admin());
    REQUIRE(r.code == 0);
    CHECK(json_number(s.state(), "listed") == 2);
    REQUIRE(s.run(V{"registry", "shared-list", "--remove", "7c1c5347e021"} + s.admin()).code == 0);
    CHECK(json_number(s.state(), "listed") == 1);

    r = s.run(V{"registry", "revoke", "--personal-letter", "1007", "--enterprise-letter", "55", "--region", "330482",
               "--issuer-key", "33:6", "--json"} + s.admin());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(json_number(r.out, "last_seq") - json_number(r.out, "first_seq") == 2);
    const auto state = s.state();
    CHECK(json_number(state, "revoked_letters") == 2);
    CHECK(json_number(state, "revoked_keys") == 1);

    // A freight pass signed here with the issuer's own key, published through the registry.
    const auto freight = s.run(V{"issue", "--issuer", "pinghu.key", "--cert", "pinghu.cert", "--type", "freight", "--from",
                                gw::testing::today(), "--days", "30", "--region", "330482", "--enterprise", kEnterprise,
                                "--plate", "浙F12345"});
    REQUIRE(freight.code == 0);
    r = s.run(V{"registry", "freight", "-"} + s.admin(), freight.out);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(json_number(s.state(), "freight") == 1);

    r = s.run(V{"registry", "snapshot"} + s.admin());
    REQUIRE(r.code == 0);
    CHECK(r.out.starts_with("snapshot at seq "));
}

TEST_CASE("a records file imported lands in the registry's log in one append, its as-of line not sent") {
    Served s;
    spit(s.dir.path / "zhejiang.records",
         "# Zhejiang's records, exported elsewhere\nregistry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\n"
         "cert " + to_base64(s.pinghu.bytes()) + "\nrevoke-pass 1a2b3c4d5e06\nrevoke-letter personal 330482 1007\n"
         "revoke-key 33 6\nsuspend 92330482MA2AC5D6E4\nlist 7c1c5347e021 2020-02-28\n");
    const auto r = s.run(V{"registry", "import", "zhejiang.records"} + s.admin());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "appended 6 records at seq 1..6\n");
    const auto state = s.state();
    CHECK(json_number(state, "latest_seq") == 6);
    CHECK(json_number(state, "segments") == 1);
    CHECK(json_number(state, "certificates") == 1);
    CHECK(json_number(state, "revoked_passes") == 1);
    CHECK(json_number(state, "revoked_letters") == 1);
    CHECK(json_number(state, "revoked_keys") == 1);
    CHECK(json_number(state, "suspended") == 1);
    CHECK(json_number(state, "listed") == 1);
    // The segment is the registry's own, dated when it appended, not the file's as-of.
    CHECK(s.segment(0).created_at > parse_time("2020-03-02T07:00:00+08:00").value());

    // The same from stdin, with --json.
    const auto again = s.run(V{"registry", "import", "-", "--json"} + s.admin(), "registry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\nrevoke-pass 1a2b3c4d5e07\n");
    INFO(again.err);
    REQUIRE(again.code == 0);
    CHECK(json_number(again.out, "first_seq") == 7);
    CHECK(json_number(s.state(), "revoked_passes") == 2);
}

TEST_CASE("a records file of another registry, or one the registry refuses, is one line and exit 1, and nothing lands") {
    Served s;
    spit(s.dir.path / "shanghai.records", "registry shanghai 31\nas-of 2020-03-02T07:00:00+08:00\nrevoke-pass 1a2b3c4d5e06\n");
    auto r = s.run(V{"registry", "import", "shanghai.records"} + s.admin());
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "shanghai.records: the records of registry 'shanghai', but https://127.0.0.1:"));
    CHECK(contains(r.err, "is registry 'zhejiang'"));
    // Named zhejiang, but a revocation of a Shanghai key: the registry refuses the whole file.
    spit(s.dir.path / "mixed.records",
         "registry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\nrevoke-pass 1a2b3c4d5e06\nrevoke-key 31 1\n");
    r = s.run(V{"registry", "import", "mixed.records"} + s.admin());
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "record 2: province 31 is not one registry zhejiang speaks for"));
    CHECK(json_number(s.state(), "latest_seq") == 0);
}

TEST_CASE("a malformed records file is refused in one line naming the file and line, before anything is sent") {
    Scratch s;
    Witness w;
    const std::vector<std::string> conn = {"--url", w.url(), "--ca", s.tls.ca(), "--token-file", "admin.token"};
    const std::string header = "registry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\n";
    struct Case {
        std::string text;
        std::string says;
    };
    const std::vector<Case> cases = {
        {header + "revoke-pass 1a2b3c4d5e06\nrevoke-pass xyz\n", "bad.records:4:"},
        {header + "suspend 91330482MA28A1B2C1\n", "bad.records:3:"},
        {header + "frobnicate 12\n", "bad.records:3:"},
        {"as-of 2020-03-02T07:00:00+08:00\nrevoke-pass 1a2b3c4d5e06\n", "bad.records"},
        {header, "bad.records: no records to import"},
        {std::string("registry zhejiang 33\nas-of 2020-03-02T07:00:00+08:00\nrevoke-pass 1a2b3c4d5e06\0\n", 75), "bad.records"},
    };
    for (const auto& c : cases) {
        spit(s.dir.path / "bad.records", c.text);
        const auto r = s.run(V{"registry", "import", "bad.records"} + conn);
        INFO(c.text);
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(r.one_error_line());
        CHECK(contains(r.err, c.says));
    }
    auto r = s.run(V{"registry", "import", "missing.records"} + conn);
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "missing.records"));
    r = s.run(V{"registry", "import"} + conn);
    CHECK(r.code == 2);
    CHECK(contains(r.err, "give one records file, or - to read it from stdin"));
    CHECK(w.connections() == 0);
}

TEST_CASE("registry events names the gateway it asks about, and a gateway the registry never heard from is exit 1") {
    Served s;
    auto r = s.run(V{"registry", "events", "--gateway", "gw-1"} + s.admin());
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "no events from gateway 'gw-1'"));
    for (const std::string& bad : {std::string("gw 1"), std::string("gw&x=1"), std::string(65, 'g')}) {
        r = s.run(V{"registry", "events", "--gateway", bad} + s.admin());
        INFO(bad << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(contains(r.err, "--gateway: expected 1..64 letters, digits, '-', '_' or '.'"));
    }
}

TEST_CASE("a wrong admin token is refused with the registry's one-line error and exit 1, and no token is printed") {
    Served s;
    spit(s.dir.path / "wrong.token", "wrong-token-0123456789abcdef\n");
    auto args = std::vector<std::string>{"registry", "revoke", "--pass", "1a2b3c4d5e06"} + s.admin();
    args.back() = "wrong.token";
    const auto r = s.run(args);
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "registry refused (HTTP 401): 未授权 / admin token required"));
    CHECK_FALSE(contains(r.err, "wrong-token"));
    CHECK_FALSE(contains(r.err, kAdminToken));
    CHECK(json_number(s.state(), "latest_seq") == 0);
}

TEST_CASE("a registry whose certificate the given CA did not sign is refused, and nothing reaches it") {
    Served s;
    auto args = std::vector<std::string>{"registry", "suspend", "--enterprise", kEnterprise} + s.admin();
    std::replace(args.begin(), args.end(), s.tls.ca(), s.tls.rogue_ca());
    const auto r = s.run(args);
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "cannot talk to the registry at https://127.0.0.1:"));
    CHECK(contains(r.err, "tls: TLS handshake with 127.0.0.1"));
    CHECK(contains(r.err, "certificate verify failed"));
    CHECK_FALSE(contains(r.err, kAdminToken));
    CHECK(json_number(s.state(), "latest_seq") == 0);
}

TEST_CASE("a registry that cannot be reached is one line and exit 1") {
    Scratch s;
    std::string url;
    {
        Witness closed;  // a port that was free a moment ago
        url = closed.url();
    }
    const auto r = s.run(V{"registry", "state", "--url", url, "--ca", s.tls.ca(), "--token-file", "admin.token",
                          "--timeout", "5"});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "cannot talk to the registry at " + url + ": network: connect 127.0.0.1:"));
}

TEST_CASE("malformed arguments are refused in one line naming the option, before anything is sent") {
    Scratch s;
    Witness w;
    spit(s.dir.path / "short.token", "too-short\n");
    const std::vector<std::string> conn = {"--url", w.url(), "--ca", s.tls.ca(), "--token-file", "admin.token"};
    const auto good_id = gw::testing::id_number("33048219900307123");
    const auto bad_id = good_id.substr(0, 17) + (good_id.back() == '0' ? "1" : "0");
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<std::string> issue = {"registry", "issue", "--key-id", "7", "--type", "commuter", "--from",
                                            "2020-03-01", "--days", "30", "--home", "310116", "--work", "330482",
                                            "--enterprise", kEnterprise, "--personal-letter", "1001",
                                            "--enterprise-letter", "55", "--name", "张三明"};
    const std::vector<Case> cases = {
        {{"registry", "revoke", "--pass", "zz"}, "--pass: bad pass id 'zz'"},
        {{"registry", "revoke", "--personal-letter", "5"}, "needs --region"},
        {{"registry", "revoke", "--issuer-key", "33-7"}, "bad --issuer-key '33-7'"},
        {{"registry", "revoke", "--issuer-key", "98:7"}, "no province 98"},
        {{"registry", "revoke"}, "nothing to revoke"},
        {{"registry", "suspend", "--enterprise", "91330482MA28A1B2C1"}, "--enterprise: bad unified social credit code"},
        {{"registry", "suspend"}, "missing --enterprise"},
        {{"registry", "shared-list", "--add", "xyz"}, "--add: bad holder token 'xyz'"},
        {{"registry", "shared-list", "--remove", "0123456789ab", "--day", "2020-02-28"}, "--day is the listing day of --add"},
        {{"registry", "freight", "CP1:NOT-A-PASS"}, "payload: "},
        {issue + std::vector<std::string>{"--id-tail", "123X"}, "--holder-token"},
        {issue + std::vector<std::string>{"--id-number", bad_id}, "--id-number: bad ID number"},
        {issue + std::vector<std::string>{"--id-tail", "123X", "--holder-token", "0123456789ab", "--home", "31011"},
         "option --home given twice"},
        {{"registry", "issue", "--key-id", "7", "--type", "bicycle"}, "--type: unknown pass type 'bicycle'"},
        {{"registry", "issue", "--type", "commuter"}, "missing --key-id"},
        {{"registry", "issue", "--key-id", "7", "--type", "commuter", "--from", "2020-03-01", "--days", "30", "--home",
          "31011", "--work", "330482"},
         "--home: bad region code '31011'"},
        {{"registry", "issue", "--key-id", "7", "--type", "freight", "--from", "2020-03-01", "--days", "30", "--region",
          "330482", "--enterprise", kEnterprise},
         "--plate: a freight pass binds 1 to 3 plates"},
        {{"registry", "issue", "--key-id", "7", "--type", "quarantine-release", "--from", "2020-03-01", "--days", "30",
          "--region", "330482", "--name", "张#明", "--id-tail", "123X", "--holder-token", "0123456789ab"},
         "--name: control characters and '#' are not accepted"},
        {{"registry", "add-issuer", "--certificate", "missing.cert"}, "--certificate: "},
        {{"registry", "add-issuer", "--certificate", "pinghu.cert", "--secret", "pinghu.pub"}, "--secret: "},
        {{"registry", "state", "--url", "http://127.0.0.1:1/v1/"}, "--url: URL 'http://127.0.0.1:1/v1/': only https://"},
        {{"registry", "state", "--cert", "client.pem"}, "give --cert and --key together"},
        {{"registry", "state", "--timeout", "0"}, "bad --timeout '0'"},
        {{"registry", "state", "--colour", "red"}, "unknown option --colour"},
        {{"registry", "frobnicate"}, "registry: unknown command 'frobnicate'"},
        {{"registry"}, "registry: give a command"},
    };
    for (const auto& c : cases) {
        // The connection options go first, so a case's own --url or --cert is what counts.
        auto args = c.args;
        if (args.size() > 1) {
            std::vector<std::string> rest(args.begin() + 2, args.end());
            const bool own_url = std::find(rest.begin(), rest.end(), "--url") != rest.end();
            args.resize(2);
            if (!own_url) args = args + conn;
            else args = args + std::vector<std::string>{"--ca", s.tls.ca(), "--token-file", "admin.token"};
            args = args + rest;
        }
        const auto r = s.run(args);
        INFO(args[1] << " " << (args.size() > 2 ? args[2] : "") << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(r.one_error_line());
        CHECK(contains(r.err, c.says));
        CHECK_FALSE(contains(r.err, bad_id));
    }

    // Token files: missing, too short; never a token on the command line, never echoed.
    auto r = s.run(V{"registry", "state", "--url", w.url(), "--ca", s.tls.ca(), "--token-file", "nope.token"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "--token-file: "));
    CHECK(contains(r.err, "nope.token"));
    r = s.run(V{"registry", "state", "--url", w.url(), "--ca", s.tls.ca(), "--token-file", "short.token"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "shorter than the 16 characters registryd requires"));
    CHECK_FALSE(contains(r.err, "too-short"));
    for (const auto& token_args : {std::vector<std::string>{"--token", "hunter2-is-my-admin-token"},
                                   std::vector<std::string>{"--token=hunter2-is-my-admin-token"}}) {
        r = s.run(std::vector<std::string>{"registry", "revoke", "--pass", "1a2b3c4d5e06", "--url", w.url(), "--ca", s.tls.ca()} +
                  token_args);
        CHECK(r.code == 2);
        CHECK(r.one_error_line());
        CHECK(contains(r.err, "--token: the admin token is never taken on the command line"));
        CHECK_FALSE(contains(r.err, "hunter2"));
    }
    // A stray argument is refused without being repeated: it may be a secret in the wrong place.
    r = s.run(std::vector<std::string>{"registry", "state", "hunter2-is-my-admin-token"} + conn);
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK_FALSE(contains(r.err, "hunter2"));
    // A CA file that is not one is an input error too: nothing is sent without verification.
    spit(s.dir.path / "junk.pem", "not a certificate\n");
    r = s.run(V{"registry", "state", "--url", w.url(), "--ca", "junk.pem", "--token-file", "admin.token"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "TLS CA file junk.pem"));

    CHECK(w.connections() == 0);
}

TEST_CASE("every registry command has a --help, and passctl --help lists the group") {
    Scratch s;
    for (const std::string cmd : {"issue", "revoke", "suspend", "unsuspend", "shared-list", "freight", "import", "add-issuer", "events",
                                  "snapshot", "state", "head"}) {
        const auto r = s.run(V{"registry", cmd, "--help"});
        INFO(cmd << ": " << r.err);
        CHECK(r.code == 0);
        CHECK(r.err.empty());
        CHECK(contains(r.out, "passctl registry " + cmd + " "));
        CHECK(contains(r.out, "--token-file FILE"));
    }
    // Both ways of issuing list the same fields for each pass type.
    const auto local = s.run(V{"issue", "--help"});
    const auto remote = s.run(V{"registry", "issue", "--help"});
    const std::string fields = "fields by type:\n";
    REQUIRE(contains(local.out, fields));
    REQUIRE(contains(remote.out, fields));
    const auto block = [&](const std::string& out) {
        const auto at = out.find(fields);
        auto text = out.substr(at, out.find("\n\n", at) - at);  // to a blank line or the end
        while (text.ends_with('\n')) text.pop_back();
        return text;
    };
    CHECK(block(local.out) == block(remote.out));
    CHECK(contains(block(remote.out), "quarantine-release  --region REGION  holder"));
    const auto group = s.run(V{"registry", "--help"});
    CHECK(group.code == 0);
    CHECK(contains(group.out, "usage: passctl registry COMMAND"));
    const auto top = s.run(V{"--help"});
    CHECK(top.code == 0);
    CHECK(contains(top.out, "registry  issue, revoke, suspend"));
}
