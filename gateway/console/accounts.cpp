#include "gateway/console/accounts.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gateway/core/conf.h"

namespace gw::console {
namespace {

bool sodium_ready() {
    static const bool ok = sodium_init() >= 0;
    return ok;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string_view role_name(Role r) { return r == Role::kAdmin ? "admin" : "operator"; }

std::optional<Role> parse_role(std::string_view s) {
    if (s == "admin") return Role::kAdmin;
    if (s == "operator") return Role::kOperator;
    return std::nullopt;
}

bool valid_user_name(std::string_view name) {
    if (name.empty() || name.size() > 32) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

Result<void> check_password_policy(std::string_view password) {
    if (password.size() < 10) return failure("password too short: at least 10 characters");
    if (password.size() > 256) return failure("password too long: at most 256 bytes");
    return {};
}

Result<std::string> hash_password(std::string_view password) {
    if (!sodium_ready()) return failure("libsodium failed to initialise");
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return failure("password hashing ran out of memory");
    return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
    if (!sodium_ready() || !hash.starts_with("$argon2id$") || hash.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<std::vector<Account>> parse_accounts(std::string_view text, const std::string& path) {
    std::vector<Account> out;
    int line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        const auto where = path + ":" + std::to_string(line_no) + ": ";
        std::vector<std::string_view> words;
        while (!line.empty()) {
            const auto sp = line.find_first_of(" \t");
            words.push_back(line.substr(0, sp));
            line = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp));
        }
        if (words.size() != 4 || words[0] != "user") return failure(where + "expected 'user NAME ROLE HASH'");
        if (!valid_user_name(words[1])) return failure(where + "bad user name (1-32 of A-Z a-z 0-9 . _ -)");
        const auto role = parse_role(words[2]);
        if (!role) return failure(where + "role must be admin or operator");
        if (!words[3].starts_with("$argon2id$") || words[3].size() >= crypto_pwhash_STRBYTES)
            return failure(where + "not an Argon2id hash");
        for (const auto& a : out)
            if (a.name == words[1]) return failure(where + "user '" + std::string(words[1]) + "' repeated");
        out.push_back({std::string(words[1]), *role, std::string(words[3])});
    }
    return out;
}

std::string format_accounts(const std::vector<Account>& accounts) {
    std::string out = "# gatewayd console accounts (gatewayd --add-user NAME --role admin|operator); mode 0600\n";
    for (const auto& a : accounts) out += "user " + a.name + " " + std::string(role_name(a.role)) + " " + a.hash + "\n";
    return out;
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data) {
    const auto tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return failure(tmp + ": cannot create: " + errno_text());
    ::fchmod(fd, 0600);  // a left-over temp file may have had another mode
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const auto why = errno_text();
            ::close(fd);
            ::unlink(tmp.c_str());
            return failure(tmp + ": write failed: " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const auto why = errno_text();
        ::unlink(tmp.c_str());
        return failure(tmp + ": fsync failed: " + why);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const auto why = errno_text();
        ::unlink(tmp.c_str());
        return failure(path.string() + ": rename failed: " + why);
    }
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

Result<void> AccountStore::reload() {
    std::lock_guard lock(mutex_);
    return reload_locked();
}

Result<void> AccountStore::reload_locked() {
    std::error_code ec;
    const auto status = std::filesystem::status(path_, ec);
    if (ec || !std::filesystem::exists(status)) {
        accounts_.clear();
        seen_size_ = static_cast<std::uintmax_t>(-1);
        return {};
    }
    if ((status.permissions() & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) !=
        std::filesystem::perms::none)
        return failure(path_.string() + ": readable by others than its owner (chmod 600)");
    const auto mtime = std::filesystem::last_write_time(path_, ec);
    const auto size = std::filesystem::file_size(path_, ec);
    if (!ec && mtime == seen_mtime_ && size == seen_size_) return {};
    auto text = read_file(path_, 1 << 20);
    if (!text) return unexpected(text.error());
    auto parsed = parse_accounts(*text, path_.string());
    if (!parsed) return unexpected(parsed.error());
    accounts_ = std::move(*parsed);
    seen_mtime_ = mtime;
    seen_size_ = size;
    return {};
}

std::optional<Account> AccountStore::find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    for (const auto& a : accounts_)
        if (a.name == name) return a;
    return std::nullopt;
}

bool AccountStore::has_admin() const {
    std::lock_guard lock(mutex_);
    for (const auto& a : accounts_)
        if (a.role == Role::kAdmin) return true;
    return false;
}

std::vector<Account> AccountStore::accounts() const {
    std::lock_guard lock(mutex_);
    return accounts_;
}

Result<void> AccountStore::add(const std::string& name, Role role, std::string_view password) {
    if (!valid_user_name(name)) return failure("bad user name '" + name + "' (1-32 of A-Z a-z 0-9 . _ -)");
    if (auto ok = check_password_policy(password); !ok) return ok;
    auto hash = hash_password(password);
    if (!hash) return unexpected(hash.error());
    std::lock_guard lock(mutex_);
    if (auto ok = reload_locked(); !ok) return ok;
    for (const auto& a : accounts_)
        if (a.name == name) return failure("user '" + name + "' already exists");
    auto next = accounts_;
    next.push_back({name, role, *hash});
    std::error_code ec;
    if (path_.has_parent_path()) {
        std::filesystem::create_directories(path_.parent_path(), ec);
        if (ec) return failure(path_.parent_path().string() + ": " + ec.message());
    }
    if (auto ok = write_file_atomic(path_, format_accounts(next)); !ok) return ok;
    accounts_ = std::move(next);
    seen_mtime_ = std::filesystem::last_write_time(path_, ec);
    seen_size_ = std::filesystem::file_size(path_, ec);
    return {};
}

}  // namespace gw::console
