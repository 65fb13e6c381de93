// Browser test of the phone pages' own bundle (issue: pages that open fast on a phone
// inside WeChat). The student pages come in a shell of their own that shows the page's
// frame before any WebAssembly has run, with a bundle of their own, sent precompressed;
// a student on fast 3G (1.6 Mbps, 150 ms, no cache) opens a notice link through WeChat's
// authorisation and the receipt is recorded (behaviour only: the timings are in
// e2e/bench-pages.mjs and docs/benchmarks.md); the notice arrives drawn in the page (the
// server's first view), so a phone that runs no script still shows it and counts the
// read. Links across the bundles load whole; the console's sign-in page has no bundle.

import assert from 'node:assert/strict';
import { adminApi as api, boundFollower, fail, logIn, run } from './harness.mjs';

/** Chromium's own fast-3G profile, as in DevTools, with the cache off. */
export async function throttle(page, profile) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile });
  return cdp;
}
/** Clicks a link to `href` put on the page, as a link written in a page would be followed. */
async function followLink(page, href) {
  await page.evaluate((to) => {
    const a = document.createElement('a');
    a.href = to;
    a.id = 'follow-me';
    a.textContent = to;
    document.body.append(a);
  }, href);
  await page.click('#follow-me');
}

export const FAST_3G = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

