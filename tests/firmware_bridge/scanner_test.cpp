#include <doctest/doctest.h>

#include <unistd.h>

#include "firmware_bridge/emulator/pty.h"
#include "firmware_bridge/scanner.h"
#include "test_util.h"

using namespace gw;
using namespace gw::bridge;
using namespace std::chrono_literals;
using namespace std::string_literals;
using Lines = std::vector<std::string>;

namespace {

Lines feed(LineSplitter& s, std::string_view bytes) { return s.feed(as_bytes(bytes)); }

}  // namespace

TEST_CASE("scanner lines end at CR, at LF and at CR LF") {
    LineSplitter s;
    CHECK(feed(s, "HC1:AAA\r") == Lines{"HC1:AAA"});
    CHECK(feed(s, "HC1:BBB\n") == Lines{"HC1:BBB"});
    CHECK(feed(s, "HC1:CCC\r\n") == Lines{"HC1:CCC"});
    CHECK(feed(s, "one\rtwo\nthree\r\nfour\r\n") == Lines{"one", "two", "three", "four"});
    CHECK(s.stats().lines == 7);
    CHECK(s.stats().empty == 0);
}

TEST_CASE("a CR LF split across two reads is one terminator") {
    LineSplitter s;
    CHECK(feed(s, "PASS-1\r") == Lines{"PASS-1"});
    CHECK(feed(s, "\nPASS-2\r") == Lines{"PASS-2"});
    CHECK(feed(s, "\n").empty());
    CHECK(s.stats().empty == 0);
    // LF CR is two terminators: the empty line between them is ignored and counted.
    CHECK(feed(s, "x\n\ry\n") == Lines{"x", "y"});
    CHECK(s.stats().empty == 1);
}

TEST_CASE("a line split across many reads is reassembled") {
    LineSplitter s;
    Lines got;
    for (char c : std::string("浙F12345\r\n")) {
        auto l = s.feed(as_bytes(std::string_view(&c, 1)));
        got.insert(got.end(), l.begin(), l.end());
    }
    CHECK(got == Lines{"浙F12345"});
}

TEST_CASE("an overlong line is dropped and counted, and the line after it is read") {
    LineSplitter s(8);
    CHECK(feed(s, "12345678\n") == Lines{"12345678"});  // exactly the limit is fine
    CHECK(feed(s, "123456789012345").empty());
    CHECK(s.stats().overlong == 1);  // counted as soon as it crossed the limit
    CHECK(feed(s, "67890\r\nnext\n") == Lines{"next"});
    CHECK(s.stats().overlong == 1);
    CHECK(s.last_reject() == LineReject::kOverlong);
}

TEST_CASE("a line with a NUL byte is rejected with its reason") {
    LineSplitter s;
    CHECK(feed(s, std::string_view("abc\0def\nnext\n", 13)) == Lines{"next"});
    CHECK(s.stats().nul == 1);
    CHECK(s.last_reject() == LineReject::kNulByte);
    CHECK(name(LineReject::kNulByte) == "NUL byte");
}

TEST_CASE("control bytes and invalid UTF-8 are rejected with their reasons") {
    LineSplitter s;
    CHECK(feed(s, "tab\there\nesc\x1b[0m\ndel\x7f\nok\n") == Lines{"ok"});
    CHECK(s.stats().control == 3);
    CHECK(feed(s, "\xC0\xAF\nbad \xE6\xB5\ngood 浙\n") == Lines{"good 浙"});
    CHECK(s.stats().invalid_utf8 == 2);
    CHECK(s.last_reject() == LineReject::kInvalidUtf8);
    CHECK(s.stats().rejected() == 5);
}

TEST_CASE("binary junk between good lines is rejected, and the good lines survive") {
    LineSplitter s(64);
    std::string junk;
    for (int i = 0; i < 256; ++i) junk.push_back(static_cast<char>(i));
    std::string stream = "PASS-A\r\n" + junk + junk + "\r\nPASS-B\r\n";
    CHECK(feed(s, stream) == Lines{"PASS-A", "PASS-B"});
    // The junk holds CR and LF itself, so it is several rejected lines; none got through.
    CHECK(s.stats().lines == 2);
    CHECK(s.stats().rejected() >= 2);
}

TEST_CASE("an unterminated line is dropped at end of stream") {
    LineSplitter s;
    CHECK(feed(s, "half a co").empty());
    s.end_of_stream();
    CHECK(s.stats().partial_dropped == 1);
    CHECK(feed(s, "de\n") == Lines{"de"});
}

TEST_CASE("the scanner reader emits payloads from a real serial pty") {
    asio::io_context io;
    auto pty = emulator::PtyPair::open();
    REQUIRE(pty);
    Lines got;
    ScannerReader::Options opts;
    opts.log = [](std::string_view) {};
    auto reader = ScannerReader::open_serial(io.get_executor(), pty->slave_path(), 9600, opts,
                                             [&](std::string p) { got.push_back(std::move(p)); });
    reader->start();
    REQUIRE(test::run_until(io, [&] { return reader->is_open(); }));
    const std::string bytes = "HC1:6BFOXN\r\n沪A·88888\rbad\0line\nlast\n"s;
    REQUIRE(::write(pty->master(), bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    REQUIRE(test::run_until(io, [&] { return got.size() == 3; }));
    CHECK(got == Lines{"HC1:6BFOXN", "沪A·88888", "last"});
    REQUIRE(test::run_until(io, [&] { return reader->stats().nul == 1; }));
    reader->stop();
    test::run_for(io, 20ms);
}

TEST_CASE("the scanner reader reopens its port after the connection drops") {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    Lines got;
    ScannerReader::Options opts;
    opts.reopen_delay = 20ms;
    opts.log = [](std::string_view) {};
    auto reader = ScannerReader::create(make_tcp_client(asio::make_strand(io), acceptor.local_endpoint()), opts,
                                        [&](std::string p) { got.push_back(std::move(p)); });
    reader->start();
    for (int round = 0; round < 2; ++round) {
        asio::ip::tcp::socket peer(io);
        bool accepted = false;
        acceptor.async_accept(peer, [&](error_code ec) { accepted = !ec; });
        REQUIRE(test::run_until(io, [&] { return accepted; }));
        const std::string line = "code-" + std::to_string(round) + "\r\nunfinished";
        asio::write(peer, asio::buffer(line));
        REQUIRE(test::run_until(io, [&] { return got.size() == static_cast<std::size_t>(round + 1); }));
        peer.close();  // the scanner is unplugged mid-line
        REQUIRE(test::run_until(io, [&] { return reader->stats().partial_dropped == static_cast<std::uint64_t>(round + 1); }));
    }
    CHECK(got == Lines{"code-0", "code-1"});
    CHECK(reader->io_errors() >= 2);  // each drop was logged and counted
    reader->stop();
    test::run_for(io, 20ms);
}
