#include <doctest/doctest.h>

#include <fstream>

#include "gateway/daemon/config.h"
#include "gateway/demo/demo_world.h"
#include "tests/temp_dir.h"

using namespace gw;
using namespace gw::daemon;
using gw::testing::TempDir;

namespace {

struct ConfigDir {
    TempDir dir;
    ConfigDir() { std::ofstream(dir.path / "trust.conf") << demo::demo_world().trust_conf(); }
    Result<GatewayConfig> load(const std::string& text) {
        std::ofstream(dir.path / "g.conf") << text;
        return load_config(dir.path / "g.conf");
    }
    std::string err(const std::string& text) {
        auto r = load(text);
        return r ? std::string("(loaded)") : r.error().message;
    }
    std::string at(int line) const { return (dir.path / "g.conf").string() + ":" + std::to_string(line) + ": "; }
};

const char* kHead = "[checkpoint]\nname = test\nstate-dir = state\ntrust = trust.conf\n";

}  // namespace

TEST_CASE("the example merged checkpoint configuration is valid") {
    const auto c = load_config(std::string(GW_SOURCE_DIR) + "/config/jinshan-pinghu.conf");
    if (!c) FAIL(c.error().message);
    CHECK(c->lanes.size() == 4);
    CHECK(c->trust.roots.size() == 2);
    int cars = 0, trucks = 0, walks = 0;
    for (const auto& l : c->lanes) {
        cars += l.logic.lane.kind == decision::LaneKind::kCar;
        trucks += l.logic.lane.kind == decision::LaneKind::kTruck;
        walks += l.logic.lane.kind == decision::LaneKind::kPedestrian;
    }
    CHECK(cars == 2);
    CHECK(trucks == 1);
    CHECK(walks == 1);
}

TEST_CASE("a minimal configuration gets the documented defaults") {
    ConfigDir d;
    auto c = d.load(std::string(kHead) + "[lane walk-1]\ntype = pedestrian\ndirection = to-zhejiang\ncontroller = tcp:127.0.0.1:7001\n");
    if (!c) FAIL(c.error().message);
    const auto& l = c->lanes.front();
    CHECK(l.logic.lane.needs_temperature);
    CHECK_FALSE(l.logic.lane.needs_plate);
    CHECK(l.logic.input_timeout == Seconds{8});
    CHECK(c->state_dir == d.dir.path / "state");
    CHECK(c->policy.fever_threshold.value == doctest::Approx(37.3));
}

TEST_CASE("configuration errors name the file, the line and the key") {
    ConfigDir d;
    const std::string lane = "[lane car-1]\ntype = car\ndirection = to-zhejiang\n";
    CHECK(d.err(std::string(kHead) + lane + "controller = udp:1.2.3.4:5\nplate-feed = serial:/dev/ttyUSB1\n") ==
          d.at(8) + "[lane car-1] key 'controller': bad endpoint 'udp:1.2.3.4:5': expected tcp:HOST:PORT or serial:/dev/ttyX[@BAUD]");
    CHECK(d.err(std::string(kHead) + lane + "controller = tcp:10.0.0.2:99999\n") ==
          d.at(8) + "[lane car-1] key 'controller': bad endpoint 'tcp:10.0.0.2:99999': port must be 1..65535");
    CHECK(d.err(std::string(kHead) + lane + "controller = tcp:10.0.0.2:7001\n") ==
          d.at(5) + "[lane car-1] needs a plate but has no plate-feed, plate-cameras or [anpr-camera]: the lane could never open");
    CHECK(d.err(std::string(kHead) + "[lane w]\ntype = bicycle\n") ==
          d.at(6) + "[lane w] key 'type': unknown lane type 'bicycle': expected pedestrian, car or truck");
    CHECK(d.err(std::string(kHead) + "[lane w]\ntype = pedestrian\ndirection = x\ncontroller = tcp:1.2.3.4:5\ncolour = red\n") ==
          d.at(9) + "[lane w] key 'colour': unknown key");
    CHECK(d.err(std::string(kHead) + "[policy]\nfever-threshold = 41\n") == d.at(6) + "[policy] key 'fever-threshold': out of range 35..40");
    CHECK(d.err("[checkpoint]\nname = x\nstate-dir = s\ntrust = missing.conf\n") ==
          d.at(4) + "[checkpoint] key 'trust': " + (d.dir.path / "missing.conf").string() + ": cannot open");
    CHECK(d.err(std::string(kHead)) == (d.dir.path / "g.conf").string() + ": no [lane ID] section: nothing to run");
    CHECK(d.err(std::string(kHead) + "[lanes x]\n") == d.at(5) + "[lanes x] unknown section [lanes]");
    CHECK(d.err(std::string(kHead) + "[registry sh]\nprovinces = 31, 99\n") ==
          d.at(6) + "[registry sh] key 'provinces': '99' is not a GB/T 2260 province code");
}

