// 无障碍浏览 and 关怀版 in a real browser: every page kind passes axe (WCAG 2.2
// AA) in normal mode, in 关怀版 and with the toolbar's high-contrast scheme; a
// keyboard-only walk through the toolbar (speech through a stub of
// speechSynthesis); 关怀版's text size and read-aloud; settings applied before
// the first paint on cached pages; who is signed in; screenshots at 320 px
// and 1280 px in both modes, kept in HAO_SCREENSHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { base, shots, launch, articlePathOf, axe, newPage, signIn, cspViolations } from "./support.mjs";

let browser;
let articlePath;

before(async () => {
  browser = await launch();
  articlePath = await articlePathOf("fx-001");
});

after(async () => {
  await browser?.close();
});

// A speechSynthesis that records what it is asked to say; an utterance ends
// when the test says so (window.__next()), so each step can be observed.
function stubSpeech() {
  window.__spoken = [];
  window.__speech = [];
  let current = null;
  class Utterance {
    constructor(text) { this.text = text; }
  }
  const synth = {
    getVoices() { return [{ lang: "zh-CN", name: "stub" }]; },
    speak(u) {
      window.__spoken.push({ text: u.text, lang: u.lang, rate: u.rate });
      current = u;
      setTimeout(() => u.onstart && u.onstart(), 0);
    },
    cancel() { window.__speech.push("cancel"); current = null; },
    pause() { window.__speech.push("pause"); },
    resume() { window.__speech.push("resume"); },
  };
  window.__next = () => { const u = current; current = null; if (u && u.onend) u.onend(); };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
}

/// Presses Tab until the focused element is a button or link named `name`.
async function tabTo(page, name, { tag = "BUTTON", back = false } = {}) {
  const seen = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const at = await page.evaluate(() => ({ tag: document.activeElement.tagName, name: document.activeElement.textContent.trim() }));
    if (at.tag === tag && at.name === name) return;
    seen.push(at.name);
  }
  assert.fail(`Tab never reached the ${tag} named ${name}: ${seen.join(" | ")}`);
}

const styleOf = (page, selector, prop) =>
  page.evaluate(([s, p]) => getComputedStyle(document.querySelector(s))[p], [selector, prop]);

test("every page kind passes axe (WCAG 2.2 AA): normal, 关怀版, high contrast", async () => {
  const anonymous = ["/", articlePath, "/channel/sports", "/author/2", "/tag/%E4%B8%AD%E8%B6%85", "/search?q=%E7%90%83", "/signin", "/forgot-password", "/feed", "/developers", "/article/999999"];
  const as = {
    writer: ["/studio", "/write", "/studio/stats", "/notifications"],
    reader: ["/apply", "/favorites"],
    editor: ["/editor/originality", "/editor/reviews", "/editor/applications", "/editor/standing", "/editor/pins", "/editor/log"],
    admin: ["/admin", "/admin/users", "/admin/users/1", "/admin/settings", "/admin/words"],
  };
  for (const mode of ["normal", "care", "contrast"]) {
    for (const [who, paths] of [["", anonymous], ...Object.entries(as)]) {
      const { context, page } = await newPage(browser);
      if (mode === "care") await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
      if (mode === "contrast") await context.addInitScript(() => localStorage.setItem("hao-a11y", JSON.stringify({ scheme: "contrast" })));
      if (who) await signIn(page, who);
      for (const path of paths) {
        await page.goto(base + path);
        if (mode === "contrast") assert.equal(await styleOf(page, "body", "backgroundColor"), "rgb(0, 0, 0)", path);
        const violations = await axe(page);
        assert.deepEqual(violations, [], `${mode} ${path}: ${JSON.stringify(violations, null, 1)}`);
        // What a screen reader relies on: one h1, the landmarks, a skip link,
        // the language, a labelled channel nav, times a machine can read.
        const semantics = await page.evaluate(() => ({
          h1: document.querySelectorAll("h1").length,
          landmarks: ["header", "main", "footer"].map((t) => document.querySelectorAll(t).length),
          nav: !!document.querySelector("nav[aria-label]"),
          skip: document.querySelector("a.skip")?.getAttribute("href"),
          lang: document.documentElement.lang,
          english: [...document.querySelectorAll("[lang=en]")].every((e) => /^[\x00-\x7f]*$/.test(e.textContent)),
          times: [...document.querySelectorAll("time")].every((t) => !isNaN(Date.parse(t.getAttribute("datetime")))),
        }));
        assert.deepEqual(semantics, { h1: 1, landmarks: [1, 1, 1], nav: true, skip: "#main", lang: "zh-CN", english: true, times: true }, `${mode} ${path}`);
        // The page runs under its own Content Security Policy, refused nothing.
        assert.deepEqual(await cspViolations(page), [], `${mode} ${path}: CSP`);
      }
      await context.close();
    }
  }
});

