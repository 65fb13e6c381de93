// What every browser test shares: the real `banji` binary on a fresh database (SQLite,
// or a PostgreSQL schema when DATABASE_URL is set), an admin made with
// `banji admin create`, Debian's Chromium driven by playwright-core, and screenshots
// in e2e/artifacts/<suite>-NN-name.png.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.BANJI_BIN ?? join(root, 'target/debug/banji');
const dist = process.env.BANJI_WEB_DIST ?? join(root, 'web/dist');
export const artifacts = join(root, 'e2e/artifacts');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const ADMIN = 'e2e.admin';
export const PASSWORD = 'e2e-password-1';

/** A link in the sidebar. */
export const nav = (page, name) => page.getByRole('navigation').getByRole('link', { name, exact: true });

function environment(suite, extra) {
  const work = mkdtempSync(join(tmpdir(), `banji-e2e-${suite}-`));
  const env = {
    ...process.env, BANJI_WEB_DIST: dist, BANJI_LISTEN: '127.0.0.1:0', BANJI_LOG_FORMAT: 'json', RUST_LOG: 'info', ...extra,
  };
  if ((env.DATABASE_URL ?? '').startsWith('postgres')) {
    // Named like the Rust tests' schemas (t_<unix secs>_…) so their cleanup drops it after an hour.
    env.BANJI_DB_SCHEMA = `t_${Math.floor(Date.now() / 1000)}_e2e${suite}${process.pid}`;
  } else {
    env.DATABASE_URL = `sqlite://${work}/banji.db`;
  }
  env.BANJI_KV_PREFIX = `banji_e2e_${suite}_${Date.now()}:`;
  return { work, env };
}

function createAdmin(env) {
  const out = spawnSync(bin, ['admin', 'create', ADMIN, '--display-name', '王老师', '--password-stdin'], {
    env, input: `${PASSWORD}\n`, encoding: 'utf8',
  });
  assert.equal(out.status, 0, `admin create failed: ${out.stderr}`);
}

function startServer(env) {
  return new Promise((resolvePort, reject) => {
    const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      for (const line of buffer.split('\n')) {
        try {
          const port = JSON.parse(line)?.fields?.port;
          if (port) resolvePort({ child, base: `http://127.0.0.1:${port}` });
        } catch { /* not a JSON line yet */ }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`banji exited early (${code}): ${buffer}`)));
    setTimeout(() => reject(new Error(`banji did not start: ${buffer}`)), 30000);
  });
}

/**
 * Runs `body({ page, base, shot, work, browser })` against a fresh server and browser;
 * fails on any uncaught error in a page. `env`: extra variables for the server.
 */
