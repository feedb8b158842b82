import zlib from "node:zlib";
import type { Browser, BrowserContext } from "@playwright/test";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { log, ms } from "./run";
import { percentile } from "./stats";

// The console bench's measurements in a real browser: what /users loads, and how soon its first row shows.

export type Recorder = (figure: string, measured: string, target?: { limit: number; value: number; unit: string }) => void;
export type BrowserBench = {
  browser: Browser;
  port: number;
  /** A signed-in admin's session cookie. */
  cookieValue: string;
  runs: number;
  verbose: boolean;
  record: Recorder;
  targets: { firstLoadJsKb: number; firstRowMs: number };
};

async function signedInContext({ browser, port, cookieValue }: BrowserBench): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: cookieValue, url: `http://127.0.0.1:${port}`, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

/** Every script /users loads on a cold visit, gzip-compressed here (level 9, as bundle analysers count). */
export async function measureFirstLoadJs(bench: BrowserBench): Promise<void> {
  const { port, verbose, record, targets } = bench;
  const context = await signedInContext(bench);
  const page = await context.newPage();
  const scripts = new Map<string, Promise<number>>();
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    scripts.set(
      response.url(),
      response.body().then(
        (body) => zlib.gzipSync(body, { level: 9 }).length,
        () => 0,
      ),
    );
  });
  await page.goto(`http://127.0.0.1:${port}/users`, { waitUntil: "networkidle" });
  const sizes = await Promise.all([...scripts].map(async ([url, size]) => [url, await size] as const));
  await context.close();
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  if (verbose) for (const [url, size] of sizes.sort((a, b) => b[1] - a[1])) log(`  ${(size / 1000).toFixed(1)} kB  ${new URL(url).pathname}`);
  log(`first-load JS: ${sizes.length} scripts, ${(total / 1000).toFixed(1)} kB gzip`);
  record(`first-load JS of /users (${sizes.length} scripts, gzip)`, `${(total / 1000).toFixed(1)} kB`, {
    limit: targets.firstLoadJsKb,
    value: total / 1000,
    unit: "kB",
  });
}

/**
 * Navigation → the first result row in the DOM and painted, read from the page's own clock
 * (performance.now() counts from the navigation's start). A fresh context per cold run.
 */
export async function measureFirstRow(bench: BrowserBench): Promise<void> {
  const { port, runs: RUNS, record, targets } = bench;
  // A string, not a function: tsx would wrap a function's inner helpers in __name(), unknown in the page.
  const probe = `
    new MutationObserver((_, observer) => {
      if (document.querySelector("tbody tr a")) {
        observer.disconnect();
        requestAnimationFrame(() => { window.__firstRowAt ??= performance.now(); });
      }
    }).observe(document, { childList: true, subtree: true });`;
  const once = async (context: BrowserContext, url: string) => {
    const page = await context.newPage();
    await page.addInitScript({ content: probe });
    await page.goto(url, { waitUntil: "commit" });
    await page.locator("tbody tr a").first().waitFor({ state: "visible", timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as { __firstRowAt?: number }).__firstRowAt !== undefined);
    const at = await page.evaluate(() => (window as unknown as { __firstRowAt: number }).__firstRowAt);
    await page.close();
    return at;
  };
  const url = `http://127.0.0.1:${port}/users`;
  const cold: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await signedInContext(bench);
    cold.push(await once(context, url));
    await context.close();
  }
  const context = await signedInContext(bench);
  await once(context, url);
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await once(context, `${url}?query=${"abcdefghijklmnopqrstuvwxyz"[i % 26]}`));

  // Search as you type, for the record: a keystroke to the new rows (includes the 250 ms debounce).
  const page = await context.newPage();
  await page.goto(url);
  const typed: number[] = [];
  for (const prefix of ["ma", "li", "ch", "no", "sa"]) {
    const box = page.getByRole("searchbox", { name: "Search by email" });
    await box.fill("");
    await page.waitForFunction(() => !document.querySelector("[data-testid=search-spinner]"));
    const started = performance.now();
    await box.fill(prefix);
    await page.waitForFunction((p) => {
      const link = document.querySelector("tbody tr a");
      return !document.querySelector("[data-testid=search-spinner]") && link?.textContent?.startsWith(p);
    }, prefix);
    typed.push(performance.now() - started);
  }
  await context.close();

  const p50 = percentile(cold, 50);
  const worst = Math.max(...cold);
  log(`first row: cold p50 ${ms(p50)}, max ${ms(worst)}; warm p50 ${ms(percentile(warm, 50))}; typing → rows p50 ${ms(percentile(typed, 50))}`);
  record(`navigation → first row visible, cold (${RUNS} runs) worst`, `${ms(worst)} (p50 ${ms(p50)})`, { limit: targets.firstRowMs, value: worst, unit: "ms" });
  record(`  same, warm cache, with a search in the URL (${RUNS} runs) p50`, ms(percentile(warm, 50)));
  record("  typing a prefix → its rows shown, incl. 250 ms debounce, p50", ms(percentile(typed, 50)));
}
