// Development (发展党员) and transfers in the browser: the demo branch secretary sees its
// organisation's pipeline by stage with what is due next, enters an applicant, records the
// steps, is warned (422, what was typed kept) for a talk later than a month after the
// application and for becoming a 发展对象 before a year as 积极分子, and finds its pending
// transfer to 泗泾; the pages read at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, PHONE, submit, beijingDay } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const BRANCH = '上海昱章电气成套设备有限公司党支部';

/** Records a step on the person's page; resolves to the response's status. */
async function step(page, n, day, docNumber = '') {
  await page.selectOption('#step-form select[name=step]', String(n));
  await page.fill('#step-form input[name=done_on]', day);
  await page.fill('#step-form input[name=doc_number]', docNumber);
  const [res] = await Promise.all([page.waitForNavigation(), page.click('#step-form button[type=submit]')]);
  return res.status();
}

test('a branch secretary moves an applicant through the steps and is warned of a step too early', async () => {
  const { context, page } = await demo.login('zhibu');
  await page.goto(`${demo.base}/people/development`);
  // The demo: an activist of more than a year, due to become a 发展对象.
  const activists = await page.textContent('#stage-activist');
  assert.match(activists, /陆振华/);
  const due = await page.textContent('#stage-activist tr:has-text("陆振华") td.due');
  assert.match(due, /可办理/);
  assert.match(await page.textContent('#stage-activist tr:has-text("陆振华")'), /第7步 确定发展对象/);

  await Promise.all([page.waitForNavigation(), page.click('#new-applicant')]);
  await page.fill('#applicant-form input[name=name]', '吴思远');
  await page.selectOption('#applicant-form select[name=category]', 'professional');
  await page.selectOption('#applicant-form select[name=org]', { label: BRANCH });
  await page.fill('#applicant-form input[name=done_on]', beijingDay(-40));
  await submit(page, '#applicant-form button[type=submit]');
  assert.match(page.url(), /\/people\/development\/\d+$/);
  const personUrl = page.url();
  assert.equal((await page.textContent('#stage')).trim(), '入党申请人');

  // The talk more than a month after the application: refused, naming the rule and the date.
  assert.equal(await step(page, 2, beijingDay(-5), '谈话〔2026〕1号'), 422);
  assert.match(await page.textContent('[data-for=done_on]'), /1个月内完成，最迟 \d{4}-\d{2}-\d{2}/);
  assert.equal(await page.inputValue('#step-form input[name=doc_number]'), '谈话〔2026〕1号', 'the form keeps what was typed');
  assert.equal(await step(page, 2, beijingDay(-20), '谈话〔2026〕1号'), 200);
  assert.equal(await page.$('.error-message'), null);
  for (const n of [3, 4, 5, 6]) {
    assert.equal(await step(page, n, beijingDay(-10)), 200, `step ${n}`);
  }
  assert.equal((await page.textContent('#stage')).trim(), '入党积极分子');
  assert.match(await page.textContent('#step-list tr[data-step="4"]'), /备案/);

  // 发展对象 today, ten days after becoming 积极分子: refused with the earliest date.
  assert.equal(await step(page, 7, beijingDay(0), '新桥委〔2026〕7号'), 422);
  const warning = await page.textContent('[data-for=done_on]');
  assert.match(warning, /第7步“确定发展对象”须在第3步“推荐和确定入党积极分子”（\d{4}-\d{2}-\d{2}）满1年之后，最早 \d{4}-\d{2}-\d{2}/);
  assert.equal(await page.inputValue('#step-form input[name=doc_number]'), '新桥委〔2026〕7号');
  assert.equal(await page.$$eval('#step-list tbody tr', (rows) => rows.length), 6, 'nothing saved');
  assert.match(await page.textContent('#next'), /第7步 确定发展对象，\d{4}-\d{2}-\d{2} 起/);

  await page.goto(`${demo.base}/people/development`);
  assert.match(await page.textContent('#stage-activist'), /吴思远/);

  // The demo's transfer from 新桥 to 泗泾 waits for the receiving side.
  await page.goto(`${demo.base}/people/transfers`);
  const outgoing = await page.textContent('#outgoing');
  assert.match(outgoing, /上海创远仪器技术股份有限公司党支部/);
  assert.match(outgoing, /待接收/);
  await context.close();

  const phone = await demo.login('zhibu', PHONE);
  for (const path of ['/people/development', personUrl.replace(demo.base, ''), '/people/development/new', '/people/transfers']) {
    await demo.fitsPhone(phone.page, path);
  }
  await phone.context.close();
});
