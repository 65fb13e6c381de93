// Browser test of 群发助手 (issue 18): as an admin, a mass image message composed for a
// class's WeChat tag, previewed to the admin's own WeChat, sent after the confirmation,
// and shown in the history with WeChat's counts: 成功 2 / 失败 1 (a student who refuses the
// account's messages) / 过滤 0.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { adminApi as api, boundFollower, englishOn, fail, logIn, nav, root, run } from './harness.mjs';

const sim = (base, path, body, method = 'POST') => fetch(`${base}/mock-wechat/sim${path}`, {
  method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
}).then((r) => (r.status === 204 ? null : r.json()));
const inbox = (base, openid) => fetch(`${base}/mock-wechat/sim/users/${openid}/inbox`).then((r) => r.json());
const picture = join(root, 'api/src/wechat/mock/samples/sample.jpg');

run('mass', async ({ page, base, shot }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '软件2401', grade: '2024级' });
  const others = await call('POST', '/classes', { name: '软件2402', grade: '2024级' });
  const students = [];
  for (const [i, name] of ['陈一', '林二', '张三'].entries()) {
    const s = await call('POST', '/students', { student_no: `202401010${i}`, name, class_id: klass.id, phone: `1390000040${i}` });
    students.push({ ...s, openid: await boundFollower(base, `${name}的微信`, s) });
  }
  const outsider = await call('POST', '/students', { student_no: '2024020101', name: '王五', class_id: others.id, phone: '13900000411' });
  const outsiderWechat = await boundFollower(base, '王五的微信', outsider);
  await call('PATCH', `/classes/${klass.id}`, { mirror_tag: true });
  // 张三 refuses the account's messages: WeChat counts them as failed.
  await sim(base, `/users/${students[2].openid}`, { blocked: true }, 'PATCH');
  // The admin's own WeChat, bound by scanning the QR code on 账号设置 (for the preview).
  const shown = await call('GET', '/me/wechat');
  const { openid: mine } = await sim(base, '/users', { nickname: '王老师的微信' });
  await sim(base, `/users/${mine}/messages`, { type: 'scan', ticket: decodeURIComponent(shown.qr_image_url.split('ticket=')[1]) });

  await logIn(page, base);
  await nav(page, '群发助手').click();
  await page.getByRole('heading', { name: '群发助手' }).waitFor();
  await page.getByText('还没有群发过消息。').waitFor();
  await page.click('#mass-kind-image');
  await page.setInputFiles('#mass-file', picture);
  await page.locator('#mass-tag option', { hasText: '软件2401' }).waitFor({ state: 'attached' });
  await page.selectOption('#mass-tag', { label: '软件2401（3 人）' });
  await page.locator('#mass-quota', { hasText: '本次对象 3 人' }).waitFor();
  await shot(page, 'compose');

  // The preview reaches the admin's WeChat only.
  await page.click('#mass-preview');
  await page.getByText('已发送到你的微信').waitFor();
  const previews = (await inbox(base, mine)).filter((m) => m.channel === 'preview');
  assert.equal(previews.length, 1, 'one preview on the admin\'s phone');
  assert.equal(previews[0].msg_type, 'image');
  for (const s of students) {
    const seen = (await inbox(base, s.openid)).filter((m) => m.channel === 'preview' || m.channel === 'mass');
    assert.equal(seen.length, 0, `${s.name} saw no preview`);
  }
  await shot(page, 'previewed');

  // Sent after the confirmation; WeChat's counts come into the history.
  await page.click('#mass-send');
  await page.getByRole('dialog').getByText('群发后无法撤回').waitFor();
  await page.locator('#mass-confirm-to', { hasText: '发送给：软件2401（3 人）' }).waitFor();
  await shot(page, 'confirm');
  await page.getByRole('dialog').getByRole('button', { name: '确认发送' }).click();
  await page.getByText('已提交给微信群发').waitFor();
  const row = page.locator('.mass-row').first();
  await row.locator('.mass-counts', { hasText: '成功 2 / 失败 1 / 过滤 0' }).waitFor({ timeout: 15000 });
  await row.getByText('成功', { exact: true }).waitFor();
  await row.getByText('软件2401（3 人）').waitFor();
  for (const s of students.slice(0, 2)) {
    const got = (await inbox(base, s.openid)).filter((m) => m.channel === 'mass');
    assert.equal(got.length, 1, `${s.name} got the picture`);
    assert.equal(got[0].msg_type, 'image');
  }
  assert.equal((await inbox(base, outsiderWechat)).filter((m) => m.channel === 'mass').length, 0, 'outside the tag: nothing');
  assert.deepEqual(await englishOn(page), [], 'English on 群发助手');
  await shot(page, 'history');
}).catch(fail);
