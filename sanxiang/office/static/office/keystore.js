// The officer's signing key pair, kept in this browser's IndexedDB. The private key is created
// non-extractable by WebCrypto: scripts (ours included) can sign with it but never read it.
window.SanxiangKeys = (function () {
  "use strict";
  function open() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open("sanxiang-signing", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("keys"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  async function run(mode, action) {
    const db = await open();
    return new Promise(function (resolve, reject) {
      const tx = db.transaction("keys", mode);
      const request = action(tx.objectStore("keys"));
      tx.oncomplete = function () { resolve(request.result); };
      tx.onerror = function () { reject(tx.error); };
    });
  }
  function b64(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes)));
  }
  return {
    b64: b64,
    load: function (officer) { return run("readonly", function (s) { return s.get("officer:" + officer); }); },
    save: function (officer, record) { return run("readwrite", function (s) { return s.put(record, "officer:" + officer); }); },
    // A key made but not yet accepted by the server (password not yet checked) waits here, so a
    // refused registration never replaces the key the server knows.
    loadPending: function (officer) { return run("readonly", function (s) { return s.get("pending:" + officer); }); },
    savePending: function (officer, record) { return run("readwrite", function (s) { return s.put(record, "pending:" + officer); }); },
    dropPending: function (officer) { return run("readwrite", function (s) { return s.delete("pending:" + officer); }); },
    create: async function () {
      const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
      const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
      const digest = await crypto.subtle.digest("SHA-256", raw);
      const keyId = Array.from(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
      return { pair: pair, publicKey: b64(raw), keyId: keyId };
    },
    sign: async function (record, text) {
      const signature = await crypto.subtle.sign({ name: "Ed25519" }, record.pair.privateKey, new TextEncoder().encode(text));
      return b64(signature);
    },
  };
})();