export async function run(suite, body, { env: extra = {} } = {}) {
  mkdirSync(artifacts, { recursive: true });
  for (const [what, path] of [['banji binary', bin], ['console build', join(dist, 'index.html')], ['chromium', chromiumPath]]) {
    assert.ok(existsSync(path), `${what} missing at ${path}`);
  }
  const { work, env } = environment(suite, extra);
  createAdmin(env);
  const { child, base } = await startServer(env);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  let step = 0;
  const shot = async (page, name) => {
    step += 1;
    await page.screenshot({ path: join(artifacts, `${suite}-${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const consoleErrors = [];
  const cspViolations = [];
  // Every page a suite opens is watched: uncaught errors, and anything the
  // Content-Security-Policy refused (Chromium logs each refusal to the console).
  const watch = (page) => {
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
    });
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    watch(page);
    await firstLoad(page, base);
    await body({ page, base, shot, work, browser, watch });
    assert.deepEqual(consoleErrors, [], 'no uncaught errors in the pages');
    assert.deepEqual(cspViolations, [], 'nothing refused by the Content-Security-Policy');
    console.log(`e2e: ${suite} passed (${step} screenshots in e2e/artifacts)`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The console's first load: it comes with the security headers, and the WebAssembly
 * starts under its Content-Security-Policy (no inline script; 'wasm-unsafe-eval').
 */
async function firstLoad(page, base) {
  const resp = await page.goto(`${base}/login`);
  const headers = resp.headers();
  assert.match(headers['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'[^;]*;/, 'a CSP');
  assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/, 'no inline script or style allowed');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'same-origin');
  assert.equal(await page.locator('script:not([src])').count(), 0, 'the console has no inline script');
  await page.waitForSelector('#username');
}

/** Logs in as the admin on the login page. */
export async function logIn(page, base, username = ADMIN, password = PASSWORD) {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
}

export function fail(err) {
  console.error(err);
  process.exit(1);
}

/** The API as the admin, for the set-up a teacher would have done on other pages. */
export async function adminApi(base) {
  const login = await (await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN, password: PASSWORD }),
  })).json();
  assert.ok(login.access_token, 'admin login through the API');
  return async (method, path, body) => {
    const resp = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${login.access_token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await resp.text();
    assert.ok(resp.ok, `${method} ${path}: ${resp.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** The student's bind code, as their class teacher reads it on the record. */
export async function bindCode(base, student) {
  const detail = await (await adminApi(base))('GET', `/students/${student.id}`);
  return detail.bind_code;
}

/** A simulated follower of the mock account that binds to a student by sending 绑定. */
export async function boundFollower(base, nickname, student) {
  const sim = (path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const { openid } = await sim('/users', { nickname });
  const code = await bindCode(base, student);
  const answer = await sim(`/users/${openid}/messages`, {
    type: 'text', content: `绑定 ${student.student_no} ${student.name} ${code}`,
  });
  assert.match(JSON.stringify(answer), /绑定成功/, `${student.name} binds`);
  return openid;
}

/** Latin words a school meets as they are (names of formats, fields, a header). */
const ENGLISH_ALLOWED = new Set(['API', 'CSV', 'Excel', 'XLSX', 'JPG', 'PNG', 'GIF', 'AMR', 'KEY', 'Markdown', 'URL', 'OpenID', 'openid', 'AppID',
  'AppSecret', 'Token', 'EncodingAESKey', 'PDF', 'Word', 'JSON', 'HTTPS', 'OAuth', 'IP', 'VIEW', 'CLICK', 'GPS',
  // Product names shown as they are (the cache a deployment runs).
  'Redis',
  // The header an integrator sends, shown as it is typed.
  'Authorization', 'Bearer']);

/**
 * The Latin words the page's text shows outside ENGLISH_ALLOWED (addresses, numbers and
 * names with dots or digits left aside): empty when no English reaches the reader.
 */
export async function englishOn(page) {
  const words = await page.evaluate(() => {
    const text = (document.querySelector('main') ?? document.body).innerText.replace(/https?:\/\/\S+/g, ' ');
    return [...new Set(text.split(/[^A-Za-z0-9._@/-]+/))].filter((w) => /^[A-Za-z][A-Za-z]{2,}$/.test(w));
  });
  return words.filter((w) => !ENGLISH_ALLOWED.has(w));
}

/**
 * Visits every page of the sidebar the signed-in user has and lists, per page, the Latin
 * words its text shows outside ENGLISH_ALLOWED (addresses, numbers and names with dots or
 * digits left aside). An empty list: no English reached the user.
 */
export async function englishOnEveryPage(page, base) {
  const pages = await page.getByRole('navigation').getByRole('link').evaluateAll(
    // A link's name is its label when it has one (消息 shows a count beside its name).
    (links) => links.filter((a) => !a.target).map((a) => [a.getAttribute('aria-label') ?? a.textContent.trim(), a.getAttribute('href')]),
  );
  const found = [];
  for (const [name, href] of pages) {
    await nav(page, name).click();
    await page.waitForURL(`${base}${href}`);
    await page.waitForLoadState('networkidle');
    const english = await englishOn(page);
    if (english.length) found.push(`${name} (${href}): ${english.join(', ')}`);
  }
  return found;
}
