// Browser test of check-in and activities (issue 7). A teacher starts a QR-and-code
// check-in for a class and projects it; a bound student scans the projected QR code
// (through the mock platform) and the projector's counter goes from 0 to 1 without a
// reload, with the name; a second student types the code shown on the projector into the
// check-in page on a phone; the teacher's live view shows 2, a third is checked in by hand
// (补签) with a reason, and the roll is exported. A geofenced session filled from the
// teacher's own position accepts the student inside the fence and refuses the one outside,
// saying how far away they are. The student's own page keeps the location consent; an
// activity is signed up for on the phone and seen by the teacher; the statistics and the
// student's record show the attendance. Every page is photographed at the sizes it is
// used at (the projector at 1920×1080 and 1280×720, the student pages at 375 px).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { adminApi as api, boundFollower, englishOn, fail, logIn, nav, run } from './harness.mjs';

const CLASSROOM = { latitude: 31.230416, longitude: 121.473701 };
// About 1.1 km north of the classroom.
const FAR_AWAY = { latitude: 31.240416, longitude: 121.473701 };

const sim = (base, path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
}).then(async (r) => ({ status: r.status, body: await r.json() }));

/** A phone-sized page signed in through the mock WeChat authorisation as `nickname`. */
async function phoneAs(browser, watch, base, nickname, next, geolocation) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true, hasTouch: true,
    geolocation, permissions: geolocation ? ['geolocation'] : [],
  });
  const phone = await context.newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=${encodeURIComponent(next)}`);
  await phone.getByRole('link', { name: nickname }).click();
  await phone.waitForURL((url) => url.pathname === next.split('?')[0]);
  return phone;
}

/** The check-in page's answer: a success, a refusal, or a problem before sending. */
async function answerOf(phone) {
  const answer = phone.locator('#checkin-done, #checkin-refused, .checkin-box .alert.error').first();
  await answer.waitFor();
  return answer.innerText();
}

async function checkedIn(phone) {
  const text = await answerOf(phone);
  assert.match(text, /签到成功/, `the check-in page answered: ${text}`);
}

async function fits(phone, what) {
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${what} fits the phone (${width}px)`);
}

