// Matchmaking (要素对接) in the browser: the demo enterprise contact publishes a need and
// sees its matches with their reasons; the equipment cluster's secretary records the
// introduction, moves it to 已成交 with a deal value, and finds it in the cluster's figures;
// the matching-meeting list exports .xlsx; the pages read at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, download, readXlsx, screenshot, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });


const TITLE = '配电柜柜体钣金件精密加工';

test('a need is published, matched with reasons, introduced and closed as a deal the cluster counts', async () => {
  // The enterprise contact publishes a need for its own enterprise.
  const qiye = await demo.login('qiye');
  await qiye.page.goto(`${demo.base}/listings/new?kind=need`);
  const units = await qiye.page.$$eval('select[name=unit_id] option', (os) => os.map((o) => o.textContent.trim()));
  assert.deepEqual(units, ['上海昱章电气成套设备有限公司'], 'a contact publishes for its own enterprise only');
  await qiye.page.selectOption('select[name=kind]', 'need');
  await qiye.page.selectOption('select[name=category]', 'capacity');
  await qiye.page.fill('input[name=title]', TITLE);
  await qiye.page.fill(
    'textarea[name=description]',
    '低压配电柜柜体及结构件需要外协精密加工，铝压铸件和CNC精加工均可，每月约300件',
  );
  await qiye.page.fill('input[name=quantity]', '300');
  await qiye.page.fill('input[name=quantity_unit]', '件');
  await qiye.page.selectOption('select[name=urgency]', 'urgent');
  await qiye.page.selectOption('select[name=reach]', 'district');
  await Promise.all([qiye.page.waitForURL(/\/listings\/\d+$/), qiye.page.click('#listing-form button[type=submit]')]);
  const url = qiye.page.url();
  assert.match(await qiye.page.textContent('h1'), new RegExp(TITLE));
  assert.equal((await qiye.page.textContent('#quantity')).trim(), '300 件');

  // Its matches, each with the reasons a broker can say aloud.
  const rows = await qiye.page.$$eval('#matches tbody tr[data-id]', (trs) =>
    trs.map((tr) => ({ id: tr.dataset.id, text: tr.textContent.replace(/\s+/g, ' ') })),
  );
  assert.ok(rows.length > 0, 'the need has matches');
  const parts = rows.find((r) => r.text.includes('精密机械零部件加工产能'));
  assert.ok(parts, `the cluster neighbour's spare machining capacity is recommended: ${JSON.stringify(rows)}`);
  assert.match(parts.text, /共同词：/);
  assert.match(parts.text, /同一集群/);
  assert.match(parts.text, /天前发布|今天发布/);
  assert.equal(await qiye.page.$('form.introduce'), null, 'an enterprise does not record introductions');
  await screenshot(qiye.page, 'listing-matches-desktop');

  // The cluster's secretary records the introduction from the match.
  const sec = await demo.login('zhuangbei');
  const home = await sec.page.textContent('#emergency-needs');
  assert.match(home, /应急需求/, 'the workbench announces the members’ emergency needs');
  await sec.page.goto(url);
  await submit(sec.page, `#matches tr[data-id="${parts.id}"] form.introduce button`);
  assert.match(sec.page.url(), /\/introductions\/\d+$/);
  const introduction = sec.page.url();
  assert.equal((await sec.page.textContent('#state')).trim(), '已牵线');

  // 已成交 without a value is refused with the field named, and changes nothing.
  await sec.page.selectOption('#step-form select[name=to]', 'won');
  await Promise.all([sec.page.waitForNavigation(), sec.page.click('#step-form button[type=submit]')]);
  assert.match(await sec.page.textContent('body'), /成交金额/);
  await sec.page.goto(introduction);
  assert.equal((await sec.page.textContent('#state')).trim(), '已牵线');

  // The cluster's deal value before, to see this deal added to it.
  const cluster = await sec.page.$eval('dl.facts a[href^="/clusters/"]', (a) => a.getAttribute('href'));
  await sec.page.goto(`${demo.base}${cluster}`);
  const before = Number(await sec.page.textContent('#deal-value .num'));
  await sec.page.goto(introduction);

  // The secretary names the department helping to broker it (协办部门).
  const dept = await sec.page.$eval('#department-form select option:nth-child(2)', (o) => ({ v: o.value, t: o.textContent }));
  await sec.page.selectOption('#department-form select[name=department]', dept.v);
  await submit(sec.page, '#department-form button[type=submit]');
  assert.equal((await sec.page.textContent('#assisting-department')).trim(), dept.t.trim());

  await sec.page.selectOption('#step-form select[name=to]', 'negotiating');
  await submit(sec.page, '#step-form button[type=submit]');
  assert.equal((await sec.page.textContent('#state')).trim(), '洽谈中');
  await sec.page.selectOption('#step-form select[name=to]', 'won');
  await sec.page.fill('#step-form input[name=deal_value]', '36');
  await submit(sec.page, '#step-form button[type=submit]');
  assert.equal((await sec.page.textContent('#state')).trim(), '已成交');
  assert.equal((await sec.page.textContent('#deal-value')).trim(), '36 万元');
  assert.equal(await sec.page.$('#step-form'), null, 'a deal is final');
  await sec.page.fill('#followup-form input[name=annual_sales]', '36');
  await sec.page.fill('#followup-form input[name=delivery_note]', '首批300件已交付');
  await submit(sec.page, '#followup-form button[type=submit]');
  assert.match(await sec.page.textContent('#followup-table'), /首批300件已交付/);
  const events = await sec.page.$$eval('#events li', (lis) => lis.map((li) => li.textContent));
  assert.equal(events.length, 3, 'introduced, negotiating, won');
  await screenshot(sec.page, 'introduction-desktop');

  // The cluster's page counts it, and its figure opens the deals.
  await sec.page.goto(`${demo.base}${cluster}`);
  assert.equal(Number(await sec.page.textContent('#deal-value .num')), before + 36);
  await Promise.all([sec.page.waitForURL(/state=won/), sec.page.click('#deal-value')]);
  const id = introduction.match(/(\d+)$/)[1];
  assert.ok(await sec.page.$(`#introductions tr[data-id="${id}"]`), 'the deal is in the list behind the figure');

  // The enterprise sees the deal on its need's page.
  await qiye.page.goto(url);
  assert.match(await qiye.page.textContent('#introductions'), /已成交/);
  await qiye.context.close();
  await sec.context.close();
});