test("keyboard only: open the toolbar, read aloud, zoom, colours, cursor, reset, exit", async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await context.addInitScript(stubSpeech);
  await page.goto(base + articlePath);
  await tabTo(page, "无障碍浏览");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-expanded")), "false");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#a11y-toolbar").isVisible(), true);
  assert.equal(await page.evaluate(() => document.querySelector("button.a11y-open").getAttribute("aria-expanded")), "true");
  // Focus moved into the toolbar, on its first button: 声音.
  assert.equal(await page.evaluate(() => document.activeElement.closest("#a11y-toolbar") !== null), true);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "声音");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("[data-act=sound]", "aria-pressed"), "true");
  if (shots) await page.screenshot({ path: `${shots}/toolbar-1280.png` });
  // 指读 (the default): what the keyboard reaches is said.
  await tabTo(page, "语速减");
  await page.waitForFunction(() => window.__spoken.some((s) => s.text === "语速减"));

  // 连读: the article is read from its title, paragraph by paragraph, the
  // paragraph being read highlighted.
  await tabTo(page, "连读");
  const at = await page.evaluate(() => window.__spoken.length);
  await page.keyboard.press("Enter");
  const title = (await page.textContent("article h1")).trim();
  const said = (n) => page.waitForFunction((n) => window.__spoken.length > n, at + n).then(() => page.evaluate((n) => window.__spoken[n], at + n));
  const t = await said(0);
  assert.equal(t.text, title);
  assert.equal(t.lang, "zh-CN");
  await page.evaluate(() => window.__next());
  assert.match((await said(1)).text, /^作者：/);
  await page.evaluate(() => window.__next());
  const first = (await page.textContent("article .body p")).replace(/\s+/g, " ").trim();
  assert.equal((await said(2)).text, first);
  assert.equal(await page.evaluate(() => document.querySelector(".a11y-reading") === document.querySelector("article .body p")), true);
  // Pause, resume, stop.
  await tabTo(page, "暂停");
  await page.keyboard.press("Enter");
  // 暂停 gives way to 继续, which has the focus.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "继续");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "暂停");
  await tabTo(page, "停止");
  await page.keyboard.press("Enter");
  const actions = await page.evaluate(() => window.__speech);
  assert.ok(actions.includes("pause") && actions.includes("resume") && actions.at(-1) === "cancel", JSON.stringify(actions));
  assert.equal(await page.locator(".a11y-reading").count(), 0);
  // The stop button is gone: focus is on 朗读全文, not lost.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "朗读全文");

  // Slower speech is used by the next utterance.
  await tabTo(page, "语速减", { back: true });
  await page.keyboard.press("Enter");
  await tabTo(page, "朗读全文");
  await page.keyboard.press("Enter");
  const slower = await page.evaluate(() => window.__spoken.at(-1));
  assert.ok(slower.rate < 1, JSON.stringify(slower));
  await tabTo(page, "停止");
  await page.keyboard.press("Enter");

  // Colours, zoom, cursor.
  await tabTo(page, "黑底白字");
  await page.keyboard.press("Enter");
  assert.equal(await styleOf(page, "body", "backgroundColor"), "rgb(0, 0, 0)");
  assert.equal(await styleOf(page, "article h1", "color"), "rgb(255, 255, 255)");
  await tabTo(page, "放大");
  await page.keyboard.press("Enter");
  assert.equal(await styleOf(page, "body", "zoom"), "1.25");
  await tabTo(page, "大鼠标");
  await page.keyboard.press("Enter");
  assert.match(await styleOf(page, "body", "cursor"), /^url\(/);
  await tabTo(page, "十字线");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(".a11y-guide-x").count(), 1);
  await tabTo(page, "大字幕");
  await page.keyboard.press("Enter");
  await page.hover("article h1");
  assert.equal((await page.textContent(".a11y-caption")).trim(), title);
  // The focused element is never hidden under the caption bar.
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).scrollPaddingBottom !== "auto"), true);
  if (shots) await page.screenshot({ path: `${shots}/toolbar-dark-zoomed-1280.png` });

  // 重置: everything as it was, the toolbar still open.
  await tabTo(page, "重置");
  await page.keyboard.press("Enter");
  assert.equal(await styleOf(page, "body", "zoom"), "1");
  assert.equal(await styleOf(page, "body", "backgroundColor"), "rgb(255, 255, 255)");
  assert.equal(await styleOf(page, "body", "cursor"), "auto");
  assert.equal(await page.locator(".a11y-guide-x, .a11y-caption").count(), 0);
  assert.equal(await page.getAttribute("[data-act=sound]", "aria-pressed"), "false");
  assert.equal(await page.locator("#a11y-toolbar").isVisible(), true);
  // 退出: the toolbar closes, focus goes back to its button.
  await tabTo(page, "退出");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#a11y-toolbar").isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "无障碍浏览");
  assert.equal(await page.evaluate(() => localStorage.getItem("hao-a11y")).then((s) => JSON.parse(s).open), false);
  await context.close();
});

