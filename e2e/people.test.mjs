// Browser test of the people pages (issue 4): import a roster file (checked first, with
// its bad rows shown), see the students, edit a menu and watch the phone preview follow,
// publish it, and bind a student on the phone-width page behind WeChat's authorisation.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminApi, bindCode, englishOn, englishOnEveryPage, fail, logIn, nav, run } from './harness.mjs';

const GOOD = '学号,姓名,性别,班级,手机,宿舍\n' +
  '2023010101,李雷,男,计算机2301,13800000001,东7-301\n' +
  '2023010102,韩梅梅,女,计算机2301,13800000002,东7-302\n' +
  '2023020101,林涛,男,数学2301,13900000001,西3-101\n';
const BAD = '学号,姓名,班级,手机\n2023010103,,计算机2301,123\n2023010101,李雷,计算机2301,\n2023010101,李雷,计算机2301,\n';

run('people', async ({ page, base, shot, work, browser, watch }) => {
  await logIn(page, base);

  // Classes: a new class through the form.
  await nav(page, '班级管理').click();
  await page.getByRole('button', { name: '新建班级' }).click();
  await page.fill('#f-class-name', '计算机2301');
  await page.fill('#f-class-grade', '2023级');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('班级已保存').waitFor();
  await page.locator('td', { hasText: '计算机2301' }).waitFor();

  // Roster import: a bad file shows its rows' problems and writes nothing.
  const bad = join(work, 'bad.csv');
  const good = join(work, '名单.csv');
  writeFileSync(bad, BAD);
  writeFileSync(good, GOOD);
  await nav(page, '学生名单').click();
  await page.getByText('没有符合条件的学生').waitFor();
  await page.click('#open-import');
  await page.setInputFiles('#roster-file', bad);
  await page.click('#check-roster');
  await page.getByText('以下行有问题').waitFor();
  await page.locator('.import-errors td', { hasText: '缺少姓名' }).waitFor();
  await page.locator('.import-errors td', { hasText: '学号在文件中重复出现' }).waitFor();
  assert.ok(await page.locator('#import-roster').isDisabled(), 'a file with problems cannot be imported');
  await shot(page, 'import-errors');

  // A file past a roster's bounds (here 201 columns) is refused whole, in words.
  const wide = join(work, 'wide.csv');
  writeFileSync(wide, `学号,姓名\n2023010101,李雷,${Array(199).fill('x').join(',')}\n`);
  await page.setInputFiles('#roster-file', wide);
  await page.click('#check-roster');
  await page.getByText('文件超出名单的上限').waitFor();

  // The good file: checked, then imported (the missing class created on request).
  await page.setInputFiles('#roster-file', good);
  await page.getByText('自动创建文件中不存在的班级').click();
  await page.click('#check-roster');
  await page.getByText('检查通过，可以导入').waitFor();
  await page.getByText('将新建班级：数学2301').waitFor();
  await page.click('#import-roster');
  await page.getByText('导入完成').waitFor();
  await page.locator('td', { hasText: '韩梅梅' }).waitFor();
  await page.locator('td', { hasText: '138****0002' }).waitFor();
  await shot(page, 'students');

  // The full record, phone unmasked.
  await page.getByRole('button', { name: '林涛' }).click();
  await page.locator('#student-phone-full', { hasText: '13900000001' }).waitFor();
  // Expected at no check-in yet: 出勤 shows —, not 0%.
  assert.equal((await page.locator('#student-attendance .attendance-rate').innerText()).trim(), '—');
  await shot(page, 'student-detail');

  // Menus: a new draft, edited while the phone preview follows, then published.
  await nav(page, '公众号菜单').click();
  await page.click('#new-menu');
  await page.locator('.menu-bar .top', { hasText: '使用帮助' }).waitFor();
  await page.locator('.menu-bar .top.add').click();
  await page.fill('#button-name', '我的班级和通知');
  await page.locator('.menu-problems', { hasText: '按钮名称太长' }).waitFor();
  assert.ok(await page.locator('#save-menu').isDisabled(), 'a menu breaking the rules cannot be saved');
  await page.fill('#button-name', '通知');
  await page.locator('.menu-bar .top', { hasText: '通知' }).waitFor();
  await page.selectOption('#button-feature', '我的信息');
  await page.locator('#button-url').waitFor();
  assert.match(await page.inputValue('#button-url'), /\/api\/v1\/portal\/oauth\?next=\/s\/$/);
  assert.equal(await page.inputValue('#button-name'), '通知', 'a name the teacher typed stays');
  // Choosing a feature renames a button still named after one (使用帮助 → 我的通知).
  await page.locator('.menu-bar .top', { hasText: '使用帮助' }).click();
  await page.selectOption('#button-feature', '我的通知');
  await page.locator('.menu-bar .top', { hasText: '我的通知' }).waitFor();
  assert.equal(await page.inputValue('#button-name'), '我的通知');
  // A sub-menu under the first button.
  await page.locator('.menu-bar .top', { hasText: '我的通知' }).click();
  await page.locator('.submenu .add').click();
  await page.locator('.menu-problems', { hasText: '请填写 KEY' }).waitFor();
  await page.fill('#button-name', '');
  await page.selectOption('#button-feature', '联系方式');
  await page.locator('.submenu .sub', { hasText: '联系方式' }).waitFor();
  await page.locator('.menu-problems').waitFor({ state: 'detached' });
  await shot(page, 'menu-editor');
  await page.click('#save-menu');
  await page.getByText('菜单已保存').waitFor();
  // Saved, and opened again: each button shows the feature it runs, not "—".
  await page.reload();
  await page.locator('.menu-item').first().click();
  await page.locator('.menu-bar .top', { hasText: /^通知$/ }).click();
  assert.equal(await page.locator('#button-feature').inputValue(), '我的信息', 'the saved button shows its feature');
  await page.locator('.menu-bar .top', { hasText: '我的通知' }).click();
  await page.locator('.submenu .sub', { hasText: '联系方式' }).click();
  assert.equal(await page.locator('#button-feature').inputValue(), '联系方式');
  await page.click('#publish-menu');
  await page.getByText('菜单已发布').waitFor();
  await page.locator('.menu-item', { hasText: '已发布' }).waitFor();
  await shot(page, 'menu-published');
  // The simulator draws the published menu as WeChat does: tapping a sub-button sends its
  // event and opens its page.
  await fetch(`${base}/mock-wechat/sim/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: '点菜单的同学' }),
  });
  await nav(page, '微信模拟器').click();
  await page.locator('.sim-person', { hasText: '点菜单的同学' }).click();
  await page.locator('#sim-menu .sim-menu-button', { hasText: '我的通知' }).click();
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.locator('.sim-submenu button', { hasText: '联系方式' }).click(),
  ]);
  // It goes through WeChat's authorisation to the teachers page, as inside WeChat.
  assert.match(popup.url(), /\/portal\/oauth\?next=\/s\/teachers|\/connect\/oauth2\/authorize/, 'the page the button opens');
  await popup.close();
  await page.locator('.chat li', { hasText: '事件 VIEW' }).waitFor();
  await shot(page, 'simulator-menu');

  // Groups: a group with a member added by 学号.
  await nav(page, '学生分组').click();
  await page.getByRole('button', { name: '新建分组' }).click();
  await page.fill('#f-group-name', '学生会');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('分组已保存').waitFor();
  await page.getByRole('button', { name: '成员' }).click();
  await page.getByRole('textbox', { name: /按学号添加/ }).fill('2023010101 2023020101');
  await page.getByRole('button', { name: '添加成员' }).click();
  await page.getByText('成员已添加').waitFor();
  await page.locator('td', { hasText: '林涛' }).waitFor();
  await shot(page, 'group-members');

  // A student binds on the phone-width page, through the (mock) WeChat authorisation.
  const api = await adminApi(base);
  const simUser = async (nickname) => (await fetch(`${base}/mock-wechat/sim/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname }),
  })).json();
  const follower = await simUser('韩梅梅的微信');
  const han = (await api('GET', '/students?q=韩梅梅')).items[0];
  const code = await bindCode(base, han);
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);

  // First, an attacker's token in a link: the page does not take it (it was not this
  // browser's authorisation) and goes through WeChat for the student's own.
  const attacker = await simUser('攻击者的微信');
  const hop = async (url) => (await fetch(url, { redirect: 'manual' })).headers.get('location');
  const authorize = await hop(`${base}/api/v1/portal/oauth?next=/s/bind`);
  const callback = await hop(`${authorize.replace('#wechat_redirect', '')}&openid=${attacker.openid}`);
  const back = await hop(callback.startsWith('http') ? callback : `${base}${callback}`);
  assert.match(back, /^\/s\/bind#token=.+&nonce=/, 'the attacker has a token of their own');
  await phone.goto(`${base}${back}`);
  await phone.waitForURL(/\/mock-wechat\/connect\/oauth2\/authorize/);
  await shot(phone, 'foreign-token-refused');
  // A notice link forwarded to 韩梅梅 before she bound: the page asks her to bind, and
  // brings her back to the notice afterwards.
  const notice = await api('POST', '/notices', { title: '班会通知', body: '周五晚上开班会。', audience: { classes: [han.class_id] } });
  await api('POST', `/notices/${notice.id}/send`, {});
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/notices/${notice.id}`);
  await phone.getByRole('link', { name: '韩梅梅的微信' }).click();
  await phone.locator('#portal-not-bound').waitFor();
  await shot(phone, 'notice-asks-to-bind');
  assert.deepEqual(await englishOn(phone), [], 'English on notice-asks-to-bind');
  await phone.getByRole('link', { name: '去绑定学号' }).click();
  await phone.waitForURL(`${base}/s/bind?next=/s/notices/${notice.id}`);
  await phone.getByRole('heading', { name: '绑定学号' }).waitFor();
  await phone.fill('#bind-no', '2023010102');
  await phone.fill('#bind-name', '韩梅梅');
  await phone.fill('#bind-code', '0002');
  await phone.getByRole('button', { name: '绑定' }).click();
  await phone.getByRole('alert').filter({ hasText: '学号、姓名或验证码不正确' }).waitFor();
  const refusal = await phone.getByRole('alert').textContent();
  assert.equal(refusal.split('验证码是').length, 1, 'the form says once what the code is, the refusal does not repeat it');
  await phone.fill('#bind-code', code);
  await phone.getByRole('button', { name: '绑定' }).click();
  await phone.waitForURL(`${base}/s/notices/${notice.id}`);
  await phone.getByText('周五晚上开班会。').waitFor();
  // Bound: the binding page says to whom instead of offering an empty form.
  await phone.goto(`${base}/s/bind`);
  await phone.locator('#portal-bound', { hasText: '韩梅梅' }).waitFor();
  assert.equal(await phone.locator('#bind-no').count(), 0, 'no form for a bound student');
  await shot(phone, 'portal-bound');
  assert.deepEqual(await englishOn(phone), [], 'English on portal-bound');
  await phone.getByRole('link', { name: '我的信息' }).click();
  await phone.locator('#portal-name', { hasText: '韩梅梅' }).waitFor();
  await shot(phone, 'portal-me');
  assert.deepEqual(await englishOn(phone), [], 'English on portal-me');
  assert.equal(follower.openid.length > 0, true);
  const bound = await api('GET', `/students/${han.id}`);
  assert.equal(bound.student.wechat.bound, true);
  const attackerToken = decodeURIComponent(back.split('#token=')[1].split('&')[0]);
  const attackerMe = await (await fetch(`${base}/api/v1/portal/me`, { headers: { authorization: `Bearer ${attackerToken}` } })).json();
  assert.equal(attackerMe.student ?? null, null, 'the attacker\'s WeChat is bound to no one');

  // The console shows the binding.
  await nav(page, '学生名单').click();
  await page.locator('tr', { hasText: '韩梅梅' }).locator('.badge', { hasText: '已绑定' }).waitFor();

  // The desk lists each class by binding rate; 未绑定名单 opens the class page on those who
  // have not bound, and the class's poster prints its follow code.
  await nav(page, '首页').click();
  const classRow = page.locator('#class-binding li', { hasText: '计算机2301' });
  await classRow.waitFor();
  await shot(page, 'desk');
  await classRow.getByRole('link', { name: '未绑定名单' }).click();
  await page.waitForURL(/\/classes\/\d+\?bound=false$/);
  await page.getByRole('heading', { name: '计算机2301', exact: true }).waitFor();
  await page.locator('#class-students td', { hasText: '李雷' }).waitFor();
  assert.equal(await page.locator('#class-students td', { hasText: '韩梅梅' }).count(), 0, 'only those not bound');
  assert.equal(await page.locator('#class-students .badge', { hasText: '已绑定' }).count(), 0);
  await page.locator('#class-notices td', { hasText: '班会通知' }).waitFor();
  await shot(page, 'class-page');
  await page.getByRole('link', { name: '绑定海报' }).click();
  await page.locator('#bind-poster h1', { hasText: '计算机2301' }).waitFor();
  const qr = page.locator('#bind-poster img.poster-qr');
  await qr.waitFor();
  await page.waitForFunction(() => document.querySelector('#bind-poster img.poster-qr')?.naturalWidth > 0);
  await shot(page, 'bind-poster');
  await page.getByRole('link', { name: '返回班级' }).click();
  await page.getByRole('heading', { name: '计算机2301', exact: true }).waitFor();

  // A class of 45: every page of the list is reached with 下一页 and left with 上一页.
  const cs = (await api('GET', '/classes?q=计算机2301')).items[0];
  for (let i = 0; i < 43; i += 1) {
    await api('POST', '/students', { student_no: `20230199${String(i).padStart(2, '0')}`, name: `新生${i}`, class_id: cs.id });
  }
  await nav(page, '班级管理').click();
  await nav(page, '学生名单').click();
  const pager = page.locator('nav.pager');
  await pager.getByText('第 1 / 3 页，共 46 条').waitFor();
  const next = pager.getByRole('button', { name: '下一页' });
  const prev = pager.getByRole('button', { name: '上一页' });
  assert.ok(await prev.isDisabled(), 'no page before the first');
  assert.equal((await next.textContent()).trim(), '下一页', 'the label is the label, not source code');
  await next.click();
  await pager.getByText('第 2 / 3 页，共 46 条').waitFor();
  await next.click();
  await pager.getByText('第 3 / 3 页，共 46 条').waitFor();
  assert.ok(await next.isDisabled(), 'no page after the last');
  await shot(page, 'students-last-page');
  await prev.click();
  await prev.click();
  await pager.getByText('第 1 / 3 页，共 46 条').waitFor();
  await nav(page, '系统设置').click();
  await page.getByRole('heading', { name: '待审核的教师' }).waitFor();
  await shot(page, 'settings');

  // A teacher (not an admin) owns a group with a student of a class they do not teach:
  // the list marks them 小组成员, and their record shows only what a member shows.
  const teacher = await api('POST', '/users', { username: 'zhao.teacher', display_name: '赵老师', password: 'zhao-password-1', role: 'teacher' });
  const club = await api('POST', '/groups', { name: '合唱团', owner_id: teacher.id });
  await api('POST', `/groups/${club.id}/members`, { student_nos: ['2023010101'] });
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
  watch(desk);
  await logIn(desk, base, 'zhao.teacher', 'zhao-password-1');
  // Their home is a desk, not an admin's page: no approvals, no system state, and the
  // first step says whom to ask for a class.
  await desk.locator('#setup-steps', { hasText: '请管理员创建班级并把你设为负责教师' }).waitFor();
  assert.equal(await desk.getByText('系统状态').count(), 0, 'no system state for a teacher');
  assert.equal(await desk.locator('main').getByRole('link', { name: 'API 令牌' }).count(), 0);
  await shot(desk, 'teacher-home');
  await nav(desk, '学生名单').click();
  // Responsible for no class: told what to do, instead of a form that fails with 班级不存在.
  await desk.locator('#no-class-hint', { hasText: '请联系管理员' }).waitFor();
  assert.ok(await desk.locator('#open-import').isDisabled(), 'no import without a class');
  assert.ok(await desk.locator('#new-student').isDisabled(), 'no new student without a class');
  const row = desk.locator('tr', { hasText: '李雷' });
  await row.locator('.badge', { hasText: '小组成员' }).waitFor();
  assert.equal(await row.getByRole('button', { name: '编辑' }).count(), 0, 'no edit for a member of another class');
  await row.getByRole('button', { name: '李雷' }).click();
  await desk.locator('#student-limited').waitFor();
  assert.equal(await desk.locator('#student-phone-full').count(), 0, 'no phone in the member view');
  await shot(desk, 'teacher-member-view');
  // Their class page says what to do; no page of theirs shows English, nor admin pages.
  await nav(desk, '班级管理').click();
  await desk.getByText('您还没有负责的班级，请联系管理员分配').waitFor();
  assert.equal(await nav(desk, '用户管理').count(), 0, 'no admin pages for a teacher');
  assert.deepEqual(await englishOnEveryPage(desk, base), [], 'English words reached the teacher\'s pages');
}).catch(fail);
