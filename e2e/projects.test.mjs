// Integration projects ("3+6+X") in the browser: the officer opens a round, a branch of the
// 新桥 equipment cluster files, the cluster recommends, reviewers of the three departments are
// appointed and assigned, one whose department then sits on the cluster's committee is
// refused the application with the reason, the others score (blind until their own sheet is
// in), the officer ranks and decides, and the applicant sees the tier but no reviewer; the
// project goes into implementation, its outcome report is filed with evidence, checked, and
// counted in the figures. Every projects page reads at 390 px without sideways scrolling.
// The demo has no reviewers or branch secretary: the test creates them with `qunlian user create` and changes their
// one-time passwords at first login.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSession, PHONE, beijingDay as day, download, readXlsx, screenshot, selectByLabel, submit } from './lib.mjs';

const demo = demoSession();
const NEW_PASSWORD = 'E2e@Proj2026x';
const TITLE = '安全级超速继电器国产化（E2E）';

test('a branch files, the cluster recommends, three departments score with one conflict blocked, the officer decides, the outcome report is filed and counted', async () => {
  // The officer opens a round in its filing phase (the form's default calendar starts today).
  const admin = await demo.login('admin');
  const a = admin.page;
  await a.goto(`${demo.base}/projects`);
  await Promise.all([a.waitForNavigation(), a.click('#new-round')]);
  await a.fill('input[name=name]', 'E2E 深度融合项目批次');
  const year = await a.inputValue('input[name=year]');
  await submit(a, '#round-form button[type=submit]');
  const round = a.url().match(/\/projects\/rounds\/(\d+)$/)[1];
  assert.equal(await a.textContent('#phase'), '申报中');

  // A branch of the 新桥 equipment cluster gets an account and files.
  const sec = await demo.login('zhuangbei');
  await sec.page.goto(`${demo.base}/projects/rounds/${round}/apply`);
  const org = await selectByLabel(sec.page, 'select[name=org]', /支部/);
  const branchOtp = await demo.createUser('e2e_branch', 'branch_secretary', `party_org:${org}`, 'E2E支部书记');
  const branch = await demo.firstLogin('e2e_branch', branchOtp, NEW_PASSWORD);
  const b = branch.page;
  await b.goto(`${demo.base}/projects/rounds/${round}/apply`);
  await b.fill('input[name=title]', TITLE);
  await selectByLabel(b, 'select[name=subject]', /卡脖子/);
  await selectByLabel(b, 'select[name=direction]', /科技攻关/);
  await selectByLabel(b, 'select[name=carrier_kind]', /党员科技创新工作室/);
  await b.fill('input[name=carrier_name]', '党员创新研发工作室');
  await b.fill('input[name=carrier_lead]', '崔建华');
  await b.check('input[name=open_call]');
  await b.fill('input[name=lead_name]', '崔建华');
  await b.fill('textarea[name=participants]', '张明，李华');
  await b.fill('textarea[name=summary]', '党员创新工作室牵头攻关安全级超速继电器，打破国外垄断。');
  await b.fill('input[name=target_0]', '3');
  await b.fill('input[name=target_2]', '20');
  await submit(b, '#application-form button[type=submit]');
  const app = b.url().match(/\/projects\/applications\/(\d+)$/)[1];
  assert.equal(await b.textContent('#state'), '草稿');
  await submit(b, '#submit');
  assert.equal(await b.textContent('#state'), '已申报');

  // The cluster ranks its batch and forwards it.
  await sec.page.goto(`${demo.base}/projects/rounds/${round}/recommend`);
  await sec.page.selectOption(`select[name=choice_${app}]`, 'recommend');
  await sec.page.fill(`input[name=rank_${app}]`, '1');
  await submit(sec.page, '#forward');
  assert.match(await sec.page.textContent(`#done tr[data-application="${app}"]`), /集群推荐/);

  // The officer moves the calendar to the review and opens it.
  await a.goto(`${demo.base}/projects/rounds/${round}/edit`);
  const calendar = { filing_opens: -10, filing_closes: -5, recommend_closes: -2, review_closes: 5, publicity_closes: 8, objections_close: 12 };
  for (const [name, offset] of Object.entries(calendar)) await a.fill(`input[name=${name}]`, day(offset));
  await submit(a, '#round-form button[type=submit]');
  assert.equal(await a.textContent('#phase'), '评审中');

  // Reviewers of the three departments; the 科委 one works for the science commission.
  const reviewers = [
    ['e2e_rorg', 'organisation', 'E2E组织部专家'],
    ['e2e_recon', 'economy', 'E2E经委专家'],
    ['e2e_rsci', 'science', 'E2E科委专家'],
    ['e2e_rsci2', 'science', 'E2E科委专家乙'],
  ];
  const otps = {};
  for (const [user, , name] of reviewers) otps[user] = await demo.createUser(user, 'reviewer', 'nothing', name);
  await a.goto(`${demo.base}/projects/rounds/${round}/assignment`);
  await submit(a, '#start-review');
  let scienceUnit = '';
  for (const [user, side] of reviewers.slice(0, 3)) {
    await selectByLabel(a, '#add-reviewer select[name=user]', new RegExp(`\\(${user}\\)|（${user}）`));
    await a.selectOption('#add-reviewer select[name=side]', side);
    if (side === 'science') scienceUnit = await selectByLabel(a, '#add-reviewer select[name=unit]', /科/);
    await submit(a, '#add-reviewer button[type=submit]');
  }
  await submit(a, '#assign-auto');
  assert.match(await a.textContent('#message'), /配齐/);
  assert.match(await a.textContent(`#board tr[data-application="${app}"] .assigned`), /E2E科委专家（区科委）/);

  // The science commission's reviewer is then seconded to the cluster's committee.
  await sec.page.goto(`${demo.base}/clusters`);
  const clusterHref = await sec.page.$$eval('a[href^="/clusters/"]', (as) => as.map((x) => x.getAttribute('href')).find((h) => /^\/clusters\/\d+$/.test(h)));
  await a.goto(`${demo.base}${clusterHref}`);
  await a.fill('form[action$="/officers"] input[name=name]', 'E2E科委专家');
  await a.selectOption('form[action$="/officers"] select[name=role]', 'member');
  await a.selectOption('form[action$="/officers"] select[name=seconded_from]', scienceUnit);
  await submit(a, 'form[action$="/officers"] button[type=submit]');

  // He no longer reaches the application, and is told why.
  const sci = await demo.firstLogin('e2e_rsci', otps.e2e_rsci, NEW_PASSWORD);
  assert.equal(new URL(sci.page.url()).pathname, '/projects/reviews', 'a reviewer lands on his queue');
  assert.match(await sci.page.textContent('#blocked'), /申报方所在集群党委委员/);
  const refused = await sci.page.goto(`${demo.base}/projects/reviews/${app}`);
  assert.equal(refused.status(), 403);
  assert.match(await sci.page.textContent('#refused'), /利益冲突（申报方所在集群党委委员），不能查看和评审/);
  assert.ok(!(await sci.page.content()).includes('打破国外垄断'), 'nothing of the application is shown');
  await sci.page.setViewportSize(PHONE);
  await demo.fitsPhone(sci.page, '/projects/reviews');
  await demo.fitsPhone(sci.page, `/projects/reviews/${app}`, 403);
  await screenshot(sci.page, 'projects-conflict-phone');

  // The board shows the conflict with its reason; the officer replaces him.
  await a.goto(`${demo.base}/projects/rounds/${round}/assignment`);
  const row = `#board tr[data-application="${app}"]`;
  assert.match(await a.textContent(`${row} .conflicts`), /E2E科委专家（区科委）：申报方所在集群党委委员/);
  await selectByLabel(a, '#add-reviewer select[name=user]', /e2e_rsci2/);
  await a.selectOption('#add-reviewer select[name=side]', 'science');
  await submit(a, '#add-reviewer button[type=submit]');
  await selectByLabel(a, `${row} form[action$="/assign"] select[name=reviewer]`, /^E2E科委专家（/);
  await submit(a, `${row} form[action$="/assign"] button[value=unassign]`);
  assert.match(await a.textContent(`${row} .short`), /区科委缺 1 名/, 'the board says which department is short');
  await selectByLabel(a, `${row} form[action$="/assign"] select[name=reviewer]`, /E2E科委专家乙/);
  await submit(a, `${row} form[action$="/assign"] button[value=assign]`);
  assert.equal(await a.$(`${row} .short`), null, 'staffed again');

  // Three departments score; the others' scores appear only once one's own is in.
  const scores = { e2e_rorg: { party_lead: '8', members_role: '9' }, e2e_recon: { industry_value: '7' }, e2e_rsci2: { technology: '9' } };
  const sessions = { e2e_rsci: sci };
  for (const [user, sheet] of Object.entries(scores)) {
    const r = await demo.firstLogin(user, otps[user], NEW_PASSWORD);
    sessions[user] = r;
    assert.match(await r.page.textContent('#pending-count'), /^1 项申报待您评分/);
    await r.page.goto(`${demo.base}/projects/reviews/${app}`);
    assert.ok(await r.page.$('#others-hidden'), `${user}: others hidden before submitting`);
    for (const [key, value] of Object.entries(sheet)) await r.page.selectOption(`select[name=score_${key}]`, value);
    await submit(r.page, '#submit-sheet');
    assert.ok(await r.page.$('#submitted'), `${user}: submitted`);
  }
  const others = await sessions.e2e_rsci2.page.textContent('#others');
  assert.match(others, /区委组织部：得分率 85\.0%/);
  assert.match(others, /区经委：得分率 70\.0%/);
  assert.ok(!others.includes('E2E'), 'the others are departments, not names');

  // The ranking: 组织部 40 × 0.85 + 经委 30 × 0.7 + 科委 30 × 0.9 = 82; the officer decides.
  await a.goto(`${demo.base}/projects/rounds/${round}/ranking`);
  const ranked = `#ranking tr[data-application="${app}"]`;
  assert.equal((await a.textContent(`${ranked} td.raw`)).trim(), '82.00');
  await a.selectOption(`${ranked} select[name=decision]`, 'excellent');
  await a.fill(`${ranked} input[name=note]`, '打破国外垄断，给予人才政策支持');
  await submit(a, `${ranked} form.decide button[type=submit]`);
  assert.match(await a.textContent(`${ranked} .state`), /优秀/);
  const scoresXlsx = await download(a, '#export-scores');
  const rows = await readXlsx(scoresXlsx.path);
  assert.ok(rows.some((r) => r.includes('原始得分') && r.includes('标准化得分')), 'the export has its header');
  assert.ok(rows.some((r) => r.includes(TITLE) && r.includes('82')), JSON.stringify(rows.slice(0, 4)));

  // The applicant sees the tier and the note, never who scored.
  await b.goto(`${demo.base}/projects/applications/${app}`);
  assert.equal(await b.textContent('#state'), '优秀');
  assert.match(await b.textContent('#decision-note'), /人才政策/);
  const content = await b.content();
  for (const [, , name] of reviewers) assert.ok(!content.includes(name), `${name} shown to the applicant`);

  // After the award: the officer starts the implementation; the applicant's report is refused
  // once (the form comes back with what was typed), then filed with two patents and the
  // certificate; the officer checks it, and the year's patents in the figures rise by two.
  const patentsOf = async (page) => {
    await page.goto(`${demo.base}/projects/figures?by=year`);
    const rows = await page.$$eval('#figures tbody tr:not(.total)', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    const row = rows.find((r) => r[0] === `${year} 年`);
    assert.ok(row, `no ${year} row in ${JSON.stringify(rows)}`);
    return Number(row[3]);
  };
  const before = await patentsOf(a);
  await a.goto(`${demo.base}/projects/applications/${app}`);
  await submit(a, 'form[action$="/act"] button:has-text("开始实施")');
  assert.equal(await a.textContent('#state'), '实施中');
  const outcomes = `/projects/applications/${app}/outcomes`;
  await b.goto(`${demo.base}${outcomes}`);
  const patents = [`ZL${year}10000001.1 安全级超速继电器 ${year}-01-01`, `ZL${year}10000002.X 继电器动作检测方法 ${year}-01-01`];
  await b.fill('#outcome-form input[name=year]', year);
  await b.fill('#outcome-form textarea[name=patents]', patents.join('\n'));
  await b.fill('#outcome-form input[name=market_share]', '20');
  await b.fill('#outcome-form input[name=yield_rate]', '120');
  await b.fill('#outcome-form input[name=members]', '崔建华、张明');
  const certificate = { name: '专利证书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 E2E certificate') };
  await b.setInputFiles('#outcome-form input[name=files]', certificate);
  const again = await Promise.all([b.waitForNavigation(), b.click('#outcome-form button[type=submit]')]);
  assert.equal(again[0].status(), 422);
  assert.match(await b.textContent('#form-error'), /良品率/);
  assert.equal(await b.inputValue('#outcome-form input[name=members]'), '崔建华、张明', 'what was typed is kept');
  assert.equal(await b.inputValue('#outcome-form textarea[name=patents]'), patents.join('\n'));
  await b.fill('#outcome-form input[name=yield_rate]', '99.5');
  await b.setInputFiles('#outcome-form input[name=files]', certificate);
  await submit(b, '#outcome-form button[type=submit]');
  const report = `#y${year}`;
  assert.match(await b.textContent(report), /2 件/);
  assert.match(await b.textContent(`${report} .files`), /专利证书\.pdf/);
  await a.goto(`${demo.base}${outcomes}`);
  const evidence = await download(a, `${report} .files a`);
  assert.equal(evidence.name, '专利证书.pdf');
  await a.fill(`#check-${year} input[name=note]`, '专利证书已核对');
  await submit(a, `#check-${year} button[value=accept]`);
  assert.match(await a.textContent(report), /已核实/);
  assert.equal(await patentsOf(a), before + patents.length, 'the figures count the filed patents');

  // Every projects page at 390 px.
  for (const p of [a, sec.page, b, sessions.e2e_rsci2.page]) await p.setViewportSize(PHONE);
  for (const path of ['/projects', `/projects/rounds/${round}`, '/projects/rounds/new', `/projects/rounds/${round}/edit`,
    `/projects/rounds/${round}/assignment`, `/projects/rounds/${round}/ranking`, `/projects/applications/${app}`,
    outcomes, '/projects/outcomes/overdue', '/projects/figures', '/projects/figures?by=cluster', `/projects/figures?by=year&year=${year}`]) {
    await demo.fitsPhone(a, path);
  }
  await screenshot(a, 'projects-assignment-phone');
  await demo.fitsPhone(sec.page, `/projects/rounds/${round}/recommend`);
  await demo.fitsPhone(b, `/projects/rounds/${round}/apply`);
  await demo.fitsPhone(b, `/projects/applications/${app}`);
  await demo.fitsPhone(b, outcomes);
  await screenshot(b, 'projects-outcomes-phone');
  await demo.fitsPhone(sessions.e2e_rsci2.page, `/projects/reviews/${app}`);
  await screenshot(sessions.e2e_rsci2.page, 'projects-review-phone');
  for (const s of [admin, sec, branch, ...Object.values(sessions)]) await s.context.close();
});
