// Browser test of the document library (issue 19): an admin makes folders, drops two
// forms on the 文档 page and picks a class-only list, edits one, gives it a new file and
// reads its versions; a student at phone width (375 px) finds the forms by folder and by
// 「奖学」, opens one and sends it to their WeChat; a student of another class does not
// see the class-only list.

import assert from 'node:assert/strict';
import { adminApi as api, boundFollower, englishOn, fail, logIn, nav, run } from './harness.mjs';

run('documents', async ({ page, base, shot, browser, watch }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '软件2401', grade: '2024级' });
  const other = await call('POST', '/classes', { name: '软件2402', grade: '2024级' });
  const zhao = await call('POST', '/students', { student_no: '2024010101', name: '赵一', class_id: klass.id, phone: '13900000101' });
  const zhou = await call('POST', '/students', { student_no: '2024020101', name: '周五', class_id: other.id, phone: '13900000201' });
  await boundFollower(base, '赵一的微信', { ...zhao, phone: '13900000101' });
  await boundFollower(base, '周五的微信', { ...zhou, phone: '13900000201' });

  await logIn(page, base);
  await nav(page, '文档').click();
  await page.getByRole('heading', { name: '常用文档' }).waitFor();
  await page.getByText('还没有文档').waitFor();
  assert.deepEqual(await englishOn(page), [], 'no English on the documents page');

  for (const name of ['奖助', '请假']) {
    await page.fill('#new-folder', name);
    await page.locator('.folder-add').getByRole('button', { name: '添加' }).click();
    await page.locator('#doc-folders .folder-pick', { hasText: name }).waitFor();
  }

  // Two forms dropped on the page at once go into 奖助, for everyone.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['%PDF-1.4 须知'], '奖学金申请须知.pdf', { type: 'application/pdf' }));
    transfer.items.add(new File(['PK\u0003\u0004 表'], '奖学金申请表.docx'));
    return transfer;
  });
  await page.dispatchEvent('#drop-zone', 'dragover', { dataTransfer: dropped });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: dropped });
  await page.locator('#upload-files li', { hasText: '奖学金申请表.docx' }).waitFor();
  await page.selectOption('#upload-folder', { label: '奖助' });
  await shot(page, 'upload-dialog');
  await page.locator('.dialog').getByRole('button', { name: '上传文件' }).click();
  await page.getByText('已上传 2 / 2 个文件').waitFor();

  // A class list, picked with the chooser, for 软件2401 only.
  await page.setInputFiles('#document-files', { name: '2401班通讯录.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK list') });
  await page.locator('.dialog').getByLabel('指定班级和分组').check();
  await page.locator('.doc-listed label', { hasText: '软件2401' }).locator('input').check();
  await page.locator('.dialog').getByRole('button', { name: '上传文件' }).click();
  await page.getByText('已上传 1 / 1 个文件').waitFor();
  const listed = page.locator('tr', { hasText: '2401班通讯录' });
  assert.match(await listed.innerText(), /未分类\s+软件2401\s+第 1 版/);

  // Edit: a description and tags.
  const form = page.locator('tr', { hasText: '奖学金申请表.docx' });
  await form.getByRole('button', { name: '编辑' }).click();
  await page.fill('#doc-title', '国家奖学金申请表');
  await page.fill('#doc-description', '每年九月提交，需辅导员签字。');
  await page.fill('#doc-tags', '奖学金 申请表');
  await shot(page, 'edit');
  await page.locator('.dialog').getByRole('button', { name: '保存' }).click();
  await page.getByText('文档已保存').waitFor();

  // A new file: the second version; the first stays for teachers.
  const chooser = page.waitForEvent('filechooser');
  await page.locator('tr', { hasText: '国家奖学金申请表' }).getByRole('button', { name: '替换文件' }).click();
  await (await chooser).setFiles({ name: '国家奖学金申请表2025.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK v2') });
  await page.getByText('已更新为第 2 版').waitFor();
  await page.locator('tr', { hasText: '国家奖学金申请表' }).getByText('第 2 版').waitFor();
  await shot(page, 'list');

  // The student's page at phone width: the forms by folder and by 「奖学」.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/documents`);
  await phone.getByRole('link', { name: '赵一的微信' }).click();
  await phone.waitForURL(`${base}/s/documents`);
  await phone.locator('#portal-documents li', { hasText: '2401班通讯录' }).waitFor();
  assert.equal(await phone.locator('#portal-documents li').count(), 3);
  await shot(phone, 'portal-list');
  assert.deepEqual(await englishOn(phone), [], 'no English on the student\'s documents page');
  await phone.locator('#doc-chips').getByRole('button', { name: '奖助' }).click();
  await phone.locator('#portal-documents li', { hasText: '2401班通讯录' }).waitFor({ state: 'detached' });
  await phone.locator('#doc-chips').getByRole('button', { name: '全部' }).click();
  await phone.fill('#documents-search', '奖学');
  await phone.locator('.portal-search').getByRole('button', { name: '搜索' }).click();
  await phone.locator('#portal-documents li', { hasText: '2401班通讯录' }).waitFor({ state: 'detached' });
  assert.equal(await phone.locator('#portal-documents li').count(), 2);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the list fits the phone (${width}px)`);

  // The sheet: the current file, 发送到微信 pushes its link to the chat.
  await phone.locator('#portal-documents li', { hasText: '国家奖学金申请表' }).click();
  await phone.locator('#doc-sheet', { hasText: '国家奖学金申请表2025.docx' }).waitFor();
  assert.equal(await phone.locator('#doc-preview').count(), 0, 'a Word file has no preview');
  await shot(phone, 'portal-sheet');
  await phone.click('#doc-send');
  await phone.locator('#doc-message', { hasText: '已发到你和公众号的聊天' }).waitFor();
  await shot(phone, 'portal-sent');
  const download = phone.waitForEvent('download');
  await phone.click('#doc-download');
  assert.equal((await download).suggestedFilename(), '国家奖学金申请表2025.docx');
  await phone.goto(`${base}/s/documents`);
  await phone.locator('#portal-documents li', { hasText: '奖学金申请须知' }).click();
  await phone.locator('#doc-preview').waitFor();
  await phone.close();

  // Another class's student does not see the class list.
  const otherPhone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(otherPhone);
  await otherPhone.goto(`${base}/api/v1/portal/oauth?next=/s/documents`);
  await otherPhone.getByRole('link', { name: '周五的微信' }).click();
  await otherPhone.locator('#portal-documents li', { hasText: '奖学金申请须知' }).waitFor();
  assert.equal(await otherPhone.locator('#portal-documents li', { hasText: '2401班通讯录' }).count(), 0);
  await otherPhone.close();

  // Back in the console: the versions with their downloads.
  await page.reload();
  await page.locator('tr', { hasText: '国家奖学金申请表' }).getByRole('button', { name: '版本' }).click();
  await page.locator('#doc-versions tr[data-version="2"] .version-downloads', { hasText: '1' }).waitFor();
  await page.locator('#doc-versions tr[data-version="1"] .version-downloads', { hasText: '0' }).waitFor();
  await shot(page, 'versions');
}).catch(fail);
