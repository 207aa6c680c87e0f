// Enterprise services in the browser: the demo enterprise contact files a request, the 经委
// officer handles it through its stages with a pause for missing materials and finishes it,
// and the enterprise rates it by the signed link in a browser that never logged in. Then the
// four colours of the demo, the report's drill-downs, the department head's 超期督办 list,
// and the pages at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, download, readXlsx, screenshot, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });


const total = async (page) => Number((await page.textContent('#total')).match(/共\s*(\d+)\s*条/)[1]);

test('filed by the enterprise, handled by the officer through stages and a pause, rated by the signed link', async () => {
  // The enterprise contact files a request for its own enterprise.
  const qiye = await demo.login('qiye');
  await qiye.page.goto(`${demo.base}/services/new`);
  const units = await qiye.page.$$eval('select[name=unit_id] option', (os) => os.map((o) => o.textContent.trim()));
  assert.deepEqual(units, ['上海昱章电气成套设备有限公司'], 'a contact files for its own enterprise only');
  const option = await qiye.page.$$eval('select[name=item_id] option', (os) =>
    os.find((o) => o.textContent.includes('专精特新'))?.value,
  );
  assert.ok(option, 'the 经委 item is in the catalogue');
  await qiye.page.selectOption('select[name=item_id]', option);
  await qiye.page.fill('input[name=title]', '浏览器测试申报专精特新');
  await qiye.page.fill('textarea[name=detail]', '请协助准备申报材料');
  await Promise.all([qiye.page.waitForURL(/\/services\/\d+$/), qiye.page.click('#new-request button[type=submit]')]);
  const url = qiye.page.url();
  const id = url.match(/\/services\/(\d+)$/)[1];
  assert.equal((await qiye.page.textContent('#colour')).trim(), '正常');
  assert.match(await qiye.page.textContent('#department'), /经济委员会/);
  assert.equal(await qiye.page.$('#actions'), null, 'the enterprise does not handle requests');

  // The 经委 officer finds it in its list and handles it.
  const jw = await demo.login('jingwei');
  await jw.page.goto(`${demo.base}/services?state=open`);
  assert.ok(await jw.page.$(`#requests tr[data-id="${id}"]`), 'routed to 经委');
  await jw.page.goto(url);
  await jw.page.fill('#assign-form input[name=text]', '测试店小二');
  await submit(jw.page, '#assign-form button[type=submit]');
  assert.equal((await jw.page.textContent('#officer')).trim(), '测试店小二');
  await jw.page.selectOption('#stage-form select[name=stage]', '初审');
  await submit(jw.page, '#stage-form button[value=start]');
  await jw.page.fill('#pause-form input[name=text]', '缺少近两年审计报告');
  await submit(jw.page, '#pause-form button[type=submit]');
  assert.match(await jw.page.textContent('#state'), /待补材料.*计时暂停/);
  assert.ok(await jw.page.$('#resume-form'), 'a paused request offers to resume');
  await jw.page.fill('#resume-form input[name=text]', '审计报告已补交');
  await submit(jw.page, '#resume-form button[type=submit]');
  assert.match(await jw.page.textContent('#state'), /办理中/);
  for (const stage of ['初审', '专家评审', '公示推荐']) {
    if (stage !== '初审') {
      await jw.page.selectOption('#stage-form select[name=stage]', stage);
      await submit(jw.page, '#stage-form button[value=start]');
    }
    await jw.page.selectOption('#stage-form select[name=stage]', stage);
    await submit(jw.page, '#stage-form button[value=finish_stage]');
  }
  const stages = await jw.page.$$eval('#stages tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
  );
  assert.equal(stages.length, 3);
  for (const s of stages) assert.match(s[2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, `${s[0]} finished with a time`);
  await jw.page.fill('#finish-form textarea[name=text]', '已推荐至市经信委');
  await submit(jw.page, '#finish-form button[type=submit]');
  assert.equal((await jw.page.textContent('#colour')).trim(), '已办结');
  const kinds = await jw.page.$$eval('#events li', (lis) => lis.map((li) => li.dataset.kind));
  for (const k of ['filed', 'assigned', 'stage_started', 'paused', 'resumed', 'stage_finished', 'done']) {
    assert.ok(kinds.includes(k), `history shows ${k}`);
  }
  const link = await jw.page.getAttribute('#rating-link', 'href');
  assert.equal(link.slice(0, demo.base.length), demo.base, 'a full address the enterprise can open');
  assert.match(link.slice(demo.base.length), new RegExp(`^/rate/${id}/[0-9a-f]{64}$`));
  await screenshot(jw.page, 'service-request-desktop');

  // The enterprise rates it in a browser that never logged in.
  const anon = await demo.newContext(PHONE);
  const rp = await anon.newPage();
  await rp.goto(link);
  assert.equal((await rp.textContent('#title')).trim(), '浏览器测试申报专精特新');
  assert.equal((await rp.textContent('#enterprise')).trim(), '上海昱章电气成套设备有限公司');
  const text = await rp.textContent('body');
  assert.ok(!text.includes('测试店小二') && !text.includes('审计报告'), 'nothing beyond the title and the enterprise');
  assert.equal(await rp.$('#sidebar'), null);
  await screenshot(rp, 'service-rate-phone');
  await rp.check('input[name=rating][value="5"]');
  await rp.fill('textarea[name=comment]', '专人跟进，很及时');
  await Promise.all([rp.waitForNavigation(), rp.click('#rate-form button[type=submit]')]);
  assert.match(await rp.textContent('#rate-message'), /感谢/);
  await rp.goto(link);
  assert.match(await rp.textContent('#already'), /已评价：5 星/);
  assert.equal(await rp.$('#rate-form'), null, 'rated once only');
  // A wrong token is not found.
  const bad = await rp.goto(`${demo.base}/rate/${id}/${'0'.repeat(64)}`);
  assert.equal(bad.status(), 404);
  await anon.close();

  await jw.page.goto(url);
  assert.match(await jw.page.textContent('#rating'), /5 星/);
  await qiye.context.close();
  await jw.context.close();
});

test('the demo shows all four colours, the district admin’s 超期督办 list, and a report whose figures open their requests', async () => {
  const { context, page } = await demo.login('admin');
  await page.goto(`${demo.base}/services`);
  const colours = await page.$$eval('#requests tbody tr', (trs) => [...new Set(trs.map((tr) => tr.dataset.colour))].sort());
  assert.deepEqual(colours, ['blue', 'green', 'red', 'yellow']);
  await screenshot(page, 'services-desktop');
  // Red requests were escalated when first read; the district admin filters them.
  await page.check('input[name=escalated]');
  await Promise.all([page.waitForURL(/escalated=1/), page.click('#filter button[type=submit]')]);
  const escalated = await total(page);
  assert.ok(escalated > 0);
  const first = await page.getAttribute('#requests tbody tr:first-child a', 'href');
  await page.goto(`${demo.base}${first}`);
  assert.ok(await page.$('#escalated'));
  assert.ok(await page.$('#events li[data-kind="escalated"]'));

  await page.goto(`${demo.base}/services/report`);
  const figures = await page.$$eval('#report tbody tr a.count', (as) =>
    as.slice(0, 6).map((a) => ({ href: a.getAttribute('href'), n: Number(a.textContent.trim()) })),
  );
  assert.ok(figures.length > 0);
  for (const f of figures) {
    await page.goto(`${demo.base}${f.href}`);
    assert.equal(await total(page), f.n, f.href);
  }
  await page.goto(`${demo.base}/services/report`);
  assert.match(await page.textContent('#stage-report'), /拿地/);
  const { path } = await download(page, '#export');
  const rows = await readXlsx(path);
  assert.ok(rows.some((r) => r.includes('部门')), 'the export has its header');
  await context.close();
});

test('the 经委 department head is told of its overdue requests and opens its 超期督办 list', async () => {
  const { context, page } = await demo.login('jwhead');
  const notice = await page.textContent('#overdue-requests');
  assert.match(notice, /已提请您督办/);
  const n = Number(notice.match(/(\d+)\s*件/)[1]);
  assert.ok(n > 0, 'the demo has an overdue 经委 request');
  await Promise.all([page.waitForURL(/escalated=1/), page.click('#overdue-requests a')]);
  assert.equal(await total(page), n, 'the list behind the notice has as many');
  assert.ok(await page.isChecked('input[name=escalated]'));
  const departments = await page.$$eval('#requests tbody td[data-label="办理部门"]', (tds) => [...new Set(tds.map((td) => td.textContent.trim().split('（')[0]))]);
  assert.equal(departments.length, 1, `only its own department: ${departments}`);
  await context.close();
});

test('the service pages read at 390 px without sideways scrolling', async () => {
  const { context, page } = await demo.login('jingwei', PHONE);
  for (const path of ['/services', '/services/catalogue', '/services/report', '/services/calendar']) {
    await page.goto(`${demo.base}${path}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width} px wide`);
  }
  await page.goto(`${demo.base}/services`);
  await screenshot(page, 'services-phone');
  const href = await page.getAttribute('#requests tbody tr:first-child a', 'href');
  await page.goto(`${demo.base}${href}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `request page is ${width} px wide`);
  await screenshot(page, 'service-request-phone');
  await context.close();
});
