#pragma once
// Test certificates made at test time with the openssl command line: a CA, a server
// certificate for 127.0.0.1 and localhost, client certificates for gateways (CN = the
// gateway's name), and a second, untrusted CA with certificates of its own.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace gw::testing {

class TlsFixture {
public:
    std::filesystem::path dir;

    explicit TlsFixture(std::filesystem::path where) : dir(std::move(where)) {
        std::filesystem::create_directories(dir);
        write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        write("client.ext", "extendedKeyUsage=clientAuth\n");
        make_ca("ca", "test registry CA");
        make_ca("rogue-ca", "rogue CA");
        sign("server", "localhost", "ca", "server.ext");
        sign("rogue-server", "localhost", "rogue-ca", "server.ext");
    }

    std::string ca() const { return path("ca.pem"); }
    std::string rogue_ca() const { return path("rogue-ca.pem"); }
    std::string server_cert() const { return path("server.pem"); }
    std::string server_key() const { return path("server.key"); }
    std::string rogue_server_cert() const { return path("rogue-server.pem"); }
    std::string rogue_server_key() const { return path("rogue-server.key"); }

    /// A client certificate for `name` from the CA (or the rogue CA); returns the file prefix.
    std::string client(const std::string& name, bool rogue = false) {
        const auto prefix = (rogue ? "rogue-client-" : "client-") + name;
        if (!std::filesystem::exists(dir / (prefix + ".pem"))) sign(prefix, name, rogue ? "rogue-ca" : "ca", "client.ext");
        return path(prefix);
    }

private:
    std::string path(const std::string& file) const { return (dir / file).string(); }
    void write(const std::string& file, const std::string& text) const { std::ofstream(dir / file) << text; }
    void run(const std::string& command) const {
        const auto full = "cd '" + dir.string() + "' && (" + command + ") >/dev/null 2>&1";
        if (std::system(full.c_str()) != 0) throw std::runtime_error("openssl failed: " + command);
    }
    void make_ca(const std::string& name, const std::string& cn) const {
        run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -keyout " + name +
            ".key -out " + name + ".pem -subj '/CN=" + cn + "'");
    }
    void sign(const std::string& name, const std::string& cn, const std::string& ca, const std::string& ext) const {
        run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out " + name +
            ".csr -subj '/CN=" + cn + "' && openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
            ".key -set_serial 0x" + std::to_string(std::hash<std::string>{}(name) & 0xFFFFFFFFFFFF) + " -days 30 -out " +
            name + ".pem -extfile " + ext);
    }
};

}  // namespace gw::testing
