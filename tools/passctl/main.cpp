// passctl: keys, issuer certificates, issuing and verifying passes, and a registry's admin
// API (registry_commands.h).
//
// Exit codes (cli.h): 0 success (verify: the pass is valid), 1 refused (verify: the pass;
// registry commands: the registry refused or could not be reached), 2 usage or input error
// (one line on stderr naming the problem; a registry command then sent nothing), 3 failure
// not of the input (out of memory, file system, a bug), one line saying what.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>

#include "gateway/core/codec.h"
#include "gateway/core/json.h"
#include "gateway/core/time.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/key_file.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/credential/pass_json.h"
#include "gateway/credential/trust.h"
#include "gateway/credential/verifier.h"
#include "gateway/decision/decision.h"
#include "gateway/vision/qr_writer.h"
#include "tools/common/args.h"
#include "tools/passctl/cli.h"
#include "tools/passctl/pass_options.h"
#include "tools/passctl/registry_commands.h"

namespace {

using namespace gw;
using namespace gw::credential;
using namespace gw::passctl;
using gw::tools::Args;
using gw::tools::OptionSpec;

constexpr const char* kUsageText = R"(passctl: keys, certificates and passes for checkpoint gateways

usage: passctl COMMAND [options]    (passctl COMMAND --help for details)

commands:
  keygen    make a root, issuer or registry key pair, or a holder-token key
  certify   a root signs an issuer certificate (scope, pass types, validity)
  issue     sign a pass and print its QR payload (optionally write the QR as PNG)
  verify    verify a payload against a trust directory; prints a JSON verdict
  inspect   decode a payload without verifying it; prints JSON
  registry  issue, revoke, suspend ... through a registry's HTTPS admin API
)";

constexpr const char* kKeygenHelp = R"(usage: passctl keygen --role root|issuer|registry --province NN --name LABEL --out PREFIX
       passctl keygen --token --name LABEL --out FILE

Writes PREFIX.key (secret, mode 0600) and PREFIX.pub. Never overwrites; never prints a secret.
--token writes the registries' shared holder-token key instead (secret, 0600).
)";

constexpr const char* kCertifyHelp = R"(usage: passctl certify --root ROOT.key --issuer ISSUER.pub --key-id N --scope PREFIX
                       --types LIST --from TIME --until TIME --name TEXT --out FILE.cert

--key-id   1..65535, unique among the issuer keys of this root's province
--scope    GB/T 2260 prefix inside the root's province: 33, 3304 or 330482
--types    commuter, work-commute, freight, quarantine-release (comma-separated)
--from/--until  2020-02-20, 2020-02-20T08:00, ...+08:00 or @UNIX (CST when no zone)
)";

constexpr const char* kIssueHelp = R"(usage: passctl issue --issuer ISSUER.key --cert ISSUER.cert --type TYPE --from DATE
                     (--until DATE | --days N) [fields] [--qr FILE.png [--module-px N]]

holder: --name FULL_NAME and either --id-number ID --token-key TOKEN.key
        or --id-tail LAST4 --holder-token HEX12. Only the masked name, the last 4 ID
        characters and the token go into the pass.
--pass-id HEX12   (default: random)
Prints the payload on stdout.
)";

constexpr const char* kVerifyHelp = R"(usage: passctl verify (PAYLOAD | -) --trust DIR [--at TIME]

Verifies a pass as a gateway does (proto/credential.md) and prints a JSON verdict on stdout:
"valid", "at", "reasons" (codes), "messages" (Chinese / English), and for a pass that verified
"pass" and "issuer". Exit 0 valid, 1 refused, 2 usage or input error.

PAYLOAD   the text of the QR code, CP1:...; - reads it from stdin. Trailing CR and LF are
          dropped, nothing else: a payload never ends with a space.
