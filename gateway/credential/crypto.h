#pragma once
// Ed25519 and keyed hashing (libsodium). The only place that includes sodium.h.
// Thread-safe: libsodium is initialised once, on first use.
#include <array>
#include <cstdint>
#include <string_view>

#include "gateway/core/codec.h"

namespace gw::credential {

struct PublicKey {
    std::array<std::uint8_t, 32> bytes{};
    friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

/// Wiped from memory when destroyed.
struct SecretKey {
    std::array<std::uint8_t, 64> bytes{};
    SecretKey() = default;
    SecretKey(const SecretKey&) = default;
    SecretKey& operator=(const SecretKey&) = default;
    ~SecretKey();
};

using Signature = std::array<std::uint8_t, 64>;

struct KeyPair {
    PublicKey public_key;
    SecretKey secret_key;
};

KeyPair generate_keypair();
PublicKey public_of(const SecretKey& sk);
Signature sign(const SecretKey& sk, ByteView message);
/// crypto_sign_verify_detached: constant work, false on any mismatch.
bool verify_signature(const PublicKey& pk, ByteView message, const Signature& sig);

/// 32 random bytes for a holder-token key.
std::array<std::uint8_t, 32> random_key32();
std::uint64_t random_u64();

/// First 48 bits of BLAKE2b-256 keyed with `key` over the ID number: the pseudonymous holder
/// token registries publish shared lists by. Gateways never compute it.
std::uint64_t holder_token(const std::array<std::uint8_t, 32>& key, std::string_view id_number);

/// Short fingerprint of a public key for logs and file comments: 16 hex digits of SHA-256.
std::string fingerprint(const PublicKey& pk);

}  // namespace gw::credential

namespace gw::credential {
/// 32 bytes derived from a label (BLAKE2b): seeds for the demo world and test vectors.
std::array<std::uint8_t, 32> derive_seed(std::string_view label);
/// Deterministic key pair from a 32-byte seed (test vectors and reproducible demos only).
KeyPair keypair_from_seed(const std::array<std::uint8_t, 32>& seed);
}  // namespace gw::credential
