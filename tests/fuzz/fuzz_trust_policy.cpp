// Hand-written configuration beyond the conf syntax itself (fuzz_conf): trust roots
// (gateway/credential/trust.h), [policy] sections (gateway/decision/policy.h), and the same
// text loaded from a file the way passctl and gatewayd load it: as trust.conf, as a key file
// and as a .cert file. Nothing may crash, every error is one line, what is accepted keeps
// its documented limits, and loading from a file agrees with parsing the text.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/conf.h"
#include "gateway/credential/certificate.h"
#include "gateway/credential/key_file.h"
#include "gateway/credential/trust.h"
#include "gateway/decision/policy.h"
#include "gateway/demo/demo_world.h"

namespace {

using namespace gw;
using namespace gw::credential;

bool one_line(const std::string& s) { return s.find('\n') == std::string::npos; }

template <class T>
void check_error_line(const Result<T>& r) {
    if (!r && !one_line(r.error().message)) __builtin_trap();
}

// The input as a file, without touching the disk: one memfd, rewritten for every input and
// opened again by path (/proc/self/fd/N) by the loaders under test.
class InputFile {
public:
    InputFile() : fd_(::memfd_create("fuzz-trust-policy", MFD_CLOEXEC)) {
        if (fd_ < 0) __builtin_trap();
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    void write(std::string_view text) {
        if (::ftruncate(fd_, 0) != 0) __builtin_trap();
        if (!text.empty() && ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
            __builtin_trap();
    }
    const std::string& path() const { return path_; }

private:
    int fd_;
    std::string path_;
};

void check_trust(const ConfFile& file, const std::string& path) {
    const auto trust = parse_trust(file);
    check_error_line(trust);

    // load_trust reads the same bytes from the file: the same roots or the same error.
    const auto loaded = load_trust(path);
    if (trust.has_value() != loaded.has_value()) __builtin_trap();
    if (!trust) {
        if (trust.error().message != loaded.error().message) __builtin_trap();
        return;
    }
    if (trust->roots.size() != loaded->roots.size() || trust->roots.empty()) __builtin_trap();
    for (std::size_t i = 0; i < trust->roots.size(); ++i) {
        const auto& r = trust->roots[i];
        if (!is_province(r.province) || r.type_mask == 0 || r.name.empty()) __builtin_trap();
        if (trust->find(r.key) != &r) __builtin_trap();  // keys are unique
        if (!(loaded->roots[i].key == r.key) || loaded->roots[i].type_mask != r.type_mask) __builtin_trap();
    }

    // What load_trust_dir does next: the demo certificates against these roots. Only a
    // certificate whose root is trusted for its province, with a good signature, gets in.
    IssuerSet set(*trust);
    for (const auto& [name, cert] : demo::demo_world().certs) {
        const auto added = set.add(cert);
        check_error_line(added);
        const auto* root = set.trust().find(cert.root_key);
        if (added && (!root || root->province != cert.province)) __builtin_trap();
        if (added && !set.find(cert.province, cert.key_id)) __builtin_trap();
    }
}

void check_policies(const ConfFile& file) {
    for (const auto& section : file.sections) {
        if (section.kind != "policy") continue;
        const auto policy = decision::parse_policy(file, section);
        check_error_line(policy);
        if (!policy) continue;
        if (!(policy->fever_threshold.value >= 35.0f && policy->fever_threshold.value <= 40.0f)) __builtin_trap();
        if (policy->temperature_attempts < 1 || policy->temperature_attempts > 5) __builtin_trap();
        if (policy->passback_window.count() < 0) __builtin_trap();
        for (std::uint8_t t = 1; t <= kPassTypeCount; ++t) {
            const auto& s = policy->stale_limits(static_cast<PassType>(t));
            if (s.warn_after.count() < 0 || s.warn_after > s.manual_after) __builtin_trap();
        }
        for (auto mask : policy->lane_types)
            if (mask & ~0x1Eu) __builtin_trap();  // only bits 1..4, one per pass type
    }
}

// The top level read as each kind of single-section file the tools load.
void check_key_and_cert_files(const std::string& path) {
    if (const auto k = load_secret_key(path); k) {
        if (!is_province(k->province)) __builtin_trap();
    } else {
        check_error_line(k);
    }
    if (const auto k = load_public_key(path); k) {
        if (!is_province(k->province)) __builtin_trap();
    } else {
        check_error_line(k);
    }
    check_error_line(load_token_key(path));
    if (const auto c = load_certificate_file(path); c) {
        if (c->province != c->scope.province() || c->type_mask == 0) __builtin_trap();
    } else {
        check_error_line(c);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static InputFile input;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    input.write(text);

    const auto file = parse_conf(text, input.path());
    check_error_line(file);
    if (!file) {
        // Every loader reports the same syntax error.
        const auto loaded = load_trust(input.path());
        if (loaded || loaded.error().message != file.error().message) __builtin_trap();
        return 0;
    }
    check_trust(*file, input.path());
    check_policies(*file);
    bool has_kind = false;
    for (const auto& e : file->sections[0].entries) has_kind |= e.key == "kind";
    if (has_kind) check_key_and_cert_files(input.path());
    return 0;
}
