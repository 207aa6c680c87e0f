// The enterprise list (filters, sorting, pages, export), an enterprise's page with its masked
// phone, and the scope of a cluster secretary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, listTotal, download, readXlsx } from './lib.mjs';

const demo = demoSession();

const rowIds = (page) => page.$$eval('#results tbody tr a[href^="/enterprises/"]', (as) => as.map((a) => a.getAttribute('href')));

test('the enterprise list filters by town and flag on the server, and exports what it shows', async () => {
  const { context, page } = await demo.login('admin');
  await page.goto(`${demo.base}/enterprises`);
  const all = await listTotal(page);
  assert.ok(all > 0);
  const townValue = await page.$eval('select[name=town]', (s) => [...s.options].find((o) => o.textContent.trim() === '新桥镇')?.value);
  assert.ok(townValue, 'the town filter offers 新桥镇');

  await page.selectOption('select[name=town]', townValue);
  await page.check('input[name=high_tech]');
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('town') === townValue && url.searchParams.has('high_tech')),
    page.click('#filter button:has-text("筛选")'),
  ]);
  await page.waitForFunction((n) => !document.querySelector('#total').textContent.includes(`共 ${n} 家`), all);
  const filtered = await listTotal(page);
  assert.ok(filtered > 0 && filtered < all, `${filtered} of ${all}`);

  const towns = await page.$$eval('#results tbody td.town', (tds) => tds.map((t) => t.textContent.trim()));
  assert.ok(towns.length > 0);
  assert.ok(towns.every((t) => t === '新桥镇'), towns.join(','));
  const flags = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.textContent.includes('高新')));
  assert.ok(flags.every(Boolean), 'every row is high-tech');

  // The same filter after a reload: the state lives in the URL.
  await page.reload();
  assert.equal(await listTotal(page), filtered);
  assert.equal(await page.$eval('select[name=town]', (s) => s.value), townValue);
  assert.equal(await page.isChecked('input[name=high_tech]'), true);

  // The export carries the filter: the same rows, all in 新桥镇.
  const href = await page.getAttribute('a#export', 'href');
  assert.match(href, /^\/enterprises\/export\.xlsx\?/);
  assert.match(href, new RegExp(`town=${townValue}`));
  const shownCodes = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.children[1]?.textContent.trim()).filter(Boolean));
  const file = await download(page, 'a#export');
  assert.match(file.name, /\.xlsx$/);
  const sheet = await readXlsx(file.path);
  const header = sheet.findIndex((r) => r.includes('企业名称'));
  assert.ok(header >= 0, `the export has a header row: ${JSON.stringify(sheet.slice(0, 3))}`);
  const data = sheet.slice(header + 1).filter((r) => r.some((c) => c !== ''));
  assert.equal(data.length, filtered, 'the export has one row per listed enterprise');
  const townCol = sheet[header].findIndex((h) => /街镇/.test(h));
  assert.ok(townCol >= 0, `the export has a town column: ${sheet[header].join(',')}`);
  assert.ok(data.every((r) => r[townCol] === '新桥镇'));
  const exported = new Set(data.flat());
  for (const code of shownCodes) assert.ok(exported.has(code), `${code} is in the export`);
  await context.close();
});

test('the list sorts by a header and pages through the results', async () => {
  const { context, page } = await demo.login('admin');
  await page.goto(`${demo.base}/enterprises`);
  const first = await rowIds(page);

  await Promise.all([page.waitForURL(/sort=employees/), page.click('a.sort:has-text("从业人数")')]);
  // The header may swap the rows in place (htmx); the URL it leaves must sort on its own too.
  await page.goto(page.url());
  const counts = await page.$$eval('#results tbody td.num', (tds) => tds.map((t) => t.textContent.trim()).filter((t) => t !== '').map(Number));
  assert.ok(counts.length > 1, 'rows have employee counts');
  const asc = counts.every((n, i) => i === 0 || counts[i - 1] <= n);
  const desc = counts.every((n, i) => i === 0 || counts[i - 1] >= n);
  assert.ok(asc || desc, `sorted by employees: ${counts.join(',')}`);

  await page.goto(`${demo.base}/enterprises`);
  const pager = await page.$$('a.page');
  assert.ok(pager.length > 0, 'a list of hundreds of enterprises has pages');
  await Promise.all([page.waitForURL(/page=2/), page.click('a.page:text-is("2")')]);
  await page.waitForFunction((firstHref) => {
    const a = document.querySelector('#results tbody tr a[href^="/enterprises/"]');
    return a && a.getAttribute('href') !== firstHref;
  }, first[0]);
  const second = await rowIds(page);
  assert.ok(second.length > 0);
  assert.ok(second.every((h) => !first.includes(h)), 'page 2 shows other enterprises than page 1');
  await context.close();
});

