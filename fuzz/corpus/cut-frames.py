#!/usr/bin/env python3
"""Cuts the frame harness's seeds (fuzz/corpus/frame) from the capture seeds (fuzz/corpus/capture/*.pcap).

One file per distinct frame start, at most four per capture: frames whose first 96 bytes (every header the
parser reads) equal an earlier frame's are skipped, and frames are cut to 128 bytes (the parser reads no
further; 128 is FrameParser.PaddedFrameBytes). Re-run after
changing the capture seeds: python3 fuzz/corpus/cut-frames.py
"""
import pathlib
import struct

here = pathlib.Path(__file__).resolve().parent
out = here / "frame"
out.mkdir(exist_ok=True)
seen = set()
for cap in sorted((here / "capture").glob("*.pcap")):
    data = cap.read_bytes()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    pos, n, kept = 24, 0, 0
    while pos + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        n += 1
        if frame[:96] in seen or kept == 4:
            continue
        seen.add(frame[:96])
        kept += 1
        (out / f"{cap.stem}-{n}.bin").write_bytes(frame[:128])
