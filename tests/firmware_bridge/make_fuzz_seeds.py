#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/fuzz_bridge_frame.cpp and fuzz_scanner_line.cpp.

Run from the repository root: python3 tests/firmware_bridge/make_fuzz_seeds.py
Only (re)writes the seeds named here; crash reproducers added to the corpus directories by
hand are left alone. Frames are built independently of the C++ code (CRC-16/CCITT-FALSE as in
firmware_bridge/PROTOCOL.md), so the seeds also cross-check the spec.
"""
import array
import os
import struct

FRAME_DIR = "tests/fuzz/corpus/bridge_frame/"
LINE_DIR = "tests/fuzz/corpus/scanner_line/"


def crc16(data, crc=0xFFFF):
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


assert crc16(b"123456789") == 0x29B1


def frame(ftype, seq, payload, version=1):
    header = bytes([0xA5, 0x5A, version, ftype]) + struct.pack("<HH", seq, len(payload))
    header += struct.pack("<H", crc16(header))
    body = header + payload
    return body + struct.pack("<H", crc16(body))


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(num, wire, value):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(value)
    if wire == 2:
        return key + varint(len(value)) + value
    if wire == 5:
        return key + value
    raise ValueError(wire)


# ToFirmware / FromFirmware payloads (proto/bridge.proto).
OPEN_CMD = field(1, 0, 7) + field(2, 2, field(1, 0, 1))
MANUAL = "人工 / manual".encode()
DISPLAY_CMD = field(1, 0, 8) + field(3, 2, field(1, 2, MANUAL))
PRESENCE = field(1, 0, 1000) + field(4, 2, field(2, 0, 1))
SPOT = field(7, 2, field(1, 5, struct.pack("<f", 36.5)) + field(2, 0, 1))
RESULT = field(1, 0, 5) + field(2, 2, field(1, 0, 7) + field(2, 0, 1))
FLOATS = array.array("f", [24.0 + (i % 32) * 0.01 for i in range(768)]).tobytes()
THERMAL = field(6, 2, field(1, 0, 32) + field(2, 0, 24) + field(3, 2, FLOATS) + field(4, 0, 1))


def heartbeat(sender, echo):
    return struct.pack("<II", sender, echo)


def seed(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def frame_seeds():
    hb = frame(4, 0, heartbeat(0x11223344, 0))
    ack = frame(2, 7, b"")
    open_cmd = frame(1, 1, OPEN_CMD)
    disp = frame(1, 2, DISPLAY_CMD)
    pres = frame(1, 3, PRESENCE)
    corrupted = bytearray(disp)
    corrupted[-1] ^= 1
    raw = {  # byte 0: chunking seed (bit 7 clear = raw mode)
        "heartbeat": (0, hb),
        "ack": (3, ack),
        "open_barrier": (1, open_cmd),
        "display_manual": (5, disp),
        "presence": (7, pres),
        "spot_datagram": (2, frame(3, 0, SPOT)),
        "thermal_frame": (13, frame(3, 5, THERMAL)),
        "stream_mixed": (9, hb + b"\x00garbage\xa5" + open_cmd + ack + bytes(corrupted) + pres),
        "oversize_len": (4, frame(1, 1, b"")[:6] + struct.pack("<H", 5000) + b"\x00\x00" + hb),
        "bad_header_crc": (6, bytes([0xA5, 0x5A, 1, 1, 0, 0, 2, 0, 0xDE, 0xAD]) + b"xx\x00\x00" + ack),
        "truncated": (8, open_cmd[:9] + hb),
        "other_version": (10, frame(1, 1, b"abc", version=2) + ack),
        "unknown_type": (11, frame(9, 1, b"abc") + ack),
        "sync_bytes_only": (12, b"\xa5\x5a" * 40),
        "empty_stream": (0, b""),
    }
    for name, (chunk, data) in raw.items():
        seed(FRAME_DIR, name, bytes([chunk]) + data)

    # Session mode (byte 0 bit 7 set): records [type][seq lo][seq hi][len][payload], where
    # type bits 0-1 = frame type - 1, bit 4 = our side sends the payload too, bit 5 = as a
    # datagram, bits 6-7 = simulated time step (x 120 ms) after the record.
    def rec(rtype, seq, payload):
        return bytes([rtype]) + struct.pack("<H", seq) + bytes([len(payload)]) + payload

    hello = rec(3, 0, heartbeat(2, 1))  # peer session 2 hears us (session 1): link up
    session = {
        "session_handshake_and_commands": hello + rec(0, 1, OPEN_CMD) + rec(0, 2, DISPLAY_CMD) + rec(0, 2, DISPLAY_CMD),
        "session_events_and_acks": hello + rec(0x10, 1, PRESENCE) + rec(1, 1, b"") + rec(0x50, 2, RESULT) + rec(1, 2, b""),
        "session_datagrams": hello + rec(2, 0, SPOT) + rec(2, 5, SPOT) + rec(0x30, 0, SPOT),
        "session_silence_and_restart": hello + rec(0xD0, 1, OPEN_CMD) + rec(0xC0, 9, b"") + rec(3, 0, heartbeat(3, 0))
        + rec(3, 1, heartbeat(3, 1)) + rec(0, 1, OPEN_CMD),
        "session_loopback_and_bad_heartbeat": rec(3, 0, heartbeat(1, 1)) + rec(3, 0, b"\x00\x00\x00") + hello,
    }
    for i, (name, data) in enumerate(session.items()):
        seed(FRAME_DIR, name, bytes([0x80 | i]) + data)


def line_seeds():
    lines = {  # byte 0: chunking seed, byte 1: max_line - 1
        "crlf": (1, 255, b"HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL\r\n"),
        "lf": (2, 255, b"PASS-1234\nPASS-5678\n"),
        "cr": (3, 255, b"PASS-1234\rPASS-5678\r"),
        "mixed_terminators": (0, 255, b"a\r\nb\rc\nd\n\re\r\r\n"),
        "overlong": (4, 8, b"short\nthis line is far too long\nok\n"),
        "nul": (5, 255, b"abc\x00def\nnext\n"),
        "control": (6, 255, b"ab\tc\nesc\x1b[0m\nfine\n"),
        "utf8": (7, 255, "浙F12345\n沪A·88888\n".encode()),
        "bad_utf8": (8, 255, b"\xc0\xaf\n\xed\xa0\x80\n\xf4\x90\x80\x80\nok\n"),
        "binary_junk": (9, 32, bytes(range(256)) + b"\n"),
        "unterminated": (10, 255, b"partial line without end"),
    }
    for name, (chunk, max_line, data) in lines.items():
        seed(LINE_DIR, name, bytes([chunk, max_line]) + data)


if __name__ == "__main__":
    os.makedirs(FRAME_DIR, exist_ok=True)
    os.makedirs(LINE_DIR, exist_ok=True)
    frame_seeds()
    line_seeds()
