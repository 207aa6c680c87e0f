// Contacts propose, admins confirm (issue #11 point 10) in the browser: the demo enterprise
// contact proposes renaming its Party branch from the branch's page, the 新桥 town admin
// finds it counted on its workbench, confirms it from 待确认的变更, and the new name shows.
// The contact's and the admin's pages read at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const BRANCH = '上海昱章电气成套设备有限公司党支部';
const RENAMED = '上海昱章电气成套设备有限公司第一党支部';

test('the contact proposes a rename, the town admin confirms it, the new name shows', async () => {
  const qiye = await demo.login('qiye', PHONE);
  const page = qiye.page;
  await page.goto(`${demo.base}/orgs`);
  await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${BRANCH}")`)]);
  const orgUrl = page.url();
  assert.equal(await page.$('form[action$="/rename"]'), null, 'no direct rename for the contact');
  await Promise.all([page.waitForNavigation(), page.click('#propose-links a:has-text("提出更名")')]);
  await page.fill('input[name=new_name]', RENAMED);
  await page.fill('textarea[name=reason]', '支部换届后更名');
  await submit(page, '#proposal-form button[type=submit]');
  assert.match(page.url(), /\/proposals$/);
  assert.match(await page.textContent('#proposals tbody'), /待确认/);
  for (const path of ['/proposals', '/proposals/new?kind=firm_flags']) {
    await page.goto(`${demo.base}${path}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width} px wide`);
  }
  await qiye.context.close();

  const admin = await demo.login('xinqiao', PHONE);
  const ap = admin.page;
  await ap.goto(`${demo.base}/`);
  assert.match(await ap.textContent('#pending-proposals'), /1 项企业提出的变更待确认/);
  await Promise.all([ap.waitForNavigation(), ap.click('#pending-proposals a')]);
  const row = ap.locator('#proposals tbody tr', { hasText: RENAMED });
  assert.equal(await row.count(), 1);
  const width = await ap.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `/proposals is ${width} px wide for the admin`);
  await screenshot(ap, 'proposals-phone');
  ap.once('dialog', (d) => d.accept());
  await Promise.all([ap.waitForNavigation(), row.locator('button:has-text("确认")').click()]);
  assert.equal(await ap.$('.error-message'), null);
  await ap.goto(orgUrl);
  assert.equal((await ap.textContent('h1')).trim(), RENAMED);
  assert.match(await ap.textContent('#events'), /更名/);
  await admin.context.close();
});
