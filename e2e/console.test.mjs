// End-to-end test of the console in Debian's headless Chromium: start the real `banji`
// binary on a fresh database, create an admin with `banji admin create`, then log in,
// use every page, survive an expired access token, and log out — as a teacher would.
//
// Needs: the built console (web/dist, `make console`), the banji binary
// (BANJI_BIN, default target/debug/banji), Chromium at /usr/bin/chromium.
// Screenshots land in e2e/artifacts/.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.BANJI_BIN ?? join(root, 'target/debug/banji');
const dist = process.env.BANJI_WEB_DIST ?? join(root, 'web/dist');
const artifacts = join(root, 'e2e/artifacts');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(artifacts, { recursive: true });
for (const [what, path] of [['banji binary', bin], ['console build', join(dist, 'index.html')], ['chromium', chromiumPath]]) {
  assert.ok(existsSync(path), `${what} missing at ${path}`);
}

const work = mkdtempSync(join(tmpdir(), 'banji-e2e-'));
const env = { ...process.env, BANJI_WEB_DIST: dist, BANJI_LISTEN: '127.0.0.1:0', BANJI_LOG_FORMAT: 'json', RUST_LOG: 'info' };
if ((env.DATABASE_URL ?? '').startsWith('postgres')) {
  // Named like the Rust tests' schemas (t_<unix secs>_…) so their cleanup drops it after an hour.
  env.BANJI_DB_SCHEMA = `t_${Math.floor(Date.now() / 1000)}_e2e${process.pid}`;
} else {
  env.DATABASE_URL = `sqlite://${work}/banji.db`;
}
env.BANJI_KV_PREFIX = `banji_e2e_${Date.now()}:`;

const ADMIN = 'e2e.admin';
const PASSWORD = 'e2e-password-1';

function createAdmin() {
  const out = spawnSync(bin, ['admin', 'create', ADMIN, '--display-name', '王老师', '--password-stdin'], {
    env, input: `${PASSWORD}\n`, encoding: 'utf8',
  });
  assert.equal(out.status, 0, `admin create failed: ${out.stderr}`);
}

function startServer() {
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

/** A link in the sidebar. */
const nav = (page, name) => page.getByRole('navigation').getByRole('link', { name, exact: true });

let step = 0;
async function shot(page, name) {
  step += 1;
  await page.screenshot({ path: join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function main() {
  createAdmin();
  const { child, base } = await startServer();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (err) => consoleErrors.push(String(err)));

    // A deep link without a login goes to the login page, remembering where it was going.
    await page.goto(`${base}/users`);
    await page.waitForURL(/\/login\?next=%2Fusers$/);
    await page.getByRole('heading', { name: '登录控制台' }).waitFor();
    await shot(page, 'login');

    // A wrong password is refused in words.
    await page.fill('#username', ADMIN);
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await shot(page, 'login-error');

    // The right one lands on the page the link pointed to.
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/users`);
    await page.getByRole('heading', { name: '用户管理' }).waitFor();
    await page.locator('td', { hasText: ADMIN }).first().waitFor();

    // Create a teacher through the form.
    await page.getByRole('button', { name: '新建用户' }).click();
    await page.fill('#f-new-username', 'li.lei');
    await page.fill('#f-new-display-name', '李雷');
    await page.fill('#f-new-password', 'short');
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.getByText('至少 8 个字符').first().waitFor();
    await page.fill('#f-new-password', 'teacher-password');
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.getByText('用户已创建').waitFor();
    await page.locator('td', { hasText: '李雷' }).waitFor();
    await shot(page, 'users');

    // Home: greeting with the admin's name and a healthy system.
    await nav(page, '首页').click();
    await page.getByRole('heading', { name: /王老师/ }).waitFor();
    await page.getByText('进程内').or(page.getByText('Redis（多实例共享）')).waitFor();
    await shot(page, 'home');

    // API tokens: the secret is shown once and works against the API.
    await nav(page, 'API 令牌').click();
    await page.fill('#f-token-name', '教务系统');
    await page.getByRole('button', { name: '创建令牌' }).click();
    const secret = (await page.locator('#new-token-secret').textContent()).trim();
    assert.match(secret, /^bj_/);
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    await page.locator('td', { hasText: '教务系统' }).waitFor();
    await shot(page, 'tokens');

    // An expired access token is refreshed silently: the next page still loads.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('banji.session'));
      s.access_token = 'expired.or.garbage';
      localStorage.setItem('banji.session', JSON.stringify(s));
    });
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh') && r.status() === 200);
    await nav(page, '审计日志').click();
    await refreshed;
    await page.locator('td', { hasText: '创建 API 令牌' }).first().waitFor();
    await shot(page, 'audit');

    // A reload keeps the login.
    await page.reload();
    await page.getByRole('heading', { name: '审计日志' }).waitFor();

    // Account: mismatched confirmation is caught, then the password is changed.
    await nav(page, '账号设置').click();
    await page.fill('#f-old-password', PASSWORD);
    await page.fill('#f-new-password', 'e2e-password-2');
    await page.fill('#f-confirm-password', 'something-else');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('两次输入的密码不一致').waitFor();
    await page.fill('#f-confirm-password', 'e2e-password-2');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('密码已修改').waitFor();
    await shot(page, 'account');

    // Phone width: the navigation folds above the content.
    await page.setViewportSize({ width: 390, height: 844 });
    await nav(page, '首页').click();
    await page.getByRole('heading', { name: /王老师/ }).waitFor();
    await shot(page, 'home-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Logout ends the login on the server and returns to the login page.
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('banji.session')));
    await page.click('#sign-out');
    await page.waitForURL(/\/login$/);
    assert.equal(await page.evaluate(() => localStorage.getItem('banji.session')), null);
    const refresh = await fetch(`${base}/api/v1/auth/refresh`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: stored.refresh_token }),
    });
    assert.equal(refresh.status, 401, 'the refresh token died with the logout');
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login$/);
    await shot(page, 'logged-out');

    assert.deepEqual(consoleErrors, [], 'no uncaught errors in the page');
    console.log(`e2e: console passed (${step} screenshots in e2e/artifacts)`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
