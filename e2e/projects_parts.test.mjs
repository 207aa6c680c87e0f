// Integration projects, the parts around the review, in the browser: the officer edits a
// two-stage round's rubric (a wrong total refused and shown again); 昱章's branch files a
// concept choosing its registered carrier (崔建华党员创新研发工作室) and a partner of the
// cluster, attaches a PDF (a program refused); the reviewer sees his pending sheet in the
// sidebar and reads the attachment; the officer accepts the concept and ends the concept
// stage with a reason; the branch sees the invitation and files the full application; the
// carrier's page lists the project. Every page touched reads at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, PHONE, beijingDay as day, download, screenshot, selectByLabel, submit } from './lib.mjs';

const demo = demoSession();
const NEW_PASSWORD = 'E2e@Parts2026x';
const TITLE = '继电器在线检测平台（E2E 概念）';

test('rubric, carrier, partner, attachment, pending count and the end of the concept stage', async () => {
  const admin = await demo.login('admin');
  const a = admin.page;
  await a.goto(`${demo.base}/projects/rounds/new`);
  await a.fill('input[name=name]', 'E2E 两阶段批次');
  await a.check('input[name=two_stage]');
  await submit(a, '#round-form button[type=submit]');
  const round = a.url().match(/\/projects\/rounds\/(\d+)$/)[1];

  // The rubric: 组织部's first criterion renamed; a total of 110 refused, kept as typed.
  const rubric = `/projects/rounds/${round}/rubric`;
  await a.goto(`${demo.base}${rubric}`);
  await a.fill('input[name=name_0]', '党建引领（E2E）');
  await a.fill('input[name=weight_0]', '30');
  const again = await Promise.all([a.waitForNavigation(), a.click('#save-rubric')]);
  assert.equal(again[0].status(), 422);
  assert.match(await a.textContent('#form-error'), /权重之和应为 100，现为 110/);
  assert.equal(await a.inputValue('input[name=name_0]'), '党建引领（E2E）');
  await a.setViewportSize(PHONE);
  await demo.fitsPhone(a, rubric);
  await a.goto(`${demo.base}${rubric}`);
  await a.fill('input[name=name_0]', '党建引领（E2E）');
  await submit(a, '#save-rubric');
  assert.match(await a.textContent('#rubric'), /党建引领（E2E）/);

  // 昱章's branch files a concept with its registered studio and a partner of the cluster.
  const sec = await demo.login('zhuangbei');
  await sec.page.goto(`${demo.base}/projects/rounds/${round}/apply`);
  const org = await selectByLabel(sec.page, 'select[name=org]', /昱章/);
  const otp = await demo.createUser('e2e_yz', 'branch_secretary', `party_org:${org}`, 'E2E昱章支部书记');
  const branch = await demo.firstLogin('e2e_yz', otp, NEW_PASSWORD);
  const b = branch.page;
  await b.goto(`${demo.base}/projects/rounds/${round}/apply`);
  await b.fill('input[name=title]', TITLE);
  await selectByLabel(b, 'select[name=subject]', /卡脖子/);
  await selectByLabel(b, 'select[name=direction]', /科技攻关/);
  const carrier = await selectByLabel(b, '#carrier-id', /崔建华党员创新研发工作室.*负责人 崔建华/);
  const partner = b.locator('#partners label', { hasText: '世格' }).first();
  await partner.locator('input').check();
  await b.fill('input[name=lead_name]', '崔建华');
  await b.fill('textarea[name=summary]', '概念：继电器在线检测，党员工作室牵头。');
  await submit(b, '#application-form button[type=submit]');
  const app = b.url().match(/\/projects\/applications\/(\d+)$/)[1];
  assert.match(await b.textContent('#facts'), /世格/);
  assert.match(await b.textContent('#carrier'), /崔建华党员创新研发工作室（党员科技创新工作室，负责人 崔建华）/);

  // Attachments: a program refused, a PDF kept.
  await b.setInputFiles('#file-form input[name=file]', { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
  const refused = await Promise.all([b.waitForNavigation(), b.click('#file-form button[type=submit]')]);
  assert.equal(refused[0].status(), 422);
  assert.match(await b.textContent('.error-message'), /只接受 PDF、Word、Excel、OFD、JPG、PNG/);
  await b.goto(`${demo.base}/projects/applications/${app}`);
  await b.setInputFiles('#file-form input[name=file]', { name: '概念说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 E2E concept') });
  await submit(b, '#file-form button[type=submit]');
  assert.match(await b.textContent('#file-list'), /概念说明\.pdf/);
  await submit(b, '#submit');

  // The cluster recommends; the review opens; a 科委 reviewer is assigned.
  await sec.page.goto(`${demo.base}/projects/rounds/${round}/recommend`);
  await sec.page.selectOption(`select[name=choice_${app}]`, 'recommend');
  await sec.page.fill(`input[name=rank_${app}]`, '1');
  await submit(sec.page, '#forward');
  await a.setViewportSize({ width: 1280, height: 900 });
  await a.goto(`${demo.base}/projects/rounds/${round}/edit`);
  const calendar = { filing_opens: -10, filing_closes: -5, recommend_closes: -2, review_closes: 5, publicity_closes: 8, objections_close: 12 };
  for (const [name, offset] of Object.entries(calendar)) await a.fill(`input[name=${name}]`, day(offset));
  await submit(a, '#round-form button[type=submit]');
  const rOtp = await demo.createUser('e2e_pk', 'reviewer', 'nothing', 'E2E科委概念专家');
  await a.goto(`${demo.base}/projects/rounds/${round}/assignment`);
  await submit(a, '#start-review');
  await selectByLabel(a, '#add-reviewer select[name=user]', /e2e_pk/);
  await a.selectOption('#add-reviewer select[name=side]', 'science');
  await submit(a, '#add-reviewer button[type=submit]');
  const row = `#board tr[data-application="${app}"]`;
  await selectByLabel(a, `${row} form[action$="/assign"] select[name=reviewer]`, /E2E科委概念专家/);
  await submit(a, `${row} form[action$="/assign"] button[value=assign]`);

  // The reviewer's sidebar counts his pending sheet; he reads the attachment.
  const r = await demo.firstLogin('e2e_pk', rOtp, NEW_PASSWORD);
  assert.equal((await r.page.textContent('#nav-pending')).trim(), '1');
  await r.page.goto(`${demo.base}/projects/reviews/${app}`);
  const file = await download(r.page, '#file-list a');
  assert.equal(file.name, '概念说明.pdf');
  await r.page.setViewportSize(PHONE);
  await demo.fitsPhone(r.page, `/projects/reviews/${app}`);
  await r.page.selectOption('select[name=score_technology]', '8');
  await submit(r.page, '#submit-sheet');
  assert.equal((await r.page.textContent('#nav-pending')).trim(), '0');

  // The officer accepts the concept and ends the stage.
  await a.goto(`${demo.base}/projects/rounds/${round}/ranking`);
  const ranked = `#ranking tr[data-application="${app}"]`;
  await a.selectOption(`${ranked} select[name=decision]`, 'concept');
  await a.fill(`${ranked} input[name=note]`, '方向明确，邀请完整申报');
  await submit(a, `${ranked} form.decide button[type=submit]`);
  assert.match(await a.textContent(`${ranked} .state`), /概念入围/);
  await a.setViewportSize(PHONE);
  await demo.fitsPhone(a, `/projects/rounds/${round}/ranking`);
  await screenshot(a, 'projects-end-concept-phone');
  await a.fill('#end-concept textarea[name=reason]', '其余概念技术路线尚不成熟');
  await submit(a, '#end-concept button[type=submit]');
  assert.equal(await a.$('#end-concept'), null, 'the stage has ended');

  // The branch sees the invitation, completes the full application and files it.
  await b.goto(`${demo.base}/projects/applications/${app}`);
  assert.match(await b.textContent('#invitation'), /请完善申报内容/);
  await b.goto(`${demo.base}/projects/applications/${app}/edit`);
  assert.equal(await b.inputValue('#carrier-id'), carrier, 'the chosen carrier is kept');
  await b.fill('textarea[name=summary]', '完整申报：样机、工艺与产业化方案。');
  await submit(b, '#application-form button[type=submit]');
  await submit(b, '#submit');
  assert.equal(await b.textContent('#state'), '集群推荐');

  // The carrier's page lists the project with its lead.
  await b.goto(`${demo.base}/projects/carriers/${carrier}`);
  assert.equal(await b.textContent('#carrier-lead'), '崔建华');
  assert.match(await b.textContent('#carrier-projects'), new RegExp(TITLE.replace(/[()（）]/g, '.')));
  assert.match(await b.textContent('#carrier-projects'), /安全级超速继电器/);
  await b.setViewportSize(PHONE);
  for (const path of [`/projects/carriers/${carrier}`, `/projects/applications/${app}`, `/projects/applications/${app}/edit`, `/projects/rounds/${round}/apply`]) {
    await demo.fitsPhone(b, path);
  }
  await screenshot(b, 'projects-carrier-phone');
  for (const s of [admin, sec, branch, r]) await s.context.close();
});
