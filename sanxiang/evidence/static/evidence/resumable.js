// A large recording (a body-cam video of several GB) is sent in chunks with the tus 1.0 core
// protocol: the form's fields create the upload, each chunk is appended at the offset the server
// recorded, and after a network error the page asks the server (HEAD) where to go on, waiting
// longer after each failure (any answer but 2xx, or a 409 telling the offset to go on from). The
// upload's address is kept in localStorage under the file's name, size and modification time and
// a hash of the form's fields, so choosing the same file again after a reload goes on where it
// stopped; the server too compares that hash with the fields the upload was created with and
// answers 409 (Sanxiang-Form-Changed) if the officer has changed them, and the old upload is then
// abandoned and a new one started (it would be registered with the old fields). Without
// crypto.subtle (a page not served over HTTPS) nothing is resumed after a reload. Small files
// keep the ordinary one-shot form post.
//
// With the evidence in an object store (S3) the last chunk's answer says Sanxiang-Registering:
// the file is copied into the bucket and registered by background work, which takes minutes for
// a few GB. The page then asks (GET, every 3 s) until the evidence or the refusal is there, and
// once a minute asks again for the registration with an empty chunk, in case that work was lost.
// While it waits, a lost connection, a 5xx (a node restarting behind the proxy), 423 or 429 only
// mean "ask again later" (waiting longer each time): the file is safe on the server, and
// forgetting the upload here would have the officer send it again and register it twice. Only the
// evidence, a refusal (422 or the GET's error) or a 404 (the upload is gone) end the wait; after
// two minutes the page says it may be closed (the server registers the file all the same).
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.fetch || !window.localStorage || !window.Blob) { return; }
  var input = form.querySelector("input[type=file]");
  var box = document.getElementById("upload-progress");
  var bar = box && box.querySelector("progress");
  var text = box && box.querySelector(".upload-status");
  var chunkSize = parseInt(form.getAttribute("data-chunk-bytes"), 10) || 5 * 1024 * 1024;
  var createUrl = form.getAttribute("data-resumable-url");
  var MAX_FAILURES = 12;
  var REGISTERING = "文件已全部收到，正在存入证据库并登记（大文件需要几分钟），请稍候，不要关闭本页面……";
  var POLL_MS = 3000;
  var NUDGE_EVERY = 20;  // polls: about once a minute
  var CLOSE_AFTER_MS = 120000;
  var INTERRUPTED = "（与服务器的连接中断，仍在等待登记结果，稍后自动重试）";
  var MAY_CLOSE = "文件已全部收到并保存在服务器上，登记还在进行。现在可以关闭本页面，稍后到本案件的证据列表查看这份证据。";
  var GONE = "服务器上已找不到这次上传（已过期或被撤销）。请先到本案件的证据列表查看是否已登记，没有再重新上传。";

  function csrf() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(1); }

  function show(message, offset, length) {
    box.hidden = false;
    if (typeof offset === "number") {
      bar.max = length;
      bar.value = offset;
      message = message + "　已上传 " + megabytes(offset) + " MB / " + megabytes(length) +
        " MB（" + Math.floor(offset * 100 / length) + "%）";
    }
    text.textContent = message;
  }

  function storageKey(file, fieldsHash) {
    return "sanxiang-upload:" + file.name + ":" + file.size + ":" + file.lastModified + ":" +
      fieldsHash;
  }

  function formFields() {
    var fields = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.append(name, value); }
    });
    return fields;
  }

  // SHA-256 of the sorted [name, value] pairs (without the CSRF token) as compact JSON, line
  // breaks as \n: the same as fields_hash on the server. "" where it cannot be computed.
  function fieldsHash() {
    if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) { return Promise.resolve(""); }
    var pairs = [];
    formFields().forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { pairs.push([name, value.replace(/\r\n?/g, "\n")]); }
    });
    pairs.sort(function (a, b) {
      if (a[0] !== b[0]) { return a[0] < b[0] ? -1 : 1; }
      return a[1] < b[1] ? -1 : (a[1] > b[1] ? 1 : 0);
    });
    var bytes = new TextEncoder().encode(JSON.stringify(pairs));
    return window.crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      }).join("");
    }, function () { return ""; });
  }

  function headers(extra) {
    var all = { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrf() };
    for (var name in extra) { all[name] = extra[name]; }
    return all;
  }

  function sleep(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }

  function errorOf(response) {
    return response.json().then(
      function (data) { return (data && data.error) || "上传失败，请稍后重试。"; },
      function () { return "上传失败，请稍后重试。"; }
    );
  }

  // An error that stops the page but keeps the upload for the next try (same file, same fields).
  function paused(message) {
    var error = new Error(message);
    error.resumable = true;
    return error;
  }

  function fail(message) {
    show(message);
    box.classList.add("error");
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

  function fileNameMetadata(name) {
    var bytes = new TextEncoder().encode(name);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return "filename " + window.btoa(binary);
  }

  // The upload's address: the one kept for this file and these fields if the server still has it
  // (and agrees the fields are the same), else a new one.
  function uploadUrl(file, key, hash) {
    var kept = hash ? window.localStorage.getItem(key) : null;
    var check = kept
      ? fetch(kept, {
        method: "HEAD",
        headers: headers({ "Sanxiang-Form-Hash": hash }),
        credentials: "same-origin"
      })
      : Promise.resolve(null);
    return check.then(function (response) {
      if (response && response.ok && response.headers.get("Upload-Offset") !== null) {
        return kept;
      }
      if (response && response.status === 409 && response.headers.get("Sanxiang-Form-Changed")) {
        // Changed fields: the old upload would be registered with the old ones; abandon it.
        window.localStorage.removeItem(key);
        fetch(kept, { method: "DELETE", headers: headers({}), credentials: "same-origin" })
          .catch(function () { return null; });
      }
      var fields = formFields();
      return fetch(createUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: headers({
          "Upload-Length": String(file.size),
          "Upload-Metadata": fileNameMetadata(file.name),
          "Content-Type": "application/x-www-form-urlencoded"
        }),
        body: fields
      }).then(function (created) {
        if (created.status !== 201) {
          return errorOf(created).then(function (message) { throw new Error(message); });
        }
        var url = created.headers.get("Location");
        if (hash) { window.localStorage.setItem(key, url); }
        return url;
      });
    });
  }

  function offsetOf(url) {
    return fetch(url, { method: "HEAD", headers: headers({}), credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) { throw new Error("上传已失效（过期或被撤销），请重新选择文件上传。"); }
        var offset = response.headers.get("Upload-Offset");
        if (!response.ok || offset === null) { throw new TypeError("no offset"); }
        return parseInt(offset, 10);
      });
  }

  function send(file, url) {
    var offset = null;
    var failures = 0;
    var polls = 0;

    var waitingSince = null;
    var interruptions = 0;

    // After the last chunk: the evidence's address, or an error (thrown) that ends the wait.
    function waitRegistered(message) {
      polls += 1;
      if (waitingSince === null) { waitingSince = Date.now(); }
      if (Date.now() - waitingSince >= CLOSE_AFTER_MS) { message = MAY_CLOSE; }
      show(message + (interruptions ? INTERRUPTED : ""), file.size, file.size);
      var pause = Math.min(30000, POLL_MS * Math.pow(2, Math.max(0, interruptions - 1)));
      return sleep(pause).then(function () {
        return polls % NUDGE_EVERY === 0 ? nudge() : ask();
      }).then(function (answer) {
        if (answer.evidence) { return answer.evidence; }
        interruptions = answer.interrupted ? interruptions + 1 : 0;
        return waitRegistered(answer.registering || message);
      });
    }

    // What an answer while waiting means: keep waiting (423: still registering; 5xx, 429: try
    // again later), or an error to throw: a refusal or a gone upload (the upload is then
    // forgotten), else one that keeps it.
    function waiting(response) {
      if (response.status === 423) { return Promise.resolve({}); }
      if (response.status >= 500 || response.status === 429) {
        return Promise.resolve({ interrupted: true });
      }
      if (response.status === 404) { return Promise.reject(new Error(GONE)); }
      return errorOf(response).then(function (message) {
        throw response.status === 422 ? new Error(message) : paused(message);
      });
    }

    function ask() {
      return fetch(url, { credentials: "same-origin", headers: headers({}) }).then(function (response) {
        if (response.status !== 200) { return waiting(response); }
        if (response.redirected) {
          throw paused("登录已失效。请重新登录，再选择同一文件点击“上传并登记”，将查询登记结果，无需重新上传。");
        }
        return response.json().then(function (state) {
          if (!state.evidence && state.error) { throw new Error(state.error); }
          return state;
        }, function () { return { interrupted: true }; });  // not JSON: a proxy's error page
      }, function () { return { interrupted: true }; });
    }

    // An empty chunk at the end asks the server again to register the file.
    function nudge() {
      return fetch(url, {
        method: "PATCH",
        credentials: "same-origin",
        headers: headers({
          "Upload-Offset": String(file.size),
          "Content-Type": "application/offset+octet-stream"
        }),
        body: new Blob([])
      }).then(function (response) {
        var evidence = response.headers.get("Sanxiang-Evidence");
        if (evidence) { return { evidence: evidence }; }
        return response.status === 204 ? {} : waiting(response);
      }, function () { return { interrupted: true }; });
    }

    function retry(reason) {
      failures += 1;
      if (failures > MAX_FAILURES) {
        throw paused("网络多次中断，已暂停。请检查网络后再次点击“上传并登记”，将从断点继续上传。");
      }
      var wait = Math.min(30000, 1000 * Math.pow(2, failures - 1));
      show(reason + "，" + Math.round(wait / 1000) + " 秒后重试（第 " + failures + " 次）…",
        offset || 0, file.size);
      offset = null;  // asked again (HEAD) before the next chunk
      return sleep(wait).then(step);
    }

    function step() {
      if (offset === null) {
        return offsetOf(url).then(function (found) { offset = found; return step(); }, function (error) {
          if (error instanceof TypeError) { return retry("网络中断"); }
          throw error;
        });
      }
      var end = Math.min(offset + chunkSize, file.size);
      show("正在上传…", offset, file.size);
      return fetch(url, {
        method: "PATCH",
        credentials: "same-origin",
        headers: headers({
          "Upload-Offset": String(offset),
          "Content-Type": "application/offset+octet-stream"
        }),
        body: file.slice(offset, end)
      }).then(function (response) {
        var evidence = response.headers.get("Sanxiang-Evidence");
        if (response.status === 204) {
          failures = 0;
          offset = parseInt(response.headers.get("Upload-Offset"), 10);
          if (evidence) { return evidence; }
          if (response.headers.get("Sanxiang-Registering")) { return waitRegistered(REGISTERING); }
          if (offset >= file.size) { show("已全部收到，正在计算指纹并登记…", offset, file.size); }
          return step();
        }
        var told = response.headers.get("Upload-Offset");
        if (response.status === 409 && told !== null && parseInt(told, 10) !== offset) {
          offset = parseInt(told, 10);  // another tab or a lost answer: go on from there at once
          return step();
        }
        if (response.status === 423 && offset >= file.size) { return waitRegistered(REGISTERING); }
        if (response.status === 400 || response.status === 409 || response.status === 423) {
          return retry(response.status === 423 ? "服务器正在处理" : "上传进度需重新核对");
        }
        if (response.status >= 500) {
          // A full disk (507) or a failed registration (503): wait, never hammer the server.
          return errorOf(response).then(function (message) { return retry(message.replace(/。$/, "")); });
        }
        return errorOf(response).then(function (message) { throw new Error(message); });
      }, function () {
        return retry("网络中断");
      });
    }

    return step();
  }

  form.addEventListener("submit", function (event) {
    var file = input && input.files && input.files[0];
    if (!file || file.size <= chunkSize || event.defaultPrevented) { return; }
    event.preventDefault();
    box.classList.remove("error");
    show("正在准备上传…", 0, file.size);
    var key = null;
    fieldsHash()
      .then(function (hash) {
        key = storageKey(file, hash);
        return uploadUrl(file, key, hash);
      })
      .then(function (url) { return send(file, url); })
      .then(function (evidence) {
        window.localStorage.removeItem(key);
        show("已登记，正在打开证据记录…", file.size, file.size);
        window.location.assign(evidence);
      })
      .catch(function (error) {
        var message = error && error.message && !(error instanceof TypeError)
          ? error.message : "网络中断，请检查网络后再次点击“上传并登记”，将从断点继续上传。";
        if (error && !error.resumable && !(error instanceof TypeError)) {
          if (key) { window.localStorage.removeItem(key); }  // refused: a new try starts afresh
        }
        fail(message);
      });
  });
})();
