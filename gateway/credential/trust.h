#pragma once
// What a checkpoint trusts: which provinces' root keys, for which pass types. Mutual
// recognition is this setting, not code:
//
//   [root shanghai]
//   province = 31
//   public-key = <base64 of the root's 32-byte Ed25519 key>
//   pass-types = commuter, work-commute, freight, quarantine-release
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/conf.h"
#include "gateway/core/error.h"
#include "gateway/credential/certificate.h"

namespace gw::credential {

struct TrustedRoot {
    std::string name;
    std::uint32_t province = 0;
    PublicKey key;
    std::uint8_t type_mask = 0;  ///< Pass types this checkpoint recognises from this root.
};

struct TrustConfig {
    std::vector<TrustedRoot> roots;
    const TrustedRoot* find(const PublicKey& key) const;
};

/// Reads every [root NAME] section of a conf file (other sections are left to the caller).
Result<TrustConfig> parse_trust(const ConfFile& file);
Result<TrustConfig> load_trust(const std::filesystem::path& path);

/// An issuer key whose certificate was checked against a trusted root.
struct Issuer {
    IssuerCert cert;
    std::uint8_t root_type_mask = 0;  ///< Types the checkpoint recognises from the certifying root.
};

/// Issuer certificates that chain to a trusted root, by (province, key id). Not thread-safe:
/// owned by one checker and rebuilt when the cache's certificates change.
class IssuerSet {
public:
    explicit IssuerSet(TrustConfig trust) : trust_(std::move(trust)) {}
    /// Adds a certificate after checking it; the error says why it was refused (untrusted
    /// root, bad signature, province mismatch, key id already used by another key).
    Result<void> add(const IssuerCert& cert);
    const Issuer* find(std::uint32_t province, std::uint16_t key_id) const;
    std::size_t size() const { return issuers_.size(); }
    const TrustConfig& trust() const { return trust_; }

private:
    TrustConfig trust_;
    std::map<std::uint32_t, std::shared_ptr<const Issuer>> issuers_;  // province << 16 | key id
};

/// A trust directory as loaded: the issuers whose certificates chain, and why the others
/// were skipped.
struct TrustDir {
    IssuerSet issuers;
    /// One line per skipped *.cert file, in file-name order, each beginning with the file's
    /// path ("trust/x.cert: issuer certificate 'X' (province 33, key id 5): root signature
    /// does not verify", or "trust/x.cert:4: key 'data': ..." when it does not parse).
    std::vector<std::string> warnings;
};

/// Loads DIR/trust.conf and every *.cert file of DIR (passctl verify --trust DIR). A
/// certificate that does not parse, cannot be read or does not chain (untrusted or forged
/// root, a root of another province, a bad root signature, a key id taken by another key)
/// vouches for nothing, as proto/credential.md §4 says: it is left out with a warning and its
/// passes are UNKNOWN_ISSUER; the rest decide. An error only when DIR is not a listable
/// directory or trust.conf is missing or broken (the checkpoint would not know whom it trusts).
/// Files are added in file-name order, so of two keys under one key id the first name wins.
Result<TrustDir> load_trust_dir(const std::filesystem::path& dir);

}  // namespace gw::credential
