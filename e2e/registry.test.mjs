// The foundation in a real Chromium: login, every registry page, filters, import with bad
// rows, scope, audit, and how the pages look at desktop and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { startServer, launch, login, uscc, SHOTS, PASSWORD } from './lib.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('a wrong password is refused in Chinese, the right one opens the workbench', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button:has-text("登录")');
  await page.waitForSelector('text=用户名或密码错误');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${server.base}/`), page.click('button:has-text("登录")')]);
  assert.match(await page.textContent('h1'), /工作台/);
  const figures = await page.$$eval('a.figure', (as) => as.map((a) => [a.getAttribute('href'), a.querySelector('.num').textContent]));
  assert.ok(figures.length >= 8, 'the workbench shows its key figures');
  // Every figure is a link to the records it counts: the enterprise figure equals the list total.
  const enterprises = figures.find(([href]) => href === '/enterprises');
  await page.goto(`${server.base}/enterprises`);
  assert.equal(await page.textContent('#total'), `共 ${enterprises[1]} 家`);
  await context.close();
});

test('every page of the sidebar opens for the district administrator', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  const links = await page.$$eval('nav.sidebar a', (as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
  for (const label of ['工作台', '企业名录', '党组织', '产业集群', '区域与园区', '党建联盟', '结对共建', '批量导入']) {
    assert.ok(links.some(([l]) => l === label), `sidebar has ${label}`);
  }
  for (const [label, href] of links) {
    const res = await page.goto(`${server.base}${href}`);
    assert.equal(res.status(), 200, `${label} ${href}`);
    assert.ok((await page.textContent('h1')).trim().length > 0, `${href} has a heading`);
  }
  // The cross-province cluster lists its Zhejiang members' regions.
  await page.goto(`${server.base}/clusters`);
  await page.click('#clusters a:has-text("廊下")');
  const regions = await page.textContent('#regions');
  assert.match(regions, /浙江省/);
  assert.match(regions, /上海市金山区廊下镇/);
  await page.screenshot({ path: `${SHOTS}/cluster-desktop.png`, fullPage: true });
  // A Party organisation page shows its history.
  await page.goto(`${server.base}/orgs`);
  await page.click('#org-tree li a >> nth=0');
  assert.match(await page.textContent('#events'), /成立/);
  await context.close();
});

test('the enterprise list filters by town and flag on the server', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  await page.goto(`${server.base}/enterprises`);
  const all = Number((await page.textContent('#total')).match(/\d+/)[0]);
  await page.selectOption('select[name=town]', { label: '新桥镇' });
  await page.check('input[name=high_tech]');
  await page.click('#filter button:has-text("筛选")');
  await page.waitForURL(/town=310117105/);
  await page.waitForFunction((n) => !document.querySelector('#total').textContent.includes(`共 ${n} 家`), all);
  const filtered = Number((await page.textContent('#total')).match(/\d+/)[0]);
  assert.ok(filtered > 0 && filtered < all, `${filtered} of ${all}`);
  const towns = await page.$$eval('#results tbody td.town', (tds) => tds.map((t) => t.textContent.trim()));
  assert.ok(towns.length > 0);
  assert.ok(towns.every((t) => t === '新桥镇'), towns.join(','));
  const tags = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.textContent.includes('高新')));
  assert.ok(tags.every(Boolean), 'every row is high-tech');
  // The export of the same filter downloads an .xlsx.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a#export')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  await context.close();
});

function rows() {
  const good1 = uscc('91310117E2E000001');
  const good2 = uscc('91310117E2E000002');
  const bad = uscc('91310117E2E000003');
  const wrong = bad.slice(0, 17) + (bad[17] === '0' ? '1' : '0');
  const other = uscc('91310117E2E000004');
  return [
    ['2026年新登记企业名单'],
    ['企业名称', '统一社会信用代码', '所属街镇', '从业人数', '是否高新技术企业'],
    ['上海浏览器测试一号有限公司', good1, '新桥镇', '120', '是'],
    ['上海浏览器测试二号有限公司', good2, '九亭', '８０', '否'],
    ['上海校验错误有限公司', wrong, '新桥镇', '10', '否'],
    ['上海未知街镇有限公司', other, '火星镇', '10', '否'],
    ['合计', '', '', '220', ''],
  ];
}

async function importFile(page, file) {
  await page.goto(`${server.base}/import`);
  await page.setInputFiles('input[type=file][name=file]', file);
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("预览")')]);
  const summary = await page.textContent('#preview-summary');
  const rejectLines = await page.$$eval('#rejects tbody tr', (trs) => trs.map((tr) => tr.querySelector('td').textContent.trim()));
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("确认导入")')]);
  return { summary, rejectLines, result: await page.textContent('#import-result') };
}

test('an import keeps the good rows, names the bad ones, and a re-run changes nothing', async () => {
  const { context, page } = await login(browser, server.base, 'admin');
  const dir = mkdtempSync(join(tmpdir(), 'qunlian-import-'));
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名录');
  rows().forEach((r) => sheet.addRow(r));
  sheet.mergeCells('A1:E1');
  const xlsx = join(dir, '新登记企业.xlsx');
  await book.xlsx.writeFile(xlsx);

  const first = await importFile(page, xlsx);
  assert.match(first.summary, /可导入 2 行，有问题 2 行/);
  assert.deepEqual(first.rejectLines, ['5', '6']);
  assert.match(first.result, /新增 2，更新 0，未变 0，拒绝 2/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a#rejects-xlsx')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);

  const again = await importFile(page, xlsx);
  assert.match(again.result, /新增 0，更新 0，未变 2，拒绝 2/);

  // The same rows as a GBK-encoded CSV, as Excel saves it on a Chinese Windows.
  const csv = join(dir, '名录-gbk.csv');
  writeFileSync(csv, iconv.encode(rows().map((r) => r.join(',')).join('\r\n'), 'gbk'));
  const gbk = await importFile(page, csv);
  assert.match(gbk.summary, /可导入 2 行，有问题 2 行/);
  assert.match(gbk.result, /新增 0，更新 0，未变 2，拒绝 2/);

  await page.goto(`${server.base}/enterprises?q=浏览器测试`);
  assert.equal(await page.textContent('#total'), '共 2 家');
  await context.close();
});

test('a cluster secretary sees only its own cluster', async () => {
  const admin = await login(browser, server.base, 'admin');
  await admin.page.goto(`${server.base}/enterprises`);
  const adminTotal = Number((await admin.page.textContent('#total')).match(/\d+/)[0]);
  await admin.page.goto(`${server.base}/enterprises?q=浏览器测试一号`);
  const outsider = await admin.page.getAttribute('#results tbody tr a', 'href');
  await admin.context.close();

  const { context, page } = await login(browser, server.base, 'chint');
  await page.goto(`${server.base}/enterprises`);
  const own = Number((await page.textContent('#total')).match(/\d+/)[0]);
  assert.ok(own > 0 && own < adminTotal, `${own} < ${adminTotal}`);
  const res = await page.goto(`${server.base}${outsider}`);
  assert.equal(res.status(), 404);
  assert.match(await page.textContent('body'), /不存在/);
  await page.goto(`${server.base}/clusters`);
  assert.equal(await page.$$eval('#clusters tbody tr', (trs) => trs.length), 1);
  await context.close();
});

test('only the auditor reads the audit log', async () => {
  const admin = await login(browser, server.base, 'admin');
  const res = await admin.page.goto(`${server.base}/audit`);
  assert.equal(res.status(), 403);
  assert.match(await admin.page.textContent('body'), /无权/);
  await admin.context.close();
  const { context, page } = await login(browser, server.base, 'auditor');
  await page.goto(`${server.base}/audit`);
  const text = await page.textContent('#audit');
  assert.match(text, /login/);
  assert.match(text, /导入企业名录/);
  await context.close();
});

test('pages fit a 390 px phone and a desktop', async () => {
  for (const [name, viewport] of [['desktop', { width: 1366, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { context, page } = await login(browser, server.base, 'admin', viewport);
    for (const [shot, path] of [['home', '/'], ['enterprises', '/enterprises'], ['clusters', '/clusters'], ['orgs', '/orgs']]) {
      await page.goto(`${server.base}${path}`);
      await page.screenshot({ path: `${SHOTS}/${shot}-${name}.png`, fullPage: true });
      if (name === 'phone') {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 391, `${path} scrolls sideways on a phone: ${width}px`);
      }
    }
    if (name === 'phone') {
      assert.equal(await page.isVisible('nav.sidebar'), false, 'the menu folds away on a phone');
      await page.click('button.menu-toggle');
      assert.equal(await page.isVisible('nav.sidebar'), true);
    }
    await context.close();
  }
});
