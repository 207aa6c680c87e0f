// Policies (惠企政策) in the browser: the district admin pushes a policy to a cluster after
// previewing how many enterprises it reaches, the demo enterprise contact finds it unread in
// its own list and opens it, and the admin sees that enterprise's receipt as read. The pages
// read at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE } from './lib.mjs';

const demo = demoSession();

const TITLE = '高新技术企业认定奖励';
const CLUSTER = '新桥现代装备产业集群党委';
const CONTACT_ENTERPRISE = '上海昱章电气成套设备有限公司';
const num = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('a pushed policy reaches the enterprise unread, is opened, and the push shows it read', async () => {
  // The admin finds the policy in the library and pushes it to the cluster.
  const admin = await demo.login('admin');
  let page = admin.page;
  await page.goto(`${demo.base}/policies`);
  assert.ok((await page.$$('#policies tbody tr')).length >= 10, 'the demo ships a library of valid policies');
  await page.click(`#policies a:has-text("${TITLE}")`);
  await page.waitForURL(/\/policies\/\d+$/);
  assert.ok(num(await page.textContent('#matching')) > 0, 'enterprises match the rule now');
  await Promise.all([page.waitForURL(/\/policies\/push\?policy=\d+/), page.click('#push-this')]);
  const option = await page.$eval('#target', (sel, name) => [...sel.options].find((o) => o.textContent.includes(name))?.value, CLUSTER);
  assert.ok(option, `the cluster ${CLUSTER} is offered`);
  await page.selectOption('#target', option);
  await page.fill('input[name=title]', '浏览器测试推送');
  await Promise.all([page.waitForURL(/\/policies\/push\/preview/), page.click('#preview-button')]);
  const preview = num(await page.textContent('#preview-enterprises'));
  assert.ok(preview > 0, 'the preview counts the eligible enterprises of the cluster');
  assert.match(await page.textContent('#preview-target'), new RegExp(CLUSTER));
  await Promise.all([page.waitForURL(/\/policies\/pushes\/\d+$/), page.click('#confirm')]);
  const pushUrl = page.url();
  assert.equal(num(await page.textContent('#sent')), preview, 'sent to exactly the previewed enterprises');
  assert.equal(num(await page.textContent('#read')), 0);
  await page.goto(`${pushUrl}?read=0`);
  assert.match(await page.textContent('#recipients'), new RegExp(CONTACT_ENTERPRISE));

  // The enterprise contact sees it unread and opens it.
  const contact = await demo.login('qiye');
  const cpage = contact.page;
  await cpage.goto(`${demo.base}/`);
  assert.match(await cpage.textContent('#unread-policies'), /未读/, 'the workbench says there is something to read');
  await cpage.click('#sidebar a:has-text("惠企政策")');
  await cpage.waitForURL(/\/my\/policies$/);
  const item = cpage.locator('#my-policies li', { hasText: TITLE });
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), /未读/);
  await Promise.all([cpage.waitForURL(/\/my\/policies\/\d+$/), item.locator('a').first().click()]);
  assert.match(await cpage.textContent('h1'), new RegExp(TITLE));
  assert.match(await cpage.textContent('#read-at'), /首次阅读/);
  await cpage.goto(`${demo.base}/my/policies`);
  assert.doesNotMatch(await cpage.locator('#my-policies li', { hasText: TITLE }).textContent(), /未读/);

  // The admin sees the receipt as read.
  await page.goto(pushUrl);
  assert.equal(num(await page.textContent('#read')), 1);
  await page.goto(`${pushUrl}?read=1`);
  assert.match(await page.textContent('#recipients'), new RegExp(CONTACT_ENTERPRISE));
  await screenshot(page, 'policy-push-desktop');
  await contact.context.close();
  await admin.context.close();
});

test('the policy pages read at 390 px without sideways scrolling', async () => {
  const admin = await demo.login('admin', PHONE);
  const page = admin.page;
  await page.goto(`${demo.base}/policies`);
  const first = await page.getAttribute('#policies tbody tr:first-child a', 'href');
  const push = await page.getAttribute('#pushes tbody tr:first-child a', 'href');
  for (const path of ['/policies', first, `${first}/enterprises`, '/policies/push', push, '/policies/new']) {
    await page.goto(`${demo.base}${path}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width} px wide`);
  }
  await page.goto(`${demo.base}${push}`);
  await screenshot(page, 'policy-push-phone');
  await admin.context.close();

  const contact = await demo.login('qiye', PHONE);
  await contact.page.goto(`${demo.base}/my/policies`);
  for (const path of ['/my/policies', await contact.page.getAttribute('#my-policies li:first-child a', 'href')]) {
    await contact.page.goto(`${demo.base}${path}`);
    const width = await contact.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width} px wide`);
  }
  await screenshot(contact.page, 'my-policy-phone');
  await contact.context.close();
});
