/**
 * Issue 5 acceptance: the daily job of every role, end to end in Chromium against the real server. Each person
 * signs in THROUGH the console (a passkey on a CDP virtual authenticator, or password + one-time code for the roles
 * that may use one), walks the job, and is shown not to see what is not theirs (menu entries, yard positions).
 *
 * The tests run in order and hand the box on: the line's release goes to the forwarder, who passes it to the
 * haulier, who books a slot; the driver sets up his phone for pickup passes and the planner confirms it; the gate
 * lets the box out with the rotating pass the driver's phone shows. A second box stands in the yard for the
 * terminal, customs and police. Every screen visited is saved as `role-<role>-<nn>-<screen>.png`.
 *
 * Customs officers and investigators sign in twice: with password + code they see statuses only (positions and
 * histories need a passkey session), then with a passkey they do their job.
 *
 * Every role's own job is done in the console. Only the leaving box's arrival (a gate clerk's gate-in, not part of
 * any journey here) is SETUP through the API.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { chooseInPicker } from '../../support/browser.js';
import { type ConsoleSuite, consoleSuite, describeBrowser } from '../../support/console-session.js';
import {
  addCast,
  addJourneyOrganisations,
  boxInYard,
  callAs,
  containerNumber,
  expectNoPageErrors,
  menu,
  openContainer,
  openFromMenu,
  orgs,
  type Person,
  passkeySignIn,
  passwordSignIn,
  type SignedIn,
  tomorrowMorning,
  withStepUp,
} from '../../support/journeys.js';
import { confirmPhoneInConsole, phoneCodeOnScreen } from '../../support/phone.js';

const time = tomorrowMorning();
const LEAVING = containerNumber('MSCU', 710_001);
const STAYING = containerNumber('MSCU', 710_002);
const NEIGHBOUR = containerNumber('MSCU', 710_003);
/** What the container page says to a session opened with a password + code instead of the position and history. */
const PASSWORD_SESSION = 'shown only after you sign in with a passkey';
const BADGE = 'ANR-510001';
const PLATE = '1-DLT-510';

/** Every role leaves pages open; they are closed at the end. */
const open: SignedIn[] = [];