test("settings apply before the first paint on every page, cached ones too", async () => {
  const { context, page } = await newPage(browser);
  await page.goto(base + articlePath);
  await page.click("header button.a11y-open");
  await page.click("[data-scheme=yellow]");
  await page.click("[data-act=zoom-in]");
  // The next page with hao.js blocked: the <head> script alone applies them.
  await page.route("**/static/hao.js*", (r) => r.abort());
  await page.goto(base + "/channel/sports");
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains("a11y-yellow")), true);
  assert.equal(await styleOf(page, "body", "backgroundColor"), "rgb(255, 255, 0)");
  assert.equal(await styleOf(page, "body", "zoom"), "1.25");
  // It runs before the stylesheet is applied.
  const order = await page.evaluate(() => [...document.head.children].map((e) => e.tagName + (e.src || e.href ? ":ext" : "")));
  assert.ok(order.indexOf("SCRIPT") < order.indexOf("LINK:ext"), JSON.stringify(order));
  await context.close();
});

test("关怀版: text size steps, a large 朗读 button, spacing, large targets, no share clutter", async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
  await context.addInitScript(stubSpeech);
  await page.goto(base + articlePath);
  // Three text sizes.
  const sizes = page.locator(".care-size button");
  assert.equal(await sizes.count(), 3);
  await page.getByRole("button", { name: "特大" }).click();
  assert.equal(await styleOf(page, "body", "zoom"), "1.5");
  assert.equal(await page.getAttribute(".care-size button[data-zoom='1.5']", "aria-pressed"), "true");
  await page.getByRole("button", { name: "标准" }).click();
  assert.equal(await styleOf(page, "body", "zoom"), "1");
  // Body ≥ 18 pt, line height ≥ 1.5, paragraphs ≥ 1.3 × line height apart.
  const text = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector("article .body p"));
    return { size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), gap: parseFloat(s.marginBottom) };
  });
  assert.ok(text.size >= 24 && text.line >= 1.5 * text.size && text.gap >= 1.3 * text.line, JSON.stringify(text));
  // 朗读: a large button, reading the title, the author and the paragraphs.
  const start = page.getByRole("button", { name: "朗读全文" });
  const box = await start.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, JSON.stringify(box));
  await start.click();
  await page.waitForFunction(() => window.__spoken.length >= 1);
  assert.equal((await page.evaluate(() => window.__spoken))[0].text, (await page.textContent("article h1")).trim());
  await page.getByRole("button", { name: "停止" }).click();
  // Every control of the header and footer is at least 44 × 44 px.
  const small = await page.evaluate(() =>
    [...document.querySelectorAll("header a, header button, footer a, footer button, .read-aloud button")]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ name: e.textContent.trim(), r: e.getBoundingClientRect() }))
      .filter((x) => x.r.height < 44 || x.r.width < 44)
      .map((x) => `${x.name} ${Math.round(x.r.width)}×${Math.round(x.r.height)}`));
  assert.deepEqual(small, []);
  assert.equal(await page.locator(".share").count(), 0);
  // The studio and 申请入驻 are usable in 关怀版: large fields, one column.
  await signIn(page, "reader", "/apply");
  const field = await page.evaluate(() => {
    const i = document.querySelector("main input[type=text], main textarea");
    const r = i.getBoundingClientRect();
    return { size: parseFloat(getComputedStyle(i).fontSize), height: r.height };
  });
  assert.ok(field.size >= 24 && field.height >= 44, JSON.stringify(field));
  await context.close();
});

