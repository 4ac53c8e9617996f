#include "tools/passctl/registry_commands.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/core/json.h"
#include "gateway/core/time.h"
#include "gateway/core/text.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/id_number.h"
#include "gateway/credential/key_file.h"
#include "gateway/credential/pass_codec.h"
#include "gateway/store/record.h"
#include "gateway/sync/log_format.h"
#include "gateway/vision/qr_writer.h"
#include "tools/common/args.h"
#include "tools/passctl/cli.h"
#include "tools/passctl/pass_options.h"
#include "tools/passctl/registry_client.h"
#include "tools/registry_api/answers.h"
#include "tools/registry_api/requests.h"

namespace gw::passctl {
namespace {

using namespace gw::credential;
using tools::Args;
using tools::OptionSpec;
namespace api = gw::registry_api;

constexpr const char* kGroupHelp = R"(usage: passctl registry COMMAND --url URL --ca CA.pem [--cert C.pem --key K.pem]
                                [--token-file FILE] [--timeout SECONDS] [options]

Talks to a registry's HTTPS API (registryd). Every command but head needs the admin token.

commands:
  issue        the registry signs a pass with an issuer key it holds; prints the payload
  revoke       revoke passes, commitment letters or issuer keys
  suspend      suspend enterprises (unsuspend lifts it)
  unsuspend
  shared-list  add holder tokens to the shared list, or remove them
  freight      publish a freight pass signed elsewhere
  import       append every record of a records file (config/README.md)
  add-issuer   publish an issuer certificate, with its secret key to issue here
  snapshot     compact the registry's log into a snapshot now
  state        the registry's state, as JSON
  events       the passage events the registry holds from one gateway
  head         the registry's signed head: version, seq, issued, expires
)";

constexpr const char* kConnectionHelp = R"(
connection:
  --url URL          the API's base, https://HOST:PORT/v1/
  --ca CA.pem        the CA of the registry's server certificate (always verified)
  --cert C.pem --key K.pem   a client certificate to present (head needs a gateway's)
  --token-file FILE  the admin bearer token, one line; all but head (never on the command line)
  --timeout SECONDS  for the whole exchange (default 30)

exit: 0 done, 1 the registry refused or could not be reached, 2 usage or input error
(nothing sent), 3 a failure of passctl itself (out of memory, file system). Errors are
one line on stderr.
)";

constexpr const char* kIssueHelp = R"(usage: passctl registry issue CONNECTION --key-id N --type TYPE --from DATE
                              (--until DATE | --days N) [fields] [--json] [--qr FILE.png [--module-px N]]

The registry signs the pass with its issuer key N of the issuing region's province (one it
holds the secret of: add-issuer --secret). The fields of each pass type are listed below.
holder: --name FULL_NAME and one of
        --id-number ID                    the registry derives the holder token
        --id-number ID --token-key FILE   the token is derived here; the ID number is not sent
        --id-tail LAST4 --holder-token HEX12
--pass-id HEX12   (default: the registry picks one)
Prints the payload on stdout (--json: the registry's answer: pass_id, type, payload).
)";

constexpr const char* kRevokeHelp = R"(usage: passctl registry revoke CONNECTION [--pass HEX12 ...] [--issuer-key PROVINCE:KEYID ...]
                               [--personal-letter N ... --enterprise-letter N ... --region REGION] [--json]

One revocation per option, all appended together (all or none):
  --pass HEX12           a pass, by its id (passctl inspect shows it)
  --personal-letter N    a personal commitment letter of the issuing region --region
  --enterprise-letter N  an enterprise commitment letter of --region
  --issuer-key 33:7      every pass an issuer key signed (province, key id)
Revocations are permanent. Prints where they landed in the log (--json: the registry's answer).
)";

constexpr const char* kSuspendHelp = R"(usage: passctl registry suspend CONNECTION --enterprise USCC [--enterprise USCC ...] [--json]
       passctl registry unsuspend CONNECTION --enterprise USCC [--enterprise USCC ...] [--json]

