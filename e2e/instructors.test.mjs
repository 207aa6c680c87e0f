// Instructors (党建指导员, issue #13) in the browser: the 新桥 town admin registers an
// instructor (refused once for a missing field, typing kept), assigns it to the demo branch,
// and the branch secretary finds it on its organisation's page; the pages read at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const BRANCH = '上海昱章电气成套设备有限公司党支部';

test('a town admin registers and assigns an instructor, shown on the branch page', async () => {
  const { context, page } = await demo.login('xinqiao');
  await page.goto(`${demo.base}/people/instructors`);
  await page.fill('#instructor-form input[name=name]', '周明（测试）');
  await page.fill('#instructor-form input[name=source]', '新桥镇党委');
  await page.fill('#instructor-form textarea[name=duties]', '指导规范组织生活');
  await page.$eval('#instructor-form', (f) => f.noValidate = true);
  await Promise.all([page.waitForNavigation(), page.click('#instructor-form button[type=submit]')]);
  assert.match(await page.textContent('#form-error'), /资质：不能为空/);
  assert.equal(await page.inputValue('#instructor-form input[name=name]'), '周明（测试）', 'typing kept');
  await page.fill('#instructor-form textarea[name=qualifications]', '退休党务干部');
  await submit(page, '#instructor-form button[type=submit]');
  assert.match(page.url(), /\/people\/instructors\/\d+$/);
  const instructorUrl = page.url();

  const value = await page.$eval('#assign-form select[name=guided]', (s, name) =>
    [...s.options].find((o) => o.textContent.startsWith(name)).value, BRANCH);
  await page.selectOption('#assign-form select[name=guided]', value);
  await submit(page, '#assign-form button[type=submit]');
  assert.match(await page.textContent('#assignments'), new RegExp(BRANCH));
  await context.close();

  const branch = await demo.login('zhibu');
  const orgId = value.replace('org:', '');
  await branch.page.goto(`${demo.base}/orgs/${orgId}`);
  assert.match(await branch.page.textContent('#org-instructors'), /周明（测试）/);
  await Promise.all([branch.page.waitForNavigation(), branch.page.click('#org-instructors a')]);
  assert.equal(branch.page.url(), instructorUrl);
  assert.equal(await branch.page.$('#assign-form'), null, 'the branch reads, the town keeps');
  await branch.context.close();

  const phone = await demo.login('xinqiao', PHONE);
  for (const path of ['/people/instructors', instructorUrl.replace(demo.base, '')]) {
    await demo.fitsPhone(phone.page, path);
  }
  await phone.context.close();
});
