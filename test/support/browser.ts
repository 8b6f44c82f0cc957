import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** CHROMIUM is Debian's chromium, which `scripts/setup.sh` installs when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** SCREENSHOT_DIR is where browser tests leave their screenshots (git-ignored) for a person to look at. */
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-output');

/** launchBrowser starts headless chromium with the flags that keep it quiet and working as root in a container. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/setup.sh\` (installs Debian's chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** openConsole opens the console of an API in a new page and signs in with a business unit's key. */
export async function openConsole(browser: Browser, baseUrl: string, apiKey: string, agent?: string): Promise<Page> {
  return signInTab(await browser.newPage({ viewport: { width: 1400, height: 900 } }), baseUrl, apiKey, agent);
}

/**
 * openConsoleIn opens the console in a new tab of a browser context (one person's browser, with any number of tabs)
 * and signs in there: the key is kept per tab.
 */
export async function openConsoleIn(context: BrowserContext, baseUrl: string, apiKey: string): Promise<Page> {
  return signInTab(await context.newPage(), baseUrl, apiKey);
}

async function signInTab(page: Page, baseUrl: string, apiKey: string, agent?: string): Promise<Page> {
  // Any script error or refused CSP rule fails the test instead of passing silently.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(`${baseUrl}/console/`);
  await page.fill('#api-key', apiKey);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  if (agent) {
    await page.fill('#agent-name', agent);
    await page.dispatchEvent('#agent-name', 'change');
  }
  return page;
}

/** pageProblems are the script errors a page reported since openConsole. */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

/** screenshot saves the whole page as test-output/<name>.png and returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