TEST_CASE("two lanes cannot share a device") {
    ConfigDir d;
    const auto walk = [](const char* id) {
        return std::string("[lane ") + id + "]\ntype = pedestrian\ndirection = d\ncontroller = tcp:127.0.0.1:7001\n";
    };
    CHECK(d.err(std::string(kHead) + walk("a") + walk("b")).find("uses tcp:127.0.0.1:7001 already used") != std::string::npos);
}

TEST_CASE("endpoints are TCP host and port or a serial device with an optional baud rate") {
    CHECK(std::get<TcpEndpoint>(parse_endpoint("tcp:192.168.1.20:7001", 9600).value()) == TcpEndpoint{"192.168.1.20", 7001});
    CHECK(std::get<TcpEndpoint>(parse_endpoint("tcp:ctl-3.lane.example:7001", 9600).value()) ==
          TcpEndpoint{"ctl-3.lane.example", 7001});
    CHECK(std::get<TcpEndpoint>(parse_endpoint("tcp:localhost:7001", 9600).value()) == TcpEndpoint{"localhost", 7001});
    CHECK(std::get<TcpEndpoint>(parse_endpoint("tcp:[fd00::7]:7001", 9600).value()) == TcpEndpoint{"fd00::7", 7001});
    CHECK(std::get<SerialDevice>(parse_endpoint("serial:/dev/ttyUSB0@115200", 9600).value()) ==
          SerialDevice{"/dev/ttyUSB0", 115200});
    CHECK(std::get<SerialDevice>(parse_endpoint("serial:/dev/ttyS1", 9600).value()) == SerialDevice{"/dev/ttyS1", 9600});
    CHECK(endpoint_text(parse_endpoint("tcp:[fd00::7]:7001", 9600).value()) == "tcp:[fd00::7]:7001");
    CHECK(endpoint_text(parse_endpoint("serial:/dev/ttyS1", 9600).value()) == "serial:/dev/ttyS1@9600");
}

TEST_CASE("malformed endpoints are refused word for word") {
    const auto err = [](std::string_view text) { return parse_endpoint(text, 9600).error().message; };
    CHECK(err("serial:ttyS1") == "bad endpoint 'serial:ttyS1': expected serial:/dev/ttyX[@BAUD]");
    CHECK(err("serial:/dev/ttyS1@12") == "bad endpoint 'serial:/dev/ttyS1@12': baud rate 300..4000000");
    CHECK(err("tcp::7001") == "bad endpoint 'tcp::7001': expected tcp:HOST:PORT");
    CHECK(err("tcp:ctl:0") == "bad endpoint 'tcp:ctl:0': port must be 1..65535");
    CHECK(err("tcp:ctl:7001x") == "bad endpoint 'tcp:ctl:7001x': port must be 1..65535");
    CHECK(err("tcp:bad host:7001") == "bad endpoint 'tcp:bad host:7001': 'bad host' is neither an IPv4 address nor a host name");
    CHECK(err("tcp:-ctl.lan:7001") == "bad endpoint 'tcp:-ctl.lan:7001': '-ctl.lan' is neither an IPv4 address nor a host name");
    CHECK(err("tcp:ctl..lan:7001") == "bad endpoint 'tcp:ctl..lan:7001': 'ctl..lan' is neither an IPv4 address nor a host name");
    CHECK(err("tcp:fd00::7:7001") == "bad endpoint 'tcp:fd00::7:7001': an IPv6 address goes in brackets: tcp:[ADDRESS]:PORT");
    CHECK(err("tcp:[fd00::zz]:7001") == "bad endpoint 'tcp:[fd00::zz]:7001': 'fd00::zz' is not an IPv6 address");
    CHECK(parse_serial_device("tcp:10.0.0.2:7001", 9600).error().message ==
          "'tcp:10.0.0.2:7001' is not a serial port: expected serial:/dev/ttyX[@BAUD]");
}

