#include "gateway/sim/registries.h"

#include <openssl/rand.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/core/codec.h"
#include "gateway/core/number.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/key_file.h"
#include "gateway/credential/pass_codec.h"

namespace gw::sim {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

constexpr milliseconds kToolTimeout{15000};

struct Spec {
    const char* name;
    std::uint32_t province;
    const char* root;
};
constexpr Spec kRegistries[] = {{"shanghai", 31, "shanghai-root"}, {"zhejiang", 33, "zhejiang-root"}};
// The issuer key Zhejiang's registry holds and issues new passes with (key id 8).
constexpr const char* kIssuingKey = "pinghu-8";

Result<void> write_text(const fs::path& p, const std::string& text, bool secret = false) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (secret) fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
    out << text;
    if (!out.flush()) return failure(p.string() + ": cannot write");
    return {};
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The province a record speaks for, as registryd checks it (0: bound to none). Records bound
// to none (pass revocations, suspensions, the shared list) go to Zhejiang, whose passes they
// are about in the demo world.
std::uint32_t province_of(const store::Record& record) {
    return std::visit(
        [](const auto& r) -> std::uint32_t {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, store::CertRecord>) {
                auto c = credential::parse_certificate(r.signed_cert);
                return c ? c->province : 0;
            } else if constexpr (std::is_same_v<T, store::RevokeLetter>) {
                return r.region.province();
            } else if constexpr (std::is_same_v<T, store::RevokeIssuerKey>) {
                return r.province;
            } else if constexpr (std::is_same_v<T, store::FreightRecord>) {
                auto d = credential::decode_payload(r.payload);
                return d ? d->pass.province() : 0;
            } else {
                return 0;
            }
        },
        record);
}

std::string random_token() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return {};
    return to_hex(ByteView(bytes, sizeof bytes));
}

std::uint64_t json_number(const std::string& body, const std::string& key) {
    const auto at = body.find("\"" + key + "\":");
    if (at == std::string::npos) return 0;
    return parse_unsigned<std::uint64_t>(body.substr(at + key.size() + 3, body.find_first_of(",}", at) - at - key.size() - 3))
        .value_or(0);
}

}  // namespace