// The first enterprise of the list whose detail page shows a masked phone.
async function enterpriseWithPhone(page) {
  await page.goto(`${demo.base}/enterprises`);
  for (const href of (await rowIds(page)).slice(0, 30)) {
    await page.goto(`${demo.base}${href}`);
    const phone = (await page.textContent('#contact-phone'))?.trim() ?? '';
    if (/^1\d{2}\*{4}\d{4}$/.test(phone)) return { href, phone, name: (await page.textContent('h1')).trim() };
  }
  throw new Error('none of the first 30 enterprises has a contact phone');
}

test('an enterprise page masks the phone and reveals it, audited, only to roles that may', async () => {
  const { context, page } = await demo.login('admin');
  await page.goto(`${demo.base}/enterprises`);
  const firstName = (await page.textContent('#results tbody tr a[href^="/enterprises/"]')).trim();
  await Promise.all([page.waitForURL(/\/enterprises\/\d+$/), page.click('#results tbody tr a[href^="/enterprises/"] >> nth=0')]);
  assert.equal((await page.textContent('h1')).trim(), firstName, 'the page is headed by the enterprise name');

  const { href, phone, name } = await enterpriseWithPhone(page);
  const id = href.match(/\d+$/)[0];
  await page.click('button:has-text("显示完整号码")');
  await page.waitForFunction(() => /^1\d{10}$/.test(document.querySelector('#contact-phone')?.textContent.trim() ?? ''));
  const full = (await page.textContent('#contact-phone')).trim();
  assert.equal(full.slice(0, 3), phone.slice(0, 3));
  assert.equal(full.slice(-4), phone.slice(-4));
  await context.close();

  // The leader reads the registry but never a full phone number.
  const leader = await demo.login('leader');
  const res = await leader.page.goto(`${demo.base}${href}`);
  assert.equal(res.status(), 200);
  assert.match((await leader.page.textContent('#contact-phone')).trim(), /^1\d{2}\*{4}\d{4}$/);
  assert.equal(await leader.page.$('button:has-text("显示完整号码")'), null, 'no reveal button for the leader');
  await leader.context.close();

  // The reveal is in the audit log, newest first, naming who and which enterprise.
  const auditor = await demo.login('auditor');
  await auditor.page.goto(`${demo.base}/audit`);
  const entries = await auditor.page.$$eval('#audit tbody tr', (trs) => trs.map((tr) => tr.textContent));
  const hit = entries.find((t) => t.includes('admin') && (t.includes(`#${id}`) || t.includes(name)));
  assert.ok(hit, `the audit log records admin reading the phone of #${id} ${name}:\n${entries.slice(0, 5).join('\n')}`);
  await auditor.context.close();
});

test('a cluster secretary sees only its own cluster', async () => {
  const admin = await demo.login('admin');
  await admin.page.goto(`${demo.base}/enterprises`);
  const adminTotal = await listTotal(admin.page);
  const candidates = await admin.page.$$eval('#results tbody tr a[href^="/enterprises/"]', (as) =>
    as.map((a) => ({ href: a.getAttribute('href'), name: a.textContent.trim() })),
  );
  await admin.context.close();

  const { context, page } = await demo.login('chint');
  await page.goto(`${demo.base}/enterprises`);
  const own = await listTotal(page);
  assert.ok(own > 0 && own < adminTotal, `${own} < ${adminTotal}`);
  const inside = await rowIds(page);
  assert.ok(inside.length > 0);
  const res = await page.goto(`${demo.base}${inside[0]}`);
  assert.equal(res.status(), 200, 'an enterprise of its own cluster opens');

  // An enterprise the secretary cannot find by name is outside its cluster: its page is 404.
  let outsider = null;
  for (const c of candidates) {
    await page.goto(`${demo.base}/enterprises?q=${encodeURIComponent(c.name)}`);
    if ((await listTotal(page)) === 0) {
      outsider = c;
      break;
    }
  }
  assert.ok(outsider, 'the district list has an enterprise outside the cluster on its first page');
  const denied = await page.goto(`${demo.base}${outsider.href}`);
  assert.equal(denied.status(), 404, `${outsider.name} ${outsider.href}`);
  assert.match(await page.textContent('body'), /不存在/);
  assert.ok(!(await page.textContent('body')).includes(outsider.name), 'the 404 page does not leak the name');

  await page.goto(`${demo.base}/clusters`);
  assert.equal(await page.$$eval('#clusters tbody tr', (trs) => trs.length), 1, 'only its own cluster is listed');
  await context.close();
});