TEST_CASE("a lane's scanners and plate feed must be serial ports") {
    ConfigDir d;
    const std::string lane = "[lane car-1]\ntype = car\ndirection = to-zhejiang\ncontroller = tcp:ctl-1.lan:7001\n";
    CHECK(d.err(std::string(kHead) + lane + "plate-feed = tcp:10.0.0.9:7001\n") ==
          d.at(9) + "[lane car-1] key 'plate-feed': 'tcp:10.0.0.9:7001' is not a serial port: expected serial:/dev/ttyX[@BAUD]");
}

TEST_CASE("a synced registry comes with a [sync] section, and its data from the log, not a records file") {
    ConfigDir d;
    const auto root = to_base64(demo::demo_world().keys.at("zhejiang-root").pair.public_key.bytes);
    const std::string lane = "[lane walk-1]\ntype = pedestrian\ndirection = to-zhejiang\ncontroller = tcp:127.0.0.1:7001\n";
    const std::string sync = "[sync]\ngateway = jp-1\nca-file = tls/ca.pem\nclient-cert = tls/gw.pem\nclient-key = tls/gw.key\n";
    const std::string zj = "[registry zhejiang]\nprovinces = 33\nurl = https://registry.zj.example/v1/\nroot-key = " + root +
                           "\nevents-url = https://registry.zj.example/v1/\n";
    auto c = d.load(std::string(kHead) + "outbox-budget-mb = 64\n" + sync + zj + lane);
    if (!c) FAIL(c.error().message);
    REQUIRE(c->sync.has_value());
    CHECK(c->sync->gateway == "jp-1");
    CHECK(c->sync->tls.ca_file == (d.dir.path / "tls/ca.pem").string());
    REQUIRE(c->sync->registries.size() == 1);
    CHECK(c->sync->registries[0].events_url.has_value());
    CHECK(c->outbox_budget_bytes == 64ull << 20);
    REQUIRE(c->registries.size() == 1);
    CHECK_FALSE(c->registries[0].records.has_value());

    CHECK(d.err(std::string(kHead) + zj + lane).find("[sync]") != std::string::npos);
    std::ofstream(d.dir.path / "zj.records") << "registry = zhejiang\n";
    CHECK(d.err(std::string(kHead) + sync + zj + "records = zj.records\n" + lane).find("exclude each other") != std::string::npos);
    CHECK(d.err(std::string(kHead) + sync + zj + "colour = blue\n" + lane).find("'colour': unknown key") != std::string::npos);
    CHECK(d.err(std::string(kHead) + "outbox-budget-mb = 0\n" + lane).find("outbox-budget-mb") != std::string::npos);
}

TEST_CASE("the lanes ask for real-time scheduling unless lane-scheduling says less, and a misspelt class is refused by name") {
    ConfigDir d;
    const std::string lane = "[lane walk-1]\ntype = pedestrian\ndirection = to-zhejiang\ncontroller = tcp:127.0.0.1:7001\n";
    auto plain = d.load(std::string(kHead) + lane);
    if (!plain) FAIL(plain.error().message);
    CHECK(plain->lane_scheduling == LaneClass::kRealtime);
    for (const auto& [name, wanted] : {std::pair{"raised", LaneClass::kRaised}, std::pair{"ordinary", LaneClass::kAsIs},
                                        std::pair{"realtime", LaneClass::kRealtime}}) {
        auto c = d.load(std::string(kHead) + "lane-scheduling = " + name + "\n" + lane);
        if (!c) FAIL(c.error().message);
        CHECK(c->lane_scheduling == wanted);
    }
    const auto err = d.err(std::string(kHead) + "lane-scheduling = fifo\n" + lane);
    CHECK(err.find("lane-scheduling") != std::string::npos);
    CHECK(err.find("'fifo' is not realtime, raised or ordinary") != std::string::npos);
}