Suspends enterprises (passes naming them are refused) or lifts their suspension.
Prints where the records landed in the log (--json: the registry's answer).
)";

constexpr const char* kSharedListHelp = R"(usage: passctl registry shared-list CONNECTION [--add TOKEN ... [--day DATE]]
                                    [--remove TOKEN ...] [--json]

Adds holder tokens (12 hex digits, as passctl inspect shows them) to the shared list, listed
on --day (default: today, CST), or removes them. Prints where the records landed in the log
(--json: the registry's answer).
)";

constexpr const char* kFreightHelp = R"(usage: passctl registry freight CONNECTION (PAYLOAD | -) [--json]

Publishes a freight pass signed elsewhere (passctl issue --type freight) so that gateways
find it by each plate it binds. - reads the payload from stdin.
)";

constexpr const char* kImportHelp = R"(usage: passctl registry import CONNECTION (FILE | -) [--json]

Appends every record of a records file (config/README.md: the registry and as-of lines,
then one record a line) to the registry's log in one request: all land together or none.
The file is read whole and checked here first; a malformed one is refused in one line
naming the file and line, and nothing is sent. Its registry line must name the registry
the URL reaches (asked first: admin/state). The as-of line is not sent: the records are
the registry's as of when it appends them. - reads the file from stdin. At most 16 MiB.
)";

constexpr const char* kAddIssuerHelp = R"(usage: passctl registry add-issuer CONNECTION --certificate ISSUER.cert
                                   [--secret ISSUER.key] [--json]

Publishes an issuer certificate (passctl certify) in the registry's log; it must be of a
province the registry speaks for. With --secret the registry also keeps the issuer's secret
key and issues passes with it (registry issue). The secret is sent, never printed.
)";

constexpr const char* kSnapshotHelp = R"(usage: passctl registry snapshot CONNECTION [--json]

Compacts the registry's log into a signed snapshot now (it also does so on its own).
)";

constexpr const char* kStateHelp = R"(usage: passctl registry state CONNECTION

Prints the registry's state as JSON: log length, head, counts, issuers, gateways.
)";

constexpr const char* kEventsHelp = R"(usage: passctl registry events CONNECTION --gateway NAME [--json]

The passage events the registry holds from gateway NAME (its client certificate's CN): the
first and last seq, how many (each stored once, by seq) and how many arrived again since the
registry started (duplicates: resends whose answer was lost). Exit 1 when it holds none.
)";

constexpr const char* kHeadHelp = R"(usage: passctl registry head --url URL --ca CA.pem --cert C.pem --key K.pem
                             [--timeout SECONDS] [--json]

Fetches the registry's signed head with a gateway's client certificate (no admin token) and
prints registry, version, seq, segments, snapshot, issued and expires on one line (--json:
an object). The signature is checked against the registry certificate the head carries, not
against a trusted root: gateways do that.
)";

constexpr std::size_t kMaxAdminAnswer = 1u << 20;
constexpr std::size_t kMaxStateAnswer = 16u << 20;
constexpr std::size_t kMaxHeadAnswer = 64u << 10;  // proto/registry.md: a head over 64 KiB is refused
// registryd refuses shorter tokens (tools/registryd/config.h): no request could succeed.
constexpr std::size_t kMinTokenChars = 16;

std::vector<OptionSpec> with_connection(std::vector<OptionSpec> specs, bool admin) {
    for (const char* n : {"url", "ca", "cert", "key", "timeout"}) specs.push_back({n});
    if (admin) specs.push_back({"token-file"});
    return specs;
}

// A token on the command line is in every user's `ps` and in shell histories.
bool token_on_command_line(int argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--token" || arg.starts_with("--token=")) return true;
    }
    return false;
}

