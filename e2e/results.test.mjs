// Results in the browser: the 新桥 equipment cluster's secretary imports a figures file (one
// good row, one refused by its line and column), opens the cluster's scorecard for 2021年上半年
// (the demo's tax, 5.1158亿元, +48.3 % year on year, as the report says), follows the tax figure
// to the enterprises' figures behind it, then the new period's scorecard and a chain figure to
// its records; every results page reads at 390 px without sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { demoSession, PHONE, download, readXlsx, screenshot } from './lib.mjs';

const demo = demoSession();

async function writeXlsx(path, rows) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('指标');
  rows.forEach((r) => sheet.addRow(r));
  await book.xlsx.writeFile(path);
}

test('import figures, open the scorecard, follow a figure to its records; the pages fit a phone', async () => {
  const { page } = await demo.login('zhuangbei');
  await page.goto(`${demo.base}/results?period=2021H1`);
  const link = await page.$eval('#clusters a.button', (a) => a.getAttribute('href'));
  const cluster = link.match(/\/results\/clusters\/(\d+)/)[1];

  // The scorecard of 2021年上半年: the cluster's tax as the report gives it.
  await page.goto(`${demo.base}/results/clusters/${cluster}?period=2021H1`);
  assert.equal((await page.textContent('#figure-tax a.drill')).trim(), '5.1158亿元');
  assert.match(await page.textContent('#figure-tax'), /\+48\.3%/);
  assert.match(await page.textContent('#figure-tax'), /截至 2021-06-30/);
  await screenshot(page, 'results-scorecard');

  // Follow the figure to the enterprises' figures it sums: one row per member, summing to it.
  await Promise.all([page.waitForNavigation(), page.click('#figure-tax a.drill')]);
  assert.match(page.url(), /\/results\/figures\?cluster=\d+&period=2021H1&indicator=tax/);
  const rows = await page.$$eval('#figures tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  const members = Number((await page.textContent('#figure-count')).match(/共 (\d+) 项/)[1]);
  assert.equal(rows.length, members);
  assert.ok(members >= 20, `${members} members with figures`);
  const wan = rows.map((r) => r[3]).map((t) => (t.endsWith('亿元') ? parseFloat(t) * 10000 : parseFloat(t)));
  assert.ok(Math.abs(wan.reduce((a, b) => a + b, 0) - 51158) < 1, `sum ${wan.reduce((a, b) => a + b, 0)} 万元`);
  const sige = rows.find((r) => r[0].includes('世格'));
  assert.ok(sige, 'a row for 世格流体');
  assert.equal(sige[3], '1.31亿元');
  assert.equal(sige[5], '+93.3%');

  // The member's USCC, from its page: the file's good row is for it.
  await Promise.all([page.waitForNavigation(), page.click('#figures tbody tr:has-text("世格") a')]);
  const uscc = (await page.textContent('main')).match(/[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}/)[0];

  // Import: 2022年上半年 for 世格 in 万元; a second row with a broken code refused by line and column.
  const dir = mkdtempSync(join(tmpdir(), 'qunlian-results-'));
  const file = join(dir, '2022上半年经济指标.xlsx');
  await writeXlsx(file, [
    ['信用代码', '企业名称', '期间', '纳税额（万元）', '营收（万元）', '职工人数'],
    [uscc, '世格流体', '2022年上半年', 15720, 98000, 460],
    ['91310117XXXXXXXXXX', '无名', '2022年上半年', 1, '', ''],
  ]);
  await page.goto(`${demo.base}/results/import`);
  await page.setInputFiles('input[type=file][name=file]', file);
  await Promise.all([page.waitForSelector('#import-done'), page.click('#import-form button[type=submit]')]);
  assert.match(await page.textContent('#import-counts'), /保存 1 行：新增 3 项指标/);
  assert.match(await page.textContent('#import-rejects'), /第3行：A列“信用代码”：统一社会信用代码/);
  const template = await download(page, 'a#template');
  assert.deepEqual((await readXlsx(template.path))[1].slice(0, 4), ['统一社会信用代码', '企业名称', '期间', '单位']);

  // The new period's scorecard: the imported tax, compared with 2021年上半年's.
  await page.goto(`${demo.base}/results/clusters/${cluster}?period=2022H1`);
  assert.equal((await page.textContent('#figure-tax a.drill')).trim(), '1.572亿元');
  assert.match(await page.textContent('#figure-tax'), /同比按两期均有数据的1家企业计算/);
  assert.match(await page.textContent('#figure-tax'), /\+20\.0%/);
  await Promise.all([page.waitForNavigation(), page.click('#figure-tax a.drill')]);
  assert.equal(await page.$$eval('#figures tbody tr', (trs) => trs.length), 1);
  assert.match(await page.textContent('#figures'), /2022年上半年.*1\.572亿元.*1\.31亿元.*\+20\.0%.*2022上半年经济指标\.xlsx/s);

  // A chain figure opens its records: as many rows as the figure counts.
  await page.goto(`${demo.base}/results/clusters/${cluster}?period=2026H1`);
  const intros = Number((await page.textContent('#figure-introductions a.drill')).trim());
  await Promise.all([page.waitForNavigation(), page.click('#figure-introductions a.drill')]);
  assert.equal(await page.$$eval('#records tbody tr a', (as) => as.length), intros);
  await page.goto(`${demo.base}/results/clusters/${cluster}?period=2026H1`);
  const members2 = Number((await page.textContent('#figure-members a.drill')).trim());
  await Promise.all([page.waitForNavigation(), page.click('#figure-members a.drill')]);
  assert.equal(await page.$$eval('#records tbody tr a', (as) => as.length), members2);
  assert.ok(members2 >= 20);

  // At 390 px.
  const phone = await demo.login('zhuangbei', PHONE);
  for (const path of [
    '/results',
    `/results/clusters/${cluster}?period=2021H1`,
    `/results/figures?cluster=${cluster}&period=2021H1&indicator=tax`,
    `/results/clusters/${cluster}/records?period=2026H1&of=members`,
    '/results/import',
  ]) {
    await demo.fitsPhone(phone.page, path);
  }
  await phone.page.goto(`${demo.base}/results/clusters/${cluster}?period=2021H1`);
  await screenshot(phone.page, 'results-scorecard-phone');
});
