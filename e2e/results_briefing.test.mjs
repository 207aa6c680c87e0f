// The 工作简报 page in the browser at 390 px: the district admin chooses a period and a
// scope (the 新桥 cluster), downloads the Word file and the PDF — both non-empty, the .docx a
// zip with its document inside, the PDF a PDF — and the page has no sideways scroll; the town
// admin is offered its town, not the district (the one rule of the figures API and the 大屏).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { demoSession, download, PHONE, screenshot, selectByLabel } from './lib.mjs';

const demo = demoSession();

test('the briefing page: choose a period and a scope, download Word and PDF, at 390 px', async () => {
  const { page } = await demo.login('songjiang', PHONE);
  await demo.fitsPhone(page, '/results/briefing');
  assert.equal(await page.$('#font-missing'), null, 'this machine has a Chinese font');
  // The district admin's own scope is chosen: the district.
  assert.equal(await page.$eval('select[name=scope]', (s) => s.value), 'district');
  await page.selectOption('select[name=period]', '2021H1');
  const scope = await selectByLabel(page, 'select[name=scope]', /新桥.*集群/);
  assert.match(scope, /^cluster:\d+$/);
  await screenshot(page, 'results-briefing-390');

  const word = await download(page, 'button[value=docx]');
  const docx = readFileSync(word.path);
  assert.ok(docx.length > 1000, `the .docx has ${docx.length} bytes`);
  assert.equal(docx.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'the .docx is a zip');
  assert.ok(docx.includes(Buffer.from('word/document.xml')), 'the zip holds word/document.xml');
  assert.match(word.name, /\.docx$/);

  const pdfFile = await download(page, 'button[value=pdf]');
  const pdf = readFileSync(pdfFile.path);
  assert.ok(pdf.length > 1000, `the PDF has ${pdf.length} bytes`);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdfFile.name, /\.pdf$/);
});

test('the town admin is offered its town and its clusters, not the district', async () => {
  const { page } = await demo.login('xinqiao', PHONE);
  await demo.fitsPhone(page, '/results/briefing');
  const values = await page.$$eval('select[name=scope] option', (os) => os.map((o) => o.value));
  assert.ok(!values.includes('district'), JSON.stringify(values));
  assert.equal(await page.$eval('select[name=scope]', (s) => s.value), 'town:310117105');
  const refused = await page.goto(`${demo.base}/results/briefing/file?scope=district&period=2021H1`);
  assert.equal(refused.status(), 403);
});
