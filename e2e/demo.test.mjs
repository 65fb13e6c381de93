// A public demonstration (BANJI_DEMO=1, mock mode): every page says so. The 演示模式 strip
// is at the top of the console's login page and of a student page at phone width, and
// stays there while the page scrolls, so nobody takes the simulated WeChat and its
// made-up students for a real school's.
//
// Needs what every browser test needs (see harness.mjs). Screenshots: e2e/artifacts/demo-*.

import assert from 'node:assert/strict';
import { fail, run } from './harness.mjs';

/** The banner: visible, at the very top, saying what it is. */
async function bannerOn(page, width) {
  const banner = page.locator('#demo-banner');
  await banner.waitFor();
  const text = await banner.innerText();
  assert.match(text, /演示模式/);
  assert.match(text, /模拟/, 'it says WeChat is simulated');
  assert.match(text, /不是真实/, 'it says the data is not real');
  const box = await banner.boundingBox();
  assert.equal(box.y, 0, 'at the top of the page');
  assert.ok(box.width <= width && box.width >= width - 1, `as wide as the page (${box.width}px of ${width})`);
  return banner;
}

run('demo', async ({ page, base, shot, browser, watch }) => {
  const about = await (await fetch(`${base}/api/v1/about`)).json();
  assert.deepEqual(about, { demo: true });

  // The console's login page.
  await page.goto(`${base}/login`);
  await page.getByRole('heading', { name: '登录控制台' }).waitFor();
  await bannerOn(page, 1280);
  await shot(page, 'login');

  // A student page inside (mock) WeChat, at phone width.
  await fetch(`${base}/mock-wechat/sim/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: '演示同学的微信' }),
  });
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', isMobile: true })).newPage();
  watch(phone);
  await phone.goto(`${base}/api/v1/portal/oauth?next=/s/bind`);
  await phone.getByRole('link', { name: '演示同学的微信' }).click();
  await phone.waitForURL(`${base}/s/bind`);
  await phone.getByRole('heading', { name: '绑定学号' }).waitFor();
  const banner = await bannerOn(phone, 375);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the page with its banner fits the phone (${width}px)`);
  await shot(phone, 'student-bind');

  // Scrolled down, the strip is still at the top of the screen.
  await phone.evaluate(() => { document.body.style.minHeight = '3000px'; window.scrollTo(0, 1200); });
  const scrolled = await banner.boundingBox();
  assert.equal(Math.round(scrolled.y), 0, 'it stays at the top while the page scrolls');
}, { env: { BANJI_DEMO: '1' } }).catch(fail);