// The token comes from a file; only its first line counts (a trailing line break is not part
// of it). It goes into an HTTP header, so only visible ASCII is accepted.
Result<std::string> read_token(const std::string& path) {
    auto text = read_file(path, 4096);
    if (!text) return failure("--token-file: " + text.error().message);
    std::string_view line = *text;
    line = trim(line.substr(0, line.find('\n')));
    if (line.empty()) return failure("--token-file: " + path + ": no token in the file");
    for (const char c : line)
        if (c < 0x21 || c > 0x7E) return failure("--token-file: " + path + ": the token has characters other than visible ASCII");
    if (line.size() < kMinTokenChars)
        return failure("--token-file: " + path + ": the token is shorter than the 16 characters registryd requires");
    return std::string(line);
}

Result<RegistryTarget> target_from(const Args& a, bool admin) {
    RegistryTarget t;
    auto url = a.required("url");
    if (!url) return unexpected(url.error());
    auto parsed = sync::parse_url(*url);
    if (!parsed) return failure("--url: " + parsed.error().message);
    t.url = *parsed;
    auto ca = a.required("ca");
    if (!ca) return unexpected(ca.error());
    t.tls.ca_file = *ca;
    if (a.has("cert") != a.has("key")) return failure("give --cert and --key together (a client certificate and its key)");
    t.tls.cert_file = a.get("cert").value_or("");
    t.tls.key_file = a.get("key").value_or("");
    if (auto s = a.get("timeout")) {
        auto v = parse_u32(*s, "--timeout", 3600);
        if (!v || *v == 0) return failure("bad --timeout '" + *s + "': expected 1..3600 seconds");
        t.timeout = std::chrono::seconds{*v};
    }
    if (admin) {
        auto file = a.required("token-file");
        if (!file) return unexpected(file.error());
        auto token = read_token(*file);
        if (!token) return unexpected(token.error());
        t.token = std::move(*token);
    }
    return t;
}

Result<Args> parse_args(int argc, char** argv, const std::vector<OptionSpec>& specs, bool positional_ok = false) {
    auto args = Args::parse(argc, argv, 3, specs);
    if (!args) return unexpected(args.error());
    // Not echoed: a stray argument may be a secret pasted in the wrong place.
    if (!positional_ok && !args->positional().empty())
        return failure(std::string("unexpected argument (registry ") + argv[2] + " takes only --options; see --help)");
    return args;
}

// One request; the registry's answer on 200. The TLS files are loaded first: a file that is
// missing or refused is an input error, before anything is sent.
struct Sent {
    int code = kOk;
    std::string body;
};

Sent send(const RegistryTarget& target, const std::string& path, const std::optional<std::string>& post_body,
          std::size_t max_body) {
    auto client = RegistryClient::create(target);
    if (!client) return {usage_error(client.error().message), {}};
    auto answer = post_body ? (*client)->post(path, *post_body, max_body) : (*client)->get(path, max_body);
    if (!answer) return {refused(answer.error().message), {}};
    if (answer->status != 200) return {refused(api::refusal_line(answer->status, answer->body)), {}};
    return {kOk, std::move(answer->body)};
}

void print_body(const std::string& body) {
    std::fputs(body.c_str(), stdout);
    if (body.empty() || body.back() != '\n') std::fputc('\n', stdout);
}