Result<std::unique_ptr<DemoRegistries>> DemoRegistries::start(const demo::DemoWorld& world, Options options) {
    for (const char* tool : {"registryd", "passctl"})
        if (!fs::exists(options.bin_dir / tool))
            return failure(std::string(tool) + " is not beside gatewayd in " + options.bin_dir.string() + " (build it: cmake --build build)");
    std::unique_ptr<DemoRegistries> self(new DemoRegistries(options));
    std::vector<std::string> names;
    for (const auto& s : kRegistries) names.push_back(s.name);
    auto tls = write_demo_tls(options.dir / "tls", options.gateway, names);
    if (!tls) return unexpected(tls.error());
    self->tls_ = *tls;

    const auto registryd = (options.bin_dir / "registryd").string();
    for (const auto& spec : kRegistries) {
        Registry r{spec.name, spec.province, options.dir / spec.name, 0, {}};
        std::error_code ec;
        fs::create_directories(r.dir, ec);
        if (ec) return failure(r.dir.string() + ": " + ec.message());
        const auto& root = world.keys.at(spec.root);
        self->root_keys_[r.name] = to_base64(root.pair.public_key.bytes);
        // The province root certifies the registry's key, as its operator would.
        const auto registry_key = credential::keypair_from_seed(credential::derive_seed(std::string("gw-demo-registry:") + spec.name));
        for (auto ok : {credential::write_keypair(r.dir / spec.root, credential::KeyRole::kRoot, spec.province, spec.root, root.pair),
                        credential::write_keypair(r.dir / "registry", credential::KeyRole::kRegistry, spec.province, spec.name,
                                                  registry_key),
                        credential::write_token_key(r.dir / "token.key", "demo", world.token_key)})
            if (!ok) return unexpected(ok.error());
        auto certified = run({registryd, "certify", "--root", (r.dir / (std::string(spec.root) + ".key")).string(), "--key",
                              (r.dir / "registry.pub").string(), "--name", spec.name, "--provinces", std::to_string(spec.province),
                              "--from", format_time(options.now - hours{1}), "--until", format_time(options.now + hours{24 * 30}),
                              "--out", (r.dir / "registry.rcert").string()},
                             kToolTimeout);
        if (!certified) return unexpected(certified.error());
        if (certified->code != 0) return failure("registryd certify " + r.name + ": " + certified->err);
        if (auto ok = write_text(r.dir / "admin.token", random_token() + "\n", true); !ok) return unexpected(ok.error());

        // Today's demo records this registry speaks for.
        auto batch = world.registry_batch(spec.name, {spec.province}, options.now);
        std::erase_if(batch.records, [&](const store::Record& rec) {
            const auto p = province_of(rec);
            return p ? p != spec.province : spec.province != 33;
        });
        if (auto ok = write_text(r.dir / (r.name + ".records"), records_text(batch)); !ok) return unexpected(ok.error());
        self->registries_.push_back(std::move(r));
    }
    const auto& issuer = world.keys.at(kIssuingKey);
    const auto zj = options.dir / "zhejiang";
    if (auto ok = credential::write_keypair(zj / kIssuingKey, credential::KeyRole::kIssuer, 33, kIssuingKey, issuer.pair); !ok)
        return unexpected(ok.error());
    if (auto ok = credential::write_certificate_file(zj / (std::string(kIssuingKey) + ".cert"), world.certs.at(kIssuingKey)); !ok)
        return unexpected(ok.error());

    // Both start at once (each opens its RocksDB and signs its first head), then both are loaded.
    for (auto& r : self->registries_)
        if (auto ok = self->launch(r); !ok) return unexpected(ok.error());
    for (auto& r : self->registries_) {
        const auto log = r.dir / "registryd.log";
        const std::string prefix = "registryd: " + r.name + " listening on 127.0.0.1:";
        const auto end = steady_clock::now() + seconds{10};
        for (;;) {
            const auto text = read_text(log);
            const auto at = text.find(prefix);
            const auto nl = at == std::string::npos ? at : text.find('\n', at);
            if (nl != std::string::npos) {
                r.port = parse_unsigned<std::uint16_t>(text.substr(at + prefix.size(), nl - at - prefix.size())).value_or(0);
                break;
            }
            if (steady_clock::now() > end) return failure("registryd " + r.name + " did not start: " + log.string() + ": " + text);
            std::this_thread::sleep_for(milliseconds{5});
        }
        // From now on it listens on this port, across restarts (the gateway's configuration names it).
        if (auto ok = self->write_config(r); !ok) return unexpected(ok.error());
    }
    // Each registry is loaded by its own thread: two processes, two databases, so the demo's
    // start-up waits for the slower load, not the sum (the first decision is measured from the
    // command: gwbench demo). Zhejiang takes its records, then the issuer key, in that order.
    const auto load = [&](const Registry& r) -> Result<void> {
        auto imported = self->admin(r.name, {"import", (r.dir / (r.name + ".records")).string()});
        if (!imported) return failure("loading registry " + r.name + ": " + imported.error().message);
        if (r.name != "zhejiang") return {};
        auto held = self->admin("zhejiang", {"add-issuer", "--certificate", (zj / (std::string(kIssuingKey) + ".cert")).string(),
                                             "--secret", (zj / (std::string(kIssuingKey) + ".key")).string()});
        if (!held) return failure("registry zhejiang: " + held.error().message);
        return {};
    };
    std::vector<Result<void>> loaded(self->registries_.size());
    {
        // admin() waits for its passctl: no child outlives the thread its death signal is tied to.
        std::vector<std::jthread> loaders;
        for (std::size_t i = 0; i < self->registries_.size(); ++i)
            loaders.emplace_back([&, i] { loaded[i] = load(self->registries_[i]); });
    }
    for (auto& ok : loaded)
        if (!ok) return unexpected(ok.error());
    return self;
}

DemoRegistries::~DemoRegistries() { stop_all(); }

Result<void> DemoRegistries::write_config(const Registry& r) const {
    return write_text(r.dir / "registryd.conf",
                      "# " + r.name + "'s demo registry, written by gatewayd's embedded default\n"
                      "[registry]\nkey = registry.key\ncertificate = registry.rcert\ntoken-key = token.key\n"
                      "db = db\nexport = export\n\n[server]\nlisten = 127.0.0.1:" + std::to_string(r.port) +
                          "\ntls-cert = " + tls_.server_cert(r.name).string() + "\ntls-key = " + tls_.server_key(r.name).string() +
                          "\nclient-ca = " + tls_.ca.string() + "\nadmin-token-file = admin.token\n");
}

Result<void> DemoRegistries::launch(Registry& r) {
    if (auto ok = write_config(r); !ok) return ok;
    auto child = Child::spawn({(options_.bin_dir / "registryd").string(), "serve", "--config", (r.dir / "registryd.conf").string()},
                              r.dir / "registryd.log");
    if (!child) return unexpected(child.error());
    r.process = std::move(*child);
    return {};
}