run('checkin', async ({ page, base, shot, browser, watch }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '软件2401', grade: '2024级' });
  const student = async (no, name, phone) => ({
    ...(await call('POST', '/students', { student_no: no, name, class_id: klass.id, phone })), phone,
  });
  const zhang = await student('2024070101', '张三', '13900000401');
  const li = await student('2024070102', '李四', '13900000402');
  const wang = await student('2024070103', '王五', '13900000403');
  const zhangOpenid = await boundFollower(base, '张三的微信', zhang);
  await boundFollower(base, '李四的微信', li);

  // The teacher starts a QR + code session for the class (the code changes every minute,
  // so the one read from the projector is still good when typed).
  await page.context().grantPermissions(['geolocation']);
  await page.context().setGeolocation(CLASSROOM);
  await logIn(page, base);
  await nav(page, '签到').click();
  await page.getByRole('heading', { name: '签到' }).waitFor();
  await page.getByText('还没有签到').waitFor();
  await page.click('#new-checkin');
  await page.fill('#f-checkin-title', '周一班会');
  await page.selectOption('#audience-class', { label: '软件2401' });
  await page.locator('#audience-count', { hasText: '3' }).waitFor();
  // The audience box speaks of a check-in, not of a notice's muting or 「我的通知」.
  const reach = await page.locator('#audience-count').innerText();
  assert.doesNotMatch(reach, /屏蔽|紧急通知|我的通知/, reach);
  await page.fill('#rotate-seconds', '60');
  await shot(page, 'new-checkin');
  await page.click('#create-checkin');
  await page.waitForURL(/\/checkins\/\d+$/);
  const sessionId = Number(page.url().split('/').pop());
  await page.locator('#checkin-state', { hasText: '进行中' }).waitFor();
  await page.locator('#tile-expected strong', { hasText: '3' }).waitFor();
  await page.locator('#tile-checked strong', { hasText: '0' }).waitFor();
  await page.locator('#checkin-live').waitFor({ timeout: 20000 });
  await page.evaluate(() => { window.__noReload = true; });

  // 投屏 opens the projector page, here on a 1920×1080 screen.
  const [screen] = await Promise.all([page.context().waitForEvent('page'), page.click('#open-screen')]);
  watch(screen);
  await screen.setViewportSize({ width: 1920, height: 1080 });
  await screen.waitForURL(`${base}/checkins/${sessionId}/screen`);
  await screen.locator('#screen-title', { hasText: '周一班会' }).waitFor();
  await screen.locator('#screen-checked', { hasText: '0' }).waitFor();
  await screen.locator('#screen-expected', { hasText: '3' }).waitFor();
  await screen.locator('#screen-live').waitFor({ timeout: 20000 });
  await screen.evaluate(() => { window.__noReload = true; });
  const code = await screen.locator('#screen-code').getAttribute('data-code');
  assert.match(code, /^\d{6}$/, 'the projector shows a six-digit code');
  const qrSrc = await screen.locator('#screen-qr').getAttribute('src');
  const ticket = new URL(qrSrc, base).searchParams.get('ticket');
  assert.ok(ticket, `the QR image is a showqrcode URL with a ticket (${qrSrc})`);
  assert.equal(await screen.locator('nav').count(), 0, 'no console chrome on the projector');
  await screen.locator('#screen-countdown').waitFor();
  await shot(screen, 'screen-1080-empty');

  // 张三 scans the projected code with WeChat: the projector counts 1 and shows the name.
  const scan = await sim(base, `/users/${zhangOpenid}/messages`, { type: 'scan', ticket });
  assert.equal(scan.status, 200, `the scan is delivered: ${JSON.stringify(scan.body)}`);
  assert.match(JSON.stringify(scan.body), /签到成功/, 'the reply says the check-in worked');
  await screen.locator('#screen-checked', { hasText: '1' }).waitFor({ timeout: 10000 });
  await screen.locator('#screen-names li', { hasText: '张三' }).waitFor();
  assert.equal(await screen.evaluate(() => window.__noReload), true, 'the projector updated in place');
  await shot(screen, 'screen-1080-one');
  await screen.setViewportSize({ width: 1280, height: 720 });
  await shot(screen, 'screen-720');
  const overflow = await screen.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(overflow, [1280, 720], 'the projector fits 1280×720 without scrolling');

  // 李四 types the projected code on the check-in page, on a phone.
  const phone = await phoneAs(browser, watch, base, '李四的微信', `/s/checkin/${sessionId}`);
  await phone.locator('#portal-checkin-title', { hasText: '周一班会' }).waitFor();
  await phone.locator('#checkin-code').waitFor();
  await shot(phone, 'portal-checkin');
  assert.deepEqual(await englishOn(phone), [], 'English on portal-checkin');
  await phone.fill('#checkin-code', code);
  await phone.click('#checkin-button');
  await checkedIn(phone);
  await fits(phone, 'the check-in page');
  await shot(phone, 'portal-checkin-done');
  assert.deepEqual(await englishOn(phone), [], 'English on portal-checkin-done');
  await screen.locator('#screen-checked', { hasText: '2' }).waitFor({ timeout: 10000 });
  await screen.locator('#screen-names li', { hasText: '李四' }).waitFor();

  // The teacher's live view follows: 2 checked in, both names, without a reload.
  await page.locator('#tile-checked strong', { hasText: '2' }).waitFor({ timeout: 10000 });
  await page.locator('#tile-missing strong', { hasText: '1' }).waitFor();
  await page.locator('#latest-list li', { hasText: '张三' }).waitFor();
  await page.locator('#latest-list li', { hasText: '李四' }).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the live view updated in place');

  // 补签 for 王五 (not on WeChat), with a reason.
  await page.click('#roll-absent');
  const wangRow = page.locator('#roll tbody tr', { hasText: '王五' });
  await wangRow.getByRole('button', { name: '补签' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await page.getByRole('dialog').locator('.problem').waitFor();
  await page.fill('#manual-reason', '手机没电，现场核实');
  await shot(page, 'manual-dialog');
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await page.getByText('已为 王五 补签').waitFor();
  await page.locator('#tile-checked strong', { hasText: '3' }).waitFor({ timeout: 10000 });
  await page.click('#roll-all');
  await page.locator('#roll tbody tr', { hasText: '王五' }).getByText('手机没电').waitFor();
  await page.locator('#roll tbody tr', { hasText: '张三' }).getByText('二维码').waitFor();
  await shot(page, 'live-view');

  // Attempts: the scan, the page and the 补签, with where they came from.
  await page.click('#tab-attempts');
  await page.locator('#attempts tbody tr', { hasText: '扫码' }).waitFor();
  await page.locator('#attempts tbody tr', { hasText: '签到页' }).waitFor();
  await shot(page, 'attempts');
  await page.click('#tab-roll');

  // The roll exports (fetched with the login).
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-roll-csv')]);
  assert.match(download.suggestedFilename(), /周一班会-签到名单\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  for (const name of ['张三', '李四', '王五']) assert.match(csv, new RegExp(name), `the export lists ${name}`);

  // Closed early, the projector says so at once; reopened, it shows a code again.
  await page.click('#close-checkin');
  await page.getByRole('dialog').getByRole('button', { name: '提前结束' }).click();
  await page.locator('#checkin-state', { hasText: '已结束' }).waitFor();
  await screen.locator('#screen-message', { hasText: '签到已结束' }).waitFor({ timeout: 10000 });
  await shot(screen, 'screen-closed');
  await page.click('#reopen-checkin');
  await page.locator('#reopen-until').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: '重新开放' }).click();
  await page.getByText('签到已重新开放').waitFor();
  await page.locator('#checkin-state', { hasText: '进行中' }).waitFor();
  await screen.locator('#screen-code').waitFor({ timeout: 10000 });
  assert.equal(await screen.evaluate(() => window.__noReload), true, 'the projector never reloaded');
  await screen.close();

  // A geofenced session: the code and the position, the fence taken from where the
  // teacher stands.
  await page.goto(`${base}/checkins/new`);
  await page.fill('#f-checkin-title', '实验课签到');
  await page.selectOption('#audience-class', { label: '软件2401' });
  await page.uncheck('#method-qr');
  await page.check('#method-geo');
  await page.fill('#rotate-seconds', '60');
  await page.click('#use-my-position');
  await page.locator('#position-filled').waitFor();
  assert.equal(await page.inputValue('#geo-lat'), CLASSROOM.latitude.toFixed(6));
  await page.fill('#geo-radius', '200');
  await shot(page, 'new-geofence');
  await page.click('#create-checkin');
  await page.waitForURL(/\/checkins\/\d+$/);
  const fenceId = Number(page.url().split('/').pop());
  const fenceCode = (await call('GET', `/checkins/${fenceId}/display`)).code;

  // 李四 in the classroom: accepted.
  const inside = await phoneAs(browser, watch, base, '李四的微信', `/s/checkin/${fenceId}?code=${fenceCode}`, CLASSROOM);
  await inside.locator('.position-note').waitFor();
  assert.equal(await inside.inputValue('#checkin-code'), fenceCode, 'the code comes from the link');
  await inside.click('#checkin-button');
  await checkedIn(inside);
  // 张三 a kilometre away: refused, with the distance.
  // The code is read again: a slow machine may have let the 60-second code rotate while
  // two phones signed in, and this refusal is about the fence, not the code's age.
  const outside = await phoneAs(browser, watch, base, '张三的微信', `/s/checkin/${fenceId}`, FAR_AWAY);
  await outside.fill('#checkin-code', (await call('GET', `/checkins/${fenceId}/display`)).code);
  await outside.click('#checkin-button');
  assert.match(await answerOf(outside), /不在签到范围内/, 'refused outside the fence');
  await outside.locator('#checkin-refused', { hasText: /1\d{3} 米|1\.\d 公里/ }).waitFor();
  await fits(outside, 'the refusal');
  await shot(outside, 'portal-refused');
  await page.locator('#tile-checked strong', { hasText: '1' }).waitFor({ timeout: 10000 });
  await page.click('#tab-attempts');
  await page.click('#attempts-refused');
  await page.locator('#attempts tbody tr', { hasText: '不在签到范围内' }).waitFor();
  await shot(page, 'geofence-attempts');

  // The two still absent get a notice, which the page links to.
  await page.click('#notify-absent');
  await page.locator('#notify-absent-confirm', { hasText: '2 位' }).waitFor();
  await page.getByRole('dialog').getByRole('button', { name: '发送通知' }).click();
  await page.locator('#absent-notice-sent', { hasText: '2 位' }).waitFor();
  await page.click('#absent-notice-link');
  await page.locator('#notice-title', { hasText: '未签到提醒' }).waitFor();

  // The student's own pages: their sessions, and the location consent.
  await outside.goto(`${base}/s/checkin`);
  await outside.locator('#portal-checkins li', { hasText: '周一班会' }).locator('.badge', { hasText: '已签到' }).waitFor();
  await shot(outside, 'portal-checkins');
  assert.deepEqual(await englishOn(outside), [], 'English on portal-checkins');
  await outside.goto(`${base}/s/`);
  await outside.locator('#consent-switch').waitFor();
  assert.equal(await outside.isChecked('#consent-switch'), false, 'no consent at first');
  await outside.check('#consent-switch');
  await outside.locator('#consent-since').waitFor();
  await fits(outside, 'the student page');
  await shot(outside, 'portal-home');
  assert.deepEqual(await englishOn(outside), [], 'English on portal-home');

  // An activity with one place, published on its form (the times default to three days on).
  await nav(page, '活动').click();
  await page.click('#new-activity');
  await page.fill('#f-activity-title', '就业指导讲座');
  await page.fill('#activity-description', '主讲：校友王工');
  await page.fill('#f-activity-place', '图书馆报告厅');
  await page.fill('#f-activity-capacity', '1');
  await page.selectOption('#audience-class', { label: '软件2401' });
  await shot(page, 'new-activity');
  await page.click('#create-activity');
  await page.waitForURL(/\/activities\/\d+$/);
  const activity = { id: Number(page.url().split('/').pop()) };
  await page.locator('#activity-title', { hasText: '就业指导讲座' }).waitFor();

  // The students sign up on their phones: the first gets the place, the second waits.
  await outside.goto(`${base}/s/activities`);
  const card = outside.locator(`#activity-${activity.id}`);
  await card.getByRole('button', { name: '报名' }).click();
  await card.locator('.badge', { hasText: '已报名' }).waitFor();
  await inside.goto(`${base}/s/activities`);
  const full = inside.locator(`#activity-${activity.id}`);
  await full.getByRole('button', { name: '已满，加入候补' }).click();
  await full.locator('.badge', { hasText: '候补第 1 位' }).waitFor();
  await fits(inside, 'the activities page');
  await shot(inside, 'portal-activities');
  await nav(page, '活动').click();
  await page.locator('tbody tr', { hasText: '就业指导讲座' }).getByRole('link', { name: '就业指导讲座' }).click();
  await page.locator('#signups tbody tr', { hasText: '张三' }).locator('.badge', { hasText: '已报名' }).waitFor();
  await page.locator('#signups tbody tr', { hasText: '李四' }).locator('.badge', { hasText: '候补第 1 位' }).waitFor();
  await shot(page, 'activity');
  // Its check-in is made from the places: 张三 alone is expected.
  await page.click('#activity-checkin');
  await page.locator('#create-activity-checkin').waitFor();
  await page.click('#create-activity-checkin');
  await page.waitForURL(/\/checkins\/\d+$/);
  await page.locator('#checkin-state', { hasText: '未开始' }).waitFor();
  await page.locator('#tile-expected strong', { hasText: '1' }).waitFor();
  await page.locator('#roll tbody tr', { hasText: '张三' }).waitFor();

  // Statistics: this month's sessions; the student's record: their attendance.
  await nav(page, '签到').click();
  await page.locator('tbody tr', { hasText: '周一班会' }).waitFor();
  await shot(page, 'checkins');
  await page.click('#checkin-stats-link');
  await page.locator('#stats-sessions tbody tr', { hasText: '周一班会' }).waitFor();
  await page.locator('#stats-class-ranking', { hasText: '软件2401' }).waitFor();
  await shot(page, 'stats');
  await nav(page, '学生名单').click();
  await page.getByRole('button', { name: '李四' }).click();
  await page.locator('#student-attendance').waitFor();
  await page.click('#show-location');
  await page.locator('#location-value').waitFor();
  await shot(page, 'student-attendance');
}).catch(fail);
