// 名誉村主任 and talent (issue #14) in the browser, at 390 px: 朱泾镇's account (the town's
// 综合工作党委) adds a mandatory action to its list, completes the 五有 checklist of a
// nominee, appoints the head to a village with a term that began 60 days ago, and the new
// mandatory action (due 30 days after the term's start) shows on the tracker's overdue list
// and in the village's summary. The talent page and a head's page read without sideways
// scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE, submit, beijingDay } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const ACTION = '向村民代表通报结对项目进展（浏览器测试）';

test('the town appoints a village head and an overdue mandatory action shows on the tracker', async () => {
  const town = await demo.login('zhujing', PHONE);
  const p = town.page;
  await demo.fitsPhone(p, '/bodies/villages');
  assert.doesNotMatch(await p.textContent('#overdue'), /顾晓东/);

  // The town's list of mandatory actions: one more, due 30 days after a term starts.
  await p.fill('#mandatory-form input[name=name]', ACTION);
  await p.fill('#mandatory-form input[name=due_days]', '30');
  await submit(p, '#mandatory-form button[type=submit]');
  assert.match(await p.textContent('#mandatory'), /向村民代表通报结对项目进展/);

  // 顾晓东 is nominated and checked by the 综合工作党委 only: the chamber's five lines.
  await Promise.all([p.waitForNavigation(), p.click('#heads a:has-text("顾晓东")')]);
  const headPath = new URL(p.url()).pathname;
  await demo.fitsPhone(p, headPath);
  const items = await p.$$eval('#check-form select[name=item] option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(items.length, 5);
  for (const item of items) {
    await p.selectOption('#check-form select[name=item]', item);
    await p.selectOption('#check-form select[name=checker]', { label: '镇商会' });
    await p.selectOption('#check-form select[name=passed]', 'yes');
    await submit(p, '#check-form button[type=submit]');
  }
  assert.doesNotMatch(await p.textContent('#checks'), /未审核/);
  await submit(p, '#head form.inline button:has-text("审核通过")');
  assert.equal((await p.textContent('#head-state')).trim(), '审核通过');

  // The appointment: a village of 朱泾, a term that began 60 days ago, the pairing mode.
  await p.selectOption('#appoint-form select[name=village]', { label: '大茫村' });
  await p.fill('#appoint-form input[name=term_start]', beijingDay(-60));
  await p.fill('#appoint-form input[name=term_end]', beijingDay(3 * 365));
  await p.selectOption('#appoint-form select[name=pairing]', { label: '产业带村' });
  await submit(p, '#appoint-form button[type=submit]');
  assert.equal((await p.textContent('#head-state')).trim(), '已聘任');
  const row = p.locator('#actions tbody tr', { hasText: '向村民代表通报结对项目进展' });
  assert.match(await row.textContent(), /逾期/);
  await demo.fitsPhone(p, headPath);
  await screenshot(p, 'villages-head-phone');

  // The tracker's list: the action, the head, the village, 30 days late.
  await demo.fitsPhone(p, '/bodies/villages');
  const late = p.locator('#overdue tbody tr', { hasText: '向村民代表通报结对项目进展' });
  assert.equal(await late.count(), 1);
  const text = await late.textContent();
  assert.match(text, /顾晓东/);
  assert.match(text, /大茫村/);
  assert.match(text, /30/);
  const summary = p.locator('#summary tbody tr', { hasText: '大茫村' });
  assert.match(await summary.textContent(), /产业带村/);
  await screenshot(p, 'villages-tracker-phone');
  await demo.fitsPhone(p, '/bodies/talent');
  assert.match(await p.textContent('#apartments'), /无|人才公寓/);
  await town.context.close();

  // The district sees the talent apartments of 方松, 岳阳, 泗泾 and 中山.
  const admin = await demo.login('admin', PHONE);
  await demo.fitsPhone(admin.page, '/bodies/talent');
  const apartments = await admin.page.textContent('#apartments');
  for (const place of ['方松', '岳阳', '泗泾', '中山']) assert.match(apartments, new RegExp(place));
  await screenshot(admin.page, 'talent-phone');
  await admin.context.close();
});

// The "1+8" of 正泰 read from the organisation tree, the committees' form (实体型 for
// Songjiang's, 活动型 for Jinshan's pilots) and the district facts on the index; the 王海云
// studio's page lists the activity held in its name; an activity at a talent apartment's
// service point is recorded on the activities form and shows on the talent page. At 390 px.
test('the 1+8 comes from the tree, a studio lists its activity, an apartment records one', async () => {
  const admin = await demo.login('admin', PHONE);
  const p = admin.page;
  await demo.fitsPhone(p, '/bodies');
  assert.match(await p.textContent('nav'), /名誉村主任/);
  const rows = p.locator('#clusters tbody tr');
  const formal = await rows.filter({ hasText: '正泰启迪' }).textContent();
  assert.match(formal, /实体型/);
  assert.match(await rows.filter({ hasText: '廊下·大云·广陈' }).textContent(), /活动型/);
  assert.match(await p.textContent('#facts'), /全区人才总量31万人/);

  await Promise.all([p.waitForNavigation(), p.click('#clusters a:has-text("正泰启迪")')]);
  await demo.fitsPhone(p, new URL(p.url()).pathname);
  const structure = await p.textContent('#structure');
  assert.match(structure, /1\+8/);
  assert.match(structure, /正泰电气股份有限公司党委/);
  assert.match(structure, /下设 15 个党组织/);
  assert.equal(await p.locator('#structure li.member').count(), 8);
  await screenshot(p, 'cluster-structure-phone');

  await demo.fitsPhone(p, '/bodies/talent');
  await Promise.all([p.waitForNavigation(), p.click('#studios a:has-text("王海云书记工作室")')]);
  await demo.fitsPhone(p, new URL(p.url()).pathname);
  assert.match(await p.textContent('#studio-activities'), /书记工作室智能制造技术攻关座谈/);
  await screenshot(p, 'studio-phone');

  // An activity at 方松's service point, through the activities capability's form.
  await demo.fitsPhone(p, '/bodies/talent');
  const fangsong = p.locator('#apartments article', { hasText: '方松' });
  await Promise.all([p.waitForNavigation(), fangsong.locator('a:has-text("记录服务点活动")').click()]);
  assert.match(await p.$eval('#activity-form select[name=organiser]', (s) => s.selectedOptions[0].textContent), /方松/);
  await p.selectOption('#activity-form select[name=kind]', 'theme_day');
  await p.fill('#activity-form input[name=subject]', '青年人才读书分享（浏览器测试）');
  await p.fill('#activity-form input[name=place]', '方松人才公寓党建服务站');
  await p.fill('#activity-form input[name=headcount]', '12');
  await submit(p, '#activity-form button[type=submit]');
  await demo.fitsPhone(p, '/bodies/talent');
  const after = await p.locator('#apartments article', { hasText: '方松' }).textContent();
  assert.match(after, /青年人才读书分享（浏览器测试）/);
  await admin.context.close();
});