std::string plural(std::uint64_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// An answer that does not read as the API says: the registry did something, but what is not
// known from here (exit 1, as a refusal).
int unreadable(const Error& e) { return refused(one_line(e.message, 300)); }

// What the registry will read, read here first with the same parser: anything it would
// refuse is refused before the request.
template <class Request, class Parse>
Result<std::string> body_of(const Request& request, std::string (*format)(const Request&), Parse parse) {
    auto body = format(request);
    if (auto ok = parse(body); !ok) return unexpected(ok.error());
    return body;
}

// POST admin/records.
int post_records(const Args& a, std::vector<store::Record> records) {
    const auto count = records.size();
    auto body = body_of(api::RecordsRequest{std::move(records)}, api::format_records_request, api::parse_records_request);
    if (!body) return usage_error(body.error().message);
    auto target = target_from(a, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/records", *body, kMaxAdminAnswer);
    if (sent.code != kOk) return sent.code;
    if (a.has("json")) return print_body(sent.body), kOk;
    auto appended = api::parse_records_appended(sent.body);
    if (!appended) return unreadable(appended.error());
    std::printf("appended %s at seq %llu%s\n", plural(count, "record").c_str(),
                static_cast<unsigned long long>(appended->first_seq),
                appended->first_seq == appended->last_seq ? "" : (".." + std::to_string(appended->last_seq)).c_str());
    return kOk;
}

int revoke(int argc, char** argv) {
    auto args = parse_args(argc, argv,
                           with_connection({{"pass", true, true},
                                            {"personal-letter", true, true},
                                            {"enterprise-letter", true, true},
                                            {"region"},
                                            {"issuer-key", true, true},
                                            {"json", false}},
                                           true));
    if (!args) return usage_error(args.error().message);
    const Args& a = *args;
    std::vector<store::Record> records;
    for (const auto& text : a.all("pass")) {
        auto id = parse_pass_id(text);
        if (!id) return usage_error("--pass: " + id.error().message);
        records.emplace_back(std::in_place_type<store::RevokePass>, *id);
    }
    const bool letters = a.has("personal-letter") || a.has("enterprise-letter");
    if (letters != a.has("region"))
        return usage_error(letters ? "a letter revocation needs --region (the pass's issuing region)"
                                   : "--region is for --personal-letter and --enterprise-letter");
    for (const auto kind : {store::LetterKind::kPersonal, store::LetterKind::kEnterprise}) {
        const std::string option = kind == store::LetterKind::kPersonal ? "personal-letter" : "enterprise-letter";
        for (const auto& text : a.all(option)) {
            auto region = parse_region(*a.get("region"));
            if (!region) return usage_error("--region: " + region.error().message);
            auto n = parse_u32(text, "letter number", (1u << 24) - 1);
            if (!n || *n == 0) return usage_error("bad --" + option + " '" + text + "': expected 1..16777215");
            records.emplace_back(std::in_place_type<store::RevokeLetter>, kind, *region, *n);
        }
    }
    for (const auto& text : a.all("issuer-key")) {
        const auto colon = text.find(':');
        const auto bad = [&] { return usage_error("bad --issuer-key '" + text + "': expected PROVINCE:KEYID, e.g. 33:7"); };
        if (colon == std::string::npos) return bad();
        auto province = parse_u32(text.substr(0, colon), "province", 99);
        auto key_id = parse_u32(text.substr(colon + 1), "key id", 0xFFFF);
        if (!province || !key_id || *key_id == 0) return bad();
        if (!is_province(*province)) return usage_error("bad --issuer-key '" + text + "': no province " + std::to_string(*province));
        records.emplace_back(std::in_place_type<store::RevokeIssuerKey>, *province, static_cast<std::uint16_t>(*key_id));
    }
    if (records.empty()) return usage_error("nothing to revoke: give --pass, --personal-letter, --enterprise-letter or --issuer-key");
    return post_records(a, records);
}

int suspension(int argc, char** argv, bool suspend) {
    auto args = parse_args(argc, argv, with_connection({{"enterprise", true, true}, {"json", false}}, true));
    if (!args) return usage_error(args.error().message);
    std::vector<store::Record> records;
    for (const auto& text : args->all("enterprise")) {
        auto uscc = parse_uscc(text);
        if (!uscc) return usage_error("--enterprise: " + uscc.error().message);
        records.emplace_back(std::in_place_type<store::EnterpriseStatus>, *uscc, suspend);
    }
    if (records.empty()) return usage_error("missing --enterprise (see --help)");
    return post_records(*args, records);
}

int suspend(int argc, char** argv) { return suspension(argc, argv, true); }
int unsuspend(int argc, char** argv) { return suspension(argc, argv, false); }

int shared_list(int argc, char** argv) {
    auto args = parse_args(argc, argv,
                           with_connection({{"add", true, true}, {"remove", true, true}, {"day"}, {"json", false}}, true));
    if (!args) return usage_error(args.error().message);
    const Args& a = *args;
    if (a.has("day") && !a.has("add")) return usage_error("--day is the listing day of --add");
    std::uint32_t day = 0;
    if (auto text = a.get("day")) {
        auto d = parse_day(*text);
        if (!d) return usage_error("--day: " + d.error().message);
        day = *d;
    } else if (a.has("add")) {
        const auto today = day_of(std::chrono::time_point_cast<Seconds>(std::chrono::system_clock::now()));
        if (today < 0) return usage_error("the clock says before 2020: give --day");
        day = static_cast<std::uint32_t>(today);
    }
    std::vector<store::Record> records;
    for (const auto& [option, listed] : {std::pair{"add", true}, std::pair{"remove", false}}) {
        for (const auto& text : a.all(option)) {
            auto token = parse_holder_token(text);
            if (!token) return usage_error(std::string("--") + option + ": " + token.error().message);
            records.emplace_back(std::in_place_type<store::SharedListEntry>, *token,
                                 listed ? std::optional<std::uint32_t>(day) : std::nullopt);
        }
    }
    if (records.empty()) return usage_error("give --add or --remove (see --help)");
    return post_records(a, records);
}

int freight(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"json", false}}, true), true);
    if (!args) return usage_error(args.error().message);
    if (args->positional().size() != 1) return usage_error("give one freight payload, or - to read it from stdin");
    std::string payload = args->positional()[0];
    if (payload == "-") {
        payload.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (payload.size() > 4096) return usage_error("stdin: more than 4096 bytes: not a payload");
    }
    // Only line ends: a payload may end with a space (Base45).
    while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r')) payload.pop_back();
    if (payload.empty()) return usage_error("empty payload");
    auto decoded = decode_payload(payload);
    if (!decoded) return usage_error("payload: " + decoded.error().message);
    if (decoded->pass.type != PassType::kFreight)
        return usage_error("payload: a " + std::string(type_name(decoded->pass.type)) + " pass, not a freight pass");
    return post_records(*args, {store::FreightRecord{payload, decoded->pass.plates}});
}

