// End-to-end test of the console in Debian's headless Chromium: start the real `banji`
// binary on a fresh database, create an admin with `banji admin create`, then log in,
// use every page (none shows English words to the user), survive an expired access token,
// log out, and reset a forgotten password through WeChat — as a teacher would.
//
// Needs: the built console (web/dist, `make console`), the banji binary
// (BANJI_BIN, default target/debug/banji), Chromium at /usr/bin/chromium.
// Screenshots land in e2e/artifacts/.

import assert from 'node:assert/strict';
import { ADMIN, PASSWORD, englishOnEveryPage, fail, nav, run } from './harness.mjs';

run('console', async ({ page, base, shot }) => {
  // A deep link without a login goes to the login page, remembering where it was going.
  await page.goto(`${base}/users`);
  await page.waitForURL(/\/login\?next=%2Fusers$/);
  await page.getByRole('heading', { name: '登录控制台' }).waitFor();
  // Not a demonstration: no 演示模式 banner once the page has asked.
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#demo-banner').count(), 0, 'no demo banner outside BANJI_DEMO=1');
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
  // A fresh install: the desk shows the five steps to the first notice, none done yet.
  await page.locator('#setup-steps').waitFor();
  assert.equal(await page.locator('#setup-steps li[data-done="false"]').count(), 5);
  await page.locator('#todo', { hasText: '暂无需要处理的事项' }).waitFor();
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
  const passwordForm = page.locator('form', { has: page.locator('#f-old-password') });
  await passwordForm.getByRole('button', { name: '保存' }).click();
  await page.getByText('两次输入的密码不一致').waitFor();
  await page.fill('#f-confirm-password', 'e2e-password-2');
  await passwordForm.getByRole('button', { name: '保存' }).click();
  await page.getByText('密码已修改').waitFor();
  await shot(page, 'account');

  // The WeChat simulator (mock mode): a new follower is welcomed and answered.
  await nav(page, '微信模拟器').click();
  await page.getByRole('heading', { name: '微信模拟器' }).waitFor();
  await page.getByText('还没有模拟关注者').waitFor();
  await page.getByRole('textbox', { name: '昵称' }).fill('韩梅梅');
  await page.getByRole('button', { name: '新建关注者' }).click();
  await page.locator('.sim-person', { hasText: '韩梅梅' }).waitFor();
  await page.locator('.chat .bubble', { hasText: '欢迎关注' }).waitFor();
  await page.getByRole('textbox', { name: '消息' }).fill('帮助');
  await page.getByRole('button', { name: '发送', exact: true }).click();
  await page.locator('.msg.out .bubble', { hasText: '帮助' }).waitFor();
  await page.locator('.chat .bubble', { hasText: '可用指令：' }).waitFor();
  await shot(page, 'simulator');

  // No English reaches a counselor (the sweep starts on 账号设置, whose WeChat poll must end
  // quietly once the page is left): every page of the sidebar, its text scanned for Latin
  // words outside a short list of names the school meets as they are.
  const found = await englishOnEveryPage(page, base);
  assert.deepEqual(found, [], 'English words reached these pages');

  // Phone width: the navigation folds above the content.
  await page.setViewportSize({ width: 390, height: 844 });
  await nav(page, '首页').click();
  await page.getByRole('heading', { name: /王老师/ }).waitFor();
  await shot(page, 'home-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Logout ends the login on the server and returns to the login page.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('banji.session')));
  await page.getByRole('button', { name: '退出登录' }).click();
  // Signed out, the gate sends the page to the login page (with `next` unless it was at /).
  await page.waitForURL(/\/login(\?|$)/, { timeout: 60000 }).catch(async (err) => {
    await shot(page, 'sign-out-stuck');
    throw new Error(`still at ${page.url()} after signing out: ${err.message}`);
  });
  await page.locator('#login-form').waitFor(); // the sign-in page itself, loaded whole
  assert.equal(await page.evaluate(() => localStorage.getItem('banji.session')), null);
  const refresh = await fetch(`${base}/api/v1/auth/refresh`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: stored.refresh_token }),
  });
  assert.equal(refresh.status, 401, 'the refresh token died with the logout');
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login$/);
  await page.locator('#login-form').waitFor();
  await shot(page, 'logged-out');

  // 忘记密码: 李雷 binds WeChat (scanning the code his account page shows), then resets his
  // password from the login page with the code the account pushes to that WeChat.
  const post = (url, body, token) => fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.json());
  const li = await post(`${base}/api/v1/auth/login`, { username: 'li.lei', password: 'teacher-password' });
  const shown = await (await fetch(`${base}/api/v1/me/wechat`, { headers: { authorization: `Bearer ${li.access_token}` } })).json();
  const { openid } = await post(`${base}/mock-wechat/sim/users`, { nickname: '李雷的微信' });
  await post(`${base}/mock-wechat/sim/users/${openid}/messages`, { type: 'scan', ticket: decodeURIComponent(shown.qr_image_url.split('ticket=')[1]) });
  await page.getByRole('link', { name: '忘记密码？' }).click();
  await page.waitForURL(`${base}/forgot`);
  await page.fill('#f-forgot-username', 'li.lei');
  await page.getByRole('button', { name: '发送验证码到微信' }).click();
  await page.locator('#reset-sent').waitFor();
  const inbox = await (await fetch(`${base}/mock-wechat/sim/users/${openid}/inbox`)).json();
  const pushed = inbox.filter((m) => m.channel === 'custom').pop();
  const code = pushed.content.match(/验证码是 (\d{6})/)[1];
  await page.fill('#f-reset-code', code === '000000' ? '111111' : '000000');
  await page.fill('#f-reset-new-password', 'li-new-password-1');
  await page.fill('#f-reset-confirm', 'li-new-password-1');
  await page.getByRole('button', { name: '设置新密码' }).click();
  await page.getByText('验证码不正确或已过期').waitFor();
  await shot(page, 'forgot-wrong-code');
  await page.fill('#f-reset-code', code);
  await page.getByRole('button', { name: '设置新密码' }).click();
  await page.locator('#reset-done').waitFor();
  await page.getByRole('link', { name: '前往登录' }).click();
  await page.fill('#username', 'li.lei');
  await page.fill('#password', 'li-new-password-1');
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: /李雷/ }).waitFor();

  // The API explorer runs under its own policy (its inline scripts allowed by hash).
  const docs = await page.goto(`${base}/docs`);
  assert.match(docs.headers()['content-security-policy'], /script-src 'sha256-/);
  await page.locator('.swagger-ui .info .title', { hasText: 'Banji API' }).waitFor();
}).catch(fail);
