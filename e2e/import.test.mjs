// Batch import through the browser: an .xlsx with a merged title, a UTF-8 CSV and a GBK CSV,
// each with good and bad rows; the bad ones are named by line and reason, the good ones land,
// and a re-run changes nothing. Then the audit log: closed to the administrator, open to the
// auditor, and recording the import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { startServer, launch, login, listTotal, download, readXlsx, uscc, badUscc } from './lib.mjs';

let server;
let browser;
let dir;
before(async () => {
  server = await startServer();
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'qunlian-import-'));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const HEADER = ['企业名称', '统一社会信用代码', '所属街镇', '从业人数', '是否高新技术企业', '注册地址'];

/**
 * A title line, the header, two good rows (the second with a town written without 镇 and
 * full-width digits), one wrong USCC checksum (line 5), one unknown town (line 6), and a
 * total line that is skipped.
 */
const CODE = { XLS: '1', UTF: '2', GBK: '3' };
function sheetRows(tag) {
  // 17-character bodies: 9 1 · 310117 · E2 + file digit + 00000 + row digit.
  const body = (n) => `91310117E2${CODE[tag]}00000${n}`;
  return [
    [`2026年新登记企业名单（${tag}）`],
    HEADER,
    [`上海${tag}测试一号有限公司`, uscc(body(1)), '新桥镇', '120', '是', '上海市松江区新桥镇新茸路1号'],
    [`上海${tag}测试二号有限公司`, uscc(body(2)), '九亭', '８０', '否', '上海市松江区九亭镇沪亭北路2号'],
    [`上海${tag}校验错误有限公司`, badUscc(body(3)), '新桥镇', '10', '否', ''],
    [`上海${tag}未知街镇有限公司`, uscc(body(4)), '火星镇', '10', '否', ''],
    ['合计', '', '', '220', '', ''],
  ];
}
const GOOD = 2;
const REJECT_LINES = ['5', '6'];

function csvField(v) {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
function csv(rows) {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

async function writeXlsx(path, rows) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名录');
  rows.forEach((r) => sheet.addRow(r));
  sheet.mergeCells(1, 1, 1, HEADER.length);
  await book.xlsx.writeFile(path);
}

/** Upload → preview → confirm; returns what each step shows. */
async function importFile(page, file) {
  await page.goto(`${server.base}/import`);
  await page.setInputFiles('input[type=file][name=file]', file);
  await Promise.all([page.waitForSelector('#preview-summary'), page.click('button:has-text("预览")')]);
  const summary = (await page.textContent('#preview-summary')).trim();
  const rejectLines = (await page.$('#rejects'))
    ? await page.$$eval('#rejects tbody tr', (trs) => trs.map((tr) => tr.querySelector('td').textContent.trim()))
    : [];
  const reasons = (await page.$('#rejects')) ? await page.textContent('#rejects') : '';
  await Promise.all([page.waitForSelector('#import-result'), page.click('button:has-text("确认导入")')]);
  const result = (await page.textContent('#import-result')).trim();
  return { summary, rejectLines, reasons, result };
}

test('the template downloads as an .xlsx with the canonical headers', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  await page.goto(`${server.base}/import`);
  const file = await download(page, 'a#template');
  assert.match(file.name, /\.xlsx$/);
  const cells = (await readXlsx(file.path)).flat();
  for (const h of ['企业名称', '统一社会信用代码', '所属街镇']) assert.ok(cells.includes(h), `the template has ${h}`);
  await context.close();
});