--trust   DIR holds trust.conf ([root NAME] sections) and issuer *.cert files. A .cert file
          that does not parse or does not chain to a root of trust.conf for its province
          (forged root, another province's root, bad root signature, a key id already
          taken) vouches for nothing: one line "passctl: warning: FILE: why ..." on stderr, and
          its passes are refused as UNKNOWN_ISSUER; the other certificates still decide.
          A missing or broken trust.conf is an input error (exit 2).
--at      the decision time (default: now):
            2020-03-01                 00:00 China Standard Time (UTC+08:00) that day
            2020-03-01T08:30           CST; a space may replace the T
            2020-03-01T08:30:15        seconds 00-60
            2020-03-01T00:30:15Z       UTC
            2020-03-01T08:30:15+08:00  any offset -14:59..+14:59
            @1583022615                Unix seconds
          Years 0000-9999; a date that does not exist (2020-02-30) is an input error.

Refused with one reason: MALFORMED (not a well-formed pass), UNKNOWN_ISSUER, BAD_SIGNATURE.
A pass that verified is refused with every reason that applies at TIME, together:
ISSUER_OUT_OF_SCOPE, ISSUER_EXPIRED, NOT_YET_VALID, EXPIRED.
)";

constexpr const char* kInspectHelp = R"(usage: passctl inspect (PAYLOAD | -)

Decodes a payload without verifying anything and prints its fields as JSON.
)";

bool wants_help(int argc, char** argv) {
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") return true;
    return false;
}

Result<std::string> read_payload(const Args& args) {
    if (args.positional().size() != 1) return failure("give one payload, or - to read it from stdin");
    std::string p = args.positional()[0];
    if (p == "-") {
        p.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (p.size() > 4096) return failure("stdin: more than 4096 bytes: not a payload");
    }
    // Only line ends: anything else is the payload's, and trailing blanks make it MALFORMED
    // (canonical Base45 never ends with a space, proto/credential.md §1).
    while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
    if (p.empty()) return failure("empty payload");
    return p;
}

int keygen(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2,
                            {{"role"}, {"province"}, {"name"}, {"out"}, {"token", false}});
    if (!args) return usage_error(args.error().message);
    auto name = args->required("name");
    auto out = args->required("out");
    if (!name) return usage_error(name.error().message);
    if (!out) return usage_error(out.error().message);
    if (args->has("token")) {
        if (args->has("role") || args->has("province")) return usage_error("--token takes no --role or --province");
        if (auto ok = write_token_key(*out, *name, random_key32()); !ok) return usage_error(ok.error().message);
        std::printf("wrote holder-token key %s (mode 0600)\n", out->c_str());
        return kOk;
    }
    auto role_text = args->required("role");
    if (!role_text) return usage_error(role_text.error().message);
    auto role = parse_role(*role_text);
    if (!role) return usage_error(role.error().message);
    auto province_text = args->required("province");
    if (!province_text) return usage_error(province_text.error().message);
    auto province = parse_u32(*province_text, "province", 99);
    if (!province || !is_province(*province)) return usage_error("bad province '" + *province_text + "': not GB/T 2260");
    const auto kp = generate_keypair();
    if (auto ok = write_keypair(*out, *role, *province, *name, kp); !ok) return usage_error(ok.error().message);
    std::printf("wrote %s.key (secret, mode 0600) and %s.pub, %s key %s\n", out->c_str(), out->c_str(),
                std::string(role_name(*role)).c_str(), fingerprint(kp.public_key).c_str());
    return kOk;
}