DemoRegistries::Registry* DemoRegistries::find(const std::string& name) {
    for (auto& r : registries_)
        if (r.name == name) return &r;
    return nullptr;
}

const DemoRegistries::Registry* DemoRegistries::find(const std::string& name) const {
    for (const auto& r : registries_)
        if (r.name == name) return &r;
    return nullptr;
}

std::string DemoRegistries::url(const Registry& r) const { return "https://127.0.0.1:" + std::to_string(r.port) + "/v1/"; }

void DemoRegistries::configure(SimOptions& options) const {
    // poll-interval no longer than long-poll: the sync client waits poll-interval minus the time
    // the registry held the request before asking again, so a longer interval would leave a gap
    // after every quiet long poll in which a revocation waits (10 s with 20 s and 30 s).
    for (const auto& r : registries_)
        options.synced_registries[r.name] = "url = " + url(r) + "\nevents-url = " + url(r) + "\nroot-key = " +
                                            root_keys_.at(r.name) + "\nlong-poll = 20s\npoll-interval = 20s\n";
    options.extra_config += "\n[sync]\ngateway = " + options_.gateway + "\nca-file = " + tls_.ca.string() +
                            "\nclient-cert = " + tls_.client_cert.string() + "\nclient-key = " + tls_.client_key.string() + "\n";
}

std::vector<std::string> DemoRegistries::names() const {
    std::vector<std::string> out;
    for (const auto& r : registries_) out.push_back(r.name);
    return out;
}

bool DemoRegistries::running(const std::string& name) const {
    const auto* r = find(name);
    return r && r->process.running();
}

Result<void> DemoRegistries::stop(const std::string& name) {
    auto* r = find(name);
    if (!r) return failure("no registry " + name);
    if (!r->process.stop(milliseconds{5000})) return failure("registryd " + name + " did not stop cleanly (see " + (r->dir / "registryd.log").string() + ")");
    return {};
}

Result<void> DemoRegistries::restart(const std::string& name) {
    auto* r = find(name);
    if (!r) return failure("no registry " + name);
    if (r->process.running()) return {};
    const auto log = r->dir / "registryd.log";
    const auto before = read_text(log).size();
    if (auto ok = launch(*r); !ok) return ok;
    // Listening again once it says so (the same port: SO_REUSEADDR).
    const auto end = steady_clock::now() + seconds{10};
    while (read_text(log).find(" listening on ", before) == std::string::npos) {
        if (steady_clock::now() > end) return failure("registryd " + name + " did not come back (see " + log.string() + ")");
        std::this_thread::sleep_for(milliseconds{5});
    }
    return {};
}

void DemoRegistries::stop_all() {
    for (auto& r : registries_) r.process.stop(milliseconds{5000});
}

std::vector<pid_t> DemoRegistries::pids() const {
    std::vector<pid_t> out;
    for (const auto& r : registries_)
        if (r.process.running()) out.push_back(r.process.pid());
    return out;
}

Result<std::string> DemoRegistries::admin(const std::string& name, std::vector<std::string> args) const {
    const auto* r = find(name);
    if (!r) return failure("no registry " + name);
    std::vector<std::string> argv{(options_.bin_dir / "passctl").string(), "registry"};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& a : {std::string("--url"), url(*r), std::string("--ca"), tls_.ca.string(), std::string("--token-file"),
                          (r->dir / "admin.token").string()})
        argv.push_back(a);
    auto ran = run(argv, kToolTimeout);
    if (!ran) return unexpected(ran.error());
    if (ran->code != 0) {
        auto err = ran->err;
        while (!err.empty() && err.back() == '\n') err.pop_back();
        return failure(err.empty() ? "passctl registry " + args.front() + ": exit " + std::to_string(ran->code) : err);
    }
    return ran->out;
}

Result<EventsHeld> DemoRegistries::events(const std::string& name) const {
    auto out = admin(name, {"events", "--gateway", options_.gateway, "--json"});
    if (!out) return unexpected(out.error());
    return EventsHeld{json_number(*out, "first_seq"), json_number(*out, "last_seq"), json_number(*out, "count"),
                      json_number(*out, "duplicates")};
}

Result<std::uint64_t> DemoRegistries::latest_seq(const std::string& name) const {
    auto out = admin(name, {"state"});
    if (!out) return unexpected(out.error());
    return json_number(*out, "latest_seq");
}

}  // namespace gw::sim