describeBrowser('role journeys in Chromium (issue 5)', () => {
  let people: Record<string, Person>;
  let leavingRef: string;
  let stayingRef: string;
  /** The haulier planner's and the driver's pages: the planner confirms the driver's phone, which shows the pass. */
  let hugo: SignedIn;
  let dirk: SignedIn;
  const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    const cast = [
      ['lena.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
      ['fred.forwarder', 'Fred Forwarder', orgs.forwarder.orgId, 'release_desk'],
      ['hugo.planner', 'Hugo Planner', orgs.haulier.orgId, 'haulier_planner'],
      ['dirk.driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
      ['gina.clerk', 'Gina Clerk', orgs.nqt.orgId, 'gate_clerk'],
      ['yara.planner', 'Yara Planner', orgs.nqt.orgId, 'yard_planner'],
      ['otto.operator', 'Otto Operator', orgs.nqt.orgId, 'equipment_operator'],
      ['sam.super', 'Sam Supervisor', orgs.nqt.orgId, 'terminal_supervisor'],
      ['cora.customs', 'Cora Customs', orgs.customs.orgId, 'customs_officer'],
      ['ivan.police', 'Ivan Investigator', orgs.police.orgId, 'investigator'],
      ['ada.admin', 'Ada Admin', orgs.admin.orgId, 'administrator'],
      ['bob.admin', 'Bob Admin', orgs.admin.orgId, 'administrator'],
    ] as const;
    people = await addCast(server, cast);

    await boxInYard(server, NEIGHBOUR, { block: 'A', bay: 5, row: 2, tier: 1 });
    stayingRef = await boxInYard(server, STAYING, { block: 'A', bay: 5, row: 2, tier: 2 });
    await server.fixture.ledger.checkpoint();
  }

  afterAll(async () => {
    for (const signedIn of open) await signedIn.context.close().catch(() => undefined);
  });

  // Refused requests are part of the journeys (403/404 the page turns into "not yours to see"); script errors
  // are not.
  afterEach(() => expectNoPageErrors(open));

  async function signIn(userId: string, how: 'passkey' | 'password' = 'passkey'): Promise<SignedIn> {
    const person = people[userId]!;
    const prefix = `role-${person.role === 'release_desk' ? `release-desk-${person.orgId.slice(4)}` : person.role.replace(/_/g, '-')}`;
    const signedIn =
      how === 'passkey'
        ? await passkeySignIn(suite.browser, suite.server, person, prefix)
        : await passwordSignIn(suite.browser, suite.server, person, prefix);
    open.push(signedIn);
    return signedIn;
  }

  /** The page shows no yard position: no "Yard slot" fact, and the history (which carries slots) is withheld. */
  async function expectNoYardPosition(
    you: SignedIn,
    why: string = 'The event history is not yours to see.',
  ): Promise<void> {
    const { page } = you;
    await page.getByText(why).waitFor();
    expect(await page.getByText('Yard slot', { exact: true }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/T1\/A\/\d\d\/\d\d/);
  }

  it('line release desk: announces a box and issues its release to the forwarder; no yard map, no yard position', async () => {
    const you = await signIn('lena.line');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toEqual(expect.arrayContaining(['Home', 'Releases', 'Audit', 'My passkeys']));
    for (const absent of ['Yard map', 'Gate', 'Alerts', 'Admin']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Releases', 'Releases');
    // Pre-advice: a mistyped check digit is refused by the server and said under the field.
    const announce = page.getByRole('form', { name: 'Announce a container' });
    const wrongDigit = `${LEAVING.slice(0, 10)}${(Number(LEAVING.slice(10)) + 1) % 10}`;
    await announce.getByLabel('Container number').fill(wrongDigit);
    await announce.getByLabel('Size-type').selectOption('22G1');
    await announce.getByLabel('Full or empty').selectOption('full');
    await announce.getByLabel('Arrives by').selectOption('truck');
    await announce.getByRole('button', { name: 'Announce the container' }).click();
    await announce
      .locator('.field-error')
      .filter({ hasText: /check digit/i })
      .waitFor();
    expect(await announce.getByLabel('Container number').getAttribute('aria-invalid')).toBe('true');
    await you.shot('announce-check-digit', 'releases-line');

    await announce.getByLabel('Container number').fill(LEAVING);
    await announce.getByRole('button', { name: 'Announce the container' }).click();
    const announced = announce.getByText(`${LEAVING} is announced as visit`);
    await withStepUp(page, announced);
    leavingRef = /as visit (\S+?)\. /.exec((await announced.textContent()) ?? '')?.[1] ?? '';
    expect(leavingRef).not.toBe('');
    await you.shot('announced', 'releases-line');

    // SETUP (terminal activity, not the line's): the box comes through the gate into the yard.
    const gatedIn = await callAs(suite.server, 'gina.clerk', 'POST', `/v1/visits/${leavingRef}/gate-in`, {
      slot: { terminal: 'T1', block: 'A', bay: 1, row: 1, tier: 1 },
      truckPlate: '1-INB-001',
    });
    expect(gatedIn.status).toBe(200);

    // The release: the box by its number, the forwarder by name from the party directory.
    await page.reload();
    const issue = page.getByRole('form', { name: 'Issue a release' });
    // The box from a searchable picker (issue 14): type part of its number, choose it with the keyboard.
    const box = issue.getByRole('combobox', { name: 'Box' });
    await box.fill(LEAVING.slice(4, 10));
    await issue.getByRole('option', { name: `${LEAVING} — in the yard` }).waitFor();
    await box.press('ArrowDown');
    await box.press('Enter');
    expect(await box.inputValue()).toBe(`${LEAVING} — in the yard`);
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    await chooseInPicker(issue, 'First party', 'FFWD', `${orgs.forwarder.name} (FFWD) — Forwarder`);
    await you.shot('issue-release', 'releases-line');
    await issue.getByRole('button', { name: 'Issue the release' }).click();
    await withStepUp(
      page,
      page.getByText(
        `The release of ${LEAVING} is issued and offered to ${orgs.forwarder.name} (${orgs.forwarder.orgId})`,
      ),
    );

    await page.getByRole('heading', { level: 2, name: "Your line's releases" }).waitFor();
    const row = page.getByRole('row').filter({ hasText: LEAVING });
    await row.getByText(`Offered to ${orgs.forwarder.name}`).waitFor();
    // Revoking is behind the row's "More…" (issue 14), not a red button on every row.
    expect(await row.getByRole('button', { name: `Revoke the release of ${LEAVING}` }).count()).toBe(0);
    await row.getByRole('button', { name: `More actions for the release of ${LEAVING}` }).click();
    expect(await row.getByRole('button', { name: `Revoke the release of ${LEAVING}` }).count()).toBe(1);
    await you.shot('issued', 'releases-line');

    // Block and unblock: nothing moves while blocked; the forwarder's offer stands once it is lifted.
    await row.getByRole('button', { name: `Block the release of ${LEAVING}` }).click();
    await page.getByLabel('Reason').fill('Freight not yet paid');
    await page.getByRole('button', { name: 'Block the release', exact: true }).click();
    await withStepUp(page, page.getByText(`The release of ${LEAVING} is blocked`));
    await row.getByText('Blocked', { exact: true }).waitFor();
    await you.shot('blocked', 'releases-line');
    await row.getByRole('button', { name: `Unblock the release of ${LEAVING}` }).click();
    await withStepUp(page, page.getByText(`The release of ${LEAVING} is unblocked`));
    await row.getByRole('button', { name: `Block the release of ${LEAVING}` }).waitFor();
    await you.shot('releases');

    await row.getByRole('link', { name: LEAVING }).click();
    await page.getByRole('heading', { level: 1, name: `Container ${LEAVING}` }).waitFor();
    await page.getByRole('list', { name: 'Release chain' }).getByText(orgs.forwarder.orgId).waitFor();
    await expectNoYardPosition(you);
    await you.shot('container-no-position');
  }, 120_000);

  it('forwarder release desk: accepts the right and offers it on to the haulier', async () => {
    const you = await signIn('fred.forwarder');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toContain('Releases');
    for (const absent of ['Yard map', 'Gate', 'Approvals', 'Alerts', 'Admin'])
      expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Releases', 'Releases');
    // The offer waits in "Offers to you", no lookup needed.
    const accept = page.getByRole('button', { name: `Accept the right to collect visit ${leavingRef}` });
    await accept.waitFor();
    await you.shot('offer');
    await accept.click();
    await withStepUp(page, page.getByText('You hold the right to collect'));
    await you.shot('accepted');

    await page.getByRole('button', { name: `Offer the right to collect ${LEAVING}` }).click();
    // The next party by name from the directory, not an organisation id typed by hand.
    await chooseInPicker(page, 'Offer to', 'DLTA', `${orgs.haulier.name} (DLTA) — Haulier`);
    await you.shot('offer-on');
    await page.getByRole('button', { name: 'Offer the right', exact: true }).click();
    await withStepUp(page, page.getByText(`is offered to ${orgs.haulier.name} (${orgs.haulier.orgId})`));
    await page
      .getByRole('row')
      .filter({ hasText: LEAVING })
      .getByText(`offered to ${orgs.haulier.name}`)
      .waitFor();
    await you.shot('offered');

    await openContainer(page, LEAVING);
    await expectNoYardPosition(you);
    await you.shot('container-no-position');
  }, 60_000);

  it('haulier planner: accepts, names a driver and truck, books a slot and gets the QR credential', async () => {
    const you = await signIn('hugo.planner');
    hugo = you;
    const { page } = you;
    const nav = await menu(page);
    // Alerts: its haulier's own, such as a driver's phone set up while another is in use (issue 10).
    expect(nav).toEqual(expect.arrayContaining(['Releases', 'Approvals', 'Alerts']));
    for (const absent of ['Yard map', 'Gate', 'Audit', 'Admin']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Releases', 'Releases');
    // The offer waits in "Offers to you", no lookup needed.
    const accept = page.getByRole('button', { name: `Accept the right to collect visit ${leavingRef}` });
    await accept.waitFor();
    await you.shot('offer');
    await accept.click();
    await withStepUp(page, page.getByText('You hold the right to collect'));
    await you.shot('accepted');

    await page.getByRole('button', { name: `Book the pickup of ${LEAVING}` }).click();
    await page.getByRole('button', { name: 'Register a new driver' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Dirk Driver');
    await page.getByLabel('Badge number').fill(BADGE);
    await page.getByLabel('Driving licence').fill('B-5100001');
    await page.getByLabel('Phone').fill('+32 470 51 00 01');
    // Linking the driver's own account lets him see the job under "My jobs".
    await page.getByLabel("Driver's PortLedger account (optional)").fill('dirk.driver');
    await page.getByRole('button', { name: 'Register driver' }).click();
    await page.getByText('Dirk Driver is registered.').waitFor();
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByLabel('Day').fill(time.day);
    const slot = page.locator(`input[name="slot"][value="${time.slotId('10:00')}"]`);
    await slot.waitFor();
    await slot.check();
    await you.shot('slot-picker');
    await page.getByRole('button', { name: 'Book pickup', exact: true }).click();
    await page.getByRole('img', { name: `QR code of the pickup credential for ${LEAVING}` }).waitFor();
    // The printed pass, shown once, is only the terminal's fallback: the driver's phone shows his pass.
    expect((await page.getByLabel('Credential text').inputValue()).startsWith('plc1.')).toBe(true);
    await page.getByText('Pickup credential for').scrollIntoViewIfNeeded();
    await you.shot('qr-credential');

    await openContainer(page, LEAVING);
    await expectNoYardPosition(you);
    await you.shot('container-no-position');
  }, 90_000);

  it('driver: signs in with password and code, sees his own jobs and nothing of the yard, sets up his phone', async () => {
    const you = await signIn('dirk.driver', 'password');
    dirk = you;
    const { page } = you;
    const nav = await menu(page);
    for (const absent of ['Yard map', 'Releases', 'Gate', 'Approvals', 'Alerts', 'Audit', 'Admin'])
      expect(nav).not.toContain(absent);
    // The yard map by URL: the server refuses, the page says so.
    await page.goto(`${suite.server.baseUrl}/yard`);
    await page.getByText('The yard map could not be loaded').waitFor();
    await you.shot('yard-refused');

    await page.goto(`${suite.server.baseUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Welcome, Dirk Driver' }).waitFor();
    expect(nav).toContain('My jobs');
    await openFromMenu(page, 'My jobs', 'My jobs');
    const job = page.getByRole('article').filter({ has: page.getByRole('heading', { name: LEAVING }) });
    await job.waitFor({ timeout: 15_000 });
    await job.getByText(/1.?DLT.?510/).waitFor();
    expect(await page.getByRole('article').count()).toBe(1);
    await you.shot('my-jobs');
    expect(await page.locator('main').textContent()).not.toMatch(/T1\/A\/\d\d\/\d\d/);

    // His phone for pickup passes: its clock is the port's (the server's runs from 09:50 tomorrow).
    await you.context.clock.install({ time: time.clock.now() });
    await page.goto(`${suite.server.baseUrl}/me/jobs`);
    await page.getByLabel('Name of this phone').fill("Dirk's phone");
    await page.getByRole('button', { name: 'Set up this phone for pickup passes' }).click();
    await page.getByText('Your planner must confirm this phone').waitFor({ timeout: 15_000 });
    await you.shot('phone-pending');
    // His planner confirms it with the code Dirk reads out from it, with a passkey step-up.
    const code = await phoneCodeOnScreen(page);
    await openFromMenu(hugo.page, 'Approvals', 'Approvals');
    await confirmPhoneInConsole(hugo.page, { driverName: 'Dirk Driver', label: "Dirk's phone", code });
    await withStepUp(hugo.page, hugo.page.getByText("You confirmed Dirk Driver's phone"));
    await hugo.shot('phone-confirmed');
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByRole('button', { name: `Show the pickup pass for ${LEAVING}` }).click();
    await page.getByRole('img', { name: `Pickup pass QR code for ${LEAVING}` }).waitFor();
    expect(await page.getByTestId('pickup-pass-text').textContent()).toMatch(/^plp1\./);
    await you.shot('pickup-pass');
  }, 90_000);

  it('gate clerk: pastes the pass from the driver’s phone, badge and plate, sees every check ticked, and the box gates out', async () => {
    const you = await signIn('gina.clerk');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toEqual(expect.arrayContaining(['Yard map', 'Gate']));
    for (const absent of ['Releases', 'Approvals', 'Audit', 'Admin']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Gate', 'Gate-out');
    // The pass the driver's phone shows now (it is renewed every 30 seconds).
    const pass = (await dirk.page.getByTestId('pickup-pass-text').textContent())?.trim() ?? '';
    expect(pass).toMatch(/^plp1\./);
    await page.getByLabel('Pickup pass').fill(pass);
    await page.getByLabel('Badge number').fill(BADGE);
    await page.getByLabel('Truck plate').fill(PLATE);
    await you.shot('gate-filled');
    await page.getByRole('button', { name: 'Check and release' }).click();
    await page.getByRole('heading', { name: /Accepted/ }).waitFor();
    const checks = page.getByRole('list', { name: 'Checks' });
    expect(await checks.locator('.check-failed').count()).toBe(0);
    expect(await checks.locator('.check-passed').count()).toBeGreaterThanOrEqual(10);
    await you.shot('gate-accepted');

    await openContainer(page, LEAVING);
    await page.getByText('Gated out', { exact: true }).waitFor();
    await you.shot('container-gated-out');
  }, 60_000);

  it('yard planner: finds a box on the yard map, opens its stack and asks for a position correction', async () => {
    const you = await signIn('yara.planner');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toEqual(expect.arrayContaining(['Yard map', 'Approvals', 'Alerts']));
    for (const absent of ['Gate', 'Releases', 'Admin']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Yard map', 'Yard map T1');
    await page.getByText(/boxes in \d+ blocks/).waitFor();
    await page.getByLabel('Find a container in the yard').fill(STAYING);
    await page.getByRole('button', { name: 'Find', exact: true }).last().click();
    await page.getByText(`${STAYING} found in block A, bay 5, row 2.`).waitFor();
    // The search centres the map on the stack's corner at 8 px a metre: click the middle of that stack (a bay
    // is 6 m long, a row 2.5 m wide), after a click elsewhere, so that the click is what selects it.
    const canvas = page.getByRole('img', { name: /Yard map of terminal T1/ });
    const size = await canvas.evaluate((element) => ({ w: element.clientWidth, h: element.clientHeight }));
    await canvas.click({ position: { x: size.w / 2 - 100, y: size.h / 2 + 60 } });
    await page
      .getByRole('heading', { level: 2, name: 'Block A, bay 5, row 2' })
      .waitFor({ state: 'detached' });
    await canvas.click({ position: { x: size.w / 2 + 24, y: size.h / 2 - 10 } });
    await page.getByRole('heading', { level: 2, name: 'Block A, bay 5, row 2' }).waitFor();
    const tiers = page.getByRole('list', { name: 'Tiers, top first' });
    await tiers.getByRole('link', { name: NEIGHBOUR }).waitFor();
    expect((await tiers.getByRole('listitem').allTextContents()).map((t) => t.match(/Tier \d/)?.[0])).toEqual(
      ['Tier 2', 'Tier 1'],
    );
    await you.shot('yard-stack');

    await tiers.getByRole('link', { name: STAYING }).click();
    await page.getByRole('heading', { level: 1, name: `Container ${STAYING}` }).waitFor();
    await page.getByText('T1/A/05/02/2').first().waitFor();
    await you.shot('container');

    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Request a position correction…' }).click();
    await actions.getByLabel('Block').fill('A');
    await actions.getByLabel('Bay').fill('7');
    await actions.getByLabel('Row').fill('2');
    await actions.getByLabel('Tier').fill('1');
    await actions.getByLabel('Why correct it').fill('Yard scan found it two bays along');
    await actions.getByRole('button', { name: 'Request the correction' }).click();
    await withStepUp(page, actions.getByText(/waits for a second person at the terminal/));
    // Nothing moves until a second person approves.
    await page.getByText('T1/A/05/02/2').first().waitFor();
    await you.shot('container-correction-requested');
    await openFromMenu(page, 'Approvals', 'Approvals');
    const mine = page.getByRole('row').filter({ hasText: 'Yard position correction' });
    await mine.getByText('Waiting').waitFor();
    // Nobody approves his own request: the planner's inbox does not list it for a decision.
    expect(
      await page
        .getByRole('button', { name: `Approve the yard position correction of ${stayingRef}` })
        .count(),
    ).toBe(0);
    await you.shot('approvals-own-request');
  }, 60_000);

  it('terminal supervisor: approves the correction in the Approvals inbox with a passkey step-up', async () => {
    const you = await signIn('sam.super');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toEqual(expect.arrayContaining(['Yard map', 'Gate', 'Approvals', 'Alerts', 'Audit']));
    for (const absent of ['Releases', 'Admin']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Approvals', 'Approvals');
    await page.getByRole('heading', { level: 3, name: /Yard position correction/ }).waitFor();
    expect(await page.locator('.diff-before').first().textContent()).toBe('T1 A-5-2, tier 2');
    expect(await page.locator('.diff-after').first().textContent()).toBe('T1 A-7-2, tier 1');
    await you.shot('approvals-inbox');
    await page.getByRole('button', { name: `Approve the yard position correction of ${stayingRef}` }).click();
    await withStepUp(page, page.getByText(`You approved the yard position correction of ${stayingRef}`));
    await page.getByText('Nothing is waiting for you.').waitFor();
    await you.shot('approvals-approved');

    await openContainer(page, STAYING);
    await page.getByText('T1/A/07/02/1').first().waitFor();
    await you.shot('container-corrected');
    await openFromMenu(page, 'Alerts', 'Alerts');
    await you.shot('alerts');
  }, 60_000);

  it('equipment operator: sees the yard and the box’s slot, and records a move from the container page', async () => {
    const you = await signIn('otto.operator');
    const { page } = you;
    const nav = await menu(page);
    expect(nav).toContain('Yard map');
    for (const absent of ['Gate', 'Releases', 'Approvals', 'Alerts', 'Audit', 'Admin'])
      expect(nav).not.toContain(absent);
    await openFromMenu(page, 'Yard map', 'Yard map T1');
    await page.getByText(/boxes in \d+ blocks/).waitFor();
    await you.shot('yard-map');
    await openContainer(page, STAYING);
    await page.getByText('T1/A/07/02/1').first().waitFor();
    await you.shot('container');
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Record a move…' }).click();
    await actions.getByLabel('Block').fill('A');
    await actions.getByLabel('Bay').fill('9');
    await actions.getByLabel('Row').fill('2');
    await actions.getByLabel('Tier').fill('1');
    await actions.getByLabel('Equipment id').fill('SC-12');
    await actions.getByRole('button', { name: 'Record the move' }).click();
    await withStepUp(page, actions.getByText(`Move of ${STAYING} recorded: T1/A/07/02/1 → T1/A/09/02/1.`));
    await page.locator('dd.mono').filter({ hasText: 'T1/A/09/02/1' }).waitFor();
    // Once a checkpoint covers it, the move is proven in the browser like every other event.
    await suite.server.fixture.ledger.checkpoint();
    await page.reload();
    const move = page
      .getByRole('list', { name: 'History' })
      .getByRole('listitem')
      .filter({ hasText: 'ContainerMoved' });
    await move.getByText('✓ Verified').waitFor({ timeout: 15_000 });
    expect(await move.textContent()).toContain('SC-12');
    await you.shot('container-after-move');
  }, 60_000);

  it('customs officer: password + code sees no positions; with a passkey, places and lifts a customs hold', async () => {
    // A password session (a keylogger could have it) reads statuses, never where a box stands.
    const withPassword = await signIn('cora.customs', 'password');
    const nav = await menu(withPassword.page);
    // Nor the alert inbox, which would tell the gang which of its attempts were detected.
    expect(nav).toEqual(expect.arrayContaining(['Audit']));
    for (const absent of ['Yard map', 'Gate', 'Releases', 'Approvals', 'Alerts', 'Admin'])
      expect(nav).not.toContain(absent);
    await openContainer(withPassword.page, STAYING);
    await expectNoYardPosition(withPassword, PASSWORD_SESSION);
    await withPassword.shot('container-password-session');

    const you = await signIn('cora.customs');
    const { page } = you;
    expect(await menu(page)).toEqual(expect.arrayContaining(['Yard map', 'Alerts', 'Audit']));
    await openContainer(page, STAYING);
    await page.getByText('Yard slot', { exact: true }).waitFor();
    await you.shot('container');

    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Place a hold…' }).click();
    await actions.getByLabel('Why hold it').fill('selected for scan');
    await actions.getByLabel('Reference').fill('BE-SCAN-510');
    await actions.getByRole('button', { name: 'Place the hold' }).click();
    await withStepUp(page, actions.getByText(`Customs hold placed on ${STAYING}`));
    await page.getByText('customs: selected for scan').waitFor();
    await page.getByText('No hold or block: not green').waitFor();
    await you.shot('container-hold-placed');
    await actions.getByRole('button', { name: /^Lift customs hold / }).click();
    await actions.getByLabel('Why lift it').fill('scan clear');
    await actions.getByRole('button', { name: 'Lift the hold' }).click();
    await withStepUp(page, actions.getByText(/^Customs hold \S+ lifted/));
    await expect.poll(() => page.getByText('customs: selected for scan').count()).toBe(0);
    await page.getByText('No hold or block: green').waitFor();
    await you.shot('container-hold-lifted');
  }, 60_000);

  it('investigator: password + code sees no positions; with a passkey, every proof verified and the whole log', async () => {
    await suite.server.fixture.ledger.checkpoint();
    const withPassword = await signIn('ivan.police', 'password');
    const nav = await menu(withPassword.page);
    // Nor the alert inbox, which would tell the gang which of its attempts were detected.
    expect(nav).toEqual(expect.arrayContaining(['Audit']));
    for (const absent of ['Yard map', 'Gate', 'Releases', 'Approvals', 'Alerts', 'Admin'])
      expect(nav).not.toContain(absent);
    await openContainer(withPassword.page, STAYING);
    await expectNoYardPosition(withPassword, PASSWORD_SESSION);
    await withPassword.shot('container-password-session');

    const you = await signIn('ivan.police');
    const { page } = you;
    expect(await menu(page)).toEqual(expect.arrayContaining(['Yard map', 'Alerts', 'Audit']));
    await openContainer(page, STAYING);
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    const events = await history.getByRole('listitem').count();
    await expect.poll(() => page.getByText('✓ Verified').count(), { timeout: 15_000 }).toBe(events);
    expect(await page.getByText('Not verified').count()).toBe(0);
    await you.shot('container-verified');

    await openFromMenu(page, 'Audit', 'Audit log');
    await page.getByRole('button', { name: 'Verify everything' }).click();
    await page.getByText('Verified: every entry is in the signed log').waitFor({ timeout: 30_000 });
    await you.shot('audit-verified');
  }, 60_000);

  it('administrator: adds an organisation and a user; a second administrator approves the role grant', async () => {
    const ada = await signIn('ada.admin');
    const { page } = ada;
    const nav = await menu(page);
    expect(nav).toEqual(expect.arrayContaining(['Approvals', 'Audit', 'Admin']));
    for (const absent of ['Yard map', 'Gate', 'Releases', 'Alerts']) expect(nav).not.toContain(absent);

    await openFromMenu(page, 'Admin', 'Administration');
    const orgForm = page.getByRole('form', { name: 'Add an organisation' });
    await orgForm.getByLabel('Organisation id').fill('haul-x');
    await orgForm.getByLabel('Kind').selectOption('haulier');
    await orgForm.getByLabel('Name').fill('Haulage X');
    await orgForm.getByLabel('Code').fill('HAULX');
    await orgForm.getByRole('button', { name: 'Add organisation' }).click();
    await withStepUp(page, page.getByText('Organisation Haulage X (haul-x) added'));

    const userForm = page.getByRole('form', { name: 'Add a user' });
    await userForm.getByLabel('Organisation').selectOption('haul-x');
    await userForm.getByLabel('Username').fill('xavier.planner');
    await userForm.getByLabel('Full name').fill('Xavier Planner');
    await userForm.getByLabel('Haulier planner').check();
    await userForm.getByRole('button', { name: 'Add user' }).click();
    await withStepUp(page, page.getByText('User xavier.planner added'));
    await page.getByText('Role-grant requests filed for a second administrator').waitFor();
    await ada.shot('admin-user-added');

    const bob = await signIn('bob.admin');
    await openFromMenu(bob.page, 'Approvals', 'Approvals');
    await bob.page.getByRole('heading', { level: 3, name: /Role grant/ }).waitFor();
    await bob.shot('approvals-role-grant');
    await bob.page.getByRole('button', { name: /^Approve the role grant of / }).click();
    await withStepUp(bob.page, bob.page.getByText(/You approved the role grant of/));
    await bob.shot('approvals-role-granted');
    const granted = await suite.server.fixture.store.identity.findUserByUsername('xavier.planner');
    expect(granted?.roles).toEqual(['haulier_planner']);
  }, 90_000);
});
