// passctl as its users meet it: a real subprocess in a fresh directory, judged by its exit
// code (0 ok / valid, 1 refused, 2 usage or input error), stdout and stderr.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tests/tools/passctl_run.h"

namespace fs = std::filesystem;

namespace {

using gw::testing::passctl;
using gw::testing::Run;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }


/// The value of `key = value` in a conf-format file.
std::string conf_value(const fs::path& file, std::string_view key) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(std::string(key) + " = ")) return line.substr(key.size() + 3);
    FAIL("no '" << key << "' in " << file);
    return {};
}

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

/// A fresh directory holding a Zhejiang root, a Pinghu issuer certified for scope 3304 and
/// every pass type, a holder-token key, and trust/ (trust.conf and the issuer certificate).
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        char tmpl[] = "/tmp/gw-passctl-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~ScratchDir() { fs::remove_all(path); }
};

struct World {
    ScratchDir scratch;  // removed even when setting up the rest fails
    const fs::path& dir = scratch.path;

    World() {
        fs::create_directory(dir / "trust");
        ok({"keygen", "--role", "root", "--province", "33", "--name", "zhejiang-root", "--out", "zj-root"});
        ok({"keygen", "--role", "issuer", "--province", "33", "--name", "pinghu", "--out", "pinghu"});
        ok({"keygen", "--token", "--name", "yrd-token", "--out", "token.key"});
        ok({"certify", "--root", "zj-root.key", "--issuer", "pinghu.pub", "--key-id", "7", "--scope", "3304", "--types",
            "commuter, work-commute, freight, quarantine-release", "--from", "2020-01-15", "--until", "2021-01-15",
            "--name", "嘉兴市平湖市疫情防控工作领导小组", "--out", "trust/pinghu.cert"});
        spit(dir / "trust" / "trust.conf",
             "[root zhejiang]\nprovince = 33\npublic-key = " + conf_value(dir / "zj-root.pub", "public") +
                 "\npass-types = commuter, work-commute, freight, quarantine-release\n");
    }

    Run run(const std::vector<std::string>& args, const std::string& input = "") const { return passctl(dir, args, input); }
    void ok(const std::vector<std::string>& args) const {
        const auto r = run(args);
        INFO("passctl " << args.front() << ": " << r.err);
        REQUIRE(r.code == 0);
    }

    /// passctl issue with the Pinghu key and certificate, then `fields`; the payload.
    Run issue(const std::vector<std::string>& fields) const {
        std::vector<std::string> args{"issue", "--issuer", "pinghu.key", "--cert", "trust/pinghu.cert"};
        args.insert(args.end(), fields.begin(), fields.end());
        return run(args);
    }
    std::string issued(const std::vector<std::string>& fields) const {
        const auto r = issue(fields);
        INFO("passctl issue: " << r.err);
        REQUIRE(r.code == 0);
        REQUIRE(r.out.starts_with("CP1:"));
        REQUIRE(r.out.ends_with("\n"));
        return r.out.substr(0, r.out.size() - 1);
    }
    Run verify(const std::string& payload, const std::string& at = "2020-03-02T08:00") const {
        return run({"verify", payload, "--trust", "trust", "--at", at});
    }
};

