// Signs a 负责人's approval with his key in this browser before the form is sent.
(function () {
  "use strict";
  const section = document.getElementById("actions");
  const problem = document.getElementById("sign-problem");
  if (!section || !window.SanxiangKeys) { return; }
  const officer = section.dataset.officer;
  const active = section.dataset.activeKey;
  function refuse(text) {
    problem.textContent = text;
    problem.hidden = false;
  }
  for (const form of section.querySelectorAll("form[data-sign]")) {
    form.addEventListener("submit", async function (event) {
      if (form.elements.signature.value) { return; }
      event.preventDefault();
      const stored = await SanxiangKeys.load(officer).catch(function () { return undefined; });
      // Only the key the server holds as active can sign (a key replaced elsewhere cannot).
      const record = stored && stored.keyId === active ? stored : undefined;
      if (!record) {
        if (form.hasAttribute("data-sign-required")) {
          refuse("本浏览器没有您当前的电子签名密钥，请先在“电子签名密钥”页面生成，再办理审批。");
          return;
        }
        form.elements.signed_text.remove();
        form.submit();
        return;
      }
      try {
        form.elements.signature.value = await SanxiangKeys.sign(record, form.elements.signed_text.value);
      } catch (error) {
        refuse("签名失败：" + error);
        return;
      }
      form.submit();
    });
  }
})();
