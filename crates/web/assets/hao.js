// Progressive enhancement only: every page works without this file.
// Shows a "复制" button next to the share link and copies it on click.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    // Said by screen readers too: the button's new text alone is not.
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    button.after(status);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = "已复制";
        status.textContent = "链接已复制";
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

// 无障碍浏览: the toolbar of the reference page (GB/T 37668-2019, the MIIT
// 2021 适老化 rules). The links named 无障碍浏览 become the button that opens
// it; without this script they lead to the help page. Settings are kept in
// this browser (localStorage "hao-a11y") and applied before the first paint
// by the script in <head>; everything here is a button with a name, usable
// from the keyboard.
(function () {
  var KEY = "hao-a11y";
  var DEFAULTS = { open: false, sound: false, rate: 1, mode: "point", scheme: "", zoom: 1, cursor: false, guide: false, captions: false };
  var ZOOMS = [1, 1.25, 1.5, 1.75, 2];
  var RATES = [0.6, 0.8, 1, 1.25, 1.5, 1.8];
  var SCHEMES = [["contrast", "高对比"], ["yellow", "黄底黑字"], ["dark", "黑底白字"]];
  var root = document.documentElement;
  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && window.SpeechSynthesisUtterance);
  var state = load();
  var toolbar = null, live = null, guideX = null, guideY = null, captionBar = null;
  var reading = null; // { items: [[text, element]], at, paused }

  function load() {
    var s = {};
    try { s = JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { s = {}; }
    var out = {};
    Object.keys(DEFAULTS).forEach(function (k) { out[k] = k in s ? s[k] : DEFAULTS[k]; });
    return out;
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: this page only */ }
  }
  function say(message) { if (live) live.textContent = message; }

  // ---- what the settings do to the page ----
  function apply() {
    SCHEMES.forEach(function (s) { root.classList.toggle("a11y-" + s[0], state.scheme === s[0]); });
    root.classList.toggle("a11y-zoomed", state.zoom !== 1);
    if (state.zoom !== 1) root.style.setProperty("--a11y-zoom", state.zoom); else root.style.removeProperty("--a11y-zoom");
    root.classList.toggle("a11y-cursor", !!state.cursor);
    root.classList.toggle("a11y-captions", !!state.captions);
    setGuide(!!state.guide);
    setCaptions(!!state.captions);
    document.querySelectorAll(".care-size button[data-zoom]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.zoom) === state.zoom));
    });
    if (toolbar) sync();
  }

  function setGuide(on) {
    if (on && !guideX) {
      guideX = document.createElement("div"); guideX.className = "a11y-guide-x"; guideX.setAttribute("aria-hidden", "true");
      guideY = document.createElement("div"); guideY.className = "a11y-guide-y"; guideY.setAttribute("aria-hidden", "true");
      document.body.appendChild(guideX); document.body.appendChild(guideY);
    } else if (!on && guideX) {
      guideX.remove(); guideY.remove(); guideX = guideY = null;
    }
  }
  function setCaptions(on) {
    if (on && !captionBar) {
      captionBar = document.createElement("div");
      captionBar.className = "a11y-caption";
      captionBar.setAttribute("aria-hidden", "true");
      document.body.appendChild(captionBar);
    } else if (!on && captionBar) {
      captionBar.remove(); captionBar = null;
    }
  }
  document.addEventListener("mousemove", function (e) {
    if (guideX) { guideX.style.top = e.clientY + "px"; guideY.style.left = e.clientX + "px"; }
  });
  // The text a pointer or the keyboard is on: for 指读 and 大字幕.
  function textOf(el) {
    var t = el && el.closest ? el.closest("a, button, h1, h2, h3, p, li, label, td, th, summary, legend, .byline") : null;
    if (!t || (toolbar && toolbar.contains(t) && t.tagName !== "BUTTON")) return "";
    return (t.getAttribute("aria-label") || t.innerText || "").replace(/\s+/g, " ").trim().slice(0, 300);
  }
  var lastPointed = "";
  function pointed(el) {
    var text = textOf(el);
    if (!text || text === lastPointed) return;
    lastPointed = text;
    if (captionBar) captionBar.textContent = text;
    if (state.sound && state.mode === "point" && !reading) speakOnce(text);
  }
  document.addEventListener("mouseover", function (e) { pointed(e.target); });
  document.addEventListener("focusin", function (e) { pointed(e.target); });

  // ---- speech ----
  function utterance(text) {
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = state.rate;
    var voices = synth.getVoices ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) if (/^zh(-|_)CN/i.test(voices[i].lang)) { u.voice = voices[i]; break; }
    return u;
  }
  function speakOnce(text) {
    if (!canSpeak) return;
    synth.cancel();
    synth.speak(utterance(text));
  }
  // What 朗读 reads: an article's title, author and paragraphs, else the
  // page's main headings, paragraphs and list items.
  function readingItems() {
    var items = [];
    var article = document.querySelector("article.article");
    var scope = article || document.getElementById("main") || document.body;
    if (article) {
      var h1 = article.querySelector("h1"), by = article.querySelector(".byline .source");
      if (h1) items.push([h1.innerText, h1]);
      if (by) items.push(["作者：" + by.innerText, by.closest(".byline")]);
      scope = article.querySelector(".body") || article;
    }
    scope.querySelectorAll("h1, h2, h3, p, li").forEach(function (el) {
      var t = el.innerText.replace(/\s+/g, " ").trim();
      if (t && !el.closest(".read-aloud, .a11y-toolbar") && !items.some(function (i) { return i[1] === el; })) items.push([t, el]);
    });
    return items;
  }
  function highlight(el) {
    document.querySelectorAll(".a11y-reading").forEach(function (e) { e.classList.remove("a11y-reading"); });
    if (el) { el.classList.add("a11y-reading"); if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" }); }
  }
  function readNext() {
    if (!reading) return;
    if (reading.at >= reading.items.length) { stopReading(); say("朗读结束"); return; }
    var item = reading.items[reading.at];
    var u = utterance(item[0]);
    u.onstart = function () { highlight(item[1]); };
    u.onend = function () { if (reading && !reading.stopped) { reading.at += 1; readNext(); } };
    highlight(item[1]);
    synth.speak(u);
  }
  function startReading() {
    if (!canSpeak) return;
    synth.cancel();
    reading = { items: readingItems(), at: 0, paused: false };
    say("开始朗读");
    readNext();
    syncReading();
  }
  function pauseReading() { if (reading && !reading.paused) { synth.pause(); reading.paused = true; say("已暂停"); syncReading(); } }
  function resumeReading() { if (reading && reading.paused) { synth.resume(); reading.paused = false; say("继续朗读"); syncReading(); } }
  function stopReading() {
    if (reading) reading.stopped = true;
    reading = null;
    if (canSpeak) synth.cancel();
    highlight(null);
    syncReading();
  }
  function syncReading() {
    var focused = document.activeElement;
    document.querySelectorAll("[data-reading]").forEach(function (b) {
      var act = b.dataset.reading;
      b.hidden = act === "start" ? !!reading : !reading || (act === "pause" && reading.paused) || (act === "resume" && !reading.paused);
    });
    // A control that just went away hands the focus to its group's first
    // visible one (停止 → 朗读全文, 暂停 → 继续), so it is never lost.
    if (focused && focused.dataset && focused.dataset.reading && focused.hidden) {
      var next = [].find.call(focused.parentNode.querySelectorAll("[data-reading]"), function (b) { return !b.hidden; });
      if (next) next.focus();
    }
  }

  // ---- the toolbar ----
  function button(label, attrs, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    Object.keys(attrs || {}).forEach(function (k) { b.setAttribute(k, attrs[k]); });
    b.addEventListener("click", onClick);
    return b;
  }
  function group(label, children) {
    var g = document.createElement("div");
    g.className = "a11y-group";
    g.setAttribute("role", "group");
    g.setAttribute("aria-label", label);
    children.forEach(function (c) { g.appendChild(c); });
    return g;
  }
  function set(key, value, message) { state[key] = value; save(); apply(); if (message) say(message); }
  function build() {
    toolbar = document.createElement("div");
    toolbar.id = "a11y-toolbar";
    toolbar.className = "a11y-toolbar";
    toolbar.setAttribute("role", "region");
    toolbar.setAttribute("aria-label", "无障碍工具条");
    var groups = [];
    if (canSpeak) {
      groups.push(group("声音", [
        button("声音", { "data-act": "sound", "aria-pressed": "false" }, function () {
          set("sound", !state.sound, state.sound ? "声音已关闭" : "声音已打开");
          if (!state.sound) stopReading(); else if (state.mode === "continuous") startReading();
        }),
        button("语速减", { "data-act": "slower" }, function () { step("rate", RATES, -1, "语速 "); }),
        button("语速加", { "data-act": "faster" }, function () { step("rate", RATES, 1, "语速 "); }),
      ]));
      groups.push(group("阅读方式", [
        button("指读", { "data-mode": "point", "aria-pressed": "false" }, function () { stopReading(); set("mode", "point", "指读：读出指针或焦点所在的文字"); }),
        button("连读", { "data-mode": "continuous", "aria-pressed": "false" }, function () {
          set("mode", "continuous", "连读：从头朗读本页");
          if (!state.sound) set("sound", true);
          startReading();
        }),
      ]));
      groups.push(group("朗读", [
        button("朗读全文", { "data-reading": "start" }, startReading),
        button("暂停", { "data-reading": "pause" }, pauseReading),
        button("继续", { "data-reading": "resume" }, resumeReading),
        button("停止", { "data-reading": "stop" }, stopReading),
      ]));
    }
    groups.push(group("配色", SCHEMES.map(function (s) {
      return button(s[1], { "data-scheme": s[0], "aria-pressed": "false" }, function () {
        set("scheme", state.scheme === s[0] ? "" : s[0], state.scheme === s[0] ? "已恢复默认配色" : s[1]);
      });
    })));
    groups.push(group("页面缩放", [
      button("放大", { "data-act": "zoom-in" }, function () { step("zoom", ZOOMS, 1, "页面 "); }),
      button("缩小", { "data-act": "zoom-out" }, function () { step("zoom", ZOOMS, -1, "页面 "); }),
    ]));
    groups.push(group("辅助", [
      button("大鼠标", { "data-act": "cursor", "aria-pressed": "false" }, function () { set("cursor", !state.cursor, state.cursor ? "已恢复鼠标" : "大鼠标"); }),
      button("十字线", { "data-act": "guide", "aria-pressed": "false" }, function () { set("guide", !state.guide, state.guide ? "已关闭十字线" : "十字线"); }),
      button("大字幕", { "data-act": "captions", "aria-pressed": "false" }, function () { set("captions", !state.captions, state.captions ? "已关闭大字幕" : "大字幕"); }),
    ]));
    groups.push(group("还原", [
      button("重置", { "data-act": "reset" }, function () { reset(true); say("已重置"); }),
      button("退出", { "data-act": "exit" }, function () { close(); }),
    ]));
    groups.forEach(function (g) { toolbar.appendChild(g); });
    live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    toolbar.appendChild(live);
    document.body.insertBefore(toolbar, document.body.firstChild);
    syncReading();
  }
  function step(key, steps, dir, prefix) {
    var i = steps.indexOf(state[key]);
    if (i < 0) i = steps.indexOf(1);
    var next = steps[Math.max(0, Math.min(steps.length - 1, i + dir))];
    set(key, next, prefix + Math.round(next * 100) + "%");
  }
  function sync() {
    var q = function (sel) { return toolbar.querySelector(sel); };
    var press = function (el, on) { if (el) el.setAttribute("aria-pressed", String(!!on)); };
    press(q("[data-act=sound]"), state.sound);
    press(q("[data-mode=point]"), state.mode === "point");
    press(q("[data-mode=continuous]"), state.mode === "continuous");
    SCHEMES.forEach(function (s) { press(q("[data-scheme=" + s[0] + "]"), state.scheme === s[0]); });
    press(q("[data-act=cursor]"), state.cursor);
    press(q("[data-act=guide]"), state.guide);
    press(q("[data-act=captions]"), state.captions);
    var zin = q("[data-act=zoom-in]"), zout = q("[data-act=zoom-out]");
    if (zin) zin.disabled = state.zoom >= ZOOMS[ZOOMS.length - 1];
    if (zout) zout.disabled = state.zoom <= ZOOMS[0];
    document.querySelectorAll("button.a11y-open").forEach(function (b) { b.setAttribute("aria-expanded", String(state.open)); });
  }
  function reset(keepOpen) {
    stopReading();
    var open = keepOpen && state.open;
    Object.keys(DEFAULTS).forEach(function (k) { state[k] = DEFAULTS[k]; });
    state.open = open;
    save();
    apply();
  }
  function open(focus) {
    state.open = true;
    save();
    if (!toolbar) build();
    toolbar.hidden = false;
    apply();
    if (focus) toolbar.querySelector("button").focus();
  }
  function close() {
    reset(false);
    if (toolbar) toolbar.hidden = true;
    sync();
    var opener = document.querySelector("button.a11y-open");
    if (opener) opener.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // 无障碍浏览: the links become buttons that open the toolbar.
    document.querySelectorAll("a.a11y-open").forEach(function (a) {
      var b = button(a.textContent, { class: "a11y-open", "aria-expanded": "false", "aria-controls": "a11y-toolbar" }, function () {
        if (state.open && toolbar && !toolbar.hidden) close(); else open(true);
      });
      a.replaceWith(b);
    });
    // 关怀版: text size steps and the large 朗读 button.
    document.querySelectorAll(".care-size").forEach(function (g) {
      g.hidden = false;
      g.querySelectorAll("button[data-zoom]").forEach(function (b) {
        b.addEventListener("click", function () { set("zoom", Number(b.dataset.zoom), "字号 " + b.textContent); });
      });
    });
    if (canSpeak) {
      document.querySelectorAll(".read-aloud").forEach(function (box) {
        box.hidden = false;
        var start = box.querySelector(".read-start");
        start.dataset.reading = "start";
        start.addEventListener("click", startReading);
        [["暂停", "pause", pauseReading], ["继续", "resume", resumeReading], ["停止", "stop", stopReading]].forEach(function (x) {
          var b = button(x[0], { "data-reading": x[1] }, x[2]);
          box.appendChild(b);
        });
        var status = document.createElement("p");
        status.className = "visually-hidden";
        status.setAttribute("aria-live", "polite");
        box.appendChild(status);
        if (!live) live = status;
      });
    }
    if (state.open) open(false);
    apply();
    syncReading();
    // Who is signed in, on pages cached for everyone.
    var m = document.cookie.match(/(?:^|;\s*)hao_user=([^;]+)/);
    document.querySelectorAll("a.account").forEach(function (a) {
      if (m) {
        var name = decodeURIComponent(m[1]);
        a.textContent = "我的";
        var who = document.createElement("span");
        who.className = "account-name";
        who.textContent = "（" + name + "）";
        a.appendChild(who);
      } else {
        a.textContent = "登录";
        a.href = "/signin?next=" + encodeURIComponent(location.pathname + location.search);
      }
    });
  });
})();
