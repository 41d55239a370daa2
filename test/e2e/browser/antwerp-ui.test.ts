/**
 * The Antwerp attack (MISSION §1), step by step THROUGH the console in Chromium against the real server. Each step
 * asserts what the person at the screen sees: the refusal, and where the port must know at once, the alert on the
 * terminal supervisor's Alerts page. A line clerk's keylogged password opens no session at all (b); one that does,
 * a customs officer's (a read-only role that may use a password), still shows no yard position (b2).
 * Screenshots: `antwerp-<step>-<nn>-<screen>.png`.
 *
 * (h) A tampered inclusion proof shows "✗ Not verified" on the container page: that is
 * `cargo-pages.test.ts` › 'shows "not verified" when the server hands out a tampered proof' (screenshot
 * `container-page-tampered-proof.png`), not repeated here.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { readAppointment } from '../../../src/app/appointments/index.js';
import { chooseDriver } from '../../support/browser.js';
import { type ConsoleSuite, consoleSuite, describeBrowser } from '../../support/console-session.js';
import {
  addCast,
  addJourneyOrganisations,
  attackerPage,
  boxInYard,
  callAs,
  containerNumber,
  expectNoPageErrors,
  fetchFromPage,
  fillPasswordForm,
  issueRelease,
  menu,
  openContainer,
  openFromMenu,
  orgs,
  type Person,
  passkeySignIn,
  plantPassword,
  type SignedIn,
  tomorrowMorning,
  totpCode,
  withStepUp,
} from '../../support/journeys.js';
import { type ConfirmedPhone, confirmedPhone } from '../../support/phone.js';
import { addDriver } from '../../support/pickup.js';

const time = tomorrowMorning();
const TARGET = containerNumber('MSCU', 720_001);
const REBOOKED = containerNumber('MSCU', 720_002);
const BADGE = 'ANR-520001';
const OTHER_BADGE = 'ANR-520002';
const PLATE = '1-DLT-520';
const GANG_BADGE = 'ANR-666666';
const GANG_PLATE = '1-GNG-666';

describeBrowser('the Antwerp attack through the console (MISSION §1)', () => {
  let people: Record<string, Person>;
  let targetRef: string;
  let rebookedRef: string;
  /** The printed pickup credential of TARGET's booking: what the gang copies. */
  let credential: string;
  let credentialId: string;
  /** Dirk's confirmed phone, which signs TARGET's rotating pass. */
  let phone: ConfirmedPhone;
  const open: SignedIn[] = [];
  let lineClerk: SignedIn;
  let gateClerk: SignedIn;
  let supervisor: SignedIn;
  const suite = consoleSuite({ server: { clock: time.clock }, setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    people = await addCast(server, [
      ['lena.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
      ['hugo.planner', 'Hugo Planner', orgs.haulier.orgId, 'haulier_planner'],
      ['gina.clerk', 'Gina Clerk', orgs.nqt.orgId, 'gate_clerk'],
      ['yara.planner', 'Yara Planner', orgs.nqt.orgId, 'yard_planner'],
      ['sam.super', 'Sam Supervisor', orgs.nqt.orgId, 'terminal_supervisor'],
      ['cora.customs', 'Cora Customs', orgs.customs.orgId, 'customs_officer'],
      ['dirk.driver', 'Dirk Driver', orgs.haulier.orgId, 'driver'],
    ]);

    // SETUP: two boxes in the yard, released to the haulier, who holds the right and has two drivers.
    targetRef = await boxInYard(server, TARGET, { block: 'B', bay: 3, row: 1, tier: 1 });
    rebookedRef = await boxInYard(server, REBOOKED, { block: 'B', bay: 5, row: 1, tier: 1 });
    for (const visitRef of [targetRef, rebookedRef]) {
      await issueRelease(server, people['lena.line']!, visitRef, orgs.haulier.orgId);
      expect(
        (await callAs(server, 'hugo.planner', 'POST', `/v1/visits/${visitRef}/release/offers/accept`, {}))
          .status,
      ).toBe(200);
    }
    const deps = { ledger: server.fixture.ledger, sealer: server.auth.security.sealer };
    const dirk = await callAs(server, 'hugo.planner', 'POST', '/v1/drivers', {
      name: 'Dirk Driver',
      badge: BADGE,
      licence: 'B-5200001',
      phone: '+32 470 52 00 01',
      userId: 'dirk.driver',
    });
    expect(dirk.status).toBe(201);
    await addDriver(deps, orgs.haulier.orgId, OTHER_BADGE);
    // The legitimate booking of TARGET, whose credential the gang copies.
    const booked = await callAs(server, 'hugo.planner', 'POST', `/v1/visits/${targetRef}/appointment`, {
      slotId: time.slotId('10:00'),
      badge: BADGE,
      truckPlate: PLATE,
    });
    expect(booked.status).toBeLessThan(300);
    credential = String((booked.body.credential as { token: string }).token);
    credentialId = String((booked.body.credential as { credentialId: string }).credentialId);
    // Dirk's phone, set up and confirmed by his planner: it shows the pass the gate asks for.
    phone = await confirmedPhone(server, { driver: 'dirk.driver', planner: 'hugo.planner' });
    await server.fixture.ledger.checkpoint();
  }

  afterAll(async () => {
    for (const signedIn of open) await signedIn.context.close().catch(() => undefined);
  });

  // Refusals are expected answers (401/403/404 and refused verdicts); a script error in the console is not.
  afterEach(() => expectNoPageErrors(open));

  async function signIn(userId: string, prefix: string): Promise<SignedIn> {
    const signedIn = await passkeySignIn(suite.browser, suite.server, people[userId]!, prefix);
    open.push(signedIn);
    return signedIn;
  }

  it('(a) a keylogged password + TOTP of a yard planner: the login page refuses, a passkey is required', async () => {
    const stolen = await plantPassword(suite.server, 'yara.planner');
    const gang = await attackerPage(suite.browser, suite.server, 'antwerp-a');
    open.push(gang);
    await fillPasswordForm(
      gang.page,
      'yara.planner',
      stolen.password,
      totpCode(suite.server, stolen.totpSecret),
    );
    await gang.shot('stolen-password');
    await gang.page.getByRole('button', { name: 'Sign in with password and code' }).click();
    const alert = gang.page.getByRole('alert').filter({ hasText: /passkey/i });
    await alert.waitFor();
    expect(new URL(gang.page.url()).pathname).toBe('/login');
    await gang.shot('login-refused');
  }, 60_000);

  it('(b) a line clerk: password + TOTP refused; even signed in, no yard position and no yard map', async () => {
    const stolen = await plantPassword(suite.server, 'lena.line');
    const gang = await attackerPage(suite.browser, suite.server, 'antwerp-b');
    open.push(gang);
    await fillPasswordForm(
      gang.page,
      'lena.line',
      stolen.password,
      totpCode(suite.server, stolen.totpSecret),
    );
    await gang.page.getByRole('button', { name: 'Sign in with password and code' }).click();
    await gang.page
      .getByRole('alert')
      .filter({ hasText: /passkey/i })
      .waitFor();
    await gang.shot('login-refused');

    // The gang rides the clerk's own signed-in browser (an office PC is possibly compromised).
    const clerk = await signIn('lena.line', 'antwerp-b');
    lineClerk = clerk;
    const { page } = clerk;
    expect(await menu(page)).not.toContain('Yard map');
    await openContainer(page, TARGET);
    await page.getByText('The event history is not yours to see.').waitFor();
    expect(await page.getByText('Yard slot', { exact: true }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/T1\/B\/\d\d\/\d\d/);
    await clerk.shot('container-no-position');
    await page.goto(`${suite.server.baseUrl}/yard?terminal=T1`);
    await page.getByText('The yard map could not be loaded').waitFor();
    expect(await page.getByRole('img', { name: /Yard map of terminal/ }).count()).toBe(0);
    await clerk.shot('yard-map-by-url-refused');
  }, 60_000);

  it('(b2) a keylogged password + TOTP of a customs officer (who may use one): signed in, but no yard position', async () => {
    const cora = people['cora.customs']!;
    const gang = await attackerPage(suite.browser, suite.server, 'antwerp-b2');
    open.push(gang);
    const { page } = gang;
    await fillPasswordForm(
      page,
      cora.userId,
      cora.password ?? '',
      totpCode(suite.server, cora.totpSecret ?? ''),
    );
    await page.getByRole('button', { name: 'Sign in with password and code' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome, ${cora.displayName}` }).waitFor();
    expect(await menu(page)).not.toContain('Yard map');
    await gang.shot('home');
    await openContainer(page, TARGET);
    await page.getByText('shown only after you sign in with a passkey').waitFor();
    expect(await page.getByText('Yard slot', { exact: true }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/T1\/B\/\d\d\/\d\d/);
    await gang.shot('container-no-position');
    await page.goto(`${suite.server.baseUrl}/yard?terminal=T1`);
    await page.getByText('The yard map could not be loaded').waitFor();
    await gang.shot('yard-map-refused');
  }, 60_000);

  it('(c) the clerk tries to change the box’s location: no control, and the API answers 403 problem+json', async () => {
    const clerk = lineClerk;
    expect(clerk).toBeDefined();
    const page = clerk.page;
    await openContainer(page, TARGET);
    expect(await page.getByRole('button', { name: /move|position|correct/i }).count()).toBe(0);
    const slot = { terminal: 'T1', block: 'B', bay: 3, row: 1, tier: 1 };
    const move = await fetchFromPage(page, 'POST', `/v1/visits/${targetRef}/moves`, {
      from: slot,
      to: { ...slot, block: 'Z' },
      equipment: 'SC-1',
    });
    expect(move.status).toBe(403);
    expect(move.contentType).toContain('application/problem+json');
    expect(move.body).toMatchObject({ status: 403, code: expect.any(String), detail: expect.any(String) });
    const correction = await fetchFromPage(page, 'POST', `/v1/visits/${targetRef}/position-corrections`, {
      to: { ...slot, bay: 9 },
      reason: 'relocated',
    });
    expect(correction.status).toBe(403);
    expect(correction.contentType).toContain('application/problem+json');
    await clerk.shot('container-no-move-control', 'antwerp-c');
    // Nothing moved.
    const visit = await suite.server.fixture.store.getVisit(targetRef);
    expect(JSON.stringify(visit?.view)).toContain('"block":"B"');
  }, 60_000);

  it('(d) moving the pickup earlier or changing the driver near pickup becomes a two-person request', async () => {
    const planner = await signIn('hugo.planner', 'antwerp-d');
    const { page } = planner;
    await openFromMenu(page, 'Releases', 'Releases');
    await page.getByRole('button', { name: `Book the pickup of ${REBOOKED}` }).click();
    await chooseDriver(page, BADGE);
    await page.getByLabel('Truck plate').fill(PLATE);
    await page.getByLabel('Day').fill(time.day);
    await page.locator(`input[name="slot"][value="${time.slotId('12:00')}"]`).check();
    await page.getByRole('button', { name: 'Book pickup', exact: true }).click();
    await withStepUp(page, page.getByText('Booking done.'));
    await planner.shot('booked-12-00');
    const booked = await readAppointment(suite.server.fixture.store, rebookedRef);
    expect(booked.slotId).toBe(time.slotId('12:00'));

    // Earlier, within a day of pickup: not applied, asked of a second planner.
    await page.locator(`input[name="slot"][value="${time.slotId('10:30')}"]`).check();
    await page.getByRole('button', { name: 'Move to this slot' }).click();
    await withStepUp(page, page.getByText('needs a second planner of your haulier to approve it'));
    await planner.shot('earlier-slot-needs-approval');

    await chooseDriver(page, OTHER_BADGE);
    await page.getByRole('button', { name: 'Change driver or truck' }).click();
    await page.getByText(/change of driver or truck is close to the pickup/).waitFor();
    await planner.shot('driver-change-needs-approval');
    // Neither change took effect: same slot, same driver, same truck.
    const after = await readAppointment(suite.server.fixture.store, rebookedRef);
    expect(after).toMatchObject({
      slotId: booked.slotId,
      driverBadgeRef: booked.driverBadgeRef,
      truckPlate: booked.truckPlate,
    });

    await openFromMenu(page, 'Approvals', 'Approvals');
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Pickup change' }).count()).toBe(2);
    await planner.shot('approvals-pickup-changes-waiting');
  }, 90_000);

  it('(e) a copied credential with the gang’s own driver and truck: refused, the box stays, the supervisor is alerted', async () => {
    const clerk = await signIn('gina.clerk', 'antwerp-e');
    gateClerk = clerk;
    const { page } = clerk;
    await openFromMenu(page, 'Gate', 'Gate-out');
    await page.getByLabel('Pickup pass').fill(credential);
    await page.getByLabel('Badge number').fill(GANG_BADGE);
    await page.getByLabel('Truck plate').fill(GANG_PLATE);
    await page.getByRole('button', { name: 'Check and release' }).click();
    await page.getByRole('heading', { name: /Refused/ }).waitFor();
    const failed = await page
      .getByRole('list', { name: 'Checks' })
      .locator('.check-failed')
      .allTextContents();
    // The copy does not authenticate whoever presents it: the gate reports the pass checks only (gate issue 1).
    expect(failed).toEqual([
      expect.stringContaining('Not a printed pass (printed passes are switched off here)'),
    ]);
    const notChecked = await page
      .getByRole('list', { name: 'Checks' })
      .locator('.check-not-checked')
      .allTextContents();
    expect(notChecked).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Driver badge matches'),
        expect.stringContaining('Truck plate matches'),
      ]),
    );
    await page.getByText('an alert was raised').waitFor();
    await clerk.shot('gate-refused');

    await openContainer(page, TARGET);
    await page.getByText('In the yard', { exact: true }).waitFor();
    await clerk.shot('container-still-in-yard');

    supervisor = await signIn('sam.super', 'antwerp-e');
    await openFromMenu(supervisor.page, 'Alerts', 'Alerts');
    const row = supervisor.page.getByRole('row').filter({ hasText: 'Gate refusal' });
    await row.first().waitFor();
    // The alert names what stopped the copy, the pass check, and nothing the gate checked beyond it (alert issue 1):
    // the badge mismatch stays in the gate attempt's own event, for investigators.
    const text = await row.first().textContent();
    // In plain words (issue 14): the console says the server's check codes by their names.
    expect(text).toMatch(new RegExp(`${TARGET}: not a printed pass`));
    expect(text).not.toMatch(/driver badge|truck plate|lights|slot|more/);
    await supervisor.shot('alerts-gate-refusal');
  }, 90_000);

  it('(f) the same pass from the driver’s phone presented twice: the second is refused (single use)', async () => {
    const clerk = gateClerk;
    const { page } = clerk;
    const pass = await phone.pass(credentialId);
    const present = async () => {
      await openFromMenu(page, 'Gate', 'Gate-out');
      await page.getByLabel('Pickup pass').fill(pass);
      await page.getByLabel('Badge number').fill(BADGE);
      await page.getByLabel('Truck plate').fill(PLATE);
      await page.getByRole('button', { name: 'Check and release' }).click();
    };
    await present();
    await page.getByRole('heading', { name: /Accepted/ }).waitFor();
    await clerk.shot('first-accepted', 'antwerp-f');
    await present();
    await page.getByRole('heading', { name: /Refused/ }).waitFor();
    const failed = await page
      .getByRole('list', { name: 'Checks' })
      .locator('.check-failed')
      .allTextContents();
    expect(failed).toEqual(expect.arrayContaining([expect.stringContaining('Credential not used before')]));
    await clerk.shot('second-refused', 'antwerp-f');
  }, 60_000);

  it('(g) deleting or voiding a record: no delete exists, a void waits for a second person, history keeps everything', async () => {
    const { page } = supervisor;
    await openContainer(page, REBOOKED);
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    const before = await history.getByRole('listitem').count();
    await supervisor.shot('container-history-before', 'antwerp-g');

    const deleted = await fetchFromPage(page, 'DELETE', `/v1/visits/${rebookedRef}`);
    expect(deleted.status).toBe(404);
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Ask to void an event…' }).click();
    await actions.getByLabel('Event to void').selectOption('2');
    await actions.getByLabel('Why void it').fill('gang wants the gate-in gone');
    await actions.getByRole('button', { name: 'Request the void' }).click();
    await withStepUp(page, actions.getByText(/^Void of event 2 .* waits for a second person/));
    await supervisor.shot('void-requested', 'antwerp-g');
    await openFromMenu(page, 'Approvals', 'Approvals');
    const mine = page.getByRole('row').filter({ hasText: 'Void of a visit event' });
    await mine.getByText('Waiting').waitFor();
    expect(
      await page.getByRole('button', { name: `Approve the void of a visit event of ${rebookedRef}` }).count(),
    ).toBe(0);
    await supervisor.shot('void-waits-for-second-person', 'antwerp-g');

    await openContainer(page, REBOOKED);
    await expect.poll(() => history.getByRole('listitem').count()).toBe(before);
    await supervisor.shot('container-history-intact', 'antwerp-g');
  }, 60_000);
});