int import_records(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"json", false}}, true), true);
    if (!args) return usage_error(args.error().message);
    if (args->positional().size() != 1) return usage_error("give one records file, or - to read it from stdin");
    const std::string path = args->positional()[0];
    constexpr std::size_t kMaxFile = 16u << 20;  // registryd's request body cap
    std::string text;
    if (path == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (text.size() > kMaxFile) return usage_error("stdin: over 16 MiB: more than the registry takes in one request");
    } else {
        auto read = read_file(path, kMaxFile);
        if (!read) return usage_error(read.error().message);
        text = std::move(*read);
    }
    auto batch = store::parse_records(text, path == "-" ? "stdin" : path);
    if (!batch) return usage_error(batch.error().message);
    if (batch->records.empty()) return usage_error((path == "-" ? "stdin" : path) + ": no records to import");
    auto target = target_from(*args, true);
    if (!target) return usage_error(target.error().message);
    // The file names its registry: records meant for another one are refused before they are sent.
    const auto asked = send(*target, "admin/state", std::nullopt, kMaxStateAnswer);
    if (asked.code != kOk) return asked.code;
    auto state = api::parse_state(asked.body);
    if (!state) return unreadable(state.error());
    if (state->registry != batch->registry)
        return refused(path + ": the records of registry '" + one_line(batch->registry, 64) + "', but " + target->url.text() +
                       " is registry '" + one_line(state->registry, 64) + "'");
    return post_records(*args, std::move(batch->records));
}