int certify(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2,
                            {{"root"}, {"issuer"}, {"key-id"}, {"scope"}, {"types"}, {"from"}, {"until"}, {"name"}, {"out"}});
    if (!args) return usage_error(args.error().message);
    for (const char* n : {"root", "issuer", "key-id", "scope", "types", "from", "until", "name", "out"})
        if (auto v = args->required(n); !v) return usage_error(v.error().message);
    auto root = load_secret_key(*args->get("root"));
    if (!root) return usage_error(root.error().message);
    if (root->role != KeyRole::kRoot) return usage_error(*args->get("root") + ": not a root key");
    auto issuer = load_public_key(*args->get("issuer"));
    if (!issuer) return usage_error(issuer.error().message);
    if (issuer->role != KeyRole::kIssuer) return usage_error(*args->get("issuer") + ": not an issuer public key");
    auto key_id = parse_u32(*args->get("key-id"), "key id", 0xFFFF);
    if (!key_id || *key_id == 0) return usage_error("bad key id '" + *args->get("key-id") + "': expected 1..65535");
    auto scope = parse_scope(*args->get("scope"));
    if (!scope) return usage_error(scope.error().message);
    if (scope->province() != root->province)
        return usage_error("scope " + scope->prefix + " is outside the root's province " + std::to_string(root->province));
    IssuerCert cert;
    for (const auto& t : split_list(*args->get("types"))) {
        auto type = parse_pass_type(t);
        if (!type) return usage_error(type.error().message);
        cert.type_mask |= type_bit(*type);
    }
    auto from = parse_time(*args->get("from"));
    auto until = parse_time(*args->get("until"));
    if (!from) return usage_error(from.error().message);
    if (!until) return usage_error(until.error().message);
    if (*until <= *from) return usage_error("--until must be after --from");
    cert.province = root->province;
    cert.key_id = static_cast<std::uint16_t>(*key_id);
    cert.key = issuer->key;
    cert.scope = *scope;
    cert.not_before = *from;
    cert.not_after = *until;
    cert.name = *args->get("name");
    auto parsed = parse_certificate(sign_certificate(cert, root->key));
    if (!parsed) return usage_error(parsed.error().message);
    if (auto ok = write_certificate_file(*args->get("out"), *parsed); !ok) return usage_error(ok.error().message);
    std::printf("wrote %s: key id %u, scope %s\n", args->get("out")->c_str(), *key_id, scope->prefix.c_str());
    return kOk;
}

int issue(int argc, char** argv) {
    auto specs = pass_option_specs();
    for (const char* n : {"issuer", "cert", "qr", "module-px"}) specs.push_back({n});
    auto args = Args::parse(argc, argv, 2, specs);
    if (!args) return usage_error(args.error().message);
    const Args& a = *args;
    for (const char* n : {"issuer", "cert"})
        if (auto v = a.required(n); !v) return usage_error(v.error().message);
    auto key = load_secret_key(*a.get("issuer"));
    if (!key) return usage_error(key.error().message);
    if (key->role != KeyRole::kIssuer) return usage_error(*a.get("issuer") + ": not an issuer secret key");
    auto cert = load_certificate_file(*a.get("cert"));
    if (!cert) return usage_error(cert.error().message);
    if (!(public_of(key->key) == cert->key))
        return usage_error(*a.get("cert") + ": certifies another key than " + *a.get("issuer"));

    auto pass = pass_from_options(a);
    if (!pass) return usage_error(pass.error().message);
    Pass& p = *pass;
    if (!cert->allows(p.type)) return usage_error("the certificate does not allow " + std::string(type_name(p.type)) + " passes");
    if (!cert->scope.covers(p.issuing_region))
        return usage_error("issuing region " + p.issuing_region.text() + " is outside the certificate's scope " + cert->scope.prefix);
    p.key_id = cert->key_id;
    if (!a.has("pass-id")) p.id.value = random_u64() >> 16;
    if (p.type != PassType::kFreight) {
        auto h = holder_from_options(a);
        if (!h) return usage_error(h.error().message);
        p.holder = *h;
    }
    auto payload = sign_pass(p, key->key);
    if (!payload) return usage_error(payload.error().message);
    if (auto qr = a.get("qr")) {
        auto px = parse_u32(a.get("module-px").value_or("8"), "module size", 64);
        if (!px || *px == 0) return usage_error("bad --module-px: expected 1..64");
        if (auto ok = vision::write_qr_png(*payload, *qr, static_cast<int>(*px)); !ok) return usage_error(ok.error().message);
    }
    std::printf("%s\n", payload->c_str());
    return kOk;
}