const std::vector<std::string> kCommuter{
    "--type", "commuter", "--from", "2020-02-20", "--until", "2020-06-30", "--home", "310116", "--work", "330482",
    "--enterprise", "91330482MA28A1B2C0", "--personal-letter", "1001", "--enterprise-letter", "55",
    "--name", "张三明", "--id-number", "31011619850312428X", "--token-key", "token.key", "--plate", "沪A12345"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

/// `args` with the value after `option` replaced.
std::vector<std::string> replaced(std::vector<std::string> args, const std::string& option, const std::string& value) {
    const auto it = std::find(args.begin(), args.end(), option);
    REQUIRE(it != args.end());
    *(it + 1) = value;
    return args;
}

void check_valid(const World& w, const std::string& payload, std::string_view type) {
    const auto r = w.verify(payload);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(contains(r.out, R"("valid":true)"));
    CHECK(contains(r.out, R"("reasons":["OK"])"));
    CHECK(contains(r.out, R"("type":")" + std::string(type) + '"'));
    CHECK(r.err.empty());
}

}  // namespace

TEST_CASE("keygen writes a 0600 secret key and a public key and never prints the secret") {
    World w;
    const auto r = w.run({"keygen", "--role", "issuer", "--province", "31", "--name", "jinshan-1", "--out", "jinshan"});
    REQUIRE(r.code == 0);
    struct stat st{};
    REQUIRE(::stat((w.dir / "jinshan.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(fs::exists(w.dir / "jinshan.pub"));
    CHECK(conf_value(w.dir / "jinshan.key", "kind") == "issuer-secret");
    CHECK(conf_value(w.dir / "jinshan.pub", "kind") == "issuer-public");
    const auto secret = conf_value(w.dir / "jinshan.key", "secret");
    CHECK(secret.size() == 88);  // base64 of 64 bytes
    CHECK_FALSE(contains(r.out, secret));
    CHECK_FALSE(contains(r.err, secret));
    CHECK_FALSE(contains(slurp(w.dir / "jinshan.pub"), secret));
    CHECK(contains(r.out, "jinshan.key"));
}

TEST_CASE("keygen writes the holder-token key 0600 and never prints it") {
    World w;
    const auto r = w.run({"keygen", "--token", "--name", "t2", "--out", "t2.key"});
    REQUIRE(r.code == 0);
    struct stat st{};
    REQUIRE(::stat((w.dir / "t2.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto secret = conf_value(w.dir / "t2.key", "secret");
    CHECK_FALSE(contains(r.out + r.err, secret));
}

TEST_CASE("keygen refuses to overwrite an existing key and leaves it as it was") {
    World w;
    const auto before_key = slurp(w.dir / "pinghu.key");
    const auto before_pub = slurp(w.dir / "pinghu.pub");
    const auto r = w.run({"keygen", "--role", "issuer", "--province", "33", "--name", "pinghu", "--out", "pinghu"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "already exists"));
    CHECK(slurp(w.dir / "pinghu.key") == before_key);
    CHECK(slurp(w.dir / "pinghu.pub") == before_pub);
}

TEST_CASE("a commuter pass with a plate is issued and verifies as valid") {
    World w;
    const auto payload = w.issued(kCommuter);
    check_valid(w, payload, "commuter");
    const auto out = w.verify(payload).out;
    CHECK(contains(out, R"("plates":["沪A12345"])"));
    CHECK(contains(out, R"("issuer":{"name":"嘉兴市平湖市疫情防控工作领导小组","province":33,"key_id":7,"scope":"3304")"));
}

TEST_CASE("a work-commute pass is issued and verifies as valid") {
    World w;
    check_valid(w,
                w.issued({"--type", "work-commute", "--from", "2020-02-20", "--days", "90", "--home", "310116", "--work",
                          "330482", "--enterprise", "91310116MA1J8K9L0X", "--name", "王小红", "--id-tail", "3344",
                          "--holder-token", "0123456789ab"}),
                "work-commute");
}

TEST_CASE("a freight pass bound to two plates is issued and verifies as valid with both plates") {
    World w;
    const auto payload = w.issued({"--type", "freight", "--from", "2020-02-20", "--until", "2020-06-30", "--region",
                                   "330482", "--enterprise", "91330482MA29B3C4DK", "--plate", "浙F12345", "--plate",
                                   "浙F·6789挂"});
    check_valid(w, payload, "freight");
    CHECK(contains(w.verify(payload).out, R"("plates":["浙F12345","浙F6789挂"])"));
}

TEST_CASE("a quarantine release notice is issued and verifies as valid") {
    World w;
    check_valid(w,
                w.issued({"--type", "quarantine-release", "--from", "2020-02-24", "--days", "30", "--region", "330482",
                          "--name", "赵六", "--id-number", "310116199002023346", "--token-key", "token.key"}),
                "quarantine-release");
}

TEST_CASE("verify refuses an expired pass with exit 1 and EXPIRED") {
    World w;
    const auto payload = w.issued(replaced(replaced(kCommuter, "--from", "2020-02-01"), "--until", "2020-02-29"));
    const auto r = w.verify(payload, "2020-03-02T08:00");
    CHECK(r.code == 1);
    CHECK(contains(r.out, R"("valid":false)"));
    CHECK(contains(r.out, R"("reasons":["EXPIRED"])"));
    // The same pass was valid on its last day.
    CHECK(w.verify(payload, "2020-02-29T23:59").code == 0);
}

TEST_CASE("verify refuses a pass from an issuer of an untrusted root with exit 1 and UNKNOWN_ISSUER") {
    World w;
    fs::create_directory(w.dir / "rogue");
    w.ok({"keygen", "--role", "root", "--province", "33", "--name", "rogue-root", "--out", "rogue/root"});
    w.ok({"keygen", "--role", "issuer", "--province", "33", "--name", "rogue", "--out", "rogue/issuer"});
    w.ok({"certify", "--root", "rogue/root.key", "--issuer", "rogue/issuer.pub", "--key-id", "5", "--scope", "3304",
          "--types", "commuter", "--from", "2020-01-01", "--until", "2021-01-01", "--name", "伪造签发机关", "--out",
          "rogue/issuer.cert"});
    const auto issued = w.run(with({"issue", "--issuer", "rogue/issuer.key", "--cert", "rogue/issuer.cert"}, kCommuter));
    REQUIRE(issued.code == 0);
    const auto payload = issued.out.substr(0, issued.out.size() - 1);
    const auto r = w.verify(payload);
    CHECK(r.code == 1);
    CHECK(contains(r.out, R"("valid":false)"));
    CHECK(contains(r.out, R"("reasons":["UNKNOWN_ISSUER"])"));
}

TEST_CASE("verify reads the payload from stdin when given -") {
    World w;
    const auto payload = w.issued(kCommuter);
    const auto r = w.run({"verify", "-", "--trust", "trust", "--at", "2020-03-02T08:00"}, payload + "\n");
    CHECK(r.code == 0);
    CHECK(contains(r.out, R"("valid":true)"));
    CHECK(contains(r.out, R"("pass_id":)"));
}

TEST_CASE("inspect shows the masked name and never the full name or the ID number") {
    World w;
    const auto payload = w.issued(kCommuter);
    const auto r = w.run({"inspect", payload});
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, R"("verified":false)"));
    CHECK(contains(r.out, R"("name":"张*明")"));
    CHECK(contains(r.out, R"("id_tail":"428X")"));
    CHECK_FALSE(contains(r.out, "张三明"));
    CHECK_FALSE(contains(r.out, "31011619850312428X"));
    CHECK_FALSE(contains(r.out, "3101161985"));
    CHECK_FALSE(contains(w.verify(payload).out, "张三明"));
}

TEST_CASE("issue --qr writes a PNG of the payload") {
    World w;
    const auto r = w.issue(with(kCommuter, {"--qr", "pass.png", "--module-px", "4"}));
    REQUIRE(r.code == 0);
    CHECK(r.out.starts_with("CP1:"));
    const auto png = slurp(w.dir / "pass.png");
    REQUIRE(png.size() > 8);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_CASE("--help of every command prints its usage and exits 0") {
    World w;
    for (const std::string cmd : {"keygen", "certify", "issue", "verify", "inspect"}) {
        CAPTURE(cmd);
        const auto r = w.run({cmd, "--help"});
        CHECK(r.code == 0);
        CHECK(r.out.starts_with("usage: passctl " + cmd));
        CHECK(r.err.empty());
    }
    const auto top = w.run({"--help"});
    CHECK(top.code == 0);
    CHECK(contains(top.out, "commands:"));
}

TEST_CASE("a missing key file is a usage error naming the file") {
    World w;
    const auto r = w.run(with({"issue", "--issuer", "nope.key", "--cert", "trust/pinghu.cert"}, kCommuter));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "nope.key: cannot open"));
}

TEST_CASE("a public key where a secret key is needed is a usage error saying so") {
    World w;
    const auto r = w.run(with({"issue", "--issuer", "pinghu.pub", "--cert", "trust/pinghu.cert"}, kCommuter));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "pinghu.pub"));
    CHECK(contains(r.err, "'issuer-public' file, expected a *-secret key"));
}

TEST_CASE("a key file with corrupt base64 is a usage error naming the key") {
    World w;
    auto text = slurp(w.dir / "pinghu.key");
    const auto at = text.find("secret = ");
    REQUIRE(at != std::string::npos);
    text.replace(at + 9, 4, "*!*!");
    spit(w.dir / "corrupt.key", text);
    const auto r = w.run(with({"issue", "--issuer", "corrupt.key", "--cert", "trust/pinghu.cert"}, kCommuter));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "corrupt.key"));
    CHECK(contains(r.err, "key 'secret': expected base64 of 64 bytes"));
}