// Conf values are one line, trimmed, and a '#' after a blank starts a comment: a name that
// could change what the registry reads is refused rather than mangled.
Result<void> conf_safe(const std::string& option, const std::string& value) {
    for (const unsigned char c : value)
        if (c < 0x20 || c == 0x7F || c == '#') return failure("--" + option + ": control characters and '#' are not accepted");
    if (value != trim(value)) return failure("--" + option + ": leading or trailing blanks");
    return {};
}

int issue(int argc, char** argv) {
    auto specs = pass_option_specs();
    for (const char* n : {"key-id", "qr", "module-px"}) specs.push_back({n});
    specs.push_back({"json", false});
    auto args = parse_args(argc, argv, with_connection(std::move(specs), true));
    if (!args) return usage_error(args.error().message);
    const Args& a = *args;

    auto key_id_text = a.required("key-id");
    if (!key_id_text) return usage_error(key_id_text.error().message);
    auto key_id = parse_u32(*key_id_text, "key id", 0xFFFF);
    if (!key_id || *key_id == 0) return usage_error("bad --key-id '" + *key_id_text + "': expected 1..65535");
    auto pass = pass_from_options(a);
    if (!pass) return usage_error(pass.error().message);
    api::IssueRequest request{std::move(*pass), {}, {}};
    auto& p = request.pass;
    p.key_id = static_cast<std::uint16_t>(*key_id);

    // The ID number goes to the registry only when its token key is to make the holder token;
    // with --token-key the token is made here and the number stays on this machine.
    if (p.type != PassType::kFreight) {
        auto name = a.required("name");
        if (!name) return usage_error(name.error().message);
        if (auto ok = conf_safe("name", *name); !ok) return usage_error(ok.error().message);
        request.name = *name;
        if (a.has("id-number") && !a.has("token-key")) {
            if (a.has("id-tail") || a.has("holder-token")) return usage_error("give --id-number or --id-tail/--holder-token, not both");
            auto id = parse_id_number(*a.get("id-number"));
            if (!id) return usage_error("--id-number: " + id.error().message);
            auto holder = make_holder(*name, id->substr(14), HolderToken{});
            if (!holder) return usage_error(holder.error().message);
            p.holder = *holder;
            request.id_number = std::move(*id);
        } else {
            auto holder = holder_from_options(a);
            if (!holder) return usage_error(holder.error().message);
            p.holder = *holder;
        }
    }
    if (a.has("pass-id") && p.id.value == 0) return usage_error("--pass-id: 000000000000 is not a pass id");

    int module_px = 8;
    if (auto qr = a.get("qr")) {
        auto px = parse_u32(a.get("module-px").value_or("8"), "module size", vision::kMaxModulePx);
        if (!px || *px == 0) return usage_error("bad --module-px: expected 1..64");
        module_px = static_cast<int>(*px);
        const auto dir = std::filesystem::path(*qr).parent_path();
        std::error_code ec;  // the overload that throws would make an unreadable directory an exception
        if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) return usage_error("--qr: no directory " + dir.string());
    } else if (a.has("module-px")) {
        return usage_error("--module-px is the module size of --qr");
    }

    auto body = body_of(request, api::format_issue_request, api::parse_issue_request);
    if (!body) return usage_error(body.error().message);
    auto target = target_from(a, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/issue", *body, kMaxAdminAnswer);
    if (sent.code != kOk) return sent.code;
    auto issued = api::parse_pass_issued(sent.body);
    if (!issued) return unreadable(issued.error());
    const auto& payload = issued->payload;
    if (a.has("json")) print_body(sent.body);
    else std::printf("%s\n", payload.c_str());
    std::fflush(stdout);
    if (auto qr = a.get("qr")) {
        // The pass exists now whatever happens to the picture: its payload is already printed.
        if (auto ok = vision::write_qr_png(payload, *qr, module_px); !ok)
            return usage_error("--qr: " + ok.error().message + " (the pass was issued; its payload is on stdout)");
    }
    return kOk;
}

