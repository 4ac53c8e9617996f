#pragma once
// Key files, in the conf format (gateway/core/conf.h):
//
//   kind = issuer-secret        root-, issuer-, registry- + secret|public, or token-secret
//   province = 33               2-digit GB/T 2260 province (not for token keys)
//   name = pinghu-2020a         a label for people
//   secret = <base64>           64-byte Ed25519 secret key (public: 'public', 32 bytes)
//
// Secret files are written with mode 0600 and are never printed.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "gateway/core/error.h"
#include "gateway/credential/crypto.h"

namespace gw::credential {

enum class KeyRole { kRoot, kIssuer, kRegistry };
std::string_view role_name(KeyRole r);
Result<KeyRole> parse_role(std::string_view s);

struct SecretKeyFile {
    KeyRole role = KeyRole::kIssuer;
    std::uint32_t province = 0;
    std::string name;
    SecretKey key;
};

struct PublicKeyFile {
    KeyRole role = KeyRole::kIssuer;
    std::uint32_t province = 0;
    std::string name;
    PublicKey key;
};

struct TokenKeyFile {
    std::string name;
    std::array<std::uint8_t, 32> key{};
};

/// Writes PREFIX.key (0600) and PREFIX.pub; refuses to overwrite either.
Result<void> write_keypair(const std::filesystem::path& prefix, KeyRole role, std::uint32_t province,
                           const std::string& name, const KeyPair& kp);
Result<void> write_token_key(const std::filesystem::path& path, const std::string& name,
                             const std::array<std::uint8_t, 32>& key);

Result<SecretKeyFile> load_secret_key(const std::filesystem::path& path);
Result<PublicKeyFile> load_public_key(const std::filesystem::path& path);
Result<TokenKeyFile> load_token_key(const std::filesystem::path& path);

/// Writes a text file with the given mode, refusing to overwrite an existing one.
Result<void> write_new_file(const std::filesystem::path& path, const std::string& text, unsigned mode);

}  // namespace gw::credential