TEST_CASE("a unified social credit code with a wrong check character is a usage error") {
    World w;
    const auto r = w.issue(replaced(kCommuter, "--enterprise", "91330482MA28A1B2C1"));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "91330482MA28A1B2C1"));
    CHECK(contains(r.err, "check character does not match"));
}

TEST_CASE("an unknown pass type is a usage error listing the known ones") {
    World w;
    const auto r = w.issue(replaced(kCommuter, "--type", "bicycle"));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "unknown pass type 'bicycle'"));
}

TEST_CASE("a date that does not exist is a usage error") {
    World w;
    const auto r = w.issue(replaced(kCommuter, "--from", "2020-02-30"));
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "bad date '2020-02-30': no such day"));
}

TEST_CASE("an empty payload is a usage error, given as an argument or on stdin") {
    World w;
    const auto arg = w.verify("");
    CHECK(arg.code == 2);
    CHECK(arg.one_error_line());
    CHECK(contains(arg.err, "empty payload"));
    const auto in = w.run({"verify", "-", "--trust", "trust"}, "\n");
    CHECK(in.code == 2);
    CHECK(in.one_error_line());
    CHECK(contains(in.err, "empty payload"));
    const auto inspect = w.run({"inspect", ""});
    CHECK(inspect.code == 2);
    CHECK(inspect.one_error_line());
}

