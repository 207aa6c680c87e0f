// Working bodies (issue #14) in the browser, at 390 px: the 新桥 town admin grants the
// equipment cluster committee a power and the cluster's secretary logs a use of it; the town
// admin raises an issue in the 同心园 alliance for the economic commission, whose officer
// solves it, and the alliance's figures change (one more solved, one fewer open). Every
// page of the capability reads without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, screenshot, PHONE, submit } from './lib.mjs';

const demo = demoSession({ enterprises: 300 });
const CLUSTER = '新桥现代装备产业集群党委';

/** The number a figure of the alliance page shows. */
async function figure(page, id) {
  return Number((await page.textContent(`#${id} .num`)).trim());
}

test('a power is granted and used; an alliance issue is raised and solved and the figures move', async () => {
  const town = await demo.login('xinqiao', PHONE);
  const tp = town.page;
  await demo.fitsPhone(tp, '/bodies');
  await Promise.all([tp.waitForNavigation(), tp.click(`#clusters a:has-text("${CLUSTER}")`)]);
  const clusterPath = new URL(tp.url()).pathname;
  await tp.selectOption('#grant-form select[name=scope]', { label: '建议咨询' });
  await tp.fill('#grant-form textarea[name=content]', '就集群企业人才公寓配置提出建议');
  await tp.fill('#grant-form input[name=granted_by]', '新桥镇党委');
  await tp.fill('#grant-form input[name=document_no]', '新委〔2026〕3号');
  await tp.fill('#grant-form input[name=granted_on]', '2026-01-05');
  await submit(tp, '#grant-form button[type=submit]');
  assert.match(await tp.textContent('#powers'), /新委〔2026〕3号/);
  await demo.fitsPhone(tp, clusterPath);
  await screenshot(tp, 'bodies-cluster-phone');

  const sec = await demo.login('zhuangbei', PHONE);
  const sp = sec.page;
  await sp.goto(`${demo.base}${clusterPath}`);
  await sp.selectOption('#use-form select[name=power]', { label: '建议咨询：就集群企业人才公寓配置提出建议' });
  await sp.fill('#use-form input[name=used_on]', '2026-03-02');
  await sp.fill('#use-form input[name=matter]', '人才公寓配置方案征求意见');
  await sp.fill('#use-form input[name=concerned]', '新桥镇人民政府');
  await sp.fill('#use-form textarea[name=outcome]', '建议增设集群企业专项房源，已采纳');
  await submit(sp, '#use-form button[type=submit]');
  assert.match(await sp.textContent('#uses'), /建议增设集群企业专项房源，已采纳/);
  await sp.goto(`${demo.base}${clusterPath.replace('/bodies', '')}`);
  assert.match(await sp.textContent('#cluster-powers'), /就集群企业人才公寓配置提出建议/);
  await sec.context.close();

  // The 同心园 alliance: raise an issue for 区经委.
  await tp.goto(`${demo.base}/bodies`);
  await Promise.all([tp.waitForNavigation(), tp.click('#alliances a:has-text("同心园")')]);
  const alliancePath = new URL(tp.url()).pathname;
  await demo.fitsPhone(tp, alliancePath);
  const [solved, open] = [await figure(tp, 'resolved'), await figure(tp, 'open')];
  await tp.fill('#issue-form input[name=title]', '集群企业技改项目申报辅导');
  await tp.selectOption('#issue-form select[name=raised_by]', { index: 1 });
  await tp.selectOption('#issue-form select[name=owner]', { label: '上海市松江区经济委员会' });
  await submit(tp, '#issue-form button[type=submit]');
  assert.match(tp.url(), /\/issues\?state=open$/);
  await tp.goto(`${demo.base}${alliancePath}`);
  assert.equal(await figure(tp, 'open'), open + 1);
  await screenshot(tp, 'bodies-alliance-phone');

  // The commission's officer solves it from the list of open issues.
  const officer = await demo.login('jingwei', PHONE);
  const op = officer.page;
  await demo.fitsPhone(op, `${alliancePath}/issues?state=open`);
  const row = op.locator('#issues tbody tr', { hasText: '集群企业技改项目申报辅导' });
  assert.equal(await row.count(), 1);
  await row.locator('select[name=action]').selectOption('resolve');
  await row.locator('textarea[name=answer]').fill('已组织专场辅导');
  await Promise.all([op.waitForNavigation(), row.locator('button[type=submit]').click()]);
  assert.equal(await op.$('.error-message'), null);
  await officer.context.close();

  await tp.goto(`${demo.base}${alliancePath}`);
  assert.equal(await figure(tp, 'resolved'), solved + 1);
  assert.equal(await figure(tp, 'open'), open);
  await Promise.all([tp.waitForNavigation(), tp.click('#resolved')]);
  assert.match(await tp.textContent('#issues'), /已组织专场辅导/);
  await demo.fitsPhone(tp, `${alliancePath}/issues?state=resolved`);
  await town.context.close();
});