test('the meeting list of a cluster prints and exports .xlsx', async () => {
  const { context, page } = await demo.login('zhuangbei');
  await page.goto(`${demo.base}/meetings`);
  const pairs = await page.$$eval('#pairs tbody tr[data-need]', (trs) => trs.length);
  assert.ok(pairs > 0, 'the secretary’s own cluster is listed by default');
  const first = await page.textContent('#pairs tbody tr[data-need] td:nth-child(2)');
  assert.match(first, /应急/, 'the emergency need comes first');
  const { name, path } = await download(page, '#export');
  assert.match(name, /要素对接会清单.*\.xlsx$/);
  const rows = await readXlsx(path);
  assert.ok(rows.some((r) => r.includes('需求企业') && r.includes('推荐理由')), 'the export has its header');
  assert.ok(rows.some((r) => r.some((c) => c.includes('自润滑轴承'))), 'the bearing pair is on the list');
  const print = await page.getAttribute('#print', 'href');
  await page.goto(`${demo.base}${print}`);
  assert.match(await page.textContent('h1'), /要素对接会清单/);
  await context.close();
});

test('free-text search finds a need whatever the wording, and the pages read at 390 px', async () => {
  const { context, page } = await demo.login('zhuangbei', PHONE);
  await page.goto(`${demo.base}/listings/search?q=${encodeURIComponent('去毛刺')}`);
  const hits = await page.$$eval('#hits tbody tr[data-id]', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(hits.some((t) => t.includes('机器人去毛刺')), JSON.stringify(hits));
  for (const path of ['/listings', '/listings/search?q=轴承', '/introductions', '/meetings', '/listings/new']) {
    await page.goto(`${demo.base}${path}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width} px wide`);
  }
  await page.goto(`${demo.base}/listings`);
  await screenshot(page, 'listings-phone');
  const href = await page.getAttribute('#listings tbody tr:first-child a', 'href');
  await page.goto(`${demo.base}${href}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `listing page is ${width} px wide`);
  // Nor is anything clipped inside a table's frame: the reasons wrap.
  const clipped = await page.$$eval('.table-wrap', (ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).length);
  assert.equal(clipped, 0, 'a table is wider than its frame');
  await screenshot(page, 'listing-phone');
  await context.close();
});
