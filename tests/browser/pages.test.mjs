// Hao's pages in a real browser: accessibility (axe-core), care mode as a
// reader uses it, 320 px layouts, and pages without JavaScript.
// Run by scripts/browser-test, which starts `hao serve` and sets HAO_URL.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { base, shots, launch, articlePathOf, axe as axeRun, newPage as newPageIn } from "./support.mjs";

let browser;
let articlePath;

before(async () => {
  browser = await launch();
  articlePath = await articlePathOf("fx-001");
});

after(async () => {
  await browser?.close();
});

const axe = (page, tags) => axeRun(page, tags);
const newPage = (options = {}) => newPageIn(browser, options);

test("care mode: entered from the page, large text, 7:1 contrast (AAA), a way back", async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + articlePath);
  await page.getByRole("link", { name: "进入关怀版" }).click();
  await page.waitForURL(base + articlePath);
  assert.equal(await page.evaluate(() => document.body.classList.contains("care")), true);

  const body = await page.evaluate(() => {
    const p = document.querySelector("article .body p");
    const s = getComputedStyle(p);
    return { size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) };
  });
  assert.ok(body.size >= 24, `body text ${body.size}px < 18pt`);
  assert.ok(body.line / body.size >= 1.5, `line height ${body.line / body.size}`);

  // Enhanced contrast (AAA, 7:1) on the whole page.
  const violations = await axe(page, ["wcag2aaa", "wcag2a", "wcag2aa"]);
  const contrast = violations.filter((v) => v.id.startsWith("color-contrast"));
  assert.deepEqual(contrast, [], JSON.stringify(contrast, null, 1));

  // One column: the author card sits below the article, not beside it.
  const layout = await page.evaluate(() => {
    const a = document.querySelector("article").getBoundingClientRect();
    const c = document.querySelector(".author-card").getBoundingClientRect();
    return { articleBottom: a.bottom, cardTop: c.top };
  });
  assert.ok(layout.cardTop >= layout.articleBottom, JSON.stringify(layout));
  // No share clutter; large targets.
  assert.equal(await page.locator(".share").count(), 0);
  const exit = page.locator("header a.care-exit");
  const box = await exit.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, JSON.stringify(box));
  if (shots) await page.screenshot({ path: `${shots}/article-care.png`, fullPage: true });

  // The choice persists across pages, and the way back works.
  await page.goto(base + "/");
  assert.equal(await page.evaluate(() => document.body.classList.contains("care")), true);
  await exit.click();
  assert.equal(await page.evaluate(() => document.body.classList.contains("care")), false);
  await context.close();
});

test("pages fit a 320 px screen without sideways scrolling", async () => {
  for (const care of [false, true]) {
    const { context, page } = await newPage({ viewport: { width: 320, height: 640 } });
    if (care) await context.addCookies([{ name: "hao_care", value: "1", url: base }]);
    for (const path of ["/", articlePath, "/channel/sports", "/feed"]) {
      await page.goto(base + path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${path} (care ${care}) is ${width}px wide`);
    }
    if (shots) await page.screenshot({ path: `${shots}/article-320${care ? "-care" : ""}.png`, fullPage: true });
    await context.close();
  }
});

test("everything works without JavaScript", async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await page.goto(base + articlePath);
  // The share targets are plain forms and links; the copy field is selectable.
  assert.equal(await page.locator(".share form button").count(), 2);
  assert.equal(await page.locator(".share input.share-url").count(), 1);
  await page.locator(".share-wechat summary").click();
  assert.equal(await page.locator(".share-wechat img").isVisible(), true);
  await page.getByRole("link", { name: "进入关怀版" }).click();
  assert.equal(await page.evaluate(() => document.body.classList.contains("care")), true);
  await page.getByRole("link", { name: "体育" }).first().click();
  assert.match(page.url(), /\/channel\/sports$/);
  if (shots) await page.screenshot({ path: `${shots}/channel-nojs-care.png` });
  await context.close();
});

test("the editor keeps what was typed and offers it back after the tab is closed", async () => {
  const { context, page } = await newPage();
  await page.goto(base + "/signin?next=%2Fwrite");
  await page.fill("#username", "writer");
  await page.fill("#password", "browser-test-1");
  await Promise.all([page.waitForURL(base + "/write"), page.click("section.account-form form button[type=submit]")]);
  // The studio's pages and 消息 pass axe too.
  for (const path of ["/write", "/studio", "/studio/stats", "/notifications"]) {
    await page.goto(base + path);
    const violations = await axe(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
    assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 1)}`);
  }
  await page.goto(base + "/write");
  await page.fill("#title", "自动保存的标题");
  await page.fill("#body", "写到一半的正文。");
  await page.waitForTimeout(3500);
  // The tab is closed and opened again: the typed text is offered back.
  await page.goto(base + "/write");
  assert.equal(await page.inputValue("#title"), "");
  await page.getByRole("button", { name: "恢复自动保存的内容" }).click();
  assert.equal(await page.inputValue("#title"), "自动保存的标题");
  assert.equal(await page.inputValue("#body"), "写到一半的正文。");
  // Saving as a draft clears the kept copy.
  await Promise.all([page.waitForURL(base + "/studio"), page.click("button[value=draft]")]);
  await page.goto(base + "/write");
  assert.equal(await page.getByRole("button", { name: "恢复自动保存的内容" }).count(), 0);
  await context.close();
});
