// How fast the pages open in headless Chromium at 375 px, on the release build, with the
// cache disabled: time from navigation to the page's first meaningful content, as the page
// itself saw it appear (a MutationObserver; Playwright's waits poll with a growing interval
// and noticed it up to 0.35 s late), and the bytes transferred (compressed, as on the wire), under no throttling and Chromium's
// slow-4G and fast-3G profiles; then a repeat visit with a warm cache: the console's
// sign-in page, a student's notice (drawn by the server), check-in result and contacts
// page, and a teacher's phone home (signed in through WeChat). Prints the markdown table
// docs/benchmarks.md keeps ("Pages on a phone").
//
//   scripts/build-web.sh && cargo build --release -p api --bin banji
//   BANJI_BIN=target/release/banji node e2e/bench-pages.mjs
import { adminApi as api, boundFollower, fail, run } from './harness.mjs';

const PROFILES = [
  ['no throttling', null],
  ['slow 4G (4 Mbps, 100 ms)', { latency: 100, downloadThroughput: (4 * 1024 * 1024) / 8, uploadThroughput: (3 * 1024 * 1024) / 8 }],
  ['fast 3G (1.6 Mbps, 150 ms)', { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 }],
];
const RUNS = Number(process.env.RUNS ?? 3);
/** Each page's first meaningful content. */
const CONTENT = ['#username', '#portal-notice strong', '#checkin-done', '#portal-name', '#portal-offices', '#teacher-hello', '#tp-threads, .state.empty'];
// TRACE=1 also prints, for one more load of each page on fast 3G, cold and warm, when each request
// started and ended (Resource Timing) and when the content showed: where the time goes.
const TRACE = process.env.TRACE === '1';

/** One load of `url` on `profile`, cold or warm: each request's start and end, in seconds. */
async function trace(page, cdp, url, selector, profile, cache) {
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile });
  const start = Date.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120000 });
  await page.locator(selector).first().waitFor({ timeout: 120000 });
  const shown = (Date.now() - start) / 1000;
  await page.waitForLoadState('networkidle');
  const entries = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => [e.name.replace(location.origin, ''), e.startTime / 1000, e.responseStart / 1000, e.responseEnd / 1000]));
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].responseEnd / 1000);
  const inPage = await page.evaluate((sel) => window.__shown?.[sel], selector);
  console.log(`${url.replace(/^https?:\/\/[^/]+/, '')}${cache ? ' (warm)' : ''}: shell by ${nav.toFixed(2)} s, content at ${shown.toFixed(2)} s (the page saw it at ${(inPage / 1000).toFixed(2)} s)`);
  for (const [name, begin, first, end] of entries) {
    console.log(`  ${begin.toFixed(2)}–${end.toFixed(2)} s (first byte ${first.toFixed(2)})  ${name.slice(0, 90)}`);
  }
}

