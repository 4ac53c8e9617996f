#include "gateway/credential/crypto.h"

#include <sodium.h>

#include <stdexcept>

namespace gw::credential {
namespace {

void ensure_init() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }

KeyPair generate_keypair() {
    ensure_init();
    KeyPair kp;
    crypto_sign_keypair(kp.public_key.bytes.data(), kp.secret_key.bytes.data());
    return kp;
}

PublicKey public_of(const SecretKey& sk) {
    ensure_init();
    PublicKey pk;
    crypto_sign_ed25519_sk_to_pk(pk.bytes.data(), sk.bytes.data());
    return pk;
}

Signature sign(const SecretKey& sk, ByteView message) {
    ensure_init();
    Signature sig{};
    crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.bytes.data());
    return sig;
}

bool verify_signature(const PublicKey& pk, ByteView message, const Signature& sig) {
    ensure_init();
    return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.bytes.data()) == 0;
}

std::array<std::uint8_t, 32> random_key32() {
    ensure_init();
    std::array<std::uint8_t, 32> k{};
    randombytes_buf(k.data(), k.size());
    return k;
}

std::uint64_t random_u64() {
    ensure_init();
    std::uint64_t v = 0;
    randombytes_buf(&v, sizeof v);
    return v;
}

std::uint64_t holder_token(const std::array<std::uint8_t, 32>& key, std::string_view id_number) {
    ensure_init();
    std::array<std::uint8_t, 32> h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(id_number.data()), id_number.size(),
                       key.data(), key.size());
    std::uint64_t v = 0;
    for (int i = 0; i < 6; ++i) v = v << 8 | h[static_cast<std::size_t>(i)];
    return v;
}

std::string fingerprint(const PublicKey& pk) {
    ensure_init();
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> h{};
    crypto_hash_sha256(h.data(), pk.bytes.data(), pk.bytes.size());
    return to_hex(ByteView(h).first(8));
}

}  // namespace gw::credential

namespace gw::credential {
std::array<std::uint8_t, 32> derive_seed(std::string_view label) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    std::array<std::uint8_t, 32> seed{};
    crypto_generichash(seed.data(), seed.size(), reinterpret_cast<const unsigned char*>(label.data()), label.size(), nullptr, 0);
    return seed;
}

KeyPair keypair_from_seed(const std::array<std::uint8_t, 32>& seed) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    KeyPair kp;
    crypto_sign_seed_keypair(kp.public_key.bytes.data(), kp.secret_key.bytes.data(), seed.data());
    return kp;
}
}  // namespace gw::credential
