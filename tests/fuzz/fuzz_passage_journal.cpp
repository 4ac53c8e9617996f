// The passage journal's files as a power cut or a damaged disk may leave them
// (gateway/sync/passage_journal.h), in both formats: never a crash; what decodes re-encodes
// byte for byte to the prefix it came from (so a damaged record, or one of an older
// generation, ends the list and nothing after it is taken), and every record is above the
// file's floor.
#include <cstdint>

#include "gateway/sync/passage_journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::sync;
    const gw::ByteView bytes(data, size);
    const auto decoded = decode_journal(bytes);
    gw::Bytes again;
    for (const auto& r : decoded.records) {
        if (!decoded.old_format && r.seq <= decoded.floor) __builtin_trap();
        const auto one = decoded.old_format ? encode_journal_record_v1(r.seq, r.data)
                                            : encode_journal_record(decoded.floor, r.seq, r.data);
        again.insert(again.end(), one.begin(), one.end());
    }
    if (again.size() != decoded.end || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
    return 0;
}
