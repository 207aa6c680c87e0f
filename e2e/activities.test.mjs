// Activities (issue #13) in the browser: the demo branch secretary records a seminar with a
// neighbour firm that has no Party organisation (refused once for its headcount), and sees that firm's coverage go from 未覆盖
// to 仅工作覆盖 with no other entry, then corrects and withdraws it (the firm back to 未覆盖); the exceptions and figures pages open; every activity
// page reads at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE, submit, beijingDay } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });

test('a branch secretary records an activity with a branchless firm and sees its work coverage change', async () => {
  const { context, page } = await demo.login('zhibu');
  await page.goto(`${demo.base}/activities`);
  await Promise.all([page.waitForNavigation(), page.click('#new-activity')]);
  const firm = await page.$('#units label:has([data-coverage=uncovered])');
  assert.ok(firm, 'an uncovered neighbour firm is offered');
  const box = await firm.$('input[name=units]');
  const unitId = await box.getAttribute('value');
  const name = (await firm.textContent()).replace('未覆盖', '').trim();
  await box.check();
  await page.selectOption('#activity-form select[name=kind]', 'seminar');
  await page.fill('#activity-form input[name=subject]', '邻近企业党建工作座谈（测试）');
  await page.fill('#activity-form input[name=held_on]', beijingDay(0));
  await page.fill('#activity-form input[name=place]', '新桥镇党群服务中心');
  // A headcount that is no number first: refused by name, the ticked firm kept.
  await page.fill('#activity-form input[name=headcount]', '十几个');
  await Promise.all([page.waitForNavigation(), page.click('#activity-form button[type=submit]')]);
  assert.match(await page.textContent('[data-for=headcount]'), /参加人数：/);
  assert.ok(await page.isChecked(`#units input[value="${unitId}"]`), 'the form keeps the ticked firm');
  await page.fill('#activity-form input[name=headcount]', '12');
  await submit(page, '#activity-form button[type=submit]');
  assert.match(page.url(), /\/activities\/\d+$/);
  const row = page.locator(`#units tr[data-unit="${unitId}"]`);
  assert.match(await row.textContent(), new RegExp(name.slice(0, 6)));
  assert.equal(await row.locator('[data-coverage]').getAttribute('data-coverage'), 'work_only');
  assert.match(await row.textContent(), /仅工作覆盖/);
  const activityUrl = page.url();

  await page.goto(`${demo.base}/activities/new`);
  const again = page.locator(`#units label:has(input[value="${unitId}"]) [data-coverage]`);
  assert.equal(await again.getAttribute('data-coverage'), 'work_only', 'the form now shows it covered');

  // The organiser's side corrects the activity (the firm stays), then withdraws it: the firm's
  // work coverage goes with it.
  await page.goto(activityUrl);
  await Promise.all([page.waitForNavigation(), page.click('#edit-link')]);
  assert.ok(await page.isChecked(`#units input[value="${unitId}"]`), 'the edit form starts from the record');
  await page.fill('#activity-form input[name=subject]', '邻近企业党建工作座谈（更正）');
  await page.fill('#activity-form input[name=place]', '');
  await page.$eval('#activity-form', (f) => f.noValidate = true);
  await Promise.all([page.waitForNavigation(), page.click('#activity-form button[type=submit]')]);
  assert.match(await page.textContent('[data-for=place]'), /活动地点：不能为空/);
  assert.equal(await page.inputValue('#activity-form input[name=subject]'), '邻近企业党建工作座谈（更正）', 'typing kept');
  await page.fill('#activity-form input[name=place]', '新桥镇党群服务中心');
  await submit(page, '#activity-form button[type=submit]');
  assert.equal(page.url(), activityUrl);
  assert.match(await page.textContent('h1'), /（更正）/);
  assert.equal(await row.locator('[data-coverage]').getAttribute('data-coverage'), 'work_only');
  await page.fill('#withdraw-form input[name=reason]', '重复登记（测试）');
  page.once('dialog', (d) => d.accept());
  await submit(page, '#withdraw-form button[type=submit]');
  assert.match(await page.textContent('#withdrawn'), /重复登记（测试）/);
  assert.equal(await page.$('#withdraw-form'), null, 'a withdrawn activity is not changed again');
  assert.equal(await row.locator('[data-coverage]').getAttribute('data-coverage'), 'uncovered', 'no longer work-covered');
  await page.goto(`${demo.base}/activities`);
  assert.doesNotMatch(await page.textContent('main'), /邻近企业党建工作座谈/);

  await page.goto(`${demo.base}/activities/exceptions`);
  assert.match(await page.textContent('#exceptions'), /上海昱章电气成套设备有限公司党支部/);
  assert.match(await page.textContent('#exceptions'), /支部委员会/);
  await page.goto(`${demo.base}/activities/figures`);
  assert.match(await page.textContent('#coverage-check'), /（一致）/);
  await context.close();

  const phone = await demo.login('zhibu', PHONE);
  for (const path of ['/activities', activityUrl.replace(demo.base, ''), '/activities/new', '/activities/exceptions', '/activities/figures']) {
    await demo.fitsPhone(phone.page, path);
  }
  await phone.page.goto(activityUrl);
  await screenshot(phone.page, 'activity-phone');
  await phone.context.close();
});

