#pragma once
// Console accounts: a name, a role and an Argon2id password hash (libsodium crypto_pwhash_str,
// "interactive" limits: about 90 ms and 64 MiB a hash). There is no default account and no
// default password: `gatewayd --add-user NAME --role admin` creates the first admin.
//
// The accounts file (mode 0600, rewritten atomically: temp file, fsync, rename, fsync dir):
//
//   # gatewayd console accounts
//   user li.ming admin $argon2id$v=19$m=65536,t=2,p=1$...
//   user wang operator $argon2id$...
//
// Threading: AccountStore is thread-safe. hash_password/verify_password and the file
// functions block (Argon2id, fsync): call them from the blocking pool, never a network thread.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.h"

namespace gw::console {

enum class Role { kOperator, kAdmin };
std::string_view role_name(Role r);  ///< "operator", "admin"
std::optional<Role> parse_role(std::string_view s);

struct Account {
    std::string name;
    Role role = Role::kOperator;
    std::string hash;  ///< "$argon2id$..."
};

/// 1-32 characters of A-Z a-z 0-9 . _ - (names go into logs and passage events as they are).
bool valid_user_name(std::string_view name);
/// 10-256 bytes; nothing else is imposed (a passphrase is welcome).
Result<void> check_password_policy(std::string_view password);

/// Argon2id hash of `password` (crypto_pwhash_str_alg, interactive limits). Blocks ~90 ms.
Result<std::string> hash_password(std::string_view password);
/// Constant-time check of `password` against `hash`; false for a malformed hash. Blocks ~90 ms.
bool verify_password(std::string_view password, const std::string& hash);

/// Parses the accounts file text; errors name the file and line.
Result<std::vector<Account>> parse_accounts(std::string_view text, const std::string& path);
std::string format_accounts(const std::vector<Account>& accounts);
/// Writes atomically with mode 0600 (temp + fsync + rename + fsync of the directory).
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data);

/// The accounts of one file, re-read when the file changes (another gatewayd process adds users).
class AccountStore {
public:
    explicit AccountStore(std::filesystem::path path) : path_(std::move(path)) {}

    /// Re-reads the file if its modification time or size changed. A missing file is an empty
    /// store. A file readable by others than its owner is refused (it holds password hashes).
    Result<void> reload();
    std::optional<Account> find(std::string_view name) const;
    bool has_admin() const;
    std::vector<Account> accounts() const;
    /// Adds a new account (the name must be free) and rewrites the file. Blocks (Argon2id, fsync).
    Result<void> add(const std::string& name, Role role, std::string_view password);
    const std::filesystem::path& path() const { return path_; }

private:
    Result<void> reload_locked();
    std::filesystem::path path_;
    mutable std::mutex mutex_;
    std::vector<Account> accounts_;
    std::filesystem::file_time_type seen_mtime_{};
    std::uintmax_t seen_size_ = static_cast<std::uintmax_t>(-1);
};

}  // namespace gw::console
