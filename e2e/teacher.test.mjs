// Browser test of the teachers' phone pages (issue 17), at 375 px: a teacher whose WeChat
// is bound opens 我的通知 through the simulator's authorisation, reminds the unread and has
// the list sent to their WeChat, composes a quick notice and sends it (a simulated student
// receives it), starts a check-in shown on the phone (a student checks in with the code,
// another is 补签), and answers a student's message. A WeChat bound to no teacher is told
// how to bind.

import assert from 'node:assert/strict';
import { adminApi as api, boundFollower, englishOn, run } from './harness.mjs';

const sim = (base, path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
}).then((r) => r.json());
const inbox = (base, openid) => fetch(`${base}/mock-wechat/sim/users/${openid}/inbox`).then((r) => r.json());

/** A phone (375 px) opening `next` through the simulator's authorisation as `nickname`. */
async function phoneAs(browser, watch, base, nickname, next) {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=${encodeURIComponent(next)}`);
  await phone.getByRole('link', { name: nickname }).click();
  await phone.waitForURL((url) => url.pathname === next);
  return phone;
}

async function fits(phone, what) {
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${what} fits the phone (${width}px)`);
  assert.deepEqual(await englishOn(phone), [], `no English on ${what}`);
}

run('teacher', async ({ base, shot, browser, watch }) => {
  const call = await api(base);
  const teacher = await call('POST', '/users', { username: 'wang.teacher', display_name: '王老师', password: 'wang-password-1', role: 'teacher' });
  const klass = await call('POST', '/classes', { name: '软件2401', grade: '2024级', teacher_ids: [teacher.id] });
  const students = [];
  for (const [no, name] of [['2024080101', '张三'], ['2024080102', '李四'], ['2024080103', '王五']]) {
    const s = await call('POST', '/students', { student_no: no, name, class_id: klass.id, phone: `139000005${no.slice(-2)}` });
    students.push({ ...s, openid: await boundFollower(base, `${name}的微信`, s) });
  }

  // 王老师 binds their WeChat (the QR on 账号设置, scanned).
  const login = await (await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'wang.teacher', password: 'wang-password-1' }),
  })).json();
  const asTeacher = async (method, path, body) => {
    const resp = await fetch(`${base}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${login.access_token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(resp.ok, `${method} ${path}: ${resp.status}`);
    const text = await resp.text();
    return text ? JSON.parse(text) : null;
  };
  const shown = await asTeacher('GET', '/me/wechat');
  const { openid: teacherWechat } = await sim(base, '/users', { nickname: '王老师的微信' });
  await sim(base, `/users/${teacherWechat}/messages`, { type: 'scan', ticket: decodeURIComponent(shown.qr_image_url.split('ticket=')[1]) });
  const notice = await asTeacher('POST', '/notices', { title: '周五班会', body: '周五下午三点在 A101 开班会。', audience: { classes: [klass.id] } });
  await asTeacher('POST', `/notices/${notice.id}/send`, {});

  // A WeChat that is no teacher's is told how to bind.
  const stranger = await phoneAs(browser, watch, base, '张三的微信', '/t/');
  await stranger.locator('#not-teacher', { hasText: '账号设置' }).waitFor();
  await fits(stranger, 'the unbound page');
  await shot(stranger, 'not-teacher');
  await stranger.context().close();

  // The teacher's phone: signed in by WeChat, on to 我的通知 and the notice's report.
  const phone = await phoneAs(browser, watch, base, '王老师的微信', '/t/');
  await phone.locator('#teacher-hello', { hasText: '王老师' }).waitFor();
  assert.equal(await phone.locator('#tile-approvals').count(), 0, 'approvals are for admins');
  await fits(phone, 'the teacher home');
  await shot(phone, 'home');
  await phone.click('#tile-notices');
  await phone.locator('#teacher-notices li', { hasText: '周五班会' }).waitFor();
  await fits(phone, 'my notices');
  await shot(phone, 'notices');
  await phone.locator('#teacher-notices li', { hasText: '周五班会' }).click();
  await phone.locator('#report-title', { hasText: '周五班会' }).waitFor();
  await phone.locator('#unread-names li').nth(2).waitFor();
  await phone.click('#remind-unread');
  await phone.locator('#remind-confirm', { hasText: '提醒 3 位' }).waitFor();
  await phone.click('#remind-go');
  await phone.locator('#report-message', { hasText: '已提醒 3 位学生' }).waitFor();
  await phone.click('#export-to-me');
  await phone.locator('#report-message', { hasText: '名单已发送到您的微信' }).waitFor();
  const pushed = (await inbox(base, teacherWechat)).filter((m) => m.channel === 'custom').pop();
  assert.match(pushed.content, /周五班会.*未读名单/s, 'the list came to the teacher\'s WeChat');
  const link = pushed.content.match(/href="([^"]+)"/)[1];
  const file = await fetch(link);
  assert.equal(file.status, 200, 'the pushed link opens the list');
  await fits(phone, 'the report');
  await shot(phone, 'report');

  // A quick notice: written, previewed with its recipients, confirmed, sent, received.
  await phone.goto(`${base}/t/notices/new`);
  await phone.fill('#tp-title', '明早停水');
  await phone.fill('#tp-body', '明早 7:00–9:00 宿舍停水，请提前接水。');
  await phone.locator('#tp-audience label', { hasText: '软件2401' }).locator('input').check();
  await phone.check('#tp-confirm');
  await fits(phone, 'the quick notice');
  await shot(phone, 'compose');
  await phone.click('#tp-preview');
  await phone.locator('#tp-recipients', { hasText: '将发给 3 位学生' }).waitFor();
  await shot(phone, 'compose-preview');
  await phone.click('#tp-send');
  await phone.locator('#tp-progress-count', { hasText: '已发送 3 / 3' }).waitFor({ timeout: 20000 });
  await shot(phone, 'compose-sent');
  for (let i = 0; i < 50; i += 1) {
    if ((await inbox(base, students[0].openid)).some((m) => JSON.stringify(m).includes('明早停水'))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok((await inbox(base, students[0].openid)).some((m) => JSON.stringify(m).includes('明早停水')), '张三 received the quick notice');

  // A check-in shown on the phone: a student checks in with its code, another is 补签.
  await phone.goto(`${base}/t/checkin`);
  await phone.selectOption('#tp-checkin-class', { label: '软件2401' });
  await fits(phone, 'the check-in start');
  await phone.click('#tp-start-checkin');
  await phone.waitForURL(/\/t\/checkin\/\d+$/);
  const code = (await phone.locator('#tp-code').innerText()).trim();
  assert.match(code, /^\d{4,8}$/, `a code is shown (${code})`);
  const answer = await sim(base, `/users/${students[1].openid}/messages`, { type: 'text', content: `签到 ${(await phone.locator('#tp-code').innerText()).trim()}` });
  assert.match(JSON.stringify(answer), /签到成功/, '李四 checked in with the code on the phone');
  await phone.locator('#tp-count', { hasText: '1 / 3 人已签到' }).waitFor({ timeout: 10000 });
  await fits(phone, 'the check-in display');
  await shot(phone, 'checkin');
  await phone.click('#tp-full');
  await shot(phone, 'checkin-full-screen');
  await phone.locator('#tp-display').click();
  await phone.selectOption('#tp-make-up-student', { label: '王五' });
  await phone.fill('#tp-make-up-reason', '手机没电');
  await phone.click('#tp-make-up-save');
  await phone.locator('#tp-make-up', { hasText: '王五 已补签' }).waitFor();
  await phone.locator('#tp-count', { hasText: '2 / 3 人已签到' }).waitFor({ timeout: 10000 });
  await phone.click('#tp-close');
  await phone.locator('#tp-closed').waitFor({ timeout: 10000 });
  await shot(phone, 'checkin-closed');

  // A student's question, answered from the phone.
  await sim(base, `/users/${students[2].openid}/messages`, { type: 'text', content: '老师，明天的实验课带电脑吗？' });
  await phone.goto(`${base}/t/messages`);
  await phone.locator('#tp-threads li', { hasText: '实验课带电脑' }).click();
  await phone.locator('#tp-chat li', { hasText: '实验课带电脑' }).waitFor();
  await phone.fill('#tp-reply', '要带，记得充好电。');
  // Sent from the keyboard: with the textarea focused, mobile emulation shifts the visual
  // viewport (48 px here) and Playwright's pointer lands on the textarea above the button,
  // though on the page the two do not overlap.
  await phone.focus('#tp-reply-send');
  await phone.keyboard.press('Enter');
  await phone.locator('#tp-chat li.ours', { hasText: '要带，记得充好电。' }).waitFor();
  await fits(phone, 'a conversation');
  await shot(phone, 'messages');
  assert.ok((await inbox(base, students[2].openid)).some((m) => m.content === '要带，记得充好电。'), '王五 got the answer');

  // Everything done on the phone is in the audit log as through WeChat.
  const audit = await call('GET', '/audit?actor=wang.teacher');
  const reminded = audit.items.find((e) => e.action === 'notice_reminded');
  assert.equal(reminded?.channel, 'wechat', 'the reminder is audited as through WeChat');
});