/// The payload with the character at `i` replaced by the next one of the Base45 alphabet.
std::string changed_at(std::string payload, std::size_t i) {
    constexpr std::string_view kBase45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    payload[i] = kBase45[(kBase45.find(payload[i]) + 1) % kBase45.size()];
    return payload;
}

TEST_CASE("a payload with one changed character in its signature is refused with exit 1 and MALFORMED or BAD_SIGNATURE") {
    World w;
    const auto payload = w.issued(kCommuter);
    // The last 90 characters encode 60 bytes, all of them inside the 64-byte signature.
    REQUIRE(payload.size() > 4 + 90);
    for (std::size_t i = payload.size() - 90; i < payload.size() - 1; i += 11) {
        CAPTURE(i);
        const auto r = w.verify(changed_at(payload, i));
        CHECK(r.code == 1);
        CHECK(contains(r.out, R"("valid":false)"));
        CHECK((contains(r.out, R"("reasons":["MALFORMED"])") || contains(r.out, R"("reasons":["BAD_SIGNATURE"])")));
        CHECK(r.err.empty());
    }
}

TEST_CASE("no single changed character anywhere in a payload makes it verify") {
    World w;
    const auto payload = w.issued(kCommuter);
    for (std::size_t i = 4; i < payload.size() - 1; i += 5) {
        CAPTURE(i);
        const auto r = w.verify(changed_at(payload, i));
        CHECK(r.code == 1);
        CHECK(contains(r.out, R"("valid":false)"));
        CHECK_FALSE(contains(r.out, R"("reasons":["OK"])"));
    }
}

TEST_CASE("an unknown option is a usage error naming it") {
    World w;
    const auto r = w.run({"verify", "CP1:X", "--trust", "trust", "--colour", "red"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "unknown option --colour"));
}

TEST_CASE("an unknown command is a usage error naming it") {
    World w;
    const auto r = w.run({"frobnicate"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "unknown command 'frobnicate'"));
}

TEST_CASE("issuing for a region outside the certificate's scope is a usage error") {
    World w;
    const auto r = w.issue({"--type", "freight", "--from", "2020-02-20", "--days", "30", "--region", "310116",
                            "--enterprise", "91330482MA29B3C4DK", "--plate", "浙F12345"});
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "issuing region 310116 is outside the certificate's scope 3304"));
}

