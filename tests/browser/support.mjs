// What the browser tests share: the browser, axe-core, contexts, signing in.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
export const base = process.env.HAO_URL;
export const shots = process.env.HAO_SCREENSHOTS || "";
assert.ok(base, "HAO_URL must name a running hao serve");
if (shots) mkdirSync(shots, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/// The path of a fixture article's page.
export async function articlePathOf(externalId) {
  const res = await fetch(`${base}/api/v1/articles/by-external-id/${externalId}`);
  assert.equal(res.status, 200);
  return (await res.json()).url;
}

export const WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const axeSource = readFileSync(axePath, "utf8");

// axe is evaluated through the DevTools protocol: the site's Content
// Security Policy (no inline script) does not let a test inject a <script>.
export async function axe(page, tags = WCAG22AA) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  }, tags);
}

// Every page records what its Content Security Policy refused
// (window.__csp): a test can assert the site's own pages break none of it.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: "zh-CN", ...options });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page: await context.newPage() };
}

export const cspViolations = (page) => page.evaluate(() => window.__csp || []);

/// Signs `username` in through the form (the password the test script set).
export async function signIn(page, username, next = "/me") {
  await page.goto(`${base}/signin?next=${encodeURIComponent(next)}`);
  await page.fill("#username", username);
  await page.fill("#password", "browser-test-1");
  await Promise.all([page.waitForURL(base + next), page.click("section.account-form form button[type=submit]")]);
}
