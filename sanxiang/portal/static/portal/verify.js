// Checks, in the reader's own browser, that the public text on this page is the one recorded in
// the signed log: SHA-256 of the text = the event's content hash, and the event is in the tree
// whose root the platform signed (RFC 9162 inclusion proof, fetched from /gongshi/ledger/proof).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("verify-data").textContent);
  const out = document.getElementById("verify-result");
  const encoder = new TextEncoder();

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function join(...parts) {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return all;
  }
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function fromB64(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }
  function say(ok, lines) {
    out.className = "card result " + (ok ? "valid" : "invalid");
    out.replaceChildren();
    const title = document.createElement("h2");
    title.textContent = ok ? "核验通过" : "核验未通过";
    out.append(title);
    const meaning = document.createElement("p");
    meaning.className = "plain-summary";
    meaning.textContent = ok
      ? "这说明：本页公示的文字与执法机关确认公示时的文字完全一致，公示以后没有被改动。"
      : "这说明：本页文字与执法全过程记录对不上，可能被改动过，或核验时网络出错。请稍后重试；" +
        "仍不通过的，请以执法机关送达的决定书为准，并向执法机关反映。";
    out.append(meaning);
    const details = document.createElement("p");
    details.className = "muted";
    details.textContent = "技术细节：";
    out.append(details);
    for (const line of lines) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = line;
      out.append(p);
    }
  }

  async function verify() {
    const text = document.getElementById("public-text").textContent;
    const leaf = JSON.parse(data.leaf);
    const digest = hex(await sha256(encoder.encode(text)));
    if (digest !== leaf.content_sha256) {
      return say(false, ["本页公示内容的 SHA-256 为 " + digest + "，与全过程记录中的 " +
        leaf.content_sha256 + " 不一致。"]);
    }
    const response = await fetch(data.proof_url, { headers: { Accept: "application/json" } });
    if (!response.ok) { return say(false, ["无法取得证明：HTTP " + response.status]); }
    const proof = await response.json();
    let fn = data.index, sn = data.size - 1;
    let r = await sha256(join(new Uint8Array([0]), encoder.encode(data.leaf)));
    for (const b64 of proof.inclusion_path) {
      const p = fromB64(b64);
      if (sn === 0) { return say(false, ["证明路径过长。"]); }
      if ((fn & 1) === 1 || fn === sn) {
        r = await sha256(join(new Uint8Array([1]), p, r));
        if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
      } else {
        r = await sha256(join(new Uint8Array([1]), r, p));
      }
      fn >>= 1; sn >>= 1;
    }
    if (sn !== 0 || hex(r) !== data.root) {
      return say(false, ["由证明路径计算的根哈希 " + hex(r) + " 与已签名的根哈希 " + data.root +
        " 不一致。"]);
    }
    say(true, [
      "本页公示内容的 SHA-256（" + digest + "）与全过程记录第 " + data.index + " 条一致；",
      "该记录包含在平台于 " + data.signed_at + " 签名的记录树（大小 " + data.size + "，根哈希 " +
        data.root + "）中。",
      "签名公钥见“记录核验”页（密钥标识 " + data.key_id + "）。",
    ]);
  }

  // The button is rendered disabled: a click before this script has run would do nothing.
  const button = document.getElementById("verify-button");
  button.addEventListener("click", () => {
    verify().catch((error) => say(false, ["核验出错：" + error]));
  });
  button.disabled = false;
})();
