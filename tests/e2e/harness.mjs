// Starts the demo backend with its in-process sandbox gateway on ephemeral
// loopback ports (fresh SQLite files), and Debian's Chromium via
// playwright-core. Every network request a page makes is recorded.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const shots = join(root, 'build', 'screenshots');

export async function startDemo(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rzp-e2e-'));
  const child = spawn(join(root, 'target', 'debug', 'razorpay-demo'), [], {
    cwd: root,
    env: {
      ...process.env,
      LISTEN_ADDR: '127.0.0.1:0',
      SANDBOX_ADDR: '127.0.0.1:0',
      SANDBOX_DB: join(dir, 'sandbox.sqlite'),
      DEMO_DB: join(dir, 'demo.sqlite'),
      ACCESS_LOG: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${stderr}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const demo = out.match(/demo: (http:\/\/\S+?)\/?\n/);
      const gateway = out.match(/gateway: (http:\/\/\S+)\n/);
      if (demo && gateway) { clearTimeout(timer); resolve({ demo: `${demo[1]}/`, gateway: gateway[1] }); }
    });
    child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${stderr}`)));
  });
  return { ...urls, dir, stop: () => child.kill(), stderr: () => stderr };
}

export async function launchBrowser() {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page whose requests, console output and errors are recorded. */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const consoleLines = [];
  const problems = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url(), headers: r.headers(), body: r.postData() ?? '' }));
  page.on('console', (m) => { consoleLines.push(m.text()); if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('html[data-ready=true]');
  return { page, context, requests, console: consoleLines, problems };
}

export async function typeCard(page, { number, expiry = '12/30', cvv = '123', name = 'Gaurav Kumar' }) {
  await page.click('#number');
  await page.keyboard.type(number);
  await page.fill('#expiry', expiry);
  await page.fill('#cvv', cvv);
  await page.fill('#name', name);
}

export const checkoutPosts = (requests) =>
  requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/checkout');
