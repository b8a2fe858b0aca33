// SX-DRAW-1 in the reader's browser: recomputes a published 双随机 draw from its public record
// (the JSON at /gongshi/draws/<id>.json, embedded in the page as #draw-record) and says whether the
// seed, the drawn targets and every team match what was published. No library and no server help:
// SHA-256 is written out here (FIPS 180-4) because crypto.subtle is missing on a plain-http portal,
// and the 256-bit numbers are BigInts. The reference is sanxiang/inspections/draw.py; this file
// must agree with it byte for byte (tests/inspections/test_draw_browser.py checks it in Chromium).
(function () {
  "use strict";

  const ALGORITHM = "SX-DRAW-1";
  const encoder = new TextEncoder();

  // ---- SHA-256 (FIPS 180-4, section 6.2) -------------------------------------------------
  // The constants are the first 32 bits of the fractional parts of the square roots (initial
  // hash) and cube roots (K) of the first primes (section 4.2.2, 5.3.3), computed here.
  function primes(count) {
    const found = [];
    for (let n = 2; found.length < count; n++) {
      if (found.every((p) => n % p !== 0)) { found.push(n); }
    }
    return found;
  }
  function fraction32(x) {
    return Math.floor((x - Math.floor(x)) * 0x100000000) >>> 0;
  }
  const PRIMES = primes(64);
  const K = Int32Array.from(PRIMES, (p) => fraction32(Math.cbrt(p)));
  const H0 = Int32Array.from(PRIMES.slice(0, 8), (p) => fraction32(Math.sqrt(p)));
  const W = new Int32Array(64);

  function sha256(bytes) {
    const length = bytes.length;
    const total = Math.ceil((length + 9) / 64) * 64;
    const block = new Uint8Array(total);
    block.set(bytes);
    block[length] = 0x80;
    const view = new DataView(block.buffer);
    const bits = length * 8;
    view.setUint32(total - 8, Math.floor(bits / 0x100000000));
    view.setUint32(total - 4, bits >>> 0);
    const h = Int32Array.from(H0);
    for (let offset = 0; offset < total; offset += 64) {
      for (let t = 0; t < 16; t++) { W[t] = view.getInt32(offset + 4 * t); }
      for (let t = 16; t < 64; t++) {
        const w15 = W[t - 15], w2 = W[t - 2];
        const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
        const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
        W[t] = (s1 + W[t - 7] + s0 + W[t - 16]) | 0;
      }
      let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = (e & f) ^ (~e & g);
        const T1 = (hh + S1 + ch + K[t] + W[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const T2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (d + T1) | 0;
        d = c; c = b; b = a; a = (T1 + T2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
    }
    const digest = new Uint8Array(32);
    const out = new DataView(digest.buffer);
    for (let i = 0; i < 8; i++) { out.setInt32(4 * i, h[i]); }
    return digest;
  }

  function hex(bytes) {
    let text = "";
    for (const byte of bytes) { text += (byte < 16 ? "0" : "") + byte.toString(16); }
    return text;
  }
  function concat(...parts) {
    const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of parts) { all.set(part, at); at += part.length; }
    return all;
  }

  // ---- canon(): Python's json.dumps(x, ensure_ascii=False, separators=(",", ":"),
  // sort_keys=True) ----------------------------------------------------------------------
  // Python escapes only the quote, the backslash and U+0000–U+001F (\b \t \n \f \r by name, the
  // rest as \u00xx in lower-case hex); everything else, U+007F, U+2028 and characters outside the
  // BMP included, is written as it is and then encoded as UTF-8.
  const NAMED = { 0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f",
    0x0d: "\\r" };
  const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

  class DrawProblem extends Error {}

  function quote(text) {
    if (LONE_SURROGATE.test(text)) {
      throw new DrawProblem("标识中含有无法编码为 UTF-8 的字符");
    }
    if (!NEEDS_ESCAPE.test(text)) { return '"' + text + '"'; }
    let out = '"';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (NAMED[code] !== undefined) {
        out += NAMED[code];
      } else if (code < 0x20) {
        out += "\\u" + code.toString(16).padStart(4, "0");
      } else {
        out += text[i];
      }
    }
    return out + '"';
  }

  // Python orders strings (and dict keys) by code point, which is also the order of their UTF-8
  // bytes; JavaScript's < compares UTF-16 units, which differs only between a surrogate pair and
  // U+E000–U+FFFF. Lifting the units at and above U+D800 puts them back in code-point order
  // (needed only where both strings have such units: else the first difference cannot be one).
  const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/;
  function codePointCompare(x, y) {
    if (!SURROGATE_OR_ABOVE.test(x) || !SURROGATE_OR_ABOVE.test(y)) {
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const shorter = Math.min(x.length, y.length);
    for (let i = 0; i < shorter; i++) {
      let a = x.charCodeAt(i), b = y.charCodeAt(i);
      if (a !== b) {
        if (a >= 0xd800 && b >= 0xd800) {
          a = a >= 0xe000 ? a - 0x800 : a + 0x2000;
          b = b >= 0xe000 ? b - 0x800 : b + 0x2000;
        }
        return a < b ? -1 : 1;
      }
    }
    return x.length - y.length;
  }

  function canonText(value) {
    if (typeof value === "string") { return quote(value); }
    if (Array.isArray(value)) { return "[" + value.map(canonText).join(",") + "]"; }
    if (Number.isInteger(value)) { return String(value); }
    if (value === true || value === false || value === null) { return String(value); }
    if (typeof value === "object") {
      const keys = Object.keys(value).sort(codePointCompare);
      return "{" + keys.map((key) => quote(key) + ":" + canonText(value[key])).join(",") + "}";
    }
    throw new DrawProblem("记录中有无法规范化的值：" + String(value));
  }

  function canon(value) {
    return encoder.encode(canonText(value));
  }

  function listSha256(values) {
    return hex(sha256(canon(values)));
  }

  function seedOf(candidatesSha256, inspectorsSha256, beacons) {
    return sha256(concat(
      encoder.encode(ALGORITHM + "\n" + candidatesSha256 + "\n" + inspectorsSha256 + "\n"),
      canon(beacons),
    ));
  }

  // ---- pick(): a partial Fisher–Yates shuffle driven by sha256(seed + label + j) ------------
  function pick(pool, k, label, seed) {
    const a = pool.slice();
    const n = a.length;
    if (!(k >= 0 && k <= n)) {
      throw new DrawProblem("要抽取 " + k + " 个，但只有 " + n + " 个可供抽取");
    }
    const labelBytes = encoder.encode(label);
    const message = new Uint8Array(seed.length + labelBytes.length + 8);
    message.set(seed);
    message.set(labelBytes, seed.length);
    const counter = new DataView(message.buffer, seed.length + labelBytes.length, 8);
    for (let j = 0; j < k; j++) {
      counter.setUint32(0, Math.floor(j / 0x100000000));
      counter.setUint32(4, j >>> 0);
      const r = Number(BigInt("0x" + hex(sha256(message))) % BigInt(n - j));
      const swap = a[j];
      a[j] = a[j + r];
      a[j + r] = swap;
    }
    return a.slice(0, k);
  }

  // ---- the draw, with draw.run's refusals ------------------------------------------------
  function checkList(values, name) {
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) {
      throw new DrawProblem(name + "不是标识字符串的列表");
    }
    for (let i = 1; i < values.length; i++) {
      const order = codePointCompare(values[i - 1], values[i]);
      if (order === 0) { throw new DrawProblem(name + "中的标识「" + values[i] + "」重复出现"); }
      if (order > 0) { throw new DrawProblem(name + "未按 UTF-8 字节顺序排列"); }
    }
  }

  function hashesAndSeed(record) {
    checkList(record.candidates, "检查对象名单");
    checkList(record.inspectors, "检查人员名单");
    if (!Array.isArray(record.beacons) || record.beacons.length === 0 ||
        !record.beacons.every((b) => typeof b === "string")) {
      throw new DrawProblem("至少需要一个冻结名单之后产生的随机源（信标）");
    }
    const candidatesSha256 = listSha256(record.candidates);
    const inspectorsSha256 = listSha256(record.inspectors);
    const seed = seedOf(candidatesSha256, inspectorsSha256, record.beacons);
    return { candidatesSha256, inspectorsSha256, seed };
  }

  function recompute(record) {
    return drawFrom(record, hashesAndSeed(record));
  }

  function drawFrom(record, { candidatesSha256, inspectorsSha256, seed }) {
    const { candidates, inspectors, k, m } = record;
    const conflicts = record.conflicts || {};
    if (!Number.isInteger(k) || !Number.isInteger(m) || k < 1 || m < 1) {
      throw new DrawProblem("抽取的检查对象数和每组检查人员数都必须至少为 1");
    }
    if (k > candidates.length) {
      throw new DrawProblem("要抽取 " + k + " 个检查对象，但名单中只有 " + candidates.length + " 个");
    }
    const candidateSet = new Set(candidates);
    const inspectorSet = new Set(inspectors);
    for (const [target, people] of Object.entries(conflicts)) {
      if (!candidateSet.has(target)) {
        throw new DrawProblem("回避记录中的检查对象「" + target + "」不在冻结名单中");
      }
      for (const person of people) {
        if (!inspectorSet.has(person)) {
          throw new DrawProblem("回避记录中的检查人员「" + person + "」不在冻结名单中");
        }
      }
    }
    const targets = pick(candidates, k, "target", seed);
    const teams = {};
    targets.forEach((target, t) => {
      const barred = new Set(Object.hasOwn(conflicts, target) ? conflicts[target] : []);
      const pool = inspectors.filter((person) => !barred.has(person));
      if (m > pool.length) {
        throw new DrawProblem("检查对象「" + target + "」回避后只剩 " + pool.length +
          " 名检查人员，不足每组 " + m + " 名");
      }
      teams[target] = pick(pool, m, "inspector:" + t, seed);
    });
    return {
      seed: hex(seed),
      targets,
      teams,
      candidates_sha256: candidatesSha256,
      inspectors_sha256: inspectorsSha256,
    };
  }

  // ---- verify(): every recomputed part against the record -------------------------------
  const MAX_TEAM_PROBLEMS = 5;

  function listed(values) {
    return Array.isArray(values) ? values.map((v) => "「" + v + "」").join("、") : "（缺失）";
  }
  function sameList(x, y) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length &&
      x.every((value, i) => value === y[i]);
  }

  function verify(record) {
    const problems = [];
    if (!record || record.algorithm !== ALGORITHM) {
      return { ok: false, problems: ["记录的算法不是 SX-DRAW-1，无法按本程序核验"] };
    }
    let hashed;
    try {
      hashed = hashesAndSeed(record);
    } catch (error) {
      if (!(error instanceof DrawProblem)) { throw error; }
      return { ok: false, problems: ["公布的名单无法用于重新计算：" + error.message] };
    }
    if (hashed.candidatesSha256 !== String(record.candidates_sha256).toLowerCase()) {
      problems.push("检查对象名单与冻结时登记的哈希值（candidates_sha256）不一致：名单在冻结后被改动过");
    }
    if (hashed.inspectorsSha256 !== String(record.inspectors_sha256).toLowerCase()) {
      problems.push("检查人员名单与冻结时登记的哈希值（inspectors_sha256）不一致：名单在冻结后被改动过");
    }
    if (hex(hashed.seed) !== String(record.seed).toLowerCase()) {
      problems.push("随机种子与公布的不一致：信标或名单与抽取时所用的不同");
    }
    let result;
    try {
      result = drawFrom(record, hashed);
    } catch (error) {
      if (!(error instanceof DrawProblem)) { throw error; }
      problems.push("无法按公布的参数重新抽取：" + error.message);
      return { ok: false, problems };
    }
    if (!sameList(result.targets, record.targets)) {
      problems.push("抽中的检查对象与公布的不一致：重新计算为" + listed(result.targets) +
        "，公布为" + listed(record.targets));
    }
    const published = record.teams && typeof record.teams === "object" ? record.teams : {};
    const teamProblems = [];
    for (const target of result.targets) {
      const team = Object.hasOwn(published, target) ? published[target] : undefined;
      if (!sameList(result.teams[target], team)) {
        teamProblems.push("检查对象「" + target + "」的检查组与公布的不一致：重新计算为" +
          listed(result.teams[target]) + "，公布为" + listed(team));
      }
    }
    for (const target of Object.keys(published)) {
      if (!Object.hasOwn(result.teams, target)) {
        teamProblems.push("公布的检查组中有未被抽中的检查对象「" + target + "」");
      }
    }
    problems.push(...teamProblems.slice(0, MAX_TEAM_PROBLEMS));
    if (teamProblems.length > MAX_TEAM_PROBLEMS) {
      problems.push("另有 " + (teamProblems.length - MAX_TEAM_PROBLEMS) + " 个检查组不一致");
    }
    return { ok: problems.length === 0, problems };
  }

  window.SXDraw = { ALGORITHM, DrawProblem, sha256, hex, canon, listSha256, seedOf, pick,
    recompute, verify };

  // ---- the button on /gongshi/draws/<id>/ ------------------------------------------------
  function wire() {
    const source = document.getElementById("draw-record");
    const button = document.getElementById("draw-verify");
    const verdict = document.getElementById("draw-verdict");
    if (!source || !button || !verdict) { return; }
    function say(state, summary, lines) {
      verdict.replaceChildren();
      verdict.dataset.state = state;
      const head = document.createElement("p");
      head.className = "verdict-" + state;
      head.textContent = summary;
      verdict.append(head);
      if (lines.length) {
        const list = document.createElement("ul");
        for (const line of lines) {
          const item = document.createElement("li");
          item.textContent = line;
          list.append(item);
        }
        verdict.append(list);
      }
    }
    button.addEventListener("click", () => {
      button.disabled = true;
      say("working", "正在您的浏览器中重新计算……", []);
      // Let the browser paint the message before the (synchronous) recomputation.
      setTimeout(() => {
        try {
          const began = performance.now();
          const report = verify(JSON.parse(source.textContent));
          const ms = Math.max(1, Math.round(performance.now() - began));
          const took = "（在您的浏览器中重新计算，用时 " + ms + " 毫秒）";
          if (report.ok) {
            say("match", "本次抽取可以复现：随机种子、抽中对象和检查组与公布结果完全一致" + took, []);
          } else {
            say("mismatch", "本次抽取无法复现，以下部分与公布结果不一致" + took + "：", report.problems);
          }
        } catch (error) {
          say("error", "核验出错，未能完成重新计算：" + error.message, []);
        } finally {
          button.disabled = false;
        }
      }, 0);
    });
    // Rendered disabled so that a click before this script has run is not silently lost.
    button.disabled = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
