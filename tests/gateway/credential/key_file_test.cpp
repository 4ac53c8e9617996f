#include <doctest/doctest.h>

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "gateway/credential/key_file.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::credential;
namespace fs = std::filesystem;

using gw::testing::TempDir;

TEST_CASE("a key pair is written as a 0600 secret file and a public file that load back") {
    TempDir d;
    const auto kp = generate_keypair();
    REQUIRE(write_keypair(d.path / "pinghu", KeyRole::kIssuer, 33, "pinghu", kp));
    struct stat st{};
    REQUIRE(::stat((d.path / "pinghu.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto sk = load_secret_key(d.path / "pinghu.key").value();
    CHECK(sk.role == KeyRole::kIssuer);
    CHECK(sk.province == 33);
    CHECK(public_of(sk.key) == kp.public_key);
    CHECK(load_public_key(d.path / "pinghu.pub").value().key == kp.public_key);
}

TEST_CASE("key files are never overwritten") {
    TempDir d;
    REQUIRE(write_keypair(d.path / "k", KeyRole::kRoot, 31, "r", generate_keypair()));
    CHECK(write_keypair(d.path / "k", KeyRole::kRoot, 31, "r", generate_keypair()).error().message.find("already exists") !=
          std::string::npos);
}

TEST_CASE("the wrong kind of key file is named as such") {
    TempDir d;
    REQUIRE(write_keypair(d.path / "k", KeyRole::kRoot, 31, "r", generate_keypair()));
    CHECK(load_secret_key(d.path / "k.pub").error().message ==
          (d.path / "k.pub").string() + ":2: key 'kind': this is a 'root-public' file, expected a *-secret key");
    CHECK(load_token_key(d.path / "k.key").error().message.find("expected token-secret") != std::string::npos);
}

TEST_CASE("a corrupt or missing key file gets one line naming the problem") {
    TempDir d;
    std::ofstream(d.path / "bad.key") << "kind = issuer-secret\nprovince = 33\nsecret = not*base64\n";
    CHECK(load_secret_key(d.path / "bad.key").error().message ==
          (d.path / "bad.key").string() + ":3: key 'secret': expected base64 of 64 bytes");
    CHECK(load_secret_key(d.path / "none.key").error().message == (d.path / "none.key").string() + ": cannot open");
    std::ofstream(d.path / "extra.key") << "kind = issuer-secret\nprovince = 33\nsecret = AAAA\ncolour = red\n";
    CHECK_FALSE(load_secret_key(d.path / "extra.key"));
}

TEST_CASE("the holder-token key file holds 32 bytes as token-secret, mode 0600, and nothing else") {
    TempDir d;
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7);
    REQUIRE(write_token_key(d.path / "t.key", "yrd-token", key));
    struct stat st{};
    REQUIRE(::stat((d.path / "t.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto loaded = load_token_key(d.path / "t.key");
    REQUIRE(loaded);
    CHECK(loaded->key == key);
    CHECK(loaded->name == "yrd-token");

    // 31 bytes (base64 of 31 bytes is 44 characters too), no name, an extra key.
    std::ofstream(d.path / "short.key") << "kind = token-secret\nsecret = " << std::string(42, 'A') << "==\n";
    CHECK(load_token_key(d.path / "short.key").error().message ==
          (d.path / "short.key").string() + ":2: key 'secret': expected base64 of 32 bytes");
    std::ofstream(d.path / "noname.key") << "kind = token-secret\nsecret = " << std::string(43, 'A') << "=\n";
    CHECK(load_token_key(d.path / "noname.key"));
    std::ofstream(d.path / "extra.key") << "kind = token-secret\nprovince = 33\nsecret = " << std::string(43, 'A') << "=\n";
    CHECK_FALSE(load_token_key(d.path / "extra.key"));
}
