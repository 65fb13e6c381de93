// Browser test of the notice pages (issue 5): a class whose students bound their WeChat
// through the mock platform, a notice composed with its preview and live recipient
// count, sent after the confirmation, followed on the detail page's delivery panel until
// everything went out, the list filters, template and category settings, and the
// student's own pages at phone width (list, notice, subscriptions, a corrected and a
// withdrawn notice), and a question answered from 消息 (live, with a saved answer and a
// picture each way) and read on 联系老师 and in the simulator's phone.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminApi as api, boundFollower, englishOn, fail, logIn, nav, run } from './harness.mjs';

run('notices', async ({ page, base, shot, work, browser, watch }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '软件2301', grade: '2023级' });
  const other = await call('POST', '/classes', { name: '软件2302', grade: '2023级' });
  const people = [['2023050101', '赵一'], ['2023050102', '钱二'], ['2023050103', '孙三'], ['2023050104', '李四']];
  const students = [];
  for (const [i, [no, name]] of people.entries()) {
    students.push({ ...(await call('POST', '/students', { student_no: no, name, class_id: klass.id, phone: `1390000010${i}` })), phone: `1390000010${i}` });
  }
  const zhou = { ...(await call('POST', '/students', { student_no: '2023050201', name: '周五', class_id: other.id, phone: '13900000201' })), phone: '13900000201' };
  // Three of the class and 周五 bind; 李四 does not.
  const wechatOf = {};
  for (const s of [...students.slice(0, 3), zhou]) wechatOf[s.name] = await boundFollower(base, `${s.name}的微信`, s);

  await logIn(page, base);
  await nav(page, '通知').click();
  await page.getByRole('heading', { name: '通知' }).waitFor();
  await page.getByText('没有符合条件的通知').waitFor();

  // Compose: title, Markdown body and its preview.
  await page.click('#new-notice');
  await page.waitForURL(`${base}/notices/new`);
  // No template is chosen for notices yet: the composer says what that means, and where to fix it.
  await page.locator('#no-template', { hasText: '客服消息' }).getByRole('link', { name: '去设置模板消息' }).waitFor();
  await page.fill('#f-notice-title', '期末考试安排');
  await page.fill('#notice-body', '# 考试时间\n\n**6 月 20 日** 上午 9:00，请带好学生证。\n\n- 地点：教学楼 A101\n- 携带：2B 铅笔');
  await page.click('#tab-preview');
  await page.locator('#notice-preview h1', { hasText: '考试时间' }).waitFor();
  await page.locator('#notice-preview strong', { hasText: '6 月 20 日' }).waitFor();
  await page.locator('#notice-preview li', { hasText: '教学楼 A101' }).waitFor();
  await shot(page, 'compose-preview');
  await page.click('#tab-write');

  // Audience: a class and one student found by name; the count follows.
  await page.selectOption('#notice-category', { label: '教务' });
  await page.getByRole('radio', { name: '重要' }).check();
  await page.selectOption('#audience-class', { label: '软件2301' });
  await page.locator('#audience-chips .chip', { hasText: '软件2301' }).waitFor();
  await page.locator('#audience-count', { hasText: '共 4 位接收人' }).waitFor();
  await page.locator('#audience-count', { hasText: '未绑定微信 1 人' }).waitFor();
  await page.fill('#audience-student', '周五');
  await page.getByRole('option', { name: /周五 2023050201/ }).click();
  await page.locator('#audience-chips .chip', { hasText: '周五' }).waitFor();
  await page.locator('#audience-count', { hasText: '共 5 位接收人' }).waitFor();
  await shot(page, 'compose-audience');

  // A file attached at once: the draft is saved quietly first, and the page becomes its editor.
  assert.equal(await page.locator('#compose-heading').innerText(), '新建通知');
  const file = join(work, '考场安排.txt');
  writeFileSync(file, 'A101: 2023050101-2023050104\n');
  await page.setInputFiles('#attachment-file', file);
  await page.click('#upload-attachment');
  await page.getByText('附件已上传').waitFor();
  await page.waitForURL(/\/notices\/\d+\/edit$/);
  await page.locator('.file-list', { hasText: '考场安排.txt' }).waitFor();
  await page.locator('#compose-heading', { hasText: '编辑通知' }).waitFor();

  // Send: the dialog states the count before anything goes out.
  await page.click('#send-notice');
  await page.locator('#send-count', { hasText: '将发送给 5 位接收人' }).waitFor();
  await page.getByText('其中 1 人未绑定微信').waitFor();
  await shot(page, 'send-dialog');
  await page.getByRole('button', { name: '确定发送' }).click();
  await page.waitForURL(/\/notices\/\d+$/);
  const noticeId = Number(page.url().split('/').pop());

  // The delivery panel follows the sending until it is done.
  await page.locator('#notice-status', { hasText: '已发送' }).waitFor({ timeout: 30000 });
  // A sent notice opens on its receipt report; the delivery panel is the third tab.
  await page.click('#tab-delivery');
  await page.locator('#stat-sent strong', { hasText: '4' }).waitFor();
  // 李四 has not bound WeChat: not reachable, which is not a failure.
  await page.locator('#stat-unbound strong', { hasText: '1' }).waitFor();
  assert.equal(await page.locator('#stat-failed').count(), 0, 'nothing failed');
  await page.locator('.badge.live').waitFor({ state: 'detached' });
  await page.locator('#delivery-panel td', { hasText: '学生未绑定微信' }).waitFor();
  // No template is chosen yet: the report says why customer-service messages carried it.
  await page.locator('#delivery-panel td', { hasText: '模板消息：未设置通知所用的模板' }).first().waitFor();
  await page.locator('#channel-custom strong', { hasText: '4' }).waitFor();
  await shot(page, 'delivery-done');
  await page.selectOption('#delivery-status', 'unbound');
  // Wait for the filtered table itself: 李四 may be the first row before filtering too.
  await page.waitForFunction(() => document.querySelectorAll('#delivery-panel tbody tr').length === 1);
  assert.match(await page.locator('#delivery-panel tbody tr').innerText(), /李四.*未绑定/s, 'only the unbound row');

  // A second notice, an urgent draft in another category, for the list's filters.
  await call('POST', '/notices', {
    title: '宿舍安全检查', body: '今晚 8 点检查宿舍用电。', urgency: 'urgent',
    category_id: (await call('GET', '/notice-categories')).find((c) => c.name === '安全').id,
    audience: { classes: [klass.id] },
  });
  await nav(page, '通知').click();
  await page.locator('tbody tr').nth(1).waitFor();
  await page.selectOption('#filter-status', 'draft');
  await page.locator('tbody tr', { hasText: '宿舍安全检查' }).waitFor();
  await page.locator('tbody tr', { hasText: '期末考试安排' }).waitFor({ state: 'detached' });
  await page.selectOption('#filter-status', '');
  await page.selectOption('#filter-urgency', 'important');
  await page.locator('tbody tr', { hasText: '期末考试安排' }).waitFor();
  await page.locator('tbody tr', { hasText: '宿舍安全检查' }).waitFor({ state: 'detached' });
  await page.selectOption('#filter-urgency', '');
  await page.selectOption('#filter-category', { label: '安全' });
  await page.locator('tbody tr', { hasText: '宿舍安全检查' }).waitFor();
  await page.locator('tbody tr', { hasText: '期末考试安排' }).waitFor({ state: 'detached' });
  await page.selectOption('#filter-category', '');
  await page.getByRole('searchbox', { name: '搜索', exact: true }).fill('考试');
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.locator('tbody tr', { hasText: '宿舍安全检查' }).waitFor({ state: 'detached' });
  await page.getByRole('searchbox', { name: '搜索', exact: true }).fill('');
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.locator('tbody tr', { hasText: '宿舍安全检查' }).waitFor();
  await shot(page, 'list');
  // Created from tomorrow on: nothing yet.
  const local = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.fill('#filter-from', local(new Date(Date.now() + 86400000)));
  await page.getByText('没有符合条件的通知').waitFor();
  await page.fill('#filter-from', local(new Date()));
  await page.locator('tbody tr', { hasText: '期末考试安排' }).waitFor();

  // The draft is scheduled from its detail page; the dialog asks for a time first.
  await page.getByRole('link', { name: '宿舍安全检查' }).click();
  await page.click('#send-notice');
  await page.locator('#send-count', { hasText: '将发送给 4 位接收人' }).waitFor();
  await page.check('#send-later');
  await page.getByRole('button', { name: '确定发送' }).click();
  await page.getByRole('dialog').getByText('请选择一个将来的发送时间').waitFor();
  const later = new Date(Date.now() + 2 * 3600 * 1000);
  await page.fill('#send-at', `${local(later)}T${String(later.getHours()).padStart(2, '0')}:${String(later.getMinutes()).padStart(2, '0')}`);
  await page.getByRole('button', { name: '确定发送' }).click();
  await page.getByText('已定时，将于').waitFor();
  await page.locator('#notice-status', { hasText: '定时发送' }).waitFor();
  await page.locator('#delivery-panel', { hasText: '通知发送后' }).waitFor();
  await shot(page, 'scheduled');
  // A scheduled notice can still be changed: the form comes back filled in.
  await page.getByRole('link', { name: '编辑' }).click();
  await page.waitForURL(/\/notices\/\d+\/edit$/);
  assert.equal(await page.inputValue('#f-notice-title'), '宿舍安全检查');
  await page.locator('#audience-chips .chip', { hasText: '软件2301' }).waitFor();
  await page.locator('#audience-count', { hasText: '共 4 位接收人' }).waitFor();
  assert.ok(await page.getByRole('radio', { name: '紧急' }).isChecked());
  await page.getByRole('link', { name: '取消' }).click();
  await page.locator('#notice-status', { hasText: '定时发送' }).waitFor();

  // Template messages: the mock account's 通知提醒 carries notices from now on.
  await nav(page, '模板消息').click();
  await page.selectOption('#tpl-notice', 'TPL_NOTICE');
  await page.locator('#kind-notice pre', { hasText: '通知标题' }).waitFor();
  await page.selectOption('#tpl-notice-title', 'thing1');
  await page.selectOption('#tpl-notice-author', 'thing2');
  await page.selectOption('#tpl-notice-time', 'time3');
  await page.locator('#kind-notice').getByRole('button', { name: '保存' }).click();
  await page.getByText('模板设置已保存').waitFor();
  await page.locator('#kind-notice .badge', { hasText: '已设置' }).waitFor();
  await shot(page, 'templates');
  await nav(page, '首页').click();
  await page.locator('#template-status[data-state="mapped"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('#no-template').count(), 0, 'no warning once a template is chosen');

  // Categories: add one and rename it.
  await nav(page, '通知分类').click();
  await page.fill('#category-name', '心理');
  await page.getByRole('button', { name: '添加分类' }).click();
  await page.locator('#categories li', { hasText: '心理' }).waitFor();
  await page.locator('#categories li', { hasText: '心理' }).getByRole('button', { name: '重命名' }).click();
  await page.locator('#categories input').fill('心理健康');
  await page.locator('#categories').getByRole('button', { name: '保存' }).click();
  await page.locator('#categories li', { hasText: '心理健康' }).waitFor();
  await shot(page, 'categories');

  // The composer: a problem goes once the field is fixed; the toolbar writes the Markdown.
  await nav(page, '通知').click();
  await page.click('#new-notice');
  await page.click('#send-notice');
  const titleProblem = page.locator('.field', { has: page.locator('#f-notice-title') }).locator('.problem');
  await titleProblem.waitFor();
  await page.fill('#f-notice-title', '新学期注册说明');
  await titleProblem.waitFor({ state: 'detached' });
  await page.fill('#notice-body', '请带好学生证');
  await page.locator('#notice-body').evaluate((el) => el.setSelectionRange(2, 6));
  await page.click('#md-bold');
  assert.equal(await page.inputValue('#notice-body'), '请带**好学生证**');
  await page.click('#md-table');
  assert.match(await page.inputValue('#notice-body'), /\| 项目 \| 内容 \|/);
  await shot(page, 'compose-toolbar');
  // Leaving by the sidebar loses nothing: coming back offers the text again.
  await nav(page, '签到').click();
  await page.waitForURL(`${base}/checkins`);
  await nav(page, '通知').click();
  await page.click('#new-notice');
  await page.locator('#restore-draft', { hasText: '未保存的内容' }).waitFor();
  assert.equal(await page.inputValue('#f-notice-title'), '', 'nothing is filled in unasked');
  await shot(page, 'compose-restore');
  await page.click('#restore-yes');
  assert.equal(await page.inputValue('#f-notice-title'), '新学期注册说明');
  assert.match(await page.inputValue('#notice-body'), /\*\*好学生证\*\*/);
  // Unsaved text: closing the tab asks first.
  const asked = [];
  const leave = (d) => { asked.push(d.type()); d.accept(); };
  page.on('dialog', leave);
  await page.goto(`${base}/notices/new`);
  page.off('dialog', leave);
  assert.deepEqual(asked, ['beforeunload'], 'the browser asked before leaving unsaved text');
  await page.click('#restore-no');
  await page.locator('#restore-draft').waitFor({ state: 'detached' });
  await page.goto(`${base}/notices/new`);
  await page.locator('#compose-heading').waitFor();
  assert.equal(await page.locator('#restore-draft').count(), 0, 'a discarded copy is not offered again');

  // The student's pages at phone width, behind the (mock) WeChat authorisation.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/notices`);
  await phone.getByRole('link', { name: '赵一的微信' }).click();
  await phone.waitForURL(`${base}/s/notices`);
  const item = phone.locator('#portal-notices li', { hasText: '期末考试安排' });
  await item.locator('.badge', { hasText: '未读' }).waitFor();
  await item.locator('.badge', { hasText: '重要' }).waitFor();
  await shot(phone, 'portal-list');
  assert.deepEqual(await englishOn(phone), [], 'English on the student\'s notice list');
  await item.getByRole('link').click();
  await phone.waitForURL(`${base}/s/notices/${noticeId}`);
  await phone.locator('#portal-notice strong', { hasText: '6 月 20 日' }).waitFor();
  await phone.getByRole('button', { name: '考场安排.txt' }).waitFor();
  await shot(phone, 'portal-notice');
  assert.deepEqual(await englishOn(phone), [], 'English on the student\'s notice page');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the notice fits the phone (${width}px)`);
  await phone.getByRole('link', { name: /我的通知/ }).click();
  await phone.locator('#portal-notices li', { hasText: '期末考试安排' }).waitFor();
  assert.equal(await phone.locator('#portal-notices li', { hasText: '期末考试安排' }).locator('.badge', { hasText: '未读' }).count(), 0, 'read once opened');

  // Subscriptions: mute 教务; 紧急 always comes through, and the page says so.
  await phone.getByRole('link', { name: '通知订阅' }).click();
  await phone.getByText('紧急通知始终会推送给你').waitFor();
  const jiaowu = phone.locator('#subscriptions li', { hasText: '教务' });
  await jiaowu.getByRole('switch').uncheck();
  await phone.getByText('已保存').waitFor();
  await jiaowu.getByText('已屏蔽').waitFor();
  await shot(phone, 'portal-subscriptions');
  assert.deepEqual(await englishOn(phone), [], 'English on the student\'s subscriptions');

  // A typo fixed after sending: the student sees the new text marked 已修改; no new push.
  await page.goto(`${base}/notices/${noticeId}`);
  await page.click('#correct-notice');
  const correction = page.getByRole('dialog');
  await correction.getByText('不会再次推送').waitFor();
  await page.fill('#correct-title', '期末考试安排（更正）');
  await correction.getByRole('button', { name: '保存' }).click();
  await page.getByText('已更正').waitFor();
  await page.locator('#notice-title', { hasText: '期末考试安排（更正）' }).waitFor();
  await phone.goto(`${base}/s/notices/${noticeId}`);
  await phone.locator('#portal-notice h2', { hasText: '期末考试安排（更正）' }).waitFor();
  await phone.locator('#portal-corrected', { hasText: '已修改' }).waitFor();
  await shot(phone, 'portal-corrected');

  // Withdrawn in the console: the student's page then says only that.
  await page.goto(`${base}/notices/${noticeId}`);
  await page.click('#withdraw-notice');
  await page.getByRole('dialog').getByRole('button', { name: '撤回' }).click();
  await page.getByText('通知已撤回').waitFor();
  await page.locator('#notice-status', { hasText: '已撤回' }).waitFor();
  await phone.goto(`${base}/s/notices/${noticeId}`);
  await phone.locator('#portal-withdrawn', { hasText: '已撤回' }).waitFor();
  await shot(phone, 'portal-withdrawn');
  assert.deepEqual(await englishOn(phone), [], 'English on a withdrawn notice');

  // One never opened and then withdrawn: marked 已撤回, not 未读, and not above what is
  // still unread (补考通知, older, stays first).
  for (const title of ['补考通知', '临时通知']) {
    const n = await call('POST', '/notices', { title, body: '见附件。', audience: { classes: [klass.id] } });
    await call('POST', `/notices/${n.id}/send`, {});
    if (title === '临时通知') await call('POST', `/notices/${n.id}/withdraw`, {});
  }
  await phone.goto(`${base}/s/notices`);
  const gone = phone.locator('#portal-notices li', { hasText: '临时通知' });
  await gone.locator('.badge', { hasText: '已撤回' }).waitFor();
  assert.equal(await gone.locator('.badge', { hasText: '未读' }).count(), 0, 'a withdrawn notice is not 未读');
  const order = await phone.locator('#portal-notices li').allTextContents();
  assert.ok(order[0].includes('补考通知'), `the unread notice comes first: ${order.join(' | ')}`);
  await shot(phone, 'portal-list-withdrawn');

  // 消息: 赵一 writes what the robot cannot answer; the teacher answers from 消息; the answer
  // reaches his WeChat and his 联系老师 page, where he writes back into the same thread.
  await fetch(`${base}/mock-wechat/sim/users/${wechatOf['赵一']}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'text', content: '补考在哪个教室？' }),
  });
  await nav(page, '首页').click();
  await page.locator('#nav-inbox .nav-count', { hasText: '1' }).waitFor();
  await page.locator('#waiting-messages').getByRole('link', { name: '1 位学生的留言待回复' }).click();
  await page.waitForURL(`${base}/inbox`);
  const thread = page.locator('#threads li', { hasText: '赵一' });
  await thread.locator('.badge', { hasText: '未处理' }).waitFor();
  await thread.getByRole('button').click();
  await page.locator('#thread-messages .msg', { hasText: '补考在哪个教室？' }).waitFor();
  await page.locator('#reply-window', { hasText: '还可发 5 条' }).waitFor();
  await page.fill('#reply-text', '在教学楼 A203。');
  await page.click('#send-reply');
  await page.getByText('回复已发送').waitFor();
  await page.locator('#thread-messages .msg.out', { hasText: '在教学楼 A203。' }).waitFor();
  await page.getByText('没有待处理的消息').waitFor();
  // Nothing waits: no count beside 消息 any more.
  await page.locator('#nav-inbox .nav-count').waitFor({ state: 'detached' });
  await shot(page, 'inbox');
  const chat = await (await fetch(`${base}/mock-wechat/sim/users/${wechatOf['赵一']}/inbox`)).json();
  assert.ok(chat.some((m) => m.channel === 'custom' && m.content === '在教学楼 A203。'), 'the answer reached WeChat');

  // Live: a picture he sends shows in the open thread without a reload, kept by Banji.
  await page.locator('#inbox-live').waitFor();
  await fetch(`${base}/mock-wechat/sim/users/${wechatOf['赵一']}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'image' }),
  });
  await page.locator('#thread-messages .msg:not(.out) img.chat-image').waitFor();
  // A saved answer, inserted with one click; then an answer with a picture.
  await page.fill('#reply-text', '请把材料照片发给我。');
  await page.click('#save-quick-reply');
  await page.fill('#reply-text', '');
  await page.locator('#quick-replies').getByRole('button', { name: '请把材料照片发给我。' }).click();
  assert.equal(await page.inputValue('#reply-text'), '请把材料照片发给我。', 'the saved answer is inserted');
  await page.click('#send-reply');
  await page.getByText('回复已发送').waitFor();
  await page.click('#reply-kind-image');
  await page.setInputFiles('#reply-file', join(import.meta.dirname, '..', 'api', 'src', 'wechat', 'mock', 'samples', 'sample.jpg'));
  await page.click('#send-reply');
  await page.locator('#thread-messages .msg.out img.chat-image').waitFor();
  await shot(page, 'inbox-media');
  // His phone (the simulator) shows the text and the picture.
  await nav(page, '微信模拟器').click();
  await page.locator('.sim-person', { hasText: '赵一的微信' }).click();
  await page.locator('.phone .msg', { hasText: '请把材料照片发给我。' }).waitFor();
  await page.locator('.phone .msg img.chat-image').first().waitFor();
  await shot(page, 'simulator-media');

  await phone.goto(`${base}/s/messages`);
  await phone.locator('#portal-messages .msg', { hasText: '在教学楼 A203。' }).waitFor();
  await phone.locator('#portal-messages .msg img.chat-image').first().waitFor();
  await phone.fill('#portal-message-text', '谢谢老师！');
  await phone.click('#portal-message-send');
  await phone.locator('#portal-messages .msg.out', { hasText: '谢谢老师！' }).waitFor();
  await shot(phone, 'portal-messages');
  assert.deepEqual(await englishOn(phone), [], 'English on 联系老师');
  const chatWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(chatWidth <= 375, `联系老师 fits the phone (${chatWidth}px)`);
}).catch(fail);