int verify(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2, {{"trust"}, {"at"}});
    if (!args) return usage_error(args.error().message);
    auto payload = read_payload(*args);
    if (!payload) return usage_error(payload.error().message);
    auto dir = args->required("trust");
    if (!dir) return usage_error(dir.error().message);
    TimePoint at = std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now());
    if (auto t = args->get("at")) {
        auto parsed = parse_time(*t);
        if (!parsed) return usage_error(parsed.error().message);
        at = *parsed;
    }
    auto trust = load_trust_dir(*dir);
    if (!trust) return usage_error(trust.error().message);
    for (const auto& w : trust->warnings) std::fprintf(stderr, "passctl: warning: %s (证书已跳过 / certificate skipped)\n", w.c_str());
    const auto verified = Verifier(trust->issuers).verify(*payload);
    std::vector<Reason> reasons;
    std::string detail;
    if (verified) {
        reasons = decision::credential_reasons(*verified, at);
    } else {
        reasons.push_back(verified.error().reason);
        detail = verified.error().detail;
    }
    const bool valid = reasons.empty();
    if (valid) reasons.push_back(Reason::kOk);
    JsonWriter w;
    w.begin_object();
    w.field("valid", valid).field("at", format_time(at));
    w.key("reasons").begin_array();
    for (auto r : reasons) w.value(code_name(r));
    w.end_array();
    w.key("messages").begin_array();
    for (auto r : reasons) w.value(std::string(message(r, Lang::kZh)) + " / " + std::string(message(r, Lang::kEn)));
    w.end_array();
    if (!detail.empty()) w.field("detail", detail);
    if (verified) {
        w.key("pass");
        write_pass_json(w, verified->pass);
        w.key("issuer");
        write_issuer_json(w, verified->issuer);
    }
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    return valid ? kOk : kRefused;
}

int inspect(int argc, char** argv) {
    auto args = Args::parse(argc, argv, 2, {});
    if (!args) return usage_error(args.error().message);
    auto payload = read_payload(*args);
    if (!payload) return usage_error(payload.error().message);
    auto decoded = decode_payload(*payload);
    if (!decoded) return usage_error(decoded.error().message);
    JsonWriter w;
    w.begin_object().field("verified", false).key("pass");
    write_pass_json(w, decoded->pass);
    w.field("signature", to_hex(decoded->signature)).field("payload_chars", static_cast<std::uint64_t>(payload->size()));
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(kUsageText, stderr);
        return kUsage;
    }
    const std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::fputs(kUsageText, stdout);
        return kOk;
    }
    // A group of its own, with a --help for each of its commands.
    if (cmd == "registry") return run_command("registry", [&] { return registry_command(argc, argv); });
    struct Command {
        const char* name;
        int (*run)(int, char**);
        const char* help;
        const char* help_tail = nullptr;  ///< printed after help (shared with passctl registry)
    };
    static const Command commands[] = {{"keygen", keygen, kKeygenHelp},   {"certify", certify, kCertifyHelp},
                                       {"issue", issue, kIssueHelp, kFieldsByTypeHelp},      {"verify", verify, kVerifyHelp},
                                       {"inspect", inspect, kInspectHelp}};
    for (const auto& c : commands) {
        if (cmd != c.name) continue;
        if (wants_help(argc, argv)) {
            std::fputs(c.help, stdout);
            if (c.help_tail) std::fputs(c.help_tail, stdout);
            return kOk;
        }
        return run_command(c.name, [&] { return c.run(argc, argv); });
    }
    return usage_error("unknown command '" + cmd + "' (keygen, certify, issue, verify, inspect, registry; --help)");
}
