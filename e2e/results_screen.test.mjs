// The 大屏 in the browser: the district admin opens /results/screen for 2021年上半年 on a
// 1920×1080 meeting-room screen — the headline tiles, the towns' map coloured by coverage,
// the trend chart drawn by ECharts, everything on one screen without scrolling, no personal
// data, no ranking; a tile opens the records it counts; the figures refresh in place; the
// town admin gets its town; at 390 px it reads in one column. Screenshots under e2e/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, PHONE, screenshot } from './lib.mjs';

const demo = demoSession();
const SCREEN = { width: 1920, height: 1080 };

test('the 大屏 on a meeting-room screen: tiles, map, trend, drill, refresh, no personal data', async () => {
  const { page } = await demo.login('songjiang', SCREEN);
  await page.goto(`${demo.base}/results/screen?period=2021H1`);
  await page.waitForSelector('[data-screen-chart] svg');
  assert.match(await page.textContent('#screen-scope'), /松江区/);
  for (const key of ['enterprises', 'covered', 'coverage_rate', 'orgs', 'party_members', 'new_party_members', 'tax', 'output', 'introductions', 'requests', 'projects']) {
    assert.ok(await page.$(`#tile-${key}`), `a tile for ${key}`);
  }
  // The demo's 新桥 cluster tax is part of the district's: the district's tax is at least 5.1158亿元.
  const tax = (await page.textContent('#tile-tax .value')).trim();
  assert.match(tax, /亿元$/);
  assert.ok(parseFloat(tax) >= 5.1158, tax);
  // Every Songjiang town and street is a block; 新桥 has enterprises, so a colour band.
  assert.equal(await page.$$eval('#screen-map g.town', (gs) => gs.length), 20);
  const xinqiao = await page.getAttribute('#screen-map g.town[data-town="310117105"]', 'class');
  assert.match(xinqiao, /\bb[1-4]\b/);
  // One screen: nothing to scroll, sideways or down.
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(size[0] <= SCREEN.width && size[1] <= SCREEN.height, `page is ${size[0]}×${size[1]}`);
  // Aggregates only: no ID number, no phone, no ranking words.
  const text = await page.textContent('body');
  assert.doesNotMatch(text, /\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]|1[3-9]\d{9}|\*{4}/);
  assert.doesNotMatch(text, /排名第|名次|排行榜/);
  await screenshot(page, 'results-screen-1920');

  // The refresh: the fragment replaces the figures; the chart is drawn again.
  const before = await page.textContent('#counted-at');
  await page.evaluate(() => window.htmx.trigger('#screen-figures', 'every 300s'));
  await page.evaluate(() => window.htmx.ajax('GET', document.getElementById('screen-figures').getAttribute('hx-get'), '#screen-figures'));
  await page.waitForFunction((t) => document.body.dataset.countedAt !== undefined && document.querySelector('#tile-tax .value'), before);
  await page.waitForSelector('[data-screen-chart] svg');
  assert.equal((await page.textContent('#tile-tax .value')).trim(), tax);

  // A tile opens its records: the tax tile's enterprises, as many as reported.
  const reporting = Number((await page.getAttribute('#tile-tax', 'title')).match(/(\d+)家企业填报/)[1]);
  await Promise.all([page.waitForNavigation(), page.click('#tile-tax')]);
  assert.match(page.url(), /\/results\/figures\?period=2021H1&indicator=tax/);
  const count = Number((await page.textContent('#figure-count')).match(/共 (\d+) 项/)[1]);
  assert.equal(count, reporting);
  // A town's block opens the town's screen.
  await page.goto(`${demo.base}/results/screen?period=2021H1`);
  await Promise.all([page.waitForNavigation(), page.click('#screen-map a:has(g.town[data-town="310117105"])')]);
  assert.match(await page.textContent('#screen-scope'), /新桥镇/);
});

test('the town admin sees its town; the district is refused; the 大屏 reads at 390 px', async () => {
  const { page } = await demo.login('xinqiao', SCREEN);
  await page.goto(`${demo.base}/results/screen?period=2021H1`);
  assert.match(await page.textContent('#screen-scope'), /新桥镇/);
  assert.equal(await page.$$eval('#screen-map g.town:not(.b0)', (gs) => gs.length), 1);
  const refused = await page.goto(`${demo.base}/results/screen?scope=district`);
  assert.equal(refused.status(), 403);

  const phone = await demo.login('songjiang', PHONE);
  await demo.fitsPhone(phone.page, '/results/screen?period=2021H1');
  await phone.page.waitForSelector('[data-screen-chart] svg');
  await screenshot(phone.page, 'results-screen-390');
  const tablet = await demo.login('songjiang', { width: 1024, height: 768 });
  await tablet.page.goto(`${demo.base}/results/screen?period=2021H1`);
  await tablet.page.waitForSelector('[data-screen-chart] svg');
  await screenshot(tablet.page, 'results-screen-tablet');
});

test('the scorecard counts the cluster’s Party members and opens them, without ID numbers or phones', async () => {
  const { page } = await demo.login('zhuangbei');
  await page.goto(`${demo.base}/results?period=2021H1`);
  const link = await page.$eval('#clusters a.button', (a) => a.getAttribute('href'));
  const cluster = link.match(/\/results\/clusters\/(\d+)/)[1];
  for (const key of ['party_members', 'new_party_members']) {
    await page.goto(`${demo.base}/results/clusters/${cluster}?period=2021H1`);
    const n = Number((await page.textContent(`#figure-${key} a.drill`)).trim());
    await Promise.all([page.waitForNavigation(), page.click(`#figure-${key} a.drill`)]);
    assert.match(page.url(), new RegExp(`of=${key}`));
    assert.equal(await page.$$eval('#records tbody tr a', (as) => as.length), n, key);
    assert.doesNotMatch(await page.textContent('main'), /\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]|1[3-9]\d{9}/);
  }
});
