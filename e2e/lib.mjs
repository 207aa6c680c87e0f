// Shared by the browser tests: a fresh demo server per test file, Debian's Chromium through
// playwright-core (which never downloads a browser), and small helpers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const PASSWORD = 'Demo@2026ql';
export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

/** A TCP port nobody listens on at the moment. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `qunlian demo` on a free port with an empty data folder and resolves once /healthz
 * answers 200. `stop()` ends it and deletes the folder; the server is also killed if the
 * test process exits without calling it.
 */
export async function startServer({ enterprises = 600 } = {}) {
  const bin = process.env.QUNLIAN_BIN ?? fileURLToPath(new URL('../target/debug/qunlian', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'qunlian-e2e-'));
  const port = await freePort();
  const args = ['demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dir, '--enterprises', String(enterprises)];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let spawnError = null;
  child.on('error', (e) => (spawnError = e));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) throw new Error(`cannot run ${bin}: ${spawnError.message} (set QUNLIAN_BIN, or run cargo build -p qunlian)`);
    if (child.exitCode !== null) throw new Error(`qunlian demo exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`qunlian demo did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    base,
    /** The server's data folder and binary, for a test that runs `qunlian user create` beside it. */
    dataDir: dir,
    bin,
    output: () => output,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/**
 * What Chromium reported as blocked by the Content-Security-Policy (an inline script or
 * style left in a page): any at all fails the test file when it exits.
 */
export const cspViolations = [];
process.on('exit', () => {
  if (cspViolations.length > 0) {
    console.error(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
    process.exitCode = 1;
  }
});

/** A browser context with Chinese locale that accepts downloads, watched for CSP violations. */
export async function newContext(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.location()?.url ?? ''}: ${m.text()}`);
  });
  return context;
}

/**
 * A new context logged in as `user` through the login form. Resolves once the browser has
 * left /login (a registry role lands on /, the auditor on /audit, the user manager on /users).
 */
export async function login(browser, base, user, viewport = DESKTOP) {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.click('button:has-text("登录")'),
  ]);
  return { context, page };
}

/** The number in `共 123 家` of the enterprise list. */
export async function listTotal(page) {
  const text = await page.textContent('#total');
  const m = text.match(/共\s*(\d+)\s*家/);
  if (!m) throw new Error(`#total does not read 共 N 家: ${JSON.stringify(text)}`);
  return Number(m[1]);
}

/** Clicks `selector`, waits for the download it starts, and returns its file name and path. */
export async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const failure = await dl.failure();
  if (failure) throw new Error(`download from ${selector} failed: ${failure}`);
  return { name: dl.suggestedFilename(), path: await dl.path() };
}

/** The first sheet of an .xlsx as rows of trimmed strings (merged and empty cells as ''). */
export async function readXlsx(path) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0];
  const rows = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells = [];
    row.eachCell({ includeEmpty: true }, (cell) => {
      cells[cell.col - 1] = (cell.text ?? '').toString().trim();
    });
    rows.push(Array.from(cells, (c) => c ?? ''));
  });
  return rows;
}

/** A valid 统一社会信用代码 (GB 32100-2015) for a 17-character body. */
export function uscc(body) {
  const A = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (body.length !== 17) throw new Error(`a USCC body has 17 characters: ${body}`);
  const sum = [...body].reduce((s, c, i) => {
    const v = A.indexOf(c);
    if (v < 0) throw new Error(`not a USCC character: ${c}`);
    return s + v * W[i];
  }, 0);
  return body + A[(31 - (sum % 31)) % 31];
}

/** The same code with a wrong check character. */
export function badUscc(body) {
  const good = uscc(body);
  return good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
}

/** Saves a full-page screenshot under e2e/screenshots/. */
export function screenshot(page, name) {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function firstLogin(demo, username, otp, password) {
  const context = await demo.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', otp);
  await Promise.all([page.waitForURL((u) => u.pathname === '/password'), page.click('button:has-text("登录")')]);
  await page.fill('input[name=current]', otp);
  await page.fill('input[name=new]', password);
  await page.fill('input[name=confirm]', password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/password'), page.click('button:has-text("保存")')]);
  return { context, page };
}

/** Selects the first option of `select` whose label matches `re`; resolves to its value. */
export async function selectByLabel(page, select, re) {
  const options = await page.$$eval(`${select} option`, (os) => os.map((o) => [o.value, o.textContent]));
  const hit = options.find(([v, l]) => v && re.test(l));
  assert.ok(hit, `${select}: no option like ${re} in ${JSON.stringify(options)}`);
  await page.selectOption(select, hit[0]);
  return hit[0];
}

/** The Beijing date `offset` days from today, as a date input takes it. */
export function beijingDay(offset) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

/**
 * What every browser test file sets up: a demo server and a Chromium, started before the
 * file's tests and stopped after them. `base`, `login` and `newContext` work once the tests run.
 */
export function demoSession(options) {
  const demo = {
    server: undefined,
    browser: undefined,
    get base() {
      return demo.server.base;
    },
    /** Runs the qunlian CLI on the demo's database (e.g. `user create …`); resolves to its output. */
    cli: (...args) => runCli(demo.server, args),
    login: (user, viewport) => login(demo.browser, demo.base, user, viewport),
    /** Opens `path` (answering `status`) and checks it has no horizontal overflow at the viewport's width. */
    fitsPhone: (page, path, status) => fitsPhone(page, `${demo.base}${path}`, status),
    newContext: (viewport) => newContext(demo.browser, viewport),
    /** Creates an account with the CLI; resolves to its one-time password. */
    createUser: async (username, role, scope, name) => {
      const out = await runCli(demo.server, ['user', 'create', username, '--role', role, '--scope', scope, '--name', name]);
      const m = out.match(/初始密码：(\S+?)（/);
      assert.ok(m, out);
      return m[1];
    },
    /** Logs in with the one-time password and changes it to `password`; resolves on the landing page. */
    firstLogin: (username, otp, password) => firstLogin(demo, username, otp, password),
  };
  before(async () => {
    demo.server = await startServer(options);
    demo.browser = await launch();
  });
  after(async () => {
    await demo.browser?.close();
    await demo.server?.stop();
  });
  return demo;
}

/** Runs `qunlian ARGS` on a server's database and resolves to its standard output. */
export function runCli(server, args) {
  const db = `sqlite://${join(server.dataDir, 'demo.sqlite')}`;
  const child = spawn(server.bin, [...args, '--data-dir', server.dataDir, '--database', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`qunlian ${args.join(' ')}: ${code}\n${out}${err}`))));
  });
}

/**
 * Opens `url`, expects `status`, and fails when the page scrolls sideways at a 390 px wide
 * viewport ([`PHONE`]; the caller sets the viewport).
 */
export async function fitsPhone(page, url, status = 200) {
  const res = await page.goto(url);
  assert.equal(res.status(), status, url);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${url} is ${width} px wide`);
}

/** Submits a form and waits for the next page; fails on a page that reports an error. */
export async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
  const error = await page.$('.error-message');
  assert.equal(error, null, `${selector}: ${error && (await error.textContent())}`);
}
