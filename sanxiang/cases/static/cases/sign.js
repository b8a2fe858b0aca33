// Signs a 负责人's approval with his key in this browser before the form is sent.
// Listens on the document, not on each form: the case page's sections are drawn again after an
// action sent by htmx (case-page.js), and the approval forms in them are new ones. These forms
// have no hx-post: once signed they are sent as plain posts.
(function () {
  "use strict";
  if (window.SanxiangSignListening) { return; }
  window.SanxiangSignListening = true;
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    const section = document.getElementById("actions");
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-sign")) { return; }
    if (!section || !section.contains(form) || !window.SanxiangKeys) { return; }
    if (form.elements.signature.value) { return; }
    event.preventDefault();
    const problem = document.getElementById("sign-problem");
    function refuse(text) {
      problem.textContent = text;
      problem.hidden = false;
    }
    const officer = section.dataset.officer;
    const active = section.dataset.activeKey;
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
})();
