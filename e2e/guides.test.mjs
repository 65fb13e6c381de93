// Browser test of procedures (办事指南) and contacts (issue 19): an admin adds offices in
// the 部门联系方式 tab, writes a procedure in the editor while its preview shows the
// student's page (steps rendered, a script in a step left out), publishes it; a student
// (375 px) finds it on /s/guides, opens it (numbered steps, the office with a tel: link,
// 最后审核), and sees the offices above the teachers on 联系方式.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { adminApi, englishOn, fail, logIn, nav, run } from './harness.mjs';

run('guides', async ({ page, base, shot, browser, watch, work }) => {
  const api = await adminApi(base);
  // A form in the document library (its own pages are another suite's): put in the
  // database directly when the test runs on SQLite.
  const sqlite = !(process.env.DATABASE_URL ?? '').startsWith('postgres');
  if (sqlite) {
    const made = spawnSync('sqlite3', [`${work}/banji.db`,
      "INSERT INTO documents (title, created_at, updated_at) VALUES ('国家奖学金申请表（2024 版）', 0, 0)"], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  }
  await api('PATCH', '/me/profile', { title: '辅导员', office: '学生公寓 1 栋 102', phone: '13812341234', contact_public: true });
  await api('POST', '/offices', { name: '教务处', phone: '020-8411 0001', place: '行政楼 201', hours: '工作日 8:30–11:30，14:30–17:00' });
  await logIn(page, base);

  // Offices first, in their tab.
  await nav(page, '办事指南').click();
  await page.getByText('还没有办事指南').waitFor();
  await page.click('#tab-offices');
  await page.locator('#offices tr', { hasText: '教务处' }).waitFor();
  await page.click('#new-office');
  await page.fill('#f-office-name', '学工办');
  await page.fill('#f-office-phone', '020-8411 0002');
  await page.fill('#f-office-place', '行政楼 305');
  await page.fill('#f-office-hours', '工作日 8:30–17:00');
  await page.click('#office-save');
  await page.getByText('部门联系方式已保存').waitFor();
  await page.locator('#offices tr', { hasText: '学工办' }).waitFor();
  assert.deepEqual(await englishOn(page), [], 'no English on the offices tab');
  await shot(page, 'offices');

  // A procedure, with its preview beside the editor.
  await page.click('#tab-guides');
  await page.click('#new-guide');
  await page.fill('#f-guide-title', '国家奖学金申请');
  await page.fill('#f-guide-summary', '每学年评定一次，面向综合测评排名前 5% 的同学。');
  await page.locator('#f-guide-office option', { hasText: '学工办' }).waitFor({ state: 'attached' });
  await page.selectOption('#f-guide-office', { label: '学工办' });
  await page.fill('#f-guide-when-where', '每年 9 月第 2–4 周，行政楼 305');
  await page.locator('.step-text').nth(0).fill('下载并填写**申请表**，附成绩单。<script>alert(1)</script>');
  await page.click('#guide-add-step');
  await page.locator('.step-text').nth(1).fill('交给辅导员审核，班级公示 3 天。');
  await page.click('#guide-add-step');
  await page.locator('.step-text').nth(2).fill('学工办汇总后报学校评审。');
  // The last step moves up: it becomes the second.
  await page.locator('.guide-step-edit').nth(2).getByRole('button', { name: '上移' }).click();
  await page.click('#guide-add-material');
  await page.locator('.material-name').nth(0).fill('国家奖学金申请表');
  if (sqlite) {
    // A picker once the library lists its documents; the document's number until then.
    const picker = page.locator('.material-document').nth(0);
    if (await picker.evaluate((e) => e.tagName) === 'SELECT') await picker.selectOption({ label: '国家奖学金申请表（2024 版）' });
    else await picker.fill('1');
  }
  await page.click('#guide-add-material');
  await page.locator('.material-name').nth(1).fill('成绩单');
  await page.click('#guide-add-teacher');
  await page.locator('.contact-choice option', { hasText: '王老师' }).waitFor({ state: 'attached' });
  await page.locator('.contact-choice').nth(0).selectOption({ label: '王老师' });
  await page.fill('#f-guide-tags', '奖助 奖学金');
  const preview = page.locator('#guide-preview');
  await preview.locator('#guide-steps li').nth(2).filter({ hasText: '交给辅导员审核' }).waitFor();
  assert.match(await preview.locator('#guide-steps li').nth(1).innerText(), /学工办汇总/, 'the moved step is second');
  assert.equal(await preview.locator('#guide-steps strong', { hasText: '申请表' }).count(), 1, 'Markdown rendered');
  assert.equal(await preview.locator('script').count(), 0, 'no script in the preview');
  await preview.locator('.guide-contact', { hasText: '王老师' }).waitFor();
  assert.deepEqual(await englishOn(page), [], 'no English in the editor');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'editor-preview');
  await page.click('#guide-save');
  await page.getByText('指南已保存').waitFor();
  await page.waitForURL(/\/guides\/\d+\?saved=1$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await nav(page, '办事指南').click();
  await page.locator(`tr[data-guide="${id}"]`, { hasText: '已发布' }).waitFor();
  await shot(page, 'list');

  // The student, in WeChat's browser.
  await fetch(`${base}/mock-wechat/sim/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: '找流程的同学' }),
  });
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/guides`);
  await phone.getByRole('link', { name: '找流程的同学' }).click();
  await phone.locator('#portal-guides li', { hasText: '国家奖学金申请' }).waitFor();
  await phone.locator('.tag-choice', { hasText: '奖学金' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on /s/guides');
  await shot(phone, 'portal-guides');
  await phone.fill('#guide-search', '奖学');
  await phone.getByRole('button', { name: '搜索' }).click();
  await phone.locator('#portal-guides li', { hasText: '国家奖学金申请' }).click();
  await phone.waitForURL(`${base}/s/guides/${id}`);
  await phone.locator('#guide-steps li').nth(2).waitFor();
  assert.equal(await phone.locator('#guide-steps li').count(), 3);
  assert.equal(await phone.locator('#portal-guide script, #guide-steps script').count(), 0);
  assert.equal(await phone.locator('#guide-contacts a[href="tel:020-84110002"]').count(), 1, 'the office can be called');
  assert.equal(await phone.locator('#guide-contacts a[href="tel:13812341234"]').count(), 1, 'the public teacher too');
  await phone.locator('#guide-reviewed', { hasText: '最后审核' }).waitFor();
  if (sqlite) assert.equal(await phone.locator('#guide-materials a[href="/s/documents/1"]').count(), 1, 'the form is linked');
  assert.deepEqual(await englishOn(phone), [], 'no English on /s/guides/:id');
  await shot(phone, 'portal-guide');

  await phone.goto(`${base}/s/teachers`);
  await phone.locator('#portal-offices .contact', { hasText: '教务处' }).waitFor();
  await phone.locator('#portal-teachers .contact', { hasText: '王老师' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on 联系方式');
  await shot(phone, 'portal-contacts');
}).catch(fail);
