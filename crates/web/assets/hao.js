// Progressive enhancement only: every page works without this file.
// Shows a "复制" button next to the share link and copies it on click.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = "已复制";
      });
    });
  });
});

// The editor (/write): what is typed is kept in this browser every few
// seconds, so a closed tab or a lost connection loses nothing; when the page
// is opened again with something newer kept, the writer is offered it back.
// Submitting the form clears the copy. Without JavaScript the form works as is.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("section.write form");
  if (!form || !window.localStorage) return;
  var key = "hao-autosave:" + form.getAttribute("action");
  var names = ["title", "body", "channel", "tags", "source", "source_url", "publish_at"];
  function snapshot() {
    var data = {};
    names.forEach(function (n) { if (form.elements[n]) data[n] = form.elements[n].value; });
    return data;
  }
  var last = JSON.stringify(snapshot());
  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  if (kept && kept.data && JSON.stringify(kept.data) !== last && (kept.data.title || kept.data.body)) {
    var notice = document.createElement("p");
    notice.className = "form-notice autosave";
    notice.setAttribute("role", "status");
    notice.textContent = "有一份自动保存的内容（" + new Date(kept.at).toLocaleString("zh-CN") + "）。";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = "恢复自动保存的内容";
    restore.addEventListener("click", function () {
      names.forEach(function (n) { if (form.elements[n] && n in kept.data) form.elements[n].value = kept.data[n]; });
      notice.remove();
    });
    notice.appendChild(restore);
    form.parentNode.insertBefore(notice, form);
  }
  setInterval(function () {
    var now = JSON.stringify(snapshot());
    if (now !== last) {
      last = now;
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() }));
    }
  }, 3000);
  form.addEventListener("submit", function (e) {
    var action = e.submitter && e.submitter.value;
    if (action && action !== "preview") localStorage.removeItem(key);
  });
});