test('the search box above the firms finds others by name and keeps the ticked ones; the talent form finds its firm too', async () => {
  const { context, page } = await demo.login('zhibu');
  await page.goto(`${demo.base}/activities/new`);
  const labels = page.locator('#unit-checks label');
  assert.ok((await labels.count()) >= 2, 'the branch secretary is offered firms');
  const ticked = await labels.nth(0).locator('input').getAttribute('value');
  await labels.nth(0).locator('input').check();
  const other = (await labels.nth(1).textContent()).trim();
  const part = other.replace(/^上海/, '').slice(0, 3);
  const answer = page.waitForResponse((r) => r.url().includes('/units/choices?for=activities'));
  await page.fill('#units input.unit-search', part);
  assert.equal((await answer).status(), 200);
  await page.waitForFunction((p) => [...document.querySelectorAll('#unit-checks label')].slice(1).every((l) => l.textContent.includes(p)), part);
  assert.ok(await page.isChecked(`#unit-checks input[value="${ticked}"]`), 'the ticked firm stays ticked');
  assert.match(await page.textContent('#unit-checks'), new RegExp(part));

  // The same for the members (参加党员) under their fold.
  await page.click('details:has(#member-checks) summary');
  const people = page.locator('#member-checks label');
  assert.ok((await people.count()) >= 2, 'the branch secretary is offered members');
  const present = await people.nth(0).locator('input').getAttribute('value');
  await people.nth(0).locator('input').check();
  const who = (await people.nth(1).textContent()).trim().slice(0, 1);
  const heard = page.waitForResponse((r) => r.url().includes('/units/choices?for=members'));
  await page.fill('#attendees input.unit-search', who);
  assert.equal((await heard).status(), 200);
  await page.waitForFunction((w) => [...document.querySelectorAll('#member-checks label')].slice(1).every((l) => l.textContent.includes(w)), who);
  assert.ok(await page.isChecked(`#member-checks input[value="${present}"]`), 'the ticked member stays ticked');
  await context.close();

  const admin = await demo.login('xinqiao');
  await admin.page.goto(`${demo.base}/bodies/talent`);
  const select = admin.page.locator('select[name=enterprise]');
  const first = (await select.locator('option').nth(1).textContent()).trim();
  const word = first.replace(/^上海/, '').slice(0, 3);
  const found = admin.page.waitForResponse((r) => r.url().includes('/units/choices?for=bodies'));
  await admin.page.fill('.unit-picker:has(select[name=enterprise]) input.unit-search', word);
  await found;
  await admin.page.waitForFunction(
    (w) => [...document.querySelectorAll('select[name=enterprise] option')].slice(1).every((o) => o.disabled || o.textContent.includes(w)),
    word,
  );
  await admin.page.selectOption('select[name=enterprise]', { index: 1 });
  assert.match(await admin.page.locator('select[name=enterprise] option:checked').textContent(), new RegExp(word));
  await admin.context.close();
});

test('the cluster secretary finds the demo matching meeting whose needs became listings', async () => {
  const { context, page } = await demo.login('zhuangbei');
  await page.goto(`${demo.base}/activities?kind=matching`);
  await Promise.all([page.waitForNavigation(), page.click('#activities tbody a')]);
  const issues = await page.textContent('#issues');
  assert.match(issues, /寻找精密零部件加工协作单位/);
  await Promise.all([page.waitForNavigation(), page.click('#issues li a')]);
  assert.match(page.url(), /\/listings\/\d+$/);
  await context.close();
});

test('roles without activities are not offered them', async () => {
  const { context, page } = await demo.login('jingwei');
  assert.equal(await page.$('nav a[href="/activities"]'), null);
  const res = await page.goto(`${demo.base}/activities`);
  assert.equal(res.status(), 403);
  await context.close();
});
