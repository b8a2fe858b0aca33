// 当事人签名 on the officer's phone: the party draws on a canvas (pointer events: finger, pen or
// mouse); after each stroke the drawing is put in the form as a PNG, and 提交签名 is enabled
// once something is drawn. The server checks the image again (a real PNG, its size, not blank).
(function () {
  "use strict";

  var MAX_SCALE = 2; // device pixels per CSS pixel: sharp enough, and the PNG stays small

  function setUp() {
    var canvas = document.getElementById("sign-pad");
    if (!canvas || !canvas.getContext) { return; }
    var field = document.getElementById("sign-data");
    var submit = document.getElementById("sign-submit");
    var clear = document.getElementById("sign-clear");
    var hint = document.getElementById("sign-hint");
    var g = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function size() {
      var box = canvas.getBoundingClientRect();
      var scale = Math.min(window.devicePixelRatio || 1, MAX_SCALE);
      canvas.width = Math.round(box.width * scale);
      canvas.height = Math.round(box.height * scale);
      g.setTransform(scale, 0, 0, scale, 0, 0);
      g.lineWidth = 2.6;
      g.lineCap = "round";
      g.lineJoin = "round";
      g.strokeStyle = "#111";
    }

    function reset() {
      size();
      drawn = false;
      field.value = "";
      submit.disabled = true;
      hint.textContent = "尚未签名。";
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) { return; }
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      g.beginPath();
      g.arc(last.x, last.y, g.lineWidth / 2, 0, Math.PI * 2);
      g.fillStyle = "#111";
      g.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) { events = [event]; }
      g.beginPath();
      g.moveTo(last.x, last.y);
      for (var i = 0; i < events.length; i++) {
        last = point(events[i]);
        g.lineTo(last.x, last.y);
      }
      g.stroke();
    });
    function end(event) {
      if (!drawing) { return; }
      drawing = false;
      if (canvas.hasPointerCapture && canvas.hasPointerCapture(event.pointerId)) {
        canvas.releasePointerCapture(event.pointerId);
      }
      if (drawn) {
        field.value = canvas.toDataURL("image/png");
        submit.disabled = false;
        hint.textContent = "已签名。确认无误后请执法人员点“提交签名”。";
      }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    clear.addEventListener("click", reset);
    // Turning the phone changes the pad's size: a drawing cannot be kept, so start again.
    var width = canvas.getBoundingClientRect().width;
    window.addEventListener("resize", function () {
      var now = canvas.getBoundingClientRect().width;
      if (Math.abs(now - width) > 1) { width = now; reset(); }
    });
    reset();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