test('an .xlsx import keeps the good rows, names the bad ones, and a re-run changes nothing', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  const rows = sheetRows('XLS');
  const xlsx = join(dir, '新登记企业.xlsx');
  await writeXlsx(xlsx, rows);

  const first = await importFile(page, xlsx);
  assert.match(first.summary, new RegExp(`可导入 ${GOOD} 行，有问题 2 行`));
  assert.deepEqual(first.rejectLines, REJECT_LINES);
  assert.match(first.reasons, /信用代码/, 'the checksum row says what is wrong');
  assert.match(first.reasons, /街镇|火星镇/, 'the unknown-town row says what is wrong');
  assert.match(first.result, /新增 2，更新 0，未变 0，拒绝 2/);

  // The bad rows come back as an .xlsx to correct and import again.
  const rejects = await download(page, 'a#rejects-xlsx');
  assert.match(rejects.name, /\.xlsx$/);
  const back = (await readXlsx(rejects.path)).flat().join('|');
  assert.ok(back.includes(rows[4][0]), 'the rejects file has the checksum row');
  assert.ok(back.includes(rows[5][0]), 'the rejects file has the unknown-town row');
  assert.ok(!back.includes(rows[2][0]), 'the rejects file leaves out the good rows');

  const again = await importFile(page, xlsx);
  assert.match(again.summary, new RegExp(`可导入 ${GOOD} 行，有问题 2 行`));
  assert.match(again.result, /新增 0，更新 0，未变 2，拒绝 2/);

  // The same rows as a GBK CSV, as Excel saves it on a Chinese Windows: nothing new.
  const gbk = join(dir, '名录-gbk.csv');
  writeFileSync(gbk, iconv.encode(csv(rows), 'gbk'));
  const viaGbk = await importFile(page, gbk);
  assert.match(viaGbk.summary, new RegExp(`可导入 ${GOOD} 行，有问题 2 行`));
  assert.deepEqual(viaGbk.rejectLines, REJECT_LINES);
  assert.match(viaGbk.result, /新增 0，更新 0，未变 2，拒绝 2/);

  await page.goto(`${server.base}/enterprises?q=${encodeURIComponent('XLS测试')}`);
  assert.equal(await listTotal(page), 2);
  const towns = await page.$$eval('#results tbody td.town', (tds) => tds.map((t) => t.textContent.trim()).sort());
  assert.deepEqual(towns, ['九亭镇', '新桥镇'], '九亭 is read as 九亭镇');
  await context.close();
});

test('CSV imports in UTF-8 and in GBK land new rows once', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  for (const [tag, encode] of [
    ['UTF', (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])], // Excel's “CSV UTF-8” has a BOM
    ['GBK', (text) => iconv.encode(text, 'gbk')],
  ]) {
    const file = join(dir, `名录-${tag}.csv`);
    writeFileSync(file, encode(csv(sheetRows(tag))));
    const first = await importFile(page, file);
    assert.match(first.summary, new RegExp(`可导入 ${GOOD} 行，有问题 2 行`), tag);
    assert.deepEqual(first.rejectLines, REJECT_LINES, tag);
    assert.match(first.result, /新增 2，更新 0，未变 0，拒绝 2/, tag);
    const again = await importFile(page, file);
    assert.match(again.result, /新增 0，更新 0，未变 2，拒绝 2/, tag);

    await page.goto(`${server.base}/enterprises?q=${encodeURIComponent(`${tag}测试`)}`);
    assert.equal(await listTotal(page), 2, tag);
    const names = await page.$$eval('#results tbody tr a[href^="/enterprises/"]', (as) => as.map((a) => a.textContent.trim()).sort());
    assert.deepEqual(names, [`上海${tag}测试一号有限公司`, `上海${tag}测试二号有限公司`], `${tag}: names read without mojibake`);
  }
  await context.close();
});

test('only the auditor reads the audit log, and it records logins and the imports', async () => {
  const admin = await login(browser, server.base, 'admin');
  const res = await admin.page.goto(`${server.base}/audit`);
  assert.equal(res.status(), 403);
  assert.match(await admin.page.textContent('body'), /无权/);
  await admin.context.close();

  const { context, page } = await login(browser, server.base, 'auditor');
  const ok = await page.goto(`${server.base}/audit`);
  assert.equal(ok.status(), 200);
  const entries = await page.$$eval('#audit tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ')));
  assert.ok(entries.length > 0, 'the audit table has entries');
  assert.ok(entries.some((t) => t.includes('auditor') && /login|登录/.test(t)), 'the auditor’s own login is recorded');
  assert.ok(entries.some((t) => t.includes('admin') && /导入/.test(t)), `the imports are recorded:\n${entries.slice(0, 8).join('\n')}`);
  await context.close();
});