int add_issuer(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"certificate"}, {"secret"}, {"json", false}}, true));
    if (!args) return usage_error(args.error().message);
    const Args& a = *args;
    auto path = a.required("certificate");
    if (!path) return usage_error(path.error().message);
    auto cert = load_certificate_file(*path);
    if (!cert) return usage_error("--certificate: " + cert.error().message);
    if (!certificate_signature_ok(*cert)) return usage_error("--certificate: " + *path + ": the root's signature does not verify");
    api::IssuerRequest request{serialize_certificate(*cert), std::nullopt};
    if (auto secret_path = a.get("secret")) {
        auto key = load_secret_key(*secret_path);
        if (!key) return usage_error("--secret: " + key.error().message);
        if (key->role != KeyRole::kIssuer) return usage_error("--secret: " + *secret_path + ": not an issuer secret key");
        if (!(public_of(key->key) == cert->key))
            return usage_error("--secret: " + *secret_path + ": not the key " + *path + " certifies");
        request.secret = key->key;
    }
    auto body = body_of(request, api::format_issuer_request, api::parse_issuer_request);
    if (!body) return usage_error(body.error().message);
    auto target = target_from(a, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/issuers", *body, kMaxAdminAnswer);
    if (sent.code != kOk) return sent.code;
    if (a.has("json")) return print_body(sent.body), kOk;
    auto issuer = api::parse_issuer_key(sent.body);
    if (!issuer) return unreadable(issuer.error());
    std::printf("published issuer key %u:%u (%s); the registry issues with it: %s\n", static_cast<unsigned>(issuer->province),
                static_cast<unsigned>(issuer->key_id), one_line(issuer->name, 64).c_str(), issuer->can_issue ? "yes" : "no");
    return kOk;
}

int snapshot(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"json", false}}, true));
    if (!args) return usage_error(args.error().message);
    auto target = target_from(*args, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/snapshot", std::string(), kMaxAdminAnswer);
    if (sent.code != kOk) return sent.code;
    if (args->has("json")) return print_body(sent.body), kOk;
    auto made = api::parse_snapshot_made(sent.body);
    if (!made) return unreadable(made.error());
    if (made->snapshot_seq == 0) std::printf("the log is empty: no snapshot\n");
    else std::printf("snapshot at seq %llu\n", static_cast<unsigned long long>(made->snapshot_seq));
    return kOk;
}

int state(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({}, true));
    if (!args) return usage_error(args.error().message);
    auto target = target_from(*args, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/state", std::nullopt, kMaxStateAnswer);
    if (sent.code != kOk) return sent.code;
    // Printed as the registry wrote it, once it reads as a state.
    if (auto ok = api::parse_state(sent.body); !ok) return unreadable(ok.error());
    print_body(sent.body);
    return kOk;
}

int events(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"gateway"}, {"json", false}}, true));
    if (!args) return usage_error(args.error().message);
    auto gateway = args->required("gateway");
    if (!gateway) return usage_error(gateway.error().message);
    // The name goes into the query string as it is: only what a certificate CN of ours holds.
    if (gateway->empty() || gateway->size() > 64 ||
        !std::all_of(gateway->begin(), gateway->end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }))
        return usage_error("--gateway: expected 1..64 letters, digits, '-', '_' or '.'");
    auto target = target_from(*args, true);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "admin/events?gateway=" + *gateway, std::nullopt, kMaxAdminAnswer);
    if (sent.code != kOk) return sent.code;
    auto held = api::parse_gateway_events(sent.body);
    if (!held) return unreadable(held.error());
    if (args->has("json")) return print_body(sent.body), kOk;
    std::printf("%s: events %llu..%llu, %llu held, %llu received again\n", gateway->c_str(),
                static_cast<unsigned long long>(held->first_seq), static_cast<unsigned long long>(held->last_seq),
                static_cast<unsigned long long>(held->count), static_cast<unsigned long long>(held->duplicates));
    return kOk;
}

