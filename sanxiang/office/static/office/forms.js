// Every office form is sent once: after the first submit its buttons are disabled and the one
// pressed says 处理中…, so a double click (or an impatient second tap on a phone) does not send
// the same step, record or document twice. The server does not rely on this — a repeated
// request is refused or answered with what the first one made — it only spares the wait.
// A form marked data-confirm="…" asks first (立案, 决定, 撤案 and other steps that cannot be undone).
(function () {
  "use strict";

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    // Runs first (capture phase): a step the officer does not confirm goes nowhere, not even
    // to the page's own scripts (the signature of an approval is not asked for).
    var question = form.getAttribute("data-confirm");
    if (question && form.getAttribute("data-sent") !== "yes" && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    // An approval signed in this browser is sent by its own script once signed (cases/sign.js);
    // if signing fails the officer must be able to try again, so its buttons stay enabled.
    if (form.hasAttribute("data-sign")) { return; }
    if (form.getAttribute("data-sent") === "yes") {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    form.setAttribute("data-sent", "yes");
    var pressed = event.submitter;
    // Disabled after the browser has collected the form's data (the pressed button's own
    // name and value still go with it).
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].disabled = true;
        buttons[i].setAttribute("aria-busy", "true");
      }
      if (pressed && pressed.tagName === "BUTTON") {
        pressed.setAttribute("data-label", pressed.textContent);
        pressed.textContent = "处理中…";
      }
    }, 0);
  }

  // A page restored from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    var forms = document.querySelectorAll("form[data-sent]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].removeAttribute("data-sent");
      var buttons = forms[i].querySelectorAll("[aria-busy]");
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].disabled = false;
        buttons[j].removeAttribute("aria-busy");
        if (buttons[j].hasAttribute("data-label")) {
          buttons[j].textContent = buttons[j].getAttribute("data-label");
        }
      }
    }
  });

  document.addEventListener("submit", onSubmit, true);

  // The 工作台 link's count (overdue steps, reviews waiting, overdue publications, unread
  // notifications), asked for once the page is drawn so that the page itself does not pay.
  function deskCount() {
    var link = document.getElementById("nav-desk");
    var badge = link && link.querySelector(".badge");
    if (!badge || !window.fetch) { return; }
    fetch(link.getAttribute("data-count-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.count > 0) {
          badge.textContent = "（" + data.count + "）";
          badge.hidden = false;
        }
      })
      .catch(function () { /* no count shown: the 工作台 still lists everything */ });
  }
  // A 送达回证 asks only for what the chosen mode must record (拒收事由 and 见证人 for 留置送达 …);
  // without JavaScript every field shows and the server says which are missing.
  function showForMethod(select) {
    var fields = select.form ? select.form.querySelectorAll("[data-for-method]") : [];
    for (var i = 0; i < fields.length; i++) {
      var modes = fields[i].getAttribute("data-for-method").split(" ");
      var row = fields[i].closest("p") || fields[i].parentNode;
      row.hidden = modes.indexOf(select.value) < 0;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-method]")) {
      showForMethod(event.target);
    }
  });
  // A field marked data-required-when="NAME=VALUE" is required only while the choice NAME is
  // VALUE (the reasons of a 法制审核 point found 存在问题). The server checks it again.
  function requireWhen(form) {
    var fields = form ? form.querySelectorAll("[data-required-when]") : [];
    for (var i = 0; i < fields.length; i++) {
      var rule = fields[i].getAttribute("data-required-when").split("=");
      var chosen = form.querySelector("[name='" + rule[0] + "']:checked");
      var on = chosen ? chosen.value === rule[1] : false;
      fields[i].required = on;
      fields[i].setAttribute("aria-required", on ? "true" : "false");
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.querySelector("[data-required-when]")) {
      requireWhen(event.target.form);
    }
  });
  function onReady() {
    deskCount();
    var conditional = document.querySelectorAll("form [data-required-when]");
    for (var k = 0; k < conditional.length; k++) { requireWhen(conditional[k].form); }
    var selects = document.querySelectorAll("select[data-method]");
    for (var i = 0; i < selects.length; i++) { showForMethod(selects[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
}());
