// The passage journal's files as a power cut or a damaged disk may leave them
// (gateway/sync/passage_journal.h): never a crash; what decodes re-encodes byte for byte to
// the prefix it came from, so a damaged record ends the list and nothing after it is taken.
#include <cstdint>

#include "gateway/sync/passage_journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::sync;
    const gw::ByteView bytes(data, size);
    const auto records = decode_journal(bytes);
    gw::Bytes again;
    for (const auto& r : records) {
        const auto one = encode_journal_record(r.seq, r.data);
        again.insert(again.end(), one.begin(), one.end());
    }
    if (again.size() > size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
    return 0;
}
