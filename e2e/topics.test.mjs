// Browser test of topics (话题) and the daily broadcast (每日播报), issue 20: a teacher sets
// the word list and opens a topic in the console; one student posts by 「#毕业季 …」 from
// the simulator, another (375 px) on the topic's page with a picture — a post the word
// list holds shows to its author as 审核中 — the teacher approves it from the review
// queue; the student then likes the first post and replies to it. The student subscribes to 每日播报 at the minute
// just past: the server's own run sends it within a tick, its page opens on the phone and
// the console counts it opened; a curated item is queued.

import assert from 'node:assert/strict';
import { adminApi, boundFollower, englishOn, fail, logIn, nav, run } from './harness.mjs';

run('topics', async ({ page, base, shot, browser, watch }) => {
  const api = await adminApi(base);
  const klass = await api('POST', '/classes', { name: '软件2402', grade: '2024级' });
  const student = (no, name, phone) => api('POST', '/students', { student_no: no, name, class_id: klass.id, phone });
  const [li, zhou] = [await student('2024020101', '李雷', '13900000401'), await student('2024020102', '周晓', '13900000402')];
  const liWechat = await boundFollower(base, '李雷的微信', li);
  const zhouWechat = await boundFollower(base, '周晓的微信', zhou);
  await logIn(page, base);

  // The teacher: the word list, then a topic for everyone that takes anonymous posts.
  await nav(page, '话题').click();
  await page.getByText('没有待审核的发言').waitFor();
  await page.fill('#topic-words', '不及格\n作弊');
  await page.click('#topic-words-save');
  await page.getByText('审核词表已保存').waitFor();
  await page.fill('#topic-title', '毕业季');
  await page.fill('#topic-description', '说说你的毕业心愿');
  await page.check('#topic-anonymous-allowed');
  await page.click('#topic-open');
  await page.getByText('话题已开设').waitFor();
  const row = page.locator('#topics > li', { hasText: '#毕业季' });
  await row.waitFor();
  const topicId = Number(await row.getAttribute('data-topic'));
  assert.deepEqual(await englishOn(page), [], 'no English on 话题');

  // 李雷 posts from WeChat.
  const said = await fetch(`${base}/mock-wechat/sim/users/${liWechat}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', content: '#毕业季 想和大家去海边看日出' }),
  }).then((r) => r.json());
  assert.match(said.reply.content, /已发到话题「毕业季」/);

  // 周晓 on the phone: sees it, writes a post the word list holds.
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/topics/${topicId}`);
  await phone.getByRole('link', { name: '周晓的微信' }).click();
  await phone.waitForURL(`${base}/s/topics/${topicId}`);
  const posts = phone.locator('#topic-posts .topic-post:not(.reply)');
  await posts.filter({ hasText: '想和大家去海边看日出' }).waitFor();
  await phone.fill('#topic-compose textarea', '希望大家都不要不及格');
  // A picture goes with it (a 2×2 PNG).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4UaEBRAwQCgAp7gWhjAnOiAAAAABJRU5ErkJggg==', 'base64');
  await phone.setInputFiles('#topic-pictures', { name: '银杏.png', mimeType: 'image/png', buffer: png });
  await phone.getByText('已选 1 张图片').waitFor();
  await phone.click('#topic-send');
  await phone.getByText('已提交，老师审核后显示').waitFor();
  await posts.filter({ hasText: '希望大家都不要不及格' }).filter({ hasText: '审核中' }).waitFor();
  const picture = posts.filter({ hasText: '希望大家都不要不及格' }).locator('img.topic-picture');
  await picture.waitFor();
  assert.equal(await picture.evaluate((img) => img.decode().then(() => img.naturalWidth)), 2, 'the picture is drawn');

  // The teacher approves it from the queue.
  await page.reload();
  const held = page.locator('#topic-queue li', { hasText: '希望大家都不要不及格' });
  await held.filter({ hasText: '命中审核词：不及格' }).waitFor();
  await held.locator('img.topic-picture').waitFor();
  await shot(page, 'console-queue');
  await held.locator('button.approve').click();
  await page.getByText('没有待审核的发言').waitFor();

  // 周晓 again: the post is shown; likes 李雷's post and replies to it.
  await phone.reload();
  await posts.filter({ hasText: '希望大家都不要不及格' }).waitFor();
  assert.equal(await posts.filter({ hasText: '审核中' }).count(), 0, 'approved: no longer held');
  const first = posts.filter({ hasText: '想和大家去海边看日出' });
  await first.locator('button.like').click();
  await first.locator('button.like', { hasText: '赞 1' }).waitFor();
  const thread = phone.locator('#topic-posts .thread', { hasText: '想和大家去海边看日出' });
  await thread.locator('button.reply-open').click();
  await thread.locator('.reply-form input').fill('算我一个！');
  await thread.locator('.reply-form button').click();
  await thread.locator('.topic-post.reply', { hasText: '算我一个！' }).waitFor();
  await phone.click('#sort-hot');
  await posts.first().filter({ hasText: '想和大家去海边看日出' }).waitFor();
  assert.deepEqual(await englishOn(phone), [], 'no English on the topic page');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the topic fits the phone (${width}px)`);
  await shot(phone, 'phone-topic');

  // The console shows the topic's posts with their authors, and its activity.
  await page.reload();
  await row.getByRole('button', { name: '查看发言' }).click();
  await row.locator('.topic-detail li', { hasText: '算我一个！' }).waitFor();
  await row.locator('.topic-detail td', { hasText: '软件2402' }).waitFor();
  await shot(page, 'console-topics');

  // 每日播报 by the server's own clock: 周晓 subscribes at the minute just past (China time);
  // within a tick the run queues it and customer service carries it (they just wrote); the
  // page it links to counts the opening.
  await nav(page, '每日播报').click();
  await page.locator('#broadcast-subscribers', { hasText: '当前订阅：0 人' }).waitFor();
  await page.getByText('还没有发出过播报').waitFor();
  const china = new Date(Date.now() + 8 * 3600 * 1000);
  const minute = Math.max(0, china.getUTCHours() * 60 + china.getUTCMinutes() - 1);
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const subscribed = await fetch(`${base}/mock-wechat/sim/users/${zhouWechat}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', content: `订阅 每日播报 ${hhmm}` }),
  }).then((r) => r.json());
  assert.match(subscribed.reply.content, /已订阅每日播报/);
  let day;
  for (let i = 0; i < 60 && !day; i += 1) {
    const inbox = await fetch(`${base}/mock-wechat/sim/users/${zhouWechat}/inbox`).then((r) => r.json());
    const pushed = inbox.find((m) => m.channel === 'custom' && /早上好/.test(m.content ?? ''));
    if (pushed) [, day] = pushed.content.match(/next=\/s\/broadcast\/(\d+)/);
    else await new Promise((done) => setTimeout(done, 1000));
  }
  assert.ok(day, 'the broadcast reached the student within a minute');
  await phone.goto(`${base}/s/broadcast/${day}`);
  const broadcast = phone.locator('#broadcast-day');
  await broadcast.filter({ hasText: '今日一句' }).waitFor();
  assert.match(await broadcast.innerText(), /今天没有签到和活动安排/);
  assert.deepEqual(await englishOn(phone), [], 'no English on the broadcast page');
  await shot(phone, 'phone-broadcast');
  await page.reload();
  await page.locator('#broadcast-days tr', { hasText: '1（100%）' }).waitFor();
  await page.fill('#item-title', '如何准备期末考试');
  await page.fill('#item-text', '学长学姐的复习笔记');
  await page.fill('#item-url', 'https://mp.weixin.qq.com/s/example');
  await page.click('#item-add');
  await page.getByText('已加入推荐队列').waitFor();
  await page.locator('#broadcast-items li', { hasText: '如何准备期末考试' }).filter({ hasText: '排队中' }).waitFor();
  assert.deepEqual(await englishOn(page), [], 'no English on 每日播报');
  await shot(page, 'console-broadcast');
}).catch(fail);
