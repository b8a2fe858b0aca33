"""Check a ledger inclusion proof (/gongshi/ledger/proof?index=I&size=N) with hashlib alone."""

import base64
import hashlib
import json
import sys

proof = json.load(sys.stdin)
fn, sn = proof["leaf_index"], proof["tree_size"] - 1
r = base64.b64decode(proof["leaf_hash"])  # = SHA-256(0x00 ‖ leaf), if you hold the leaf
for node in map(base64.b64decode, proof["inclusion_path"]):  # RFC 9162 §2.1.3.2
    if sn == 0:
        sys.exit("FAIL: proof too long")
    if fn % 2 == 1 or fn == sn:
        r = hashlib.sha256(b"\x01" + node + r).digest()
        while fn % 2 == 0 and fn != 0:
            fn, sn = fn >> 1, sn >> 1
    else:
        r = hashlib.sha256(b"\x01" + r + node).digest()
    fn, sn = fn >> 1, sn >> 1
root = base64.b64decode(proof["root_hash"])
print("OK" if sn == 0 and r == root else "FAIL", "root", root.hex())
sys.exit(0 if sn == 0 and r == root else 1)