TEST_CASE("an ID number with a wrong check digit is a usage error that does not repeat the number") {
    World w;
    // The check characters of these two would be 6 and 2 (GB 11643).
    for (const std::string id : {"310116199002023345", "31011619850312421X"}) {
        CAPTURE(id);
        const auto r = w.issue(replaced(kCommuter, "--id-number", id));
        CHECK(r.code == 2);
        CHECK(r.one_error_line());
        CHECK(contains(r.err, "bad ID number: check character does not match"));
        CHECK_FALSE(contains(r.err, id));
    }
}

namespace {

/// How a certificate in trust/ fails to vouch for its issuer.
enum class Skipped { kForgedRoot, kOtherProvinceRoot, kBadSignature, kUnparsable };

/// Adds a Jiashan issuer (key id 9) whose certificate in trust/ is broken as `how`, beside the
/// good Pinghu one; returns a commuter pass signed by the Jiashan key.
std::string add_skipped_issuer(const World& w, Skipped how) {
    w.ok({"keygen", "--role", "issuer", "--province", "33", "--name", "jiashan", "--out", "jiashan"});
    const auto certify = [&](const std::string& root, const std::string& out) {
        w.ok({"certify", "--root", root, "--issuer", "jiashan.pub", "--key-id", "9", "--scope", "3304", "--types",
              "commuter", "--from", "2020-01-15", "--until", "2021-01-15", "--name", "嘉善县", "--out", out});
    };
    certify("zj-root.key", "jiashan.cert");  // genuine, outside trust/: only to issue with
    const auto bad = w.dir / "trust" / "jiashan.cert";
    switch (how) {
        case Skipped::kForgedRoot:
            w.ok({"keygen", "--role", "root", "--province", "33", "--name", "rogue-root", "--out", "rogue-root"});
            certify("rogue-root.key", "trust/jiashan.cert");
            break;
        case Skipped::kOtherProvinceRoot: {
            // A key this checkpoint trusts as Shanghai's root, used to certify a Zhejiang issuer.
            w.ok({"keygen", "--role", "root", "--province", "33", "--name", "sh-root", "--out", "sh-root"});
            certify("sh-root.key", "trust/jiashan.cert");
            std::ofstream(w.dir / "trust" / "trust.conf", std::ios::app)
                << "[root shanghai]\nprovince = 31\npublic-key = " << conf_value(w.dir / "sh-root.pub", "public")
                << "\npass-types = commuter\n";
            break;
        }
        case Skipped::kBadSignature: {
            // The root's signature is the last 64 bytes of the certificate data.
            auto text = slurp(w.dir / "jiashan.cert");
            const auto end = text.find('\n', text.find("data = "));
            char& c = text[end - 10];
            c = c == 'A' ? 'B' : 'A';
            spit(bad, text);
            break;
        }
        case Skipped::kUnparsable: spit(bad, "kind = issuer-certificate\ndata = AAAA\n"); break;
    }
    const auto r = w.run(with({"issue", "--issuer", "jiashan.key", "--cert", "jiashan.cert"}, kCommuter));
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.out.substr(0, r.out.size() - 1);
}

}  // namespace

TEST_CASE("verify skips a certificate that does not chain or parse with one warning, and decides from the rest") {
    struct Case {
        Skipped how;
        const char* why;
    };
    for (const auto& c : {Case{Skipped::kForgedRoot, "not certified by a root this checkpoint trusts"},
                          Case{Skipped::kOtherProvinceRoot, "root 'shanghai' is province 31"},
                          Case{Skipped::kBadSignature, "root signature does not verify"},
                          Case{Skipped::kUnparsable, "bad issuer certificate: not a SignedIssuerCertificate"}}) {
        CAPTURE(c.why);
        World w;
        const auto skipped_pass = add_skipped_issuer(w, c.how);
        const auto good_pass = w.issued(kCommuter);
        const auto is_the_warning = [&](const std::string& err) {
            return err.starts_with("passctl: warning: trust/jiashan.cert:") && contains(err, c.why) &&
                   contains(err, "证书已跳过 / certificate skipped") && err.ends_with("\n") &&
                   std::count(err.begin(), err.end(), '\n') == 1;
        };

        const auto good = w.verify(good_pass);
        INFO(good.out << good.err);
        CHECK(good.code == 0);
        CHECK(contains(good.out, R"("reasons":["OK"])"));
        CHECK(is_the_warning(good.err));

        const auto refused = w.verify(skipped_pass);
        INFO(refused.out << refused.err);
        CHECK(refused.code == 1);
        CHECK(contains(refused.out, R"("valid":false)"));
        CHECK(contains(refused.out, R"("reasons":["UNKNOWN_ISSUER"])"));
        CHECK(is_the_warning(refused.err));
    }
}

