// Browser test of receipts and reports (issue 6): a teacher composes a notice that asks
// for confirmation and carries a vote, and sends it to a class whose students bound
// their WeChat through the mock platform. A student opens the notice link through the
// (mock) WeChat authorisation on a phone-sized page, confirms, votes and asks a private
// question; the teacher's report, left open, shows read 1 / confirmed 1 without a reload
// (the report's event stream). The teacher answers the question, reminds the one who has
// not read, exports the list, and the statistics page counts the notice. A class cadre
// sees their class's receipts; the student's list marks what is left to confirm.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApi as api, boundFollower, englishOn, fail, logIn, nav, run } from './harness.mjs';

const day = (offset) => {
  const d = new Date(Date.now() + offset * 86400000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

run('receipts', async ({ page, base, shot, browser, watch }) => {
  const call = await api(base);
  const klass = await call('POST', '/classes', { name: '电子2401', grade: '2024级' });
  const han = { ...(await call('POST', '/students', { student_no: '2024060101', name: '韩梅梅', class_id: klass.id, phone: '13900000301' })), phone: '13900000301' };
  const li = { ...(await call('POST', '/students', { student_no: '2024060102', name: '李雷', class_id: klass.id, phone: '13900000302' })), phone: '13900000302' };
  const hanOpenid = await boundFollower(base, '韩梅梅的微信', han);
  await boundFollower(base, '李雷的微信', li);
  // 韩梅梅 is the class's 班长: she sees the class's receipts on the notice page.
  await call('POST', `/classes/${klass.id}/cadres`, { student_id: han.id, title: '班长', starts_on: day(-1) });

  // Compose: confirmation asked, a vote with a third option added.
  await logIn(page, base);
  await nav(page, '通知').click();
  await page.click('#new-notice');
  await page.fill('#f-notice-title', '返校时间确认');
  await page.fill('#notice-body', '请于 **2 月 20 日** 前返校，并在下方确认收到。');
  await page.check('#notice-confirmation');
  await page.check('#vote-enabled');
  await page.fill('#vote-question', '你打算怎么返校？');
  await page.locator('#vote-options .vote-option').nth(0).fill('高铁');
  await page.locator('#vote-options .vote-option').nth(1).fill('飞机');
  await page.click('#vote-add-option');
  await page.locator('#vote-options .vote-option').nth(2).fill('自驾');
  await page.selectOption('#audience-class', { label: '电子2401' });
  await page.locator('#audience-count', { hasText: '共 2 位接收人' }).waitFor();
  await shot(page, 'compose-vote');
  await page.click('#save-draft');
  await page.getByText('草稿已保存').waitFor();
  const file = join(mkdtempSync(join(tmpdir(), 'banji-')), '返校须知.txt');
  writeFileSync(file, '请带好学生证和返校申请表。\n');
  await page.setInputFiles('#attachment-file', file);
  await page.click('#upload-attachment');
  await page.getByText('附件已上传').waitFor();
  await page.click('#send-notice');
  await page.getByRole('button', { name: '确定发送' }).click();
  await page.waitForURL(/\/notices\/\d+$/);
  const noticeId = Number(page.url().split('/').pop());

  // The report opens on its own tab and goes live.
  await page.locator('#notice-status', { hasText: '已发送' }).waitFor({ timeout: 60000 });
  await page.locator('#report-live').waitFor({ timeout: 20000 });
  await page.locator('#report-read strong', { hasText: '0' }).waitFor();
  await page.locator('#report-confirmed strong', { hasText: '0' }).waitFor();
  await page.locator('#receipt-list tbody tr', { hasText: '韩梅梅' }).waitFor();
  // Anything still there after the student's actions proves the page was not reloaded.
  await page.evaluate(() => { window.__noReload = true; });

  // The student opens the link at phone width, through WeChat's authorisation.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/notices/${noticeId}`);
  await phone.getByRole('link', { name: '韩梅梅的微信' }).click();
  await phone.waitForURL(`${base}/s/notices/${noticeId}`);
  await phone.locator('#portal-notice strong', { hasText: '2 月 20 日' }).waitFor();
  await phone.locator('#confirm-notice').waitFor();
  await shot(phone, 'portal-notice');

  // Read: the teacher's report follows without a reload.
  await page.locator('#report-read strong', { hasText: '1' }).waitFor({ timeout: 10000 });
  // Confirmed.
  await phone.click('#confirm-notice');
  await phone.locator('#confirmed-note', { hasText: '已确认' }).waitFor();
  await page.locator('#report-confirmed strong', { hasText: '1' }).waitFor({ timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the report updated in place');

  // The file opens through a real (signed) link, which WeChat's browser can follow; the
  // teacher's file card counts it without a reload.
  await phone.locator('.portal-files .file-open', { hasText: '返校须知.txt' }).click();
  await phone.waitForURL(/\/files\/[^/]+$/);
  await phone.getByText('请带好学生证').waitFor();
  await phone.goBack();
  await phone.locator('#portal-notice').waitFor();
  await page.locator('.file-list', { hasText: '下载 1 次' }).waitFor({ timeout: 10000 });
  await page.locator('#report-downloads strong', { hasText: '1' }).waitFor();
  // 发送到微信: the link arrives in the student's chat (she wrote to the account to bind).
  await phone.locator('.portal-files .file-send').click();
  await phone.locator('#file-sent', { hasText: '24 小时内有效' }).waitFor();
  const chat = await (await fetch(`${base}/mock-wechat/sim/users/${hanOpenid}/inbox`)).json();
  const sent = chat.find((m) => m.channel === 'custom' && (m.content || '').includes('返校须知.txt'));
  assert.ok(sent && /\/files\//.test(sent.content), 'the file link is in the chat');
  await shot(phone, 'portal-files');
  assert.deepEqual(await englishOn(phone), [], 'English on portal-files');

  // Vote: the results (shown after voting) come back as bars.
  await phone.locator('#portal-vote').getByText('高铁').click();
  await phone.click('#submit-vote');
  await phone.getByText('投票成功').waitFor();
  await phone.locator('#vote-results li.mine', { hasText: '高铁' }).waitFor();
  await phone.locator('#my-vote', { hasText: '高铁' }).waitFor();

  // A private question to the teacher.
  await phone.click('#comment-private');
  await phone.fill('#comment-body', '老师，高铁票买不到怎么办？');
  await phone.click('#send-comment');
  await phone.getByText('提问已发送').waitFor();
  await phone.locator('#portal-comments .comment', { hasText: '高铁票买不到' }).locator('.badge', { hasText: '私信提问' }).waitFor();

  // The class cadre's section: 李雷 has not read yet.
  const cadre = phone.locator(`#class-receipts-${klass.id}`);
  await cadre.locator('.class-missing li', { hasText: '李雷' }).waitFor();
  await shot(phone, 'portal-after');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the notice page fits the phone (${width}px)`);

  // The teacher's report: vote results with names, the question counted, still no reload.
  await page.locator('#vote-voters', { hasText: '共 1 人投票' }).waitFor({ timeout: 10000 });
  await page.locator('#report-vote dd', { hasText: '韩梅梅' }).waitFor();
  await page.locator('#report-comments', { hasText: '1 条提问待回复' }).waitFor({ timeout: 10000 });
  await page.locator('#receipt-list tbody tr', { hasText: '李雷' }).waitFor();
  await page.locator('#receipt-list tbody tr', { hasText: '韩梅梅' }).waitFor({ state: 'detached' });
  await shot(page, 'report-live');
  assert.equal(await page.evaluate(() => window.__noReload), true, 'still the same page');

  // Export the unread list (fetched with the login, saved as a file).
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(download.suggestedFilename(), /返校时间确认-未读名单\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, /李雷/, 'the export lists who has not read');
  assert.doesNotMatch(csv, /韩梅梅/, 'and only them');
  // 复制名单: the names as text, to paste into the class's group chat.
  await page.click('#copy-names');
  await page.getByText('已复制 1 人的名单').waitFor();
  assert.equal(await page.inputValue('#names-text'), '未读（1 人）：李雷');

  // Remind the one who has not read; a second reminder has to wait.
  await page.click('#remind');
  await page.locator('#remind-confirm', { hasText: '1 位学生' }).waitFor();
  await shot(page, 'remind-dialog');
  await page.getByRole('dialog').getByRole('button', { name: '发送提醒' }).click();
  await page.getByText('已向 1 位学生发送提醒').waitFor();
  await page.locator('#remind-blocked', { hasText: '下次可提醒时间' }).waitFor({ timeout: 10000 });
  await page.locator('#report-reminders tbody tr', { hasText: '第 1 次' }).waitFor();
  // The same limit holds for the cadre (the answer translated, not the server's English).
  await phone.reload();
  await phone.locator(`#class-receipts-${klass.id}`).getByText('下次可提醒时间').waitFor();

  // The desk lists the question while it waits; its link leads back to the notice.
  await nav(page, '首页').click();
  const question = page.locator('#unanswered li', { hasText: '返校时间确认' });
  await question.locator('.badge', { hasText: '1 条待回复' }).waitFor();
  await shot(page, 'desk-question');
  await question.getByRole('link', { name: '返校时间确认' }).click();
  await page.locator('#notice-title', { hasText: '返校时间确认' }).waitFor();

  // The teacher answers the private question; the student sees 老师回复.
  await page.click('#tab-comments');
  const thread = page.locator('#comments-panel .thread', { hasText: '高铁票买不到' });
  await thread.locator('.badge', { hasText: '私信提问' }).waitFor();
  await thread.locator('.badge', { hasText: '待回复' }).waitFor();
  await thread.getByRole('button', { name: '回复' }).click();
  await thread.locator('textarea').fill('可以坐长途汽车，报销同样有效。');
  await thread.getByRole('button', { name: '发送回复' }).click();
  await page.getByText('回复已发送').waitFor();
  await thread.locator('.comment.reply', { hasText: '长途汽车' }).waitFor();
  await thread.locator('.badge', { hasText: '待回复' }).waitFor({ state: 'detached' });
  await shot(page, 'comments');
  await phone.reload();
  await phone.locator('#portal-comments .comment.reply', { hasText: '长途汽车' }).locator('.badge', { hasText: '老师回复' }).waitFor();
  // Answered: the desk has nothing waiting from it any more.
  await nav(page, '首页').click();
  await page.locator('#todo').waitFor();
  assert.equal(await page.locator('#unanswered li', { hasText: '返校时间确认' }).count(), 0, 'answered questions leave the desk');

  // A second notice for the student's list: unread and waiting for confirmation.
  const second = await call('POST', '/notices', {
    title: '寒假安全提醒', body: '注意用电安全。', urgency: 'important', requires_confirmation: true,
    audience: { classes: [klass.id] },
  });
  await call('POST', `/notices/${second.id}/send`, {});
  await phone.goto(`${base}/s/notices`);
  const waiting = phone.locator('#portal-notices li', { hasText: '寒假安全提醒' });
  await waiting.locator('.badge', { hasText: '未读' }).waitFor({ timeout: 30000 });
  await waiting.locator('.badge', { hasText: '待确认' }).waitFor();
  const done = phone.locator('#portal-notices li', { hasText: '返校时间确认' });
  assert.equal(await done.locator('.badge', { hasText: '待确认' }).count(), 0, 'confirmed: nothing left to do');
  assert.ok(
    (await phone.locator('#portal-notices li').first().innerText()).includes('寒假安全提醒'),
    'unread first',
  );
  await shot(phone, 'portal-list');
  await phone.fill('#portal-search', '返校');
  await phone.click('.portal-search button');
  await waiting.waitFor({ state: 'detached' });
  await done.waitFor();

  // The notice list searches the body too.
  await nav(page, '通知').click();
  await page.getByRole('searchbox', { name: '搜索', exact: true }).fill('用电安全');
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.locator('tbody tr', { hasText: '寒假安全提醒' }).waitFor();
  await page.locator('tbody tr', { hasText: '返校时间确认' }).waitFor({ state: 'detached' });
  // A period preset fills the date range.
  await page.getByRole('searchbox', { name: '搜索', exact: true }).fill('');
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.selectOption('#filter-period', 'week');
  assert.notEqual(await page.inputValue('#filter-from'), '', 'the week fills the dates');
  await page.locator('tbody tr', { hasText: '返校时间确认' }).waitFor();
  await page.locator('tbody tr', { hasText: '寒假安全提醒' }).waitFor();
  // The list shows each notice's read and confirm rates: 韩梅梅 read and confirmed, 李雷 not.
  const rates = page.locator('tbody tr', { hasText: '返校时间确认' }).locator('td.notice-rate');
  assert.deepEqual((await rates.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()), ['50% 1/2', '50% 1/2']);
  await shot(page, 'notice-list-rates');

  // Statistics: this week counts both notices, read and confirm rates drawn.
  await nav(page, '统计').click();
  await page.getByRole('heading', { name: '统计' }).waitFor();
  await page.locator('#stat-notices strong', { hasText: '2' }).waitFor();
  await page.locator('#gauge-read').waitFor();
  await page.locator('#stats-classes', { hasText: '电子2401' }).waitFor();
  await page.locator('#hot-list li', { hasText: '返校时间确认' }).waitFor();
  await page.click('#period-month');
  await page.locator('#stat-notices strong', { hasText: '2' }).waitFor();
  await page.click('#hot-30');
  await page.locator('#hot-list li', { hasText: '返校时间确认' }).waitFor();
  await shot(page, 'stats');
}).catch(fail);
