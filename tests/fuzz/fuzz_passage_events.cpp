// Passage events, event batches and acknowledgements (gateway/sync/passage_event.h): what a
// registry receives from gateways and a gateway from registries. The first byte picks the
// parser. Never a crash, one-line errors, and what parses re-encodes to something that parses
// to the same value.
#include <cstdint>
#include <string>

#include "gateway/sync/passage_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace gw::sync;
    if (size == 0) return 0;
    const gw::ByteView bytes(data + 1, size - 1);
    const auto one_line = [](const gw::Error& e) {
        if (e.message.find('\n') != std::string::npos) __builtin_trap();
    };
    switch (data[0] % 3) {
    case 0: {
        const auto e = parse_event(bytes);
        if (!e) return one_line(e.error()), 0;
        const auto again = parse_event(encode_event(*e));
        if (!again || !(*again == *e) || e->seq == 0 || e->gateway.empty()) __builtin_trap();
        if (event_hash(encode_event(*e)) != event_hash(encode_event(*again))) __builtin_trap();
        break;
    }
    case 1: {
        const auto b = parse_batch(bytes);
        if (!b) return one_line(b.error()), 0;
        const auto again = parse_batch(encode_batch(*b));
        if (!again || again->gateway != b->gateway || again->events != b->events) __builtin_trap();
        for (const auto& e : b->events)
            if (const auto parsed = parse_event(e); !parsed) one_line(parsed.error());
        break;
    }
    case 2: {
        const auto a = parse_ack(bytes);
        if (!a) return one_line(a.error()), 0;
        const auto again = parse_ack(encode_ack(*a));
        if (!again || again->stored_through != a->stored_through || again->error != a->error) __builtin_trap();
        break;
    }
    }
    return 0;
}