/** Loads `url` until `selector` shows; the median time (s) and bytes of RUNS loads. */
async function measure(page, cdp, url, selector, profile, cache) {
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await cdp.send('Network.emulateNetworkConditions', profile
    ? { offline: false, ...profile }
    : { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const times = [];
  const sizes = [];
  let wasm = 0;
  for (let i = 0; i < RUNS; i += 1) {
    let bytes = 0;
    const urls = new Map();
    const onResponse = (e) => urls.set(e.requestId, e.response.url);
    const onFinished = (e) => {
      bytes += e.encodedDataLength;
      if ((urls.get(e.requestId) ?? '').endsWith('.wasm') && e.encodedDataLength > 1000) wasm += 1;
    };
    cdp.on('Network.responseReceived', onResponse);
    cdp.on('Network.loadingFinished', onFinished);
    if (cache) await page.goto(url, { waitUntil: 'load' }); // warms the cache
    wasm = 0;
    bytes = 0;
    const start = Date.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 120000 });
    await page.locator(selector).first().waitFor({ timeout: 120000 });
    const seen = await page.evaluate((sel) => window.__shown?.[sel], selector);
    times.push(seen === undefined ? (Date.now() - start) / 1000 : seen / 1000);
    await page.waitForLoadState('networkidle');
    sizes.push(bytes);
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { time: median(times), kb: Math.round(median(sizes) / 1024), wasm };
}

run('bench-pages', async ({ base, browser }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '测速2401', grade: '2024级' });
  const student = await call('POST', '/students', { student_no: '2024990101', name: '测速同学', class_id: klass.id });
  await boundFollower(base, '测速同学的微信', student);
  await call('POST', '/offices', { name: '学工办', phone: '010-12345678', place: '行政楼 203', hours: '工作日 8:00–17:00' });
  const notice = await call('POST', '/notices', { title: '期末考试安排', body: '第 18 周 **周一** 开始期末考试，请查看考场安排。', audience: { classes: [klass.id] } });
  await call('POST', `/notices/${notice.id}/send`, {});

  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true });
  const page = await context.newPage();
  // When each page's content first appeared, as the page saw it: ms since navigation.
  await page.addInitScript((selectors) => {
    window.__shown = {};
    new MutationObserver(() => {
      for (const sel of selectors) if (!window.__shown[sel] && document.querySelector(sel)) window.__shown[sel] = performance.now();
    }).observe(document, { childList: true, subtree: true });
  }, CONTENT);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // The student's token, as WeChat's authorisation leaves it (kept for the tab).
  await page.goto(`${base}/api/v1/portal/oauth?next=/s/notices/${notice.id}`);
  await page.getByRole('link', { name: '测速同学的微信' }).click();
  await page.locator('#portal-notice strong', { hasText: '周一' }).waitFor();
  // A check-in the student has done: the check-in page opens on its result.
  const now = Date.now();
  const session = await call('POST', '/checkins', {
    title: '周一班会', audience: { classes: [klass.id] }, methods: ['code'],
    starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 7200000).toISOString(),
  });
  const { code } = await call('GET', `/checkins/${session.id}/display`);
  await page.goto(`${base}/s/checkin/${session.id}?code=${code}`);
  await page.click('#checkin-button');
  await page.locator('#checkin-done').waitFor();

  // A teacher whose WeChat is bound (the QR on 账号设置, scanned in the simulator), for the
  // teachers' phone pages, signed in on the phone after the console's sign-in page is
  // measured (a stored login sends /login on to the console).
  const teacher = await call('POST', '/users', { username: 'bench.teacher', display_name: '测速老师', password: 'bench-password-1', role: 'teacher' });
  const login = await (await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.teacher', password: 'bench-password-1' }),
  })).json();
  const shown = await (await fetch(`${base}/api/v1/me/wechat`, { headers: { authorization: `Bearer ${login.access_token}` } })).json();
  const sim = (path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const { openid: teacherWechat } = await sim('/users', { nickname: '测速老师的微信' });
  await sim(`/users/${teacherWechat}/messages`, { type: 'scan', ticket: decodeURIComponent(shown.qr_image_url.split('ticket=')[1]) });
  const teacherSignsIn = async () => {
    await page.goto(`${base}/api/v1/portal/oauth?next=/t/`);
    await page.getByRole('link', { name: '测速老师的微信' }).click();
    await page.locator('#teacher-hello').waitFor();
  };

  const pages = [
    ['`/login` (console)', `${base}/login`, CONTENT[0]],
    ['`/s/notices/{id}` (student)', `${base}/s/notices/${notice.id}`, CONTENT[1]],
    ['`/s/checkin/{id}` (student)', `${base}/s/checkin/${session.id}`, CONTENT[2]],
    ['`/s/` (student)', `${base}/s/`, CONTENT[3]],
    ['`/s/teachers` (student)', `${base}/s/teachers`, CONTENT[4]],
    ['`/t/` (teacher)', `${base}/t/`, CONTENT[5], teacherSignsIn],
    ['`/t/messages` (teacher)', `${base}/t/messages`, CONTENT[6]],
  ];
  const lines = ['| page | no throttling | slow 4G (4 Mbps, 100 ms) | fast 3G (1.6 Mbps, 150 ms) | repeat visit, warm cache |', '|---|---|---|---|---|'];
  for (const [name, url, selector, before] of pages) {
    if (before) await before();
    const cells = [];
    for (const [, profile] of PROFILES) {
      const m = await measure(page, cdp, url, selector, profile, false);
      cells.push(`${m.time.toFixed(2)} s, ${m.kb} KB`);
    }
    const warm = await measure(page, cdp, url, selector, PROFILES[2][1], true);
    if (TRACE) {
      await trace(page, cdp, url, selector, PROFILES[2][1], false);
      await trace(page, cdp, url, selector, PROFILES[2][1], true);
    }
    cells.push(`${warm.time.toFixed(2)} s on fast 3G, ${warm.kb} KB, wasm downloaded ${warm.wasm}×`);
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
}).catch(fail);
