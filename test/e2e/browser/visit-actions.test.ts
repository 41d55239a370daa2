/**
 * The container page's Actions card in Chromium against the real server: a customs officer places and lifts a
 * customs hold (the lights go red, then green again), and a colleague's customs hold is lifted only once a second
 * officer approves it in the Approvals inbox; an equipment operator records a move and the timeline
 * proves it; a yard planner asks for a position correction and a supervisor asks to void an event, both left
 * waiting for a second person in the Approvals inbox; a read-only investigator gets no Actions card at all.
 * Screens are saved as `visit-actions-<nn>-<what>.png`.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { collectPageProblems, type PageProblems, screenshot } from '../../support/browser.js';
import {
  type ConsoleSuite,
  consoleSuite,
  describeBrowser,
  enrolledPage,
} from '../../support/console-session.js';
import {
  addCast,
  addJourneyOrganisations,
  boxInYard,
  callAs,
  containerNumber,
  issueRelease,
  orgs,
  type Person,
  withStepUp,
} from '../../support/journeys.js';

const HELD = containerNumber('MSCU', 720_001);
const CORRECTED = containerNumber('MSCU', 720_002);
const VOIDED = containerNumber('MSCU', 720_003);
const COLLEAGUES_HOLD = containerNumber('MSCU', 720_004);

describeBrowser('container page actions (Chromium)', () => {
  let people: Record<string, Person> = {};
  const refs: Record<string, string> = {};
  let shots = 0;
  const shot = (page: Page, what: string) =>
    screenshot(page, `visit-actions-${String(++shots).padStart(2, '0')}-${what}`);
  const suite = consoleSuite({ setup, timeout: 120_000 });

  async function setup({ server }: ConsoleSuite): Promise<void> {
    await addJourneyOrganisations(server);
    people = await addCast(server, [
      ['lena.line', 'Lena Line', orgs.line.orgId, 'release_desk'],
      ['cora.customs', 'Cora Customs', orgs.customs.orgId, 'customs_officer'],
      ['carl.customs', 'Carl Customs', orgs.customs.orgId, 'customs_officer'],
      ['cleo.customs', 'Cleo Customs', orgs.customs.orgId, 'customs_officer'],
      ['otto.operator', 'Otto Operator', orgs.nqt.orgId, 'equipment_operator'],
      ['yara.planner', 'Yara Planner', orgs.nqt.orgId, 'yard_planner'],
      ['sam.super', 'Sam Supervisor', orgs.nqt.orgId, 'terminal_supervisor'],
      // An investigator of customs (an auditor): reads everything and places no kind of hold.
      ['ivy.audit', 'Ivy Auditor', orgs.customs.orgId, 'investigator'],
    ]);
    refs.held = await boxInYard(server, HELD, { block: 'A', bay: 1, row: 1, tier: 1 });
    refs.corrected = await boxInYard(server, CORRECTED, { block: 'A', bay: 3, row: 1, tier: 1 });
    refs.voided = await boxInYard(server, VOIDED, { block: 'B', bay: 1, row: 1, tier: 1 });
    refs.colleagues = await boxInYard(server, COLLEAGUES_HOLD, { block: 'B', bay: 3, row: 1, tier: 1 });
    const placed = await callAs(server, 'cora.customs', 'POST', `/v1/visits/${refs.colleagues}/holds`, {
      kind: 'customs',
      reason: 'Selected for inspection',
      reference: 'BE-INSP-724',
    });
    if (placed.status !== 200) throw new Error(`could not place the hold: ${JSON.stringify(placed.body)}`);
    await issueRelease(server, people['lena.line']!, refs.held, orgs.forwarder.orgId);
    await issueRelease(server, people['lena.line']!, refs.colleagues, orgs.forwarder.orgId);
    await server.fixture.ledger.checkpoint();
  }

  /** A page of `userId` on the container page of `visitRef`: a passkey enrolled, then a minted passkey session. */
  async function onContainerPage(
    userId: string,
    visitRef: string,
  ): Promise<{ page: Page; problems: PageProblems; close: () => Promise<void> }> {
    const viewport = { width: 1280, height: 900 };
    const { context, page } = await enrolledPage(suite.browser, suite.server, people[userId]!, { viewport });
    const problems = collectPageProblems(page);
    await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(visitRef)}`);
    await page.getByRole('heading', { level: 2, name: 'Status' }).waitFor({ timeout: 15_000 });
    return { page, problems, close: () => context.close() };
  }

  it('a customs officer places a customs hold (lights go red) and lifts it (green again)', async () => {
    const { page, problems, close } = await onContainerPage('cora.customs', refs.held!);
    const actions = page.getByRole('region', { name: 'Actions' });
    await page.getByText('All lights green', { exact: true }).waitFor();
    // Green lights alone are not a pickup: the right is only offered to the forwarder so far.
    expect(await page.getByTestId('pickup-note').textContent()).toContain(
      `offered to ${orgs.forwarder.orgId} and not yet accepted`,
    );
    await shot(page, 'customs-green');

    await actions.getByRole('button', { name: 'Place a hold…' }).click();
    // Only the customs kind is offered to a customs officer: no choice to make.
    expect(await actions.getByLabel('Kind of hold').count()).toBe(0);
    await actions.getByText('Customs hold', { exact: true }).waitFor();
    await actions.getByRole('button', { name: 'Place the hold' }).click();
    await actions.getByText('Say why the box is held.').waitFor();
    await actions.getByLabel('Why hold it').fill('Selected for scan');
    await actions.getByLabel('Reference').fill('BE-SCAN-720');
    await actions.getByRole('button', { name: 'Place the hold' }).click();
    await actions.getByText(`Customs hold placed on ${HELD}`).waitFor();
    await page.getByText('Not all green: no pickup').waitFor();
    await page.getByText('customs: Selected for scan').waitFor();
    await shot(page, 'customs-hold-placed');

    await actions.getByRole('button', { name: /^Lift customs hold CUSTOMS-/ }).click();
    await actions.getByRole('button', { name: 'Lift the hold' }).click();
    await actions.getByText('Say why the hold can be lifted.').waitFor();
    await actions.getByLabel('Why lift it').fill('Scan clear');
    await actions.getByRole('button', { name: 'Lift the hold' }).click();
    await actions.getByText(/^Customs hold CUSTOMS-\S+ lifted/).waitFor();
    await page.getByText('All lights green', { exact: true }).waitFor();
    expect(await page.getByText('customs: Selected for scan').count()).toBe(0);
    await shot(page, 'customs-hold-lifted');

    const types = (await suite.server.fixture.store.readStream(`visit-${refs.held}`)).map(
      (event) => event.type,
    );
    expect(types.slice(-2)).toEqual(['HoldPlaced', 'HoldLifted']);
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it("another officer's customs hold: the lift waits for a second officer, who approves it in the Approvals inbox", async () => {
    // Carl asks to lift the hold Cora placed: nothing changes, the request waits (issue 10, row B).
    const carl = await onContainerPage('carl.customs', refs.colleagues!);
    const actions = carl.page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: /^Lift customs hold CUSTOMS-/ }).click();
    await actions
      .getByText("a colleague's waits for a second officer's approval", { exact: false })
      .waitFor();
    await actions.getByLabel('Why lift it').fill('Inspection done, nothing found');
    await actions.getByRole('button', { name: 'Lift the hold' }).click();
    await withStepUp(carl.page, actions.getByText(/needs a second officer/));
    await actions.getByRole('link', { name: 'Open the Approvals inbox' }).waitFor();
    await carl.page.getByText('Not all green: no pickup').waitFor();
    await shot(carl.page, 'customs-lift-requested');
    expect(carl.problems.unexpected(/\/lift$/)).toEqual([]);
    await carl.close();
    const before = await suite.server.fixture.store.readStream(`visit-${refs.colleagues}`);
    expect(before.map((event) => event.type)).not.toContain('HoldLifted');

    // Cleo, another officer than the one asking, approves it with a passkey step-up; the hold is gone.
    const cleo = await onContainerPage('cleo.customs', refs.colleagues!);
    // Let the container page finish checking its inclusion proofs: leaving mid-check aborts those requests.
    await cleo.page.waitForLoadState('networkidle');
    await cleo.page.goto(`${suite.server.baseUrl}/approvals`);
    await cleo.page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await cleo.page.getByRole('heading', { level: 3, name: /Lift of another officer's hold/ }).waitFor();
    expect(await cleo.page.locator('.diff-before').first().textContent()).toContain('Placed by cora.customs');
    await shot(cleo.page, 'customs-lift-approval-inbox');
    await cleo.page
      .getByRole('button', {
        name: `Approve the lift of another officer's hold of ${refs.colleagues}`,
      })
      .click();
    await withStepUp(
      cleo.page,
      cleo.page.getByText(`You approved the lift of another officer's hold of ${refs.colleagues}`),
    );
    await cleo.page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(refs.colleagues!)}`);
    await cleo.page.getByText('All lights green', { exact: true }).waitFor();
    await shot(cleo.page, 'customs-lift-approved');
    const after = await suite.server.fixture.store.readStream(`visit-${refs.colleagues}`);
    expect(after.at(-1)).toMatchObject({
      type: 'HoldLifted',
      data: { liftedBy: 'carl.customs', approvedBy: 'cleo.customs' },
    });
    expect(cleo.problems.unexpected(/\/approve$/)).toEqual([]);
    await cleo.close();
  }, 90_000);

  it('an equipment operator records a move; the timeline shows it verified', async () => {
    const { page, problems, close } = await onContainerPage('otto.operator', refs.corrected!);
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Record a move…' }).click();
    await actions.getByText('T1/A/03/01/1').waitFor();
    await actions.getByLabel('Block').fill('A');
    await actions.getByLabel('Bay').fill('seven');
    await actions.getByLabel('Row').fill('1');
    await actions.getByLabel('Tier').fill('1');
    await actions.getByRole('button', { name: 'Record the move' }).click();
    await actions.getByText('The bay is a whole number from 1 to 999.').waitFor();
    await actions.getByText('Give the id of the machine that moved the box.').waitFor();
    await actions.getByLabel('Bay').fill('7');
    await actions.getByLabel('Equipment id').fill('SC-12');
    await shot(page, 'move-form');
    await actions.getByRole('button', { name: 'Record the move' }).click();
    await withStepUp(page, actions.getByText(`Move of ${CORRECTED} recorded: T1/A/03/01/1 → T1/A/07/01/1.`));
    await page.locator('dd.mono').filter({ hasText: 'T1/A/07/01/1' }).waitFor();

    // The move is proven once a checkpoint covers it.
    await suite.server.fixture.ledger.checkpoint();
    await page.reload();
    const move = page
      .getByRole('list', { name: 'History' })
      .getByRole('listitem')
      .filter({ hasText: 'ContainerMoved' });
    await move.waitFor();
    expect(await move.textContent()).toContain('SC-12');
    await move.getByText('✓ Verified').waitFor({ timeout: 15_000 });
    await shot(page, 'move-verified');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it('a yard planner asks for a position correction and sees it waiting for a second person', async () => {
    const { page, problems, close } = await onContainerPage('yara.planner', refs.corrected!);
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Request a position correction…' }).click();
    await actions.getByText('T1/A/07/01/1').waitFor();
    await actions.getByLabel('Block').fill('A');
    await actions.getByLabel('Bay').fill('9');
    await actions.getByLabel('Row').fill('1');
    await actions.getByLabel('Tier').fill('1');
    await actions.getByLabel('Why correct it').fill('Yard scan found it two bays along');
    await actions.getByRole('button', { name: 'Request the correction' }).click();
    await withStepUp(page, actions.getByText(/waits for a second person at the terminal/));
    // Nothing moved yet.
    await page.locator('dd.mono').filter({ hasText: 'T1/A/07/01/1' }).waitFor();
    await shot(page, 'correction-requested');

    await actions.getByRole('link', { name: 'Open the Approvals inbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'Yard position correction' })
      .getByText('Waiting')
      .waitFor();
    await shot(page, 'correction-waiting');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it('a supervisor asks to void an event; the request waits in the Approvals inbox', async () => {
    const { page, problems, close } = await onContainerPage('sam.super', refs.voided!);
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    const before = await history.getByRole('listitem').count();
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Ask to void an event…' }).click();
    await actions.getByLabel('Event to void').selectOption('2');
    await actions.getByRole('button', { name: 'Request the void' }).click();
    await actions.getByText('Say why this event is wrong.').waitFor();
    await actions.getByLabel('Why void it').fill('Gate-in keyed against the wrong box');
    await actions.getByRole('button', { name: 'Request the void' }).click();
    await withStepUp(page, actions.getByText(/^Void of event 2 .* waits for a second person/));
    await shot(page, 'void-requested');

    await actions.getByRole('link', { name: 'Open the Approvals inbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Void of a visit event' }).getByText('Waiting').waitFor();
    expect(
      await page.getByRole('button', { name: `Approve the void of a visit event of ${refs.voided}` }).count(),
    ).toBe(0);
    await shot(page, 'void-in-approvals');

    // Nothing is voided, let alone deleted, until someone else approves.
    await page.goto(`${suite.server.baseUrl}/visits/${encodeURIComponent(refs.voided!)}`);
    await expect.poll(() => history.getByRole('listitem').count()).toBe(before);
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);

  it('a read-only investigator sees the box and its history but no Actions card', async () => {
    const { page, problems, close } = await onContainerPage('ivy.audit', refs.held!);
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('heading', { level: 2, name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /hold|move|void|correction/i }).count()).toBe(0);
    await shot(page, 'investigator-no-actions');
    expect(problems.unexpected()).toEqual([]);
    await close();
  }, 90_000);
});