test("pages reflow at 320 px (400 % zoom) in both modes, screenshots kept", async () => {
  for (const care of [false, true]) {
    for (const [who, path] of [["", articlePath], ["", "/"], ["writer", "/write"], ["writer", "/studio"], ["reader", "/apply"], ["editor", "/editor/reviews"]]) {
      const { context, page } = await newPage(browser, { viewport: { width: 320, height: 640 } });
      if (care) await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
      if (who) await signIn(page, who);
      await page.goto(base + path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${path} (care ${care}) is ${width}px wide`);
      await context.close();
    }
    for (const width of [320, 1280]) {
      const { context, page } = await newPage(browser, { viewport: { width, height: 900 } });
      if (care) await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
      await page.goto(base + articlePath);
      if (shots) await page.screenshot({ path: `${shots}/article-${width}${care ? "-care" : ""}.png`, fullPage: true });
      await page.goto(base + "/");
      if (shots) await page.screenshot({ path: `${shots}/home-${width}${care ? "-care" : ""}.png` });
      await context.close();
    }
  }
});

test("a signed-in reader sees so on cached pages; without JavaScript 我的 asks to sign in", async () => {
  {
    const { context, page } = await newPage(browser);
    await page.goto(base + "/");
    assert.equal((await page.textContent("header a.account")).trim(), "登录");
    await signIn(page, "reader");
    await page.goto(base + "/");
    assert.match((await page.textContent("header a.account")).trim(), /^我的（reader）$/);
    await context.close();
  }
  const { context, page } = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(base + articlePath);
  const account = page.locator("header a.account");
  assert.equal((await account.textContent()).trim(), "登录 / 我的");
  await account.click();
  assert.match(page.url(), /\/signin\?next=%2Fme$/);
  // Without JavaScript, 无障碍浏览 leads to the help page.
  await page.goto(base + articlePath);
  await page.locator("header a.a11y-open").click();
  await page.waitForURL(/\/article\/\d+$/);
  assert.match(await page.textContent("h1"), /无障碍/);
  await context.close();
});

test("where the browser cannot speak, no speech control is offered", async () => {
  const { context, page } = await newPage(browser);
  await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
  await context.addInitScript(() => {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
  });
  await page.goto(base + articlePath);
  assert.equal(await page.locator(".read-aloud").isVisible(), false);
  await page.click("header button.a11y-open");
  assert.equal(await page.locator("#a11y-toolbar").isVisible(), true);
  for (const name of ["声音", "连读", "朗读全文"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).count(), 0, name);
  }
  // Everything else is there.
  for (const name of ["高对比", "放大", "大字幕", "重置", "退出"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).count(), 1, name);
  }
  await context.close();
});
