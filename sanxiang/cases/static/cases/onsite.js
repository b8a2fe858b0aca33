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
    limitHint();
  });
})();
