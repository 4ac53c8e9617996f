#include <doctest/doctest.h>

#include "gateway/credential/id_number.h"
#include "gateway/credential/plate.h"
#include "gateway/credential/region.h"
#include "gateway/credential/uscc.h"

using namespace gw::credential;

TEST_CASE("a unified social credit code is accepted only with its GB 32100 check character") {
    CHECK(parse_uscc("91330482MA28A1B2C0"));
    CHECK(parse_uscc("91310116MA1J8K9L0X"));
    CHECK(parse_uscc("91330482MA28A1B2C1").error().message ==
          "bad unified social credit code '91330482MA28A1B2C1': check character does not match (GB 32100)");
    CHECK(parse_uscc("91330482MA28A1B2I0").error().message.find("not allowed") != std::string::npos);
    CHECK(parse_uscc("913304X2MA28A1B2C0").error().message.find("region digits") != std::string::npos);
    CHECK_FALSE(parse_uscc("9133048"));
}

TEST_CASE("a unified social credit code survives packing into 75 bits") {
    for (const char* code : {"91330482MA28A1B2C0", "91310116MA1J8K9L0X", "92330482MA2AC5D6E4"}) {
        const auto u = parse_uscc(code).value();
        CHECK((pack_uscc(u) >> 75) == 0);
        CHECK(unpack_uscc(pack_uscc(u)).value() == u);
    }
}

TEST_CASE("region codes need a real province and scopes are prefixes") {
    CHECK(parse_region("330482").value().province() == 33);
    CHECK(parse_region("990482").error().message == "bad region code '990482': no province 99");
    CHECK_FALSE(parse_region("33048"));
    const auto jiaxing = parse_scope("3304").value();
    CHECK(jiaxing.covers(parse_region("330482").value()));
    CHECK_FALSE(jiaxing.covers(parse_region("330106").value()));
    CHECK(parse_scope("33").value().covers(jiaxing));
    CHECK_FALSE(parse_scope("333"));
}

TEST_CASE("plates are normalised the way people and plate readers write them") {
    CHECK(parse_plate("浙F12345").value().text == "浙F12345");
    CHECK(parse_plate("浙F·12345").value().text == "浙F12345");
    CHECK(parse_plate("浙 f 1234 5").value().text == "浙F12345");
    CHECK(parse_plate("沪ＡＤ１２３４５").value().text == "沪AD12345");  // full-width
    CHECK(parse_plate("苏E1234挂").value().text == "苏E1234挂");
    CHECK(plate_province_code(parse_plate("沪A12345").value()) == 31);
}

TEST_CASE("plates that GA 36 does not allow are refused with the rule named") {
    CHECK(parse_plate("浙F1234O").error().message.find("other than I or O") != std::string::npos);
    CHECK(parse_plate("浙I12345").error().message.find("letter other than I or O") != std::string::npos);
    CHECK(parse_plate("A12345").error().message.find("7 or 8 characters") != std::string::npos);
    CHECK(parse_plate("X浙12345").error().message.find("province abbreviation") != std::string::npos);
    CHECK(parse_plate("沪AA12345").error().message.find("new-energy") != std::string::npos);
    CHECK(parse_plate("沪A12345D"));  // large new-energy vehicle
    CHECK(parse_plate("\xff\xfe").error().message.find("not UTF-8") != std::string::npos);
}

TEST_CASE("plates survive packing into 44 bits") {
    for (const char* p : {"浙F12345", "沪AD12345", "沪A12345D", "苏E1234挂", "京A0000学", "琼Z99999"}) {
        const auto plate = parse_plate(p).value();
        CHECK((pack_plate(plate) >> 44) == 0);
        CHECK(unpack_plate(pack_plate(plate)).value() == plate);
    }
}

TEST_CASE("ID numbers are checked per GB 11643 and never repeated in errors") {
    CHECK(parse_id_number("11010519491231002X").value() == "11010519491231002X");
    CHECK(parse_id_number("11010519491231002x").value() == "11010519491231002X");
    const auto bad = parse_id_number("110105194912310021");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "bad ID number: check character does not match (GB 11643)");
    CHECK(bad.error().message.find("1101") == std::string::npos);
}
