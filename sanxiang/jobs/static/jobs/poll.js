// A job's page: ask its status every 1.5 s until it is done or failed, and keep the progress
// bar, the message and the download link current.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var download = document.getElementById("job-download");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        bar.value = s.progress;
        bar.textContent = s.progress + "%";
        state.textContent = s.state_label;
        message.textContent = s.message;
        message.className = s.state === "failed" ? "errorlist" : "muted";
        if (s.download) {
          download.querySelector("a").href = s.download;
          download.hidden = false;
        }
        if (!s.finished) setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
