// Browser test of procedures (办事指南), contacts and the one search (issue 19): a teacher
// uploads a form into the 奖助 folder of the library, adds offices in the 部门联系方式
// tab, writes a procedure that links the form while its preview shows the student's page
// (steps rendered, a script in a step left out), publishes it; a student (375 px) finds
// both by searching 「奖学」 on /s/search, opens the procedure (numbered steps, the office
// with a tel: link, 最后审核), follows its material to the form and downloads it, sees
// the offices above the teachers on 联系方式; 「表格 奖学金」 from the simulator answers
// with the form.

import assert from 'node:assert/strict';
import { adminApi, englishOn, fail, logIn, nav, run } from './harness.mjs';

run('guides', async ({ page, base, shot, browser, watch }) => {
  const api = await adminApi(base);
  await api('PATCH', '/me/profile', { title: '辅导员', office: '学生公寓 1 栋 102', phone: '13812341234', contact_public: true });
  await api('POST', '/offices', { name: '教务处', phone: '020-8411 0001', place: '行政楼 201', hours: '工作日 8:30–11:30，14:30–17:00' });
  await api('POST', '/documents/folders', { name: '奖助' });
  await logIn(page, base);

  // The form goes into the library's 奖助 folder.
  await nav(page, '文档').click();
  await page.getByText('还没有文档').waitFor();
  await page.setInputFiles('#document-files', { name: '国家奖学金申请表（2024 版）.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK 申请表') });
  await page.locator('#upload-folder option', { hasText: '奖助' }).waitFor({ state: 'attached' });
  await page.selectOption('#upload-folder', { label: '奖助' });
  await page.locator('.dialog').getByRole('button', { name: '上传文件' }).click();
  await page.getByText('已上传 1 / 1 个文件').waitFor();
  const form = page.locator('tr', { hasText: '国家奖学金申请表（2024 版）' });
  assert.match(await form.innerText(), /奖助/);
  const [formDoc] = (await api('GET', '/documents?q=%E7%94%B3%E8%AF%B7%E8%A1%A8')).items;

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
  await page.locator('.material-document option', { hasText: '国家奖学金申请表（2024 版）' }).first().waitFor({ state: 'attached' });
  await page.locator('.material-document').nth(0).selectOption({ label: '国家奖学金申请表（2024 版）' });
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

  // The student, in WeChat's browser: one search finds the procedure and the form.
  const sim = (path, body) => fetch(`${base}/mock-wechat/sim${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const { openid } = await sim('/users', { nickname: '找流程的同学' });
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/`);
  await phone.getByRole('link', { name: '找流程的同学' }).click();
  await phone.waitForURL(`${base}/s/`);
  await phone.fill('#portal-home-search', '奖学');
  await phone.locator('#portal-home-search').press('Enter');
  await phone.waitForURL(/\/s\/search\?q=/);
  const hits = phone.locator('.search-hits li');
  await hits.filter({ hasText: '国家奖学金申请表（2024 版）' }).filter({ hasText: '文档' }).waitFor();
  await hits.filter({ hasText: '国家奖学金申请' }).filter({ hasText: '办事指南' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on /s/search');
  const searchWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(searchWidth <= 375, `the results fit the phone (${searchWidth}px)`);
  await shot(phone, 'portal-search');
  await phone.locator('.search-kinds').getByRole('button', { name: '办事指南' }).click();
  await hits.filter({ hasText: '文档' }).waitFor({ state: 'detached' });
  await hits.filter({ hasText: '国家奖学金申请' }).click();
  await phone.waitForURL(`${base}/s/guides/${id}`);
  await phone.locator('#guide-materials li', { hasText: '国家奖学金申请表' }).locator('a').click();
  await phone.waitForURL(`${base}/s/documents/${formDoc.id}`);
  await phone.locator('#doc-sheet', { hasText: '国家奖学金申请表（2024 版）.docx' }).waitFor();
  await shot(phone, 'portal-material');
  const download = phone.waitForEvent('download');
  await phone.click('#doc-download');
  assert.equal((await download).suggestedFilename(), '国家奖学金申请表（2024 版）.docx');
  const counted = (await api('GET', `/documents/${formDoc.id}/versions`))[0];
  assert.equal(counted.downloads, 1, 'the download is counted');

  // 「表格 奖学金」 from WeChat answers with the form, as an article opening it.
  const said = await sim(`/users/${openid}/messages`, { type: 'text', content: '表格 奖学金' });
  assert.equal(said.reply.articles.length, 1, JSON.stringify(said.reply));
  assert.equal(said.reply.articles[0].title, '国家奖学金申请表（2024 版）');
  assert.ok(said.reply.articles[0].url.endsWith(`/s/documents/${formDoc.id}`), said.reply.articles[0].url);

  await phone.goto(`${base}/s/guides`);
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
  assert.equal(await phone.locator(`#guide-materials a[href="/s/documents/${formDoc.id}"]`).count(), 1, 'the form is linked');
  assert.deepEqual(await englishOn(phone), [], 'no English on /s/guides/:id');
  await shot(phone, 'portal-guide');

  await phone.goto(`${base}/s/teachers`);
  await phone.locator('#portal-offices .contact', { hasText: '教务处' }).waitFor();
  await phone.locator('#portal-teachers .contact', { hasText: '王老师' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on 联系方式');
  await shot(phone, 'portal-contacts');

  // The week's hot list on the home page has the form just downloaded.
  await phone.goto(`${base}/s/`);
  await phone.locator('#portal-hot li', { hasText: '国家奖学金申请表（2024 版）' }).filter({ hasText: '1 次下载' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on /s/');
  await shot(phone, 'portal-home-hot');
}).catch(fail);
