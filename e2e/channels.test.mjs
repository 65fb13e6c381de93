// Browser test of the platform's channels as a school meets them (issue 18): the template
// page shows each keyword's type and limit, adds a template from the category library and
// maps notices to a subscribe template; a student who refused the notice template in
// WeChat still gets the notice (the report counts 拒收模板, their record says so); a
// student who subscribed gets it as a subscribe notification; the subscribe card on the
// student's notice list at phone width.

import assert from 'node:assert/strict';
import { adminApi as api, boundFollower, englishOn, fail, logIn, run } from './harness.mjs';

run('channels', async ({ page, base, shot, browser, watch }) => {
  const call = await api(base);
  const sim = (method, path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const klass = await call('POST', '/classes', { name: '网络2301', grade: '2023级' });
  const people = [['2023060101', '陈一'], ['2023060102', '林二'], ['2023060103', '黄三']];
  const students = [];
  for (const [no, name] of people) {
    const s = await call('POST', '/students', { student_no: no, name, class_id: klass.id });
    students.push({ ...s, openid: await boundFollower(base, `${name}的微信`, s) });
  }
  const [refuser, subscriber] = students;
  await sim('PATCH', `/users/${refuser.openid}`, { refuse_templates: ['TPL_NOTICE'] });

  // The template page: keyword types in the chooser, the library, the limits.
  await logIn(page, base);
  await page.goto(`${base}/templates`);
  await page.locator('#kind-notice').waitFor();
  await page.selectOption('#tpl-notice', 'TPL_NOTICE');
  const options = await page.locator('#tpl-notice-title option').allInnerTexts();
  assert.ok(options.some((o) => o.includes('thing1') && o.includes('20 字以内')), options.join(' | '));
  await page.selectOption('#tpl-notice-title', 'thing1');
  await page.selectOption('#tpl-notice-author', 'thing2');
  await page.selectOption('#tpl-notice-time', 'time3');
  await page.locator('#kind-notice').getByRole('button', { name: '保存' }).click();
  await page.getByText('模板设置已保存').waitFor();
  await page.locator('#template-count', { hasText: '已有 4 个模板，最多 25 个' }).waitFor();
  await page.fill('#library-short-id', 'OPENTM_FEE');
  await page.fill('#library-keywords', '缴费项目，金额');
  await page.locator('#library-add').getByRole('button', { name: '从类目模板库添加' }).click();
  await page.getByText('模板已添加').waitFor();
  await page.locator('#template-count', { hasText: '已有 5 个模板' }).waitFor();
  await page.locator('.library-template', { hasText: '缴费提醒' }).locator('td', { hasText: '金额' }).first().waitFor();
  // Subscribe notifications for notices: the long-term template.
  await page.selectOption('#sub-notice', 'SUB_NOTICE');
  await page.selectOption('#sub-notice-title', 'thing1');
  await page.selectOption('#sub-notice-time', 'time3');
  await page.locator('#sub-kind-notice').getByRole('button', { name: '保存' }).click();
  await page.getByText('模板设置已保存').waitFor();
  await shot(page, 'templates');
  assert.deepEqual(await englishOn(page), [], 'the template page speaks Chinese');

  // The subscriber's phone: the subscribe card on the notice list, then WeChat's answer.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/notices`);
  await phone.getByRole('link', { name: `${subscriber.name}的微信` }).click();
  await phone.waitForURL(`${base}/s/notices`);
  await phone.locator('#subscribe-notifications', { hasText: '订阅后' }).waitFor();
  await shot(phone, 'portal-subscribe');
  assert.equal((await sim('POST', `/users/${subscriber.openid}/subscribe`, { template_ids: ['SUB_NOTICE'], status: 'accept' })).status, 204);
  await phone.waitForTimeout(300);
  await phone.reload();
  await phone.locator('#subscribe-notifications', { hasText: '已订阅通知提醒' }).waitFor();

  // A notice: the refuser gets it by the next channel, the report says why.
  await sim('PATCH', `/users/${subscriber.openid}`, { refuse_templates: ['TPL_NOTICE'] });
  const notice = await call('POST', '/notices', { title: '宿舍安全检查', body: '本周五检查宿舍用电安全。', audience: { classes: [klass.id] } });
  await call('POST', `/notices/${notice.id}/send`, {});
  await page.goto(`${base}/notices/${notice.id}`);
  // A sent notice opens on its receipt report; the delivery panel is the third tab.
  await page.click('#tab-delivery');
  await page.locator('#refused-template', { hasText: '2' }).waitFor({ timeout: 30000 });
  await page.locator('#channel-subscribe').waitFor();
  await page.locator('#delivery-panel td', { hasText: '学生在微信中拒收了这个模板的消息' }).first().waitFor();
  await shot(page, 'report');
  const inbox = await (await fetch(`${base}/mock-wechat/sim/users/${subscriber.openid}/inbox`)).json();
  assert.ok(inbox.some((m) => m.channel === 'subscribe'), JSON.stringify(inbox));

  // The refuser's record.
  await page.goto(`${base}/students`);
  await page.getByRole('button', { name: refuser.name }).click();
  await page.locator('#student-refused-templates', { hasText: '新通知模板' }).waitFor();
  await shot(page, 'record');
}).catch(fail);
