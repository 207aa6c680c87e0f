// Login, every page each demo account is offered, the figures of the workbench, and how the
// pages look at desktop and at 390 px phone width (screenshots under e2e/screenshots/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, listTotal, screenshot, PASSWORD, DESKTOP, PHONE } from './lib.mjs';

const demo = demoSession();

test('a wrong password is refused in Chinese, the right one opens the workbench', async () => {
  const context = await demo.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.base}/login`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'wrong-password');
  await page.click('button:has-text("登录")');
  await page.waitForSelector('text=用户名或密码错误');
  assert.match(new URL(page.url()).pathname, /^\/login/, 'a refused login stays on the login page');

  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${demo.base}/`), page.click('button:has-text("登录")')]);
  assert.match(await page.textContent('h1'), /工作台/);
  await context.close();
});

test('every figure of the workbench is a link, and an enterprise figure equals its list', async () => {
  const { context, page } = await demo.login('admin');
  const figures = await page.$$eval('a.figure', (as) =>
    as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.replace(/\s+/g, ' ').trim(), num: (a.querySelector('.num') ?? a).textContent.trim() })),
  );
  assert.ok(figures.length >= 4, `the workbench shows its key figures: ${JSON.stringify(figures)}`);
  for (const f of figures) {
    assert.ok(f.href && f.href.startsWith('/'), `figure “${f.text}” links to a list`);
    const res = await page.goto(`${demo.base}${f.href}`);
    assert.equal(res.status(), 200, `figure “${f.text}” → ${f.href}`);
    if (f.href.startsWith('/enterprises')) {
      // The figure counts exactly the records its list shows.
      assert.equal(await listTotal(page), Number(f.num.replace(/[^\d]/g, '')), `figure “${f.text}” → ${f.href}`);
    }
  }
  await context.close();
});

// What each demo account is offered; every link it is offered opens.
const ROLES = {
  admin: { has: ['工作台', '企业名录', '党组织', '产业集群', '区域与园区', '党建联盟', '结对共建', '惠企政策', '要素对接', '批量导入'], lacks: ['审计日志'] },
  songjiang: { has: ['工作台', '企业名录', '产业集群'], lacks: ['审计日志'] },
  xinqiao: { has: ['工作台', '企业名录', '产业集群'], lacks: ['审计日志', '用户管理'] },
  chint: { has: ['工作台', '企业名录', '产业集群', '惠企政策', '要素对接'], lacks: ['审计日志', '用户管理'] },
  zhuangbei: { has: ['工作台', '产业集群', '要素对接'], lacks: ['审计日志', '用户管理', '批量导入'] },
  leader: { has: ['工作台', '企业名录', '产业集群'], lacks: ['批量导入', '审计日志', '用户管理'] },
  sysadmin: { has: ['用户管理'], lacks: ['审计日志', '批量导入', '惠企政策', '要素对接'] },
  auditor: { has: ['审计日志'], lacks: ['批量导入', '用户管理', '惠企政策', '要素对接'] },
};

for (const [user, expect] of Object.entries(ROLES)) {
  test(`every sidebar page opens for ${user}`, async () => {
    const { context, page } = await demo.login(user);
    const links = await page.$$eval('nav.sidebar a', (as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
    const labels = links.map(([l]) => l);
    for (const label of expect.has) assert.ok(labels.includes(label), `${user}'s sidebar has ${label}: ${labels.join(' ')}`);
    for (const label of expect.lacks) assert.ok(!labels.includes(label), `${user}'s sidebar lacks ${label}: ${labels.join(' ')}`);
    for (const [label, href] of links) {
      const res = await page.goto(`${demo.base}${href}`);
      assert.equal(res.status(), 200, `${user}: ${label} ${href}`);
      const h1 = await page.textContent('h1');
      assert.ok(h1 && h1.trim().length > 0, `${user}: ${href} has a heading`);
    }
    await context.close();
  });
}

test('a read-only leader is refused the import page', async () => {
  const { context, page } = await demo.login('leader');
  const res = await page.goto(`${demo.base}/import`);
  assert.equal(res.status(), 403);
  assert.match(await page.textContent('body'), /无权/);
  await context.close();
});

test('a Party organisation shows its history, a cluster its members, officers and regions', async () => {
  const { context, page } = await demo.login('admin');
  await page.goto(`${demo.base}/orgs`);
  const orgLinks = await page.$$eval('#org-tree li a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(orgLinks.length > 0, 'the organisation tree has entries');
  assert.ok(orgLinks.every((h) => /^\/orgs\/\d+/.test(h)), orgLinks.slice(0, 5).join(' '));
  await Promise.all([page.waitForURL(/\/orgs\/\d+/), page.click('#org-tree li a >> nth=0')]);
  assert.match(await page.textContent('#events'), /成立/);

  // The cross-province cluster lists its members' regions in Zhejiang as well.
  await page.goto(`${demo.base}/clusters`);
  const rows = await page.$$eval('#clusters tbody tr', (trs) => trs.length);
  assert.ok(rows > 1, 'the district administrator sees several clusters');
  await Promise.all([page.waitForURL(/\/clusters\/\d+/), page.click('#clusters a:has-text("廊下")')]);
  assert.match(await page.textContent('h1'), /廊下/);
  assert.match(await page.textContent('#regions'), /浙江省/);
  assert.match(await page.textContent('#regions'), /上海市/);
  assert.ok((await page.$$('#members tbody tr')).length > 0, 'the cluster lists its members');
  assert.ok((await page.$$('#officers tbody tr')).length > 0, 'the cluster lists its officers');
  const member = await page.getAttribute('#members tbody tr a', 'href');
  assert.match(member, /^\/enterprises\/\d+/);
  await context.close();
});

test('pages fit a desktop and a 390 px phone', async () => {
  // The 廊下 cluster page, found once.
  const probe = await demo.login('admin');
  await probe.page.goto(`${demo.base}/clusters`);
  const cluster = await probe.page.getAttribute('#clusters a:has-text("廊下")', 'href');
  await probe.context.close();

  const pages = [
    ['home', '/'],
    ['enterprises', '/enterprises'],
    ['cluster', cluster],
    ['clusters', '/clusters'],
    ['orgs', '/orgs'],
  ];
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const { context, page } = await demo.login('admin', viewport);
    for (const [name, path] of pages) {
      const res = await page.goto(`${demo.base}${path}`);
      assert.equal(res.status(), 200, path);
      await screenshot(page, `${name}-${size}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width + 1, `${path} scrolls sideways at ${viewport.width} px: ${width} px`);
    }
    if (size === 'phone') {
      await page.goto(`${demo.base}/`);
      assert.equal(await page.isVisible('nav.sidebar'), false, 'the sidebar folds away on a phone');
      assert.equal(await page.isVisible('button.menu-toggle'), true, 'the 菜单 button shows on a phone');
      assert.match(await page.textContent('button.menu-toggle'), /菜单/);
      await page.click('button.menu-toggle');
      await page.waitForSelector('nav.sidebar', { state: 'visible' });
      await screenshot(page, 'menu-phone');
      await Promise.all([page.waitForURL(/\/enterprises/), page.click('nav.sidebar a:has-text("企业名录")')]);
    } else {
      assert.equal(await page.isVisible('nav.sidebar'), true, 'the sidebar shows on a desktop');
      assert.equal(await page.isVisible('button.menu-toggle'), false, 'no 菜单 button on a desktop');
    }
    await context.close();
  }
});