TEST_CASE("a lane reads QR codes from cameras beside its scanners, stream passwords from a 0600 file") {
    ConfigDir d;
    std::filesystem::create_directories(d.dir.path / "frames");
    std::ofstream(d.dir.path / "cams.conf") << "[stream admin@10.0.0.5]\npassword = s3cret\n";
    std::filesystem::permissions(d.dir.path / "cams.conf", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto c = d.load(std::string(kHead) + "camera-credentials = cams.conf\n" +
                    "[lane walk-1]\ntype = pedestrian\ndirection = to-zhejiang\ncontroller = tcp:127.0.0.1:7001\n"
                    "scanners = serial:/dev/ttyUSB0\n"
                    "qr-cameras = v4l2:/dev/video0, rtsp://admin@10.0.0.5/stream1, http://127.0.0.1:8081/cam, dir:frames\n");
    if (!c) FAIL(c.error().message);
    const auto& cams = c->lanes.front().qr_cameras;
    REQUIRE(cams.size() == 4);
    CHECK(cams[0].kind == vision::SourceKind::kV4l2);
    CHECK(cams[1].kind == vision::SourceKind::kRtsp);
    CHECK(cams[2].kind == vision::SourceKind::kHttp);
    CHECK(cams[3].kind == vision::SourceKind::kDir);
    CHECK(cams[3].location == (d.dir.path / "frames").string());  // relative to the config file
    REQUIRE(c->camera_credentials);
    CHECK(c->camera_credentials->password_for(cams[1]) == "s3cret");
    CHECK(c->camera_credentials_path == d.dir.path / "cams.conf");
}

TEST_CASE("malformed camera settings are refused word for word, without a password in the message") {
    ConfigDir d;
    std::ofstream(d.dir.path / "cams.conf") << "[stream admin@10.0.0.5]\npassword = s3cret\n";
    std::filesystem::permissions(d.dir.path / "cams.conf", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ofstream(d.dir.path / "open.conf") << "[stream admin@10.0.0.5]\npassword = s3cret\n";
    std::filesystem::permissions(d.dir.path / "open.conf", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                                               std::filesystem::perms::group_read);
    const std::string lane = "[lane w]\ntype = pedestrian\ndirection = d\ncontroller = tcp:127.0.0.1:7001\n";
    const auto cams = [&](const std::string& list, const std::string& head = "") {
        return d.err(std::string(kHead) + head + lane + "qr-cameras = " + list + "\n");
    };
    CHECK(cams("ftp://10.0.0.5/x").starts_with(d.at(9) + "[lane w] key 'qr-cameras': "));
    CHECK(cams(",") == d.at(9) + "[lane w] key 'qr-cameras': camera '': empty");
    const auto with_password = cams("rtsp://admin:s3cret@10.0.0.5/stream1");
    CHECK(with_password.starts_with(d.at(9) + "[lane w] key 'qr-cameras': "));
    CHECK(with_password.find("s3cret") == std::string::npos);
    CHECK(cams("rtsp://admin@10.0.0.5/stream1") ==
          d.at(9) + "[lane w] key 'qr-cameras': 'rtsp://admin@10.0.0.5/stream1' has a user but [checkpoint] names no "
                    "camera-credentials file for its password");
    CHECK(cams("rtsp://operator@10.0.0.5/stream1", "camera-credentials = cams.conf\n") ==
          d.at(10) + "[lane w] key 'qr-cameras': 'rtsp://operator@10.0.0.5/stream1' has no password in " +
              (d.dir.path / "cams.conf").string() + " (a [stream operator@10.0.0.5] section)");
    CHECK(cams("rtsp://admin@10.0.0.5/stream1", "camera-credentials = open.conf\n") ==
          d.at(5) + "[checkpoint] key 'camera-credentials': " + (d.dir.path / "open.conf").string() +
              ": readable by group or others; chmod 600 it (it holds camera passwords)");
    CHECK(cams("rtsp://admin@10.0.0.5/stream1", "camera-credentials = none.conf\n") ==
          d.at(5) + "[checkpoint] key 'camera-credentials': " + (d.dir.path / "none.conf").string() +
              ": No such file or directory");
    CHECK(cams("file:" + (d.dir.path / "none.mp4").string()) ==
          d.at(9) + "[lane w] key 'qr-cameras': 'file:" + (d.dir.path / "none.mp4").string() + "' names no file");
    CHECK(cams("dir:" + (d.dir.path / "none").string()) ==
          d.at(9) + "[lane w] key 'qr-cameras': 'dir:" + (d.dir.path / "none").string() + "' names no folder");
}

TEST_CASE("two lanes cannot share a camera, even under another user") {
    ConfigDir d;
    std::ofstream(d.dir.path / "cams.conf") << "[stream a@10.0.0.5]\npassword = x\n[stream b@10.0.0.5]\npassword = y\n";
    std::filesystem::permissions(d.dir.path / "cams.conf", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto walk = [](const char* id, int port, const char* cam) {
        return std::string("[lane ") + id + "]\ntype = pedestrian\ndirection = d\ncontroller = tcp:127.0.0.1:" +
               std::to_string(port) + "\nqr-cameras = " + cam + "\n";
    };
    CHECK(d.err(std::string(kHead) + "camera-credentials = cams.conf\n" + walk("a", 1, "rtsp://a@10.0.0.5/s1") +
                walk("b", 2, "rtsp://b@10.0.0.5/s1")) ==
          (d.dir.path / "g.conf").string() + ": [lane b] uses rtsp://b@10.0.0.5/s1 already used by another lane or device");
    CHECK(d.err(std::string(kHead) + walk("a", 1, "v4l2:/dev/video0") + walk("b", 2, "v4l2:/dev/video0")) ==
          (d.dir.path / "g.conf").string() + ": [lane b] uses v4l2:/dev/video0 already used by another lane or device");
    CHECK(d.load(std::string(kHead) + walk("a", 1, "v4l2:/dev/video0") + walk("b", 2, "v4l2:/dev/video1")).has_value());
}

TEST_CASE("an ANPR camera must push to a lane of the file, through a console") {
    ConfigDir d;
    {
        std::ofstream(d.dir.path / "cam.token") << std::string(40, 't') << "\n";
    }
    std::filesystem::permissions(d.dir.path / "cam.token",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const std::string walk = "[lane walk-1]\ntype = pedestrian\ndirection = to-zhejiang\ncontroller = tcp:127.0.0.1:7001\n";
    const std::string console = "[console]\nlisten = 127.0.0.1:0\n";
    const std::string cam = "[anpr-camera cam-1]\nlane = walk-1\ntoken-file = cam.token\n";
    auto c = d.load(std::string(kHead) + walk + console + cam);
    if (!c) FAIL(c.error().message);
    REQUIRE(c->anpr_cameras.size() == 1);
    CHECK(c->anpr_cameras[0].lane == "walk-1");
    CHECK(d.err(std::string(kHead) + walk + console + "[anpr-camera cam-1]\nlane = car-9\ntoken-file = cam.token\n") ==
          (d.dir.path / "g.conf").string() + ": [anpr-camera cam-1] lane 'car-9' is no [lane] of this file");
    CHECK(d.err(std::string(kHead) + walk + cam) ==
          (d.dir.path / "g.conf").string() +
              ": [anpr-camera] sections need a [console] section (the push arrives on its HTTPS server)");
    CHECK(d.err(std::string(kHead) + walk + console + cam + cam) == d.at(14) + "[anpr-camera cam-1] anpr-camera name repeated");
}

TEST_CASE("the evidence budget is 512 MiB by default when a lane has a QR or plate camera, off without one, and any size asked for") {
    ConfigDir d;
    const std::string lane = "[lane w]\ntype = pedestrian\ndirection = d\ncontroller = tcp:127.0.0.1:7001\n";
    const std::string camera = "qr-cameras = http://127.0.0.1:8081/cam\n";
    CHECK(d.load(std::string(kHead) + lane + camera).value().evidence_budget_bytes == 512ull << 20);
    CHECK(d.load(std::string(kHead) + lane + "scanners = serial:/dev/ttyUSB0\n").value().evidence_budget_bytes == 0);
    CHECK(d.load(std::string(kHead) + "evidence-budget-mb = 0\n" + lane + camera).value().evidence_budget_bytes == 0);
    CHECK(d.load(std::string(kHead) + "evidence-budget-mb = 64\n" + lane).value().evidence_budget_bytes == 64ull << 20);
    std::ofstream(d.dir.path / "plate.onnx") << "model";
    const std::string car = "[lane c]\ntype = car\ndirection = d\ncontroller = tcp:127.0.0.1:7002\nscanners = serial:/dev/ttyUSB0\n";
    CHECK(d.load(std::string(kHead) + "plate-model = plate.onnx\n" + car + "plate-cameras = http://127.0.0.1:8091/plate\n")
              .value()
              .evidence_budget_bytes == 512ull << 20);
}

TEST_CASE("a malformed evidence budget is refused word for word") {
    ConfigDir d;
    const std::string lane = "[lane w]\ntype = pedestrian\ndirection = d\ncontroller = tcp:127.0.0.1:7001\n";
    const auto budget = [&](const std::string& v) { return d.err(std::string(kHead) + "evidence-budget-mb = " + v + "\n" + lane); };
    for (const char* v : {"12MB", "1.5", "0x10", "+5", "1e3", "５", "1 024"}) {
        INFO(std::string(v));
        CHECK(budget(v) == d.at(5) + "[checkpoint] key 'evidence-budget-mb': not a whole number");
    }
    CHECK(budget("1048577") == d.at(5) + "[checkpoint] key 'evidence-budget-mb': out of range 0..1048576");
    CHECK(budget("-1") == d.at(5) + "[checkpoint] key 'evidence-budget-mb': out of range 0..1048576");
    CHECK(budget("") == d.at(5) + "[checkpoint] key 'evidence-budget-mb': not a whole number");
}

TEST_CASE("a car lane reads its plates from plate cameras with the checkpoint's plate model") {
    ConfigDir d;
    std::ofstream(d.dir.path / "cams.conf") << "[stream admin@10.0.0.7]\npassword = s3cret\n";
    std::filesystem::permissions(d.dir.path / "cams.conf", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ofstream(d.dir.path / "plate.onnx") << "model";
    const std::string lane = "[lane car-1]\ntype = car\ndirection = d\ncontroller = tcp:127.0.0.1:7001\nscanners = serial:/dev/ttyUSB0\n";
    auto c = d.load(std::string(kHead) + "camera-credentials = cams.conf\nplate-model = plate.onnx\n" + lane +
                    "plate-cameras = rtsp://admin@10.0.0.7/plate, http://127.0.0.1:8091/plate\n");
    if (!c) FAIL(c.error().message);
    const auto& l = c->lanes.front();
    REQUIRE(l.plate_cameras.size() == 2);
    CHECK(l.plate_cameras[0].kind == vision::SourceKind::kRtsp);
    CHECK(l.plate_model == d.dir.path / "plate.onnx");
    REQUIRE(l.camera_credentials);
    CHECK(l.camera_credentials->password_for(l.plate_cameras[0]) == "s3cret");

    // Word for word: the key named, the model required, a plate source required.
    CHECK(d.err(std::string(kHead) + lane + "plate-cameras = http://127.0.0.1:8091/plate\n") ==
          d.at(10) + "[lane car-1] key 'plate-cameras': needs [checkpoint] plate-model (the reader's ONNX file)");
    CHECK(d.err(std::string(kHead) + "plate-model = none.onnx\n" + lane + "plate-cameras = http://127.0.0.1:8091/plate\n") ==
          d.at(5) + "[checkpoint] key 'plate-model': " + (d.dir.path / "none.onnx").string() + ": no such file");
    CHECK(d.err(std::string(kHead) + "plate-model = plate.onnx\n" + lane + "plate-cameras = ftp://x/y\n")
              .starts_with(d.at(11) + "[lane car-1] key 'plate-cameras': "));
    CHECK(d.err(std::string(kHead) + "plate-model = plate.onnx\n" + lane + "plate-cameras = rtsp://admin@10.0.0.7/plate\n") ==
          d.at(11) + "[lane car-1] key 'plate-cameras': 'rtsp://admin@10.0.0.7/plate' has a user but [checkpoint] names no "
                     "camera-credentials file for its password");
    // One camera, one lane: a plate camera cannot also be a QR camera.
    CHECK(d.err(std::string(kHead) + "plate-model = plate.onnx\n" + lane +
                "plate-cameras = http://127.0.0.1:8091/cam\nqr-cameras = http://127.0.0.1:8091/cam\n") ==
          (d.dir.path / "g.conf").string() + ": [lane car-1] uses http://127.0.0.1:8091/cam already used by another lane or device");
}