int head(int argc, char** argv) {
    auto args = parse_args(argc, argv, with_connection({{"json", false}}, false));
    if (!args) return usage_error(args.error().message);
    auto target = target_from(*args, false);
    if (!target) return usage_error(target.error().message);
    const auto sent = send(*target, "head", std::nullopt, kMaxHeadAnswer);
    if (sent.code != kOk) return sent.code;
    auto head = sync::parse_signed_head(as_bytes(sent.body));
    if (!head) return refused("the registry's head does not parse: " + head.error().message);
    if (!sync::signature_ok(*head) || !sync::registry_cert_signature_ok(head->cert))
        return refused("the registry's head is not signed as its own certificate says");
    const auto& h = head->body;
    const auto registry = one_line(h.registry, 64);
    if (args->has("json")) {
        JsonWriter w;
        w.begin_object()
            .field("registry", registry)
            .field("version", h.version)
            .field("latest_seq", h.latest_seq)
            .field("segments", h.segment_count)
            .field("snapshot_seq", h.snapshot_seq)
            .field("issued_at", format_time(h.issued_at))
            .field("expires_at", format_time(h.expires_at))
            .field("hash", sync::hash_hex(head->hash))
            .end_object();
        std::printf("%s\n", w.str().c_str());
        return kOk;
    }
    std::printf("%s: head version %llu, seq %llu in %s, snapshot at seq %llu, issued %s, expires %s\n", registry.c_str(),
                static_cast<unsigned long long>(h.version), static_cast<unsigned long long>(h.latest_seq),
                plural(h.segment_count, "segment").c_str(), static_cast<unsigned long long>(h.snapshot_seq),
                format_time(h.issued_at).c_str(), format_time(h.expires_at).c_str());
    return kOk;
}

struct Subcommand {
    const char* name;
    int (*run)(int, char**);
    const char* help;
    const char* help_tail = nullptr;  ///< printed after help (shared with passctl issue)
};

constexpr Subcommand kSubcommands[] = {
    {"issue", issue, kIssueHelp, kFieldsByTypeHelp},           {"revoke", revoke, kRevokeHelp},
    {"suspend", suspend, kSuspendHelp},     {"unsuspend", unsuspend, kSuspendHelp},
    {"shared-list", shared_list, kSharedListHelp}, {"freight", freight, kFreightHelp},
    {"import", import_records, kImportHelp},       {"add-issuer", add_issuer, kAddIssuerHelp},    {"snapshot", snapshot, kSnapshotHelp},
    {"state", state, kStateHelp},           {"events", events, kEventsHelp},
    {"head", head, kHeadHelp},
};

}  // namespace

int registry_command(int argc, char** argv) {
    bool help = false;
    for (int i = 2; i < argc; ++i)
        if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") help = true;
    if (argc < 3 || std::string_view(argv[2]).starts_with("-")) {
        if (help) return std::fputs(kGroupHelp, stdout), std::fputs(kConnectionHelp, stdout), kOk;
        return usage_error("registry: give a command: issue, revoke, suspend, unsuspend, shared-list, freight, import, "
                           "add-issuer, snapshot, state, events, head (passctl registry --help)");
    }
    const std::string_view name = argv[2];
    for (const auto& c : kSubcommands) {
        if (name != c.name) continue;
        if (help) {
            std::fputs(c.help, stdout);
            if (c.help_tail) std::fputs(c.help_tail, stdout);
            std::fputs(kConnectionHelp, stdout);
            return kOk;
        }
        if (token_on_command_line(argc, argv))
            return usage_error("--token: the admin token is never taken on the command line (ps shows it to every "
                               "user); put it in a file and give --token-file");
        return c.run(argc, argv);
    }
    return usage_error("registry: unknown command '" + std::string(name) + "' (passctl registry --help)");
}

}  // namespace gw::passctl
