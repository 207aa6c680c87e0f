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
