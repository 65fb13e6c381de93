// Browser test of parametric QR codes (issue 18): an admin names the school in 系统设置,
// makes a class's QR code in the console, opens its print view (the school's name,
// WeChat's image of the code), scans it from the simulator's scan page as someone new,
// and sees the scan and the new follower counted, and the follower's source on the
// followers page.

import assert from 'node:assert/strict';
import { adminApi, englishOn, fail, logIn, nav, run } from './harness.mjs';

/** Waits until the input `selector` holds `value` (the page drawn again keeps it). */
async function expectValue(page, selector, value) {
  for (let i = 0; i < 50 && (await page.inputValue(selector)) !== value; i += 1) await page.waitForTimeout(100);
  assert.equal(await page.inputValue(selector), value, selector);
}

run('qrcodes', async ({ page, base, shot, browser, watch }) => {
  const api = await adminApi(base);
  const klass = await api('POST', '/classes', { name: '软件2401', grade: '2024级' });
  await logIn(page, base);

  // The school's name, printed on the codes, is set in 系统设置.
  await nav(page, '系统设置').click();
  await page.fill('#f-school-name', '示范大学计算机学院');
  await page.locator('#school-name').getByRole('button', { name: '保存' }).click();
  await page.getByText('设置已保存').waitFor();
  await shot(page, 'school-name');
  // The city and the term's first day, for the daily broadcast's weather and 第N周.
  // Each saved on its own button; the card is drawn again from the saved settings.
  const saved = async (field, value) => {
    for (let i = 0; i < 50; i += 1) {
      const kept = await api('GET', '/settings');
      if (kept[field] === value) return;
      assert.ok(i < 49, `${field} is saved: ${JSON.stringify(kept)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await page.fill('#f-school-city', '北京');
  await page.locator('#school-city').getByRole('button', { name: '保存' }).click();
  await saved('school_city', '北京');
  await expectValue(page, '#f-school-city', '北京');
  // The city's save redraws the cards from the saved settings; a field filled while that
  // redraw is still coming is drawn again empty (a known race of the settings page, see the
  // session notes of 2026-12-05): fill once the city is shown as saved, and check the
  // value is still there before saving.
  await page.getByText('设置已保存').last().waitFor();
  for (let i = 0; i < 3 && (await page.inputValue('#f-term-start')) !== '2026-09-07'; i += 1) {
    await page.fill('#f-term-start', '2026-09-07');
    await new Promise((r) => setTimeout(r, 300));
  }
  await page.locator('#term-start').getByRole('button', { name: '保存' }).click();
  await saved('term_start', '2026-09-07');
  await expectValue(page, '#f-term-start', '2026-09-07');
  assert.deepEqual(await englishOn(page), [], 'no English on 系统设置');
  await shot(page, 'broadcast-settings');

  // An empty list first, then the form.
  await nav(page, '二维码').click();
  await page.getByText('还没有二维码').waitFor();
  await page.getByText('永久二维码已用 0 / 100000 个').waitFor();
  assert.deepEqual(await englishOn(page), [], 'no English on the QR codes page');
  await page.click('#new-qrcode');
  await page.fill('#f-qr-name', '2024 级迎新');
  await page.locator('#qr-target option', { hasText: '软件2401' }).waitFor({ state: 'attached' });
  await page.selectOption('#qr-target', String(klass.id));
  await page.fill('#f-qr-days', '14');
  await shot(page, 'form');
  await page.click('#qr-create');
  await page.getByText('二维码已生成').waitFor();
  const row = page.locator('tr', { hasText: '2024 级迎新' });
  await row.waitFor();
  assert.match(await row.innerText(), /加入班级\s+软件2401\s+临时/);
  assert.equal((await row.locator('.qr-scans').innerText()).trim(), '0');
  await shot(page, 'list');

  // The print view: the school's name, the code's name and purpose, WeChat's image.
  await row.getByRole('link', { name: '打印' }).click();
  await page.locator('#qr-print-school', { hasText: '示范大学计算机学院' }).waitFor();
  await page.locator('#qr-print h1', { hasText: '2024 级迎新' }).waitFor();
  await page.getByText('软件2401 同学请扫码关注并绑定').waitFor();
  const image = page.locator('#qr-print img.poster-qr');
  await page.waitForFunction(() => document.querySelector('#qr-print img.poster-qr')?.naturalWidth > 0);
  const src = await image.getAttribute('src');
  assert.match(src, /\/cgi-bin\/showqrcode\?ticket=/, 'the platform’s image of the code');
  await shot(page, 'print');

  // Scanned from the simulator by someone new: they follow, and the account answers with
  // the class's invitation to bind.
  const ticket = new URL(src, base).searchParams.get('ticket');
  const phone = await browser.newPage({ viewport: { width: 390, height: 760 } });
  watch(phone);
  await phone.goto(`${base}/mock-wechat/sim/scan?ticket=${encodeURIComponent(ticket)}`);
  await phone.fill('input[name=nickname]', '新同学');
  await phone.getByRole('button', { name: '以新用户扫码（并关注）' }).click();
  await phone.getByText('欢迎软件2401的同学！请先绑定学号').waitFor();
  await shot(phone, 'scanned');
  await phone.close();

  // Back in the console: one scan, one new follower.
  await page.getByRole('link', { name: '返回二维码列表' }).click();
  const counted = page.locator('tr', { hasText: '2024 级迎新' });
  await counted.locator('.qr-scans', { hasText: '1' }).waitFor();
  assert.equal((await counted.locator('.qr-new-followers').innerText()).trim(), '1');
  await shot(page, 'counted');

  // The follower's source on the followers page.
  await nav(page, '关注者').click();
  await page.locator('td.follow-source', { hasText: '二维码「2024 级迎新」' }).waitFor();
  await shot(page, 'follower-source');
}).catch(fail);
