// 跟帖 in a real browser, with JavaScript off: a reader comments from the
// article page (a new account's comment waits for review), an editor
// publishes it from the queue, a second reader replies and reports it, the
// editor hides it; and axe (WCAG 2.2 AA) passes on every page on the way:
// the comment pages, the thread, the reply and report forms, the reader's
// own comments, the creator's moderation page and the editors' queue.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { base, shots, launch, articlePathOf, axe, newPage, signIn } from "./support.mjs";

let browser;
let articlePath;

before(async () => {
  browser = await launch();
  articlePath = await articlePathOf("fx-002");
});

after(async () => {
  await browser?.close();
});

// axe needs scripts: each page met with scripts off is audited again, as
// the same user, in a context with them on.
const auditors = {};
async function audit(who, path) {
  if (!auditors[who]) {
    auditors[who] = await newPage(browser);
    if (who !== "anonymous") await signIn(auditors[who].page, who);
  }
  const { page } = auditors[who];
  await page.goto(base + path);
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${who} ${path}: ${JSON.stringify(violations, null, 1)}`);
}
const here = (page) => new URL(page.url()).pathname + new URL(page.url()).search;

test("comment, review, reply, report and hide, all without JavaScript", async () => {
  const id = articlePath.split("/").pop();
  const text = `浏览器里的跟帖 ${Date.now()}`;
  // A reader comments from the article page's own form.
  const reader = await newPage(browser, { javaScriptEnabled: false });
  await signIn(reader.page, "reader", articlePath);
  await reader.page.fill(`#comment-body-${id}`, text);
  await Promise.all([reader.page.waitForURL(/\/me\/comments/), reader.page.click("#comments form.comment-form button[type=submit]")]);
  assert.match(await reader.page.textContent("main"), /审核中/);
  await audit("reader", "/me/comments");

  // The editor publishes it from the queue.
  const editor = await newPage(browser, { javaScriptEnabled: false });
  await signIn(editor.page, "editor", "/editor/reports");
  await audit("editor", "/editor/reports");
  await Promise.all([
    editor.page.waitForURL(base + "/editor/reports"),
    editor.page.getByRole("button", { name: "通过 reader 的跟帖", exact: true }).click(),
  ]);

  // On the article page for everyone, and on its comment pages.
  const anon = await newPage(browser, { javaScriptEnabled: false });
  await anon.page.goto(base + articlePath);
  assert.match(await anon.page.textContent("#comments"), new RegExp(text));
  await anon.page.goto(`${base}${articlePath}/comments`);
  await audit("anonymous", here(anon.page));
  await anon.page.getByRole("link", { name: "最新" }).click();
  assert.match(anon.page.url(), /\/comments\/new$/);
  await audit("anonymous", here(anon.page));

  // The editor (trusted: no review) replies from the comment's 回复 link.
  await editor.page.goto(`${base}${articlePath}/comments`);
  await editor.page.getByRole("link", { name: "回复 reader", exact: true }).first().click();
  assert.match(editor.page.url(), /\/comment\/\d+\/reply$/);
  await audit("editor", here(editor.page));
  await editor.page.fill("textarea[name=body]", "谢谢你的跟帖");
  await Promise.all([editor.page.waitForURL(/\/comment\/\d+#c\d+$/), editor.page.click("form.comment-form button[type=submit]")]);
  assert.match(await editor.page.textContent(".thread-flat"), /谢谢你的跟帖/);
  await audit("anonymous", here(editor.page));
  if (shots) await editor.page.screenshot({ path: `${shots}/thread-nojs.png`, fullPage: true });
  // The reader was told of the reply.
  await reader.page.goto(base + "/notifications");
  assert.match(await reader.page.textContent("main"), /editor 回复了你的跟帖/);

  // The editor reports the reader's comment (editors read as readers too).
  await editor.page.goto(`${base}${articlePath}/comments`);
  await editor.page.getByRole("link", { name: "举报 reader 的跟帖" }).first().click();
  await audit("editor", here(editor.page));
  await editor.page.getByLabel("垃圾广告").check();
  await editor.page.fill("#report-text", "浏览器测试");
  await Promise.all([editor.page.waitForURL(base + "/report"), editor.page.click("section.report form button[type=submit]")]);
  assert.match(await editor.page.textContent("main"), /感谢你的举报/);

  // The moderation page of the article, as its creator sees it.
  const writer = await newPage(browser, { javaScriptEnabled: false });
  await signIn(writer.page, "writer", "/studio");
  await writer.page.goto(`${base}/manage/comments?article=${id}`);
  assert.equal((await writer.page.title()).startsWith("管理跟帖"), true);
  await audit("writer", here(writer.page));

  // The queue groups it; hiding it takes it off every page.
  await editor.page.goto(base + "/editor/reports");
  assert.match(await editor.page.textContent(".report-group"), /垃圾广告 ×1/);
  await audit("editor", "/editor/reports");
  if (shots) await editor.page.screenshot({ path: `${shots}/report-queue.png`, fullPage: true });
  await Promise.all([
    editor.page.waitForURL(base + "/editor/reports"),
    editor.page.locator(".report-group").filter({ hasText: text }).getByRole("button", { name: "隐藏跟帖" }).click(),
  ]);
  await anon.page.goto(base + articlePath);
  assert.doesNotMatch(await anon.page.textContent("#comments"), new RegExp(text));
  await reader.page.goto(base + "/me/comments");
  assert.match(await reader.page.textContent("main"), /已隐藏/);
  await reader.page.goto(base + "/notifications");
  assert.match(await reader.page.textContent("main"), /已被隐藏/);
  for (const c of [reader, editor, anon, writer, ...Object.values(auditors)]) await c.context.close();
});