TEST_CASE("a broken trust.conf is still an input error with one line and no verdict") {
    World w;
    const auto payload = w.issued(kCommuter);
    spit(w.dir / "trust" / "trust.conf", "[root zhejiang]\nprovince = 77\n");
    const auto r = w.verify(payload);
    CHECK(r.code == 2);
    CHECK(r.one_error_line());
    CHECK(contains(r.err, "trust/trust.conf:2: [root zhejiang] key 'province': not a GB/T 2260 province code"));
}

TEST_CASE("verify --at accepts every form its help lists, and says which time it used") {
    World w;
    const auto payload = w.issued(kCommuter);
    const auto help = w.run({"verify", "--help"}).out;
    struct Form {
        const char* at;
        const char* used;
    };
    for (const auto& f : {Form{"2020-03-01", "2020-03-01T00:00:00+08:00"}, Form{"2020-03-01T08:30", "2020-03-01T08:30:00+08:00"},
                          Form{"2020-03-01T08:30:15", "2020-03-01T08:30:15+08:00"},
                          Form{"2020-03-01T00:30:15Z", "2020-03-01T08:30:15+08:00"},
                          Form{"2020-03-01T08:30:15+08:00", "2020-03-01T08:30:15+08:00"},
                          Form{"@1583022615", "2020-03-01T08:30:15+08:00"}}) {
        CAPTURE(f.at);
        CHECK(contains(help, std::string("\n            ") + f.at + " "));
        const auto r = w.verify(payload, f.at);
        CHECK(r.code == 0);
        CHECK(contains(r.out, std::string(R"("at":")") + f.used + '"'));
    }
    CHECK(contains(w.verify(payload, "2020-03-01 08:30").out, R"("at":"2020-03-01T08:30:00+08:00")"));
    CHECK(contains(w.verify(payload, "2020-03-01T08:30:15-05:30").out, R"("at":"2020-03-01T22:00:15+08:00")"));
    for (const std::string bad : {"now", "2020-02-30", "2020-03-01T24:00", "2020-03-01T08:30+15:00", "20200301", "@"}) {
        CAPTURE(bad);
        const auto r = w.verify(payload, bad);
        CHECK(r.code == 2);
        CHECK(r.one_error_line());
        CHECK(contains(r.err, "'" + bad + "'"));
    }
}

TEST_CASE("a pass that verified is refused with every reason that applies, a pass that did not with one") {
    World w;
    // 2021-02-01: after the certificate (until 2021-01-15) and the pass (until 2020-06-30).
    const auto late = w.verify(w.issued(kCommuter), "2021-02-01");
    CHECK(late.code == 1);
    CHECK(contains(late.out, R"("reasons":["ISSUER_EXPIRED","EXPIRED"])"));
    const auto unknown = w.verify(add_skipped_issuer(w, Skipped::kForgedRoot), "2021-02-01");
    CHECK(unknown.code == 1);
    CHECK(contains(unknown.out, R"("reasons":["UNKNOWN_ISSUER"])"));
}

TEST_CASE("a payload with a space after it is MALFORMED: only line ends are taken off") {
    World w;
    const auto payload = w.issued(kCommuter);
    REQUIRE(payload.back() != ' ');
    const auto arg = w.verify(payload + " ");
    CHECK(arg.code == 1);
    CHECK(contains(arg.out, R"("reasons":["MALFORMED"])"));
    const auto in = w.run({"verify", "-", "--trust", "trust", "--at", "2020-03-02T08:00"}, payload + " \r\n");
    CHECK(in.code == 1);
    CHECK(contains(in.out, R"("reasons":["MALFORMED"])"));
    CHECK(w.run({"verify", "-", "--trust", "trust", "--at", "2020-03-02T08:00"}, payload + "\r\n").code == 0);
}
