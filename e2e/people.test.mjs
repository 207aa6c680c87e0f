// Members (党员, issue #13) in the browser: the demo branch secretary finds its roster (the
// demo's synthetic members, masked), adds a member through the form (refused once for a wrong
// check character, keeping what was typed), reveals the number with a reason, imports a
// roster of two, and sees the organisation's count follow the roster; the member pages read
// at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const BRANCH = '上海昱章电气成套设备有限公司党支部';

/** A synthetic 公民身份号码: 17 characters and their check character. */
function idNumber(body) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const C = '10X98765432';
  const sum = [...body].reduce((s, c, i) => s + Number(c) * W[i], 0);
  return body + C[sum % 11];
}

async function total(page) {
  const m = (await page.textContent('#total')).match(/共\s*(\d+)\s*人/);
  return Number(m[1]);
}

test('a branch secretary adds a member, reveals the number with a reason and imports a roster', async () => {
  const { context, page } = await demo.login('zhibu');
  await page.goto(`${demo.base}/members`);
  const before = await total(page);
  assert.ok(before > 0, 'the demo roster is there');
  const listed = await page.textContent('#members tbody');
  assert.match(listed, /\d{6}\*{8}\d{3}[\dX]/, 'ID numbers are masked');
  assert.doesNotMatch(listed, /\d{17}[\dX]/, 'no full ID number on the list');

  const id = idNumber('31011719880512031');
  const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
  await Promise.all([page.waitForNavigation(), page.click('#new-member')]);
  await page.fill('#member-form input[name=name]', '陆晓明');
  await page.fill('#member-form input[name=id_number]', wrong);
  await page.fill('#member-form input[name=phone]', '13917654321');
  await page.selectOption('#member-form select[name=category]', 'professional');
  await page.selectOption('#member-form select[name=education]', 'bachelor');
  await page.fill('#member-form input[name=joined_on]', '2012-07-01');
  await page.selectOption('#member-form select[name=org]', { label: BRANCH });
  await page.fill('#member-form input[name=work_unit]', '上海自润轴承有限公司');
  await Promise.all([page.waitForNavigation(), page.click('#member-form button[type=submit]')]);
  assert.match(await page.textContent('[data-for=id_number]'), /校验位错误/);
  assert.equal(await page.inputValue('#member-form input[name=name]'), '陆晓明', 'the form keeps what was typed');
  assert.equal(await page.inputValue('#member-form input[name=work_unit]'), '上海自润轴承有限公司');
  await page.fill('#member-form input[name=id_number]', id);
  await submit(page, '#member-form button[type=submit]');
  assert.match(page.url(), /\/members\/\d+$/);
  const memberUrl = page.url();
  assert.equal((await page.textContent('#id-number')).trim(), `${id.slice(0, 6)}********${id.slice(14)}`);
  assert.equal((await page.textContent('#phone')).trim(), '139****4321');

  await page.fill('#reveal-form input[name=reason]', '核对组织关系转接材料');
  await submit(page, '#reveal-form button[type=submit]');
  assert.equal((await page.textContent('#id-number')).trim(), id);
  assert.match(await page.textContent('#revealed'), /已记入审计日志/);

  await page.goto(`${demo.base}/members/import`);
  const csv = [
    '姓名,身份证号码,人员类别,入党日期,党员类别,所属党组织,工作单位',
    `沈佳怡,${idNumber('31011719950823042')},专业技术人员,2020-06-30,正式,${BRANCH},上海昱章电气成套设备有限公司`,
    `钱振华,${idNumber('31011719920314051')},产业工人,2026-03-01,预备,${BRANCH},上海昱章电气成套设备有限公司`,
    `孙一鸣,12345,产业工人,2020-06-30,正式,${BRANCH},`,
  ].join('\n');
  await page.setInputFiles('#import-form input[type=file]', { name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForNavigation(), page.click('#import-form button[type=submit]')]);
  assert.match(await page.textContent('#counts'), /新增 2 人，更新 0 人，未变 0 人，未导入 1 行/);
  assert.match(await page.textContent('#rejects'), /第4行：身份证号码/);
  await page.goto(`${demo.base}/members`);
  assert.equal(await total(page), before + 3);
  await page.goto(`${demo.base}/orgs`);
  await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${BRANCH}")`)]);
  assert.match(await page.textContent('#members-count'), new RegExp(`^${before + 3} 名\\s*按党员名册`));
  await context.close();

  const phone = await demo.login('zhibu', PHONE);
  for (const path of ['/members', memberUrl.replace(demo.base, ''), '/members/new', '/members/import']) {
    await demo.fitsPhone(phone.page, path);
  }
  await phone.page.goto(`${demo.base}/members`);
  await screenshot(phone.page, 'members-phone');
  await phone.context.close();
});

test('roles without members are not offered the roster', async () => {
  const { context, page } = await demo.login('jingwei');
  assert.equal(await page.$('nav a[href="/members"]'), null);
  const res = await page.goto(`${demo.base}/members`);
  assert.equal(res.status(), 403);
  await context.close();
});
