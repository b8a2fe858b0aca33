// 电子签名密钥 page: make a key pair in this browser, keep it here, register its public key.
(function () {
  "use strict";
  const page = document.getElementById("signing-key");
  const officer = page.dataset.officer;
  const active = page.dataset.activeKey;
  const status = document.getElementById("browser-key");
  const form = document.getElementById("register-key");
  // A key registered on the last visit becomes this browser's key once the server has it.
  SanxiangKeys.loadPending(officer).then(async function (pending) {
    if (pending && pending.keyId === active) {
      await SanxiangKeys.save(officer, pending);
      await SanxiangKeys.dropPending(officer);
    }
    return SanxiangKeys.load(officer);
  }).then(function (record) {
    if (record && record.keyId === active) {
      status.textContent = "本浏览器保存着您当前的签名密钥，可在本浏览器签名审批。";
    } else if (active) {
      status.textContent = "本浏览器没有您当前的签名密钥。要在本浏览器签名，请生成新密钥（原密钥将停用）。";
    } else {
      status.textContent = "您尚未登记签名密钥。";
    }
  });
  form.addEventListener("submit", async function (event) {
    if (form.elements.public_key.value) { return; }
    event.preventDefault();
    try {
      const made = await SanxiangKeys.create();
      await SanxiangKeys.savePending(officer, { pair: made.pair, keyId: made.keyId });
      form.elements.public_key.value = made.publicKey;
      form.submit();
    } catch (error) {
      status.textContent = "本浏览器不支持生成电子签名密钥（需要支持 Ed25519 的浏览器）：" + error;
    }
  });
})();
