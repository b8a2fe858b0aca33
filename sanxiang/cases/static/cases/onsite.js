// 现场执法 on a phone: the position for photos (with the officer's permission), each photo's
// own time (lastModified) and a warning before an on-the-spot fine above 行政处罚法第五十一条.
// Everything is checked again on the server; without this script the pages still work.
(function () {
  "use strict";

  function positionFields() {
    var status = document.getElementById("geo-status");
    if (!status || !navigator.geolocation) { return; }
    status.textContent = "正在取得定位……";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("longitude").value = pos.coords.longitude.toFixed(6);
      document.getElementById("accuracy").value = Math.round(pos.coords.accuracy);
      status.textContent = "已定位：" + pos.coords.latitude.toFixed(6) + "，" +
        pos.coords.longitude.toFixed(6) + "（精度约 " + Math.round(pos.coords.accuracy) + " 米）";
    }, function () {
      status.textContent = "未取得定位（未授权或不可用），请填写地点。";
      document.getElementById("place").required = true;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function photoTimes() {
    var input = document.getElementById("photos");
    var times = document.getElementById("times");
    if (!input || !times) { return; }
    input.addEventListener("change", function () {
      var values = [];
      for (var i = 0; i < input.files.length; i++) {
        values.push(input.files[i].lastModified ? String(input.files[i].lastModified) : "");
      }
      times.value = values.join(",");
    });
  }

  // One request a photo: a photo that fails (refused, or the connection dropped) stays in the
  // file field to try again, and neither the others nor what was typed are lost.
  function uploadEach() {
    var form = document.getElementById("photo-form");
    var input = document.getElementById("photos");
    var results = document.getElementById("upload-results");
    if (!form || !input || !results || !window.fetch || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }  // the server says what is missing
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var files = Array.prototype.slice.call(input.files);
      var failed = [];
      var chain = Promise.resolve();
      button.disabled = true;
      results.textContent = "";
      files.forEach(function (file) {
        var line = document.createElement("li");
        line.textContent = file.name + "：上传中……";
        results.appendChild(line);
        chain = chain.then(function () {
          var data = new FormData(form);
          data.delete("photos");
          data.set("times", file.lastModified ? String(file.lastModified) : "");
          data.append("photos", file, file.name);
          return fetch(form.action || window.location.href, {
            method: "POST", body: data, credentials: "same-origin",
            headers: { "Accept": "application/json" }
          }).then(function (response) {
            return response.json();
          }).then(function (answer) {
            var result = answer.results[0] ||
              { ok: false, message: (answer.errors || []).join("") };
            if (result.ok) {
              line.textContent = file.name + "：已登记";
              line.className = "ok";
              var item = document.createElement("li");
              item.textContent = result.line;
              document.getElementById("photo-list").appendChild(item);
              var count = document.getElementById("photo-count");
              count.textContent = String(Number(count.textContent) + 1);
              var none = document.getElementById("no-photos");
              if (none) { none.hidden = true; }
            } else {
              line.textContent = file.name + "：未保存。" + result.message;
              line.className = "bad";
              failed.push(file);
            }
          }).catch(function () {
            line.textContent = file.name + "：网络中断，未上传，请重试。";
            line.className = "bad";
            failed.push(file);
          });
        });
      });
      chain.then(function () {
        button.disabled = false;
        try {
          var keep = new DataTransfer();
          failed.forEach(function (file) { keep.items.add(file); });
          input.files = keep.files;
        } catch (e) {
          if (!failed.length) { input.value = ""; }
        }
        document.getElementById("times").value = failed.map(function (file) {
          return file.lastModified ? String(file.lastModified) : "";
        }).join(",");
      });
    });
  }

  function limitHint() {
    var form = document.getElementById("penalty-form");
    var fine = document.getElementById("fine");
    var hint = document.getElementById("limit-hint");
    if (!form || !fine || !hint) { return; }
    var limit = Number(form.dataset.partyKind === "organisation" ?
      form.dataset.limitOrganisation : form.dataset.limitPerson);
    var plain = hint.textContent;
    fine.addEventListener("input", function () {
      var value = Number(fine.value);
      if (fine.value && value > limit) {
        hint.textContent = "罚款 " + fine.value + " 元超过当场处罚限额 " + limit +
          " 元，不能适用简易程序，保存后可转为一般程序（行政处罚法第五十一条）。";
        hint.className = "over";
      } else {
        hint.textContent = plain;
        hint.className = "muted";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    positionFields();
    photoTimes();
    uploadEach();
    limitHint();
  });
})();