run('phone', async ({ page, base, shot, browser, watch }) => {
  // The shells: /s/… gets one of the students' bundles', with its frame in the HTML
  // itself; /t/… one of the teachers'.
  const shell = await (await fetch(`${base}/s/notices/1`)).text();
  assert.match(shell, /data-banji-wasm="\/student-notices\/student-notices-[0-9a-f]{12,16}_bg\.wasm"/, 'a notice\'s shell loads the students\' notices bundle');
  // The students' home, check-in and guides, the teachers' tasks are bundles of their
  // own (shared::Bundle::of).
  for (const [path, bundle] of [['/s/checkin/3', 'student-checkin'], ['/s/checkin', 'student-checkin'], ['/s/teachers', 'student-guides'],
    ['/s/documents/2', 'student-guides'], ['/s/', 'student'], ['/s/messages', 'student'], ['/s/notices', 'student-notices'],
    ['/t/messages/o-1', 'teacher-tasks'], ['/t/checkin', 'teacher-tasks'], ['/t/', 'teacher']]) {
    const html = await (await fetch(`${base}${path}`)).text();
    assert.match(html, new RegExp(`data-banji-wasm="/${bundle}/${bundle}-[0-9a-f]{12,16}_bg\\.wasm"`), `${path} loads ${bundle}`);
  }
  const teacherShell = await (await fetch(`${base}/t/notices`)).text();
  assert.match(teacherShell, /data-banji-wasm="\/teacher\/teacher-[0-9a-f]{12,16}_bg\.wasm"/, 'the teachers\' shell loads theirs');
  assert.match(shell, /id="skeleton"[\s\S]*我的班级/, 'the phone shell shows the page frame before the bundle runs');
  const consoleShell = await (await fetch(`${base}/notices/1`)).text();
  assert.match(consoleShell, /data-banji-wasm="\/web-[0-9a-f]{12,16}_bg\.wasm"/, 'the console keeps its own bundle');
  // The bundle is sent as compressed at build time: the .br file as it is.
  const wasm = shell.match(/data-banji-wasm="([^"]+)"/)[1];
  const br = await fetch(`${base}${wasm}`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.equal(br.headers.get('content-type'), 'application/wasm');
  assert.match(br.headers.get('cache-control'), /immutable/);
  const plain = await fetch(`${base}${wasm}`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers.get('content-encoding'), null, 'a browser that takes no brotli gets the file itself');
  assert.ok(Number(plain.headers.get('content-length')) > Number(br.headers.get('content-length')), 'the .br is the smaller');

  // The loader is named by its hash like the bundle, so a repeat visit does not ask for it.
  const boot = shell.match(/src="(\/student-notices\/boot-[0-9a-f]{16}\.js)"/);
  assert.ok(boot, 'the shell loads a hashed boot script');
  assert.match((await fetch(`${base}${boot[1]}`)).headers.get('cache-control'), /immutable/);

  // What a phone shows before any script has run: the page's frame, not a blank page.
  const bare = await (await browser.newContext({ viewport: { width: 375, height: 812 }, javaScriptEnabled: false })).newPage();
  await bare.goto(`${base}/s/notices/1`);
  await bare.locator('#skeleton .portal-head', { hasText: '我的班级' }).waitFor();
  await shot(bare, 'shell-before-the-bundle');

  // A notice to a bound student.
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '通信2402', grade: '2024级' });
  const student = await call('POST', '/students', { student_no: '2024070201', name: '周晓', class_id: klass.id });
  const zhou = await boundFollower(base, '周晓的微信', student);
  const classmate = await call('POST', '/students', { student_no: '2024070202', name: '吴桐', class_id: klass.id });
  await boundFollower(base, '吴桐的微信', classmate);
  const notice = await call('POST', '/notices', { title: '体检安排', body: '周四上午 **8:00** 到校医院体检，请空腹。', audience: { classes: [klass.id] } });
  await call('POST', `/notices/${notice.id}/send`, {});
  for (let i = 0; i < 100 && (await call('GET', `/notices/${notice.id}/report`)).funnel.sent < 2; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
  }

  // The student opens the link on fast 3G with nothing cached.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await throttle(phone, FAST_3G);
  const wasmFetched = [];
  phone.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmFetched.push(new URL(r.url()).pathname); });
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/notices/${notice.id}`, { timeout: 60000 });
  await phone.getByRole('link', { name: '周晓的微信' }).click();
  await phone.waitForURL(`${base}/s/notices/${notice.id}`, { timeout: 60000 });
  await phone.locator('#portal-notice strong', { hasText: '8:00' }).waitFor({ timeout: 60000 });
  await shot(phone, 'notice-on-3g');
  assert.ok(wasmFetched.length > 0 && wasmFetched.every((p) => p.startsWith('/student-notices/')), `only the students' notices bundle: ${wasmFetched}`);
  let read = 0;
  for (let i = 0; i < 50 && read < 1; i += 1) {
    read = (await call('GET', `/notices/${notice.id}/report`)).funnel.read;
    if (read < 1) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(read, 1, 'opening the notice on a slow network recorded the receipt');
  // The notice came with the page (the server's first view), and the bundle took over
  // from it: one article, the page's own, with what only the bundle draws (the comments).
  await phone.locator('#portal-comments').waitFor({ timeout: 60000 });
  await phone.locator('#skeleton').waitFor({ state: 'detached' });
  assert.equal(await phone.locator('#portal-notice').count(), 1);
  await phone.locator('#portal-notice h2', { hasText: '体检安排' }).waitFor();
  await shot(phone, 'notice-after-the-bundle');

  // A classmate whose phone runs no script at all still reads the notice, and is counted.
  const noScript = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true, javaScriptEnabled: false })).newPage();
  await noScript.goto(`${base}/api/v1/portal/oauth?next=/s/notices/${notice.id}`);
  await noScript.getByRole('link', { name: '吴桐的微信' }).click();
  await noScript.waitForURL(new RegExp(`/s/notices/${notice.id}`));
  await noScript.locator('#portal-notice strong', { hasText: '8:00' }).waitFor();
  await shot(noScript, 'notice-first-view-without-script');
  assert.equal((await call('GET', `/notices/${notice.id}/report`)).funnel.read, 2, 'the classmate who ran no script is counted');

  // A link from the notice (the students' home bundle) to the contacts loads the guides'
  // bundle and its page, the student still signed in; from there, the check-in's.
  const crossed = [];
  phone.on('response', (r) => { if (r.url().endsWith('.wasm')) crossed.push(new URL(r.url()).pathname.split('/')[1]); });
  await followLink(phone, '/s/teachers');
  await phone.waitForURL(`${base}/s/teachers`);
  await phone.locator('#portal-offices, .state.empty').first().waitFor({ timeout: 60000 });
  await followLink(phone, '/s/checkin');
  await phone.waitForURL(`${base}/s/checkin`);
  await phone.locator('#portal-checkins, .portal-checkins, .state.empty').first().waitFor({ timeout: 60000 });
  assert.deepEqual(crossed, ['student-guides', 'student-checkin'], 'each page across loaded its own bundle, once');

  // 每日播报 on the subscriptions page: subscribed at a time of the student's choosing,
  // which the WeChat command then keeps.
  await followLink(phone, '/s/subscriptions');
  await phone.waitForURL(`${base}/s/subscriptions`);
  await phone.locator('#broadcast-time').waitFor({ timeout: 60000 });
  await phone.fill('#broadcast-time', '06:45');
  await phone.click('#broadcast-save');
  await phone.locator('#broadcast .alert.success', { hasText: '每天 06:45 推送' }).waitFor();
  await phone.locator('#broadcast-on:checked').waitFor();
  await shot(phone, 'broadcast-subscribed');
  const said = await (await fetch(`${base}/mock-wechat/sim/users/${zhou}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', content: '订阅 每日播报' }),
  })).json();
  assert.match(JSON.stringify(said), /06:45/, `the time chosen on the page is kept: ${JSON.stringify(said)}`);

  // An unknown phone path is the phone bundle's 404; a console path from a phone page
  // loads the console whole.
  await phone.goto(`${base}/s/no-such-page`);
  await phone.getByText('404').waitFor({ timeout: 60000 });
  await followLink(phone, '/login');
  await phone.locator('#username').waitFor({ timeout: 60000 });

  // The console's sign-in page is plain HTML: no WebAssembly until the user signs in.
  const signIn = await (await browser.newContext()).newPage();
  const signInWasm = [];
  signIn.on('response', (r) => { if (r.url().endsWith('.wasm')) signInWasm.push(r.url()); });
  await signIn.goto(`${base}/login`);
  await signIn.locator('#username').waitFor();
  await signIn.waitForLoadState('networkidle');
  assert.deepEqual(signInWasm, [], 'the sign-in page downloads no WebAssembly before the user types');

  // And the console sends a phone path to the phone bundle.
  await logIn(page, base);
  await followLink(page, '/s/nope');
  await page.waitForURL(`${base}/s/nope`);
  await page.getByText('404').waitFor();
  assert.match(await page.locator('script[data-banji-wasm]').getAttribute('data-banji-wasm'), /^\/student\//);
}).catch(fail);
