// The case page (cases/detail.html) with JavaScript:
// - its sections are <details data-fold="…"> that remember, per officer in this browser, whether
//   he left them open or folded; the section with the next step opens on every visit;
// - its forms are sent by htmx (hx-post): the answer is the page drawn again, which replaces
//   <main> while the form the officer sent stays where it was on the screen, and the outcome
//   shows in its section (or at the foot of the window when that is out of sight).
// Without JavaScript the forms are plain posts that come back to the top of the page.
(function () {
  "use strict";

  function officer() {
    var page = document.getElementById("case-page");
    return page ? page.getAttribute("data-officer") : "";
  }
  function key(name) { return "sanxiang.case-fold." + officer() + "." + name; }
  function stored(name) {
    try { return window.localStorage.getItem(key(name)); } catch (e) { return null; }
  }
  function store(name, open) {
    try { window.localStorage.setItem(key(name), open ? "open" : "closed"); } catch (e) { /* private mode */ }
  }
  function folds() { return document.querySelectorAll("details[data-fold]"); }

  // Only the officer's own clicks are remembered (not the page's defaults).
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details[data-fold] > summary");
    if (summary) { store(summary.parentNode.getAttribute("data-fold"), !summary.parentNode.open); }
  });

  // On arrival: each section as the officer left it, but the one with the next step and the one
  // with an outcome to show are open.
  function applyStored() {
    var list = folds();
    for (var i = 0; i < list.length; i++) {
      var d = list[i];
      if (d.hasAttribute("data-fold-next") || d.querySelector(".case-notice")) { continue; }
      var want = stored(d.getAttribute("data-fold"));
      if (want) { d.open = want === "open"; }
    }
  }

  // --- Answers by htmx ------------------------------------------------------------------------
  var before = null;  // what the page looked like when the answer came

  function rendered(el) {
    while (el && el.getClientRects().length === 0) { el = el.parentElement; }
    return el;
  }
  // The form in the new page that stands where ``form`` stood: the same address and step.
  function sameForm(form, name) {
    var address = form.getAttribute("hx-post");
    var step = form.querySelector("input[name=action]");
    var candidates = document.querySelectorAll("form[hx-post]");
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i];
      var cStep = c.querySelector("input[name=action]");
      if (c.getAttribute("hx-post") === address && (!step || (cStep && cStep.value === step.value))) {
        return c;
      }
    }
    return name ? document.querySelector('details[data-fold="' + name + '"]') : null;
  }

  var toastTimer = null;
  function toast(text, level) {
    var box = document.getElementById("case-toast");
    if (!box) {
      box = document.createElement("p");
      box.id = "case-toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.className = "case-notice " + (level || "info");
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { box.hidden = true; }, 8000);
  }

  // The form's buttons back, when no new page came (office/forms.js disabled them).
  function release(form) {
    if (!form) { return; }
    form.removeAttribute("data-sent");
    var buttons = form.querySelectorAll("[aria-busy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = false;
      buttons[i].removeAttribute("aria-busy");
      if (buttons[i].hasAttribute("data-label")) {
        buttons[i].textContent = buttons[i].getAttribute("data-label");
      }
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    var text = event.detail.xhr ? event.detail.xhr.responseText : "";
    // Only a page of the office (the case page, or an office error page) replaces <main>.
    if (!/<main id="main"/.test(text)) {
      event.detail.shouldSwap = false;
      release(form);
      toast("未能办理：服务器没有正常答复，请刷新页面后重试。", "error");
      before = null;
      return;
    }
    // An answer to a second form sent before the first answer came: its <main> has been
    // replaced since, so it replaces the one there now.
    if (!document.body.contains(event.detail.target)) {
      event.detail.target = document.getElementById("main");
    }
    var open = {};
    var list = folds();
    for (var i = 0; i < list.length; i++) { open[list[i].getAttribute("data-fold")] = list[i].open; }
    // The forms opened inside a section (a document's inputs …), but the one just sent.
    var inner = [];
    var opened = document.querySelectorAll("#case-page details[id][open]");
    for (var j = 0; j < opened.length; j++) {
      if (!(form && opened[j].contains(form) && event.detail.xhr.status < 400)) { inner.push(opened[j].id); }
    }
    var fold = form && form.closest ? form.closest("details[data-fold]") : null;
    var anchor = rendered(form);
    before = {
      form: form,
      name: fold ? fold.getAttribute("data-fold") : "",
      open: open,
      inner: inner,
      top: anchor ? anchor.getBoundingClientRect().top : null
    };
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (!before || !document.getElementById("case-page")) { before = null; return; }
    var notice = document.getElementById("case-notice");
    // The sections as they were a moment ago (the one with the outcome open).
    var list = folds();
    for (var i = 0; i < list.length; i++) {
      var name = list[i].getAttribute("data-fold");
      if (Object.prototype.hasOwnProperty.call(before.open, name) && !(notice && list[i].contains(notice))) {
        list[i].open = before.open[name];
      }
    }
    for (var j = 0; j < before.inner.length; j++) {
      var again = document.getElementById(before.inner[j]);
      if (again && again.tagName === "DETAILS") { again.open = true; }
    }
    // The form sent (or its section) where it stood on the screen.
    if (before.top !== null) {
      var anchor = rendered(sameForm(before.form, before.name));
      if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - before.top); }
    }
    if (notice) {
      var box = notice.getBoundingClientRect();
      if (box.bottom < 0 || box.top > window.innerHeight) {
        toast(notice.textContent, notice.classList.contains("error") ? "error" : "success");
      } else {
        notice.focus({ preventScroll: true });
      }
    }
    before = null;
  });

  function failed(event) {
    release(event.detail && event.detail.elt);
    toast("未能办理：网络连接中断，请检查网络后重试。", "error");
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:timeout", failed);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyStored);
  } else {
    applyStored();
  }
}());
