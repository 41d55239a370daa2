import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Session } from '../api.js';
import { BookingPanel } from '../appointments/BookingPanel.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { allows, useFormDraft } from '../forms/form-schema.js';
import { useOrgNames } from '../org-names.js';
import { AnnounceForm } from '../releases/AnnounceForm.js';
import { IssueReleaseForm } from '../releases/IssueReleaseForm.js';
import type { ChangeOrder, InboxView, ReleaseRow, StateFilter } from '../releases/inbox.js';
import { useOfferLookup } from '../releases/OfferLookup.js';
import { OffersCard } from '../releases/OffersCard.js';
import { partyLabel, usePartyDirectory } from '../releases/party-directory.js';
import { RELEASE_FORMS, ReleasePanel } from '../releases/ReleasePanel.js';
import { RightsCard } from '../releases/RightsCard.js';
import { releaseActions } from '../releases/release-api.js';
import type { Panel, ReleaseTools } from '../releases/release-tools.js';
import { useReleaseInbox } from '../releases/use-release-inbox.js';
import { holds as sessionHolds } from '../session.js';
import { useAction } from '../use-action.js';

/** Release desks and haulier planners: offers to accept or deny, rights to pass on or revoke, pickups to book. */
export function ReleasesPage({ session }: { session: Session }) {
  const { t } = useTranslation('releases');
  const names = useOrgNames(session);
  const { orgId, orgKind, roles } = session.user;
  const isLine = orgKind === 'shipping_line';
  const may = {
    isLine,
    isDesk: allows(session, RELEASE_FORMS.offer.policy),
    isPlanner: roles.includes('haulier_planner'),
    mayBlock: allows(session, RELEASE_FORMS.block.policy),
    mayRevoke: allows(session, RELEASE_FORMS.revoke.policy),
  };
  const receives = allows(session, RELEASE_FORMS.deny.policy);
  const mayAnnounce = sessionHolds(session, 'visit.announce');
  const mayIssue = sessionHolds(session, 'release.issue');
  const { directory, reload: reloadDirectory } = usePartyDirectory(
    sessionHolds(session, 'party.directory.read'),
  );
  // Bumped when a box is announced or released, so that the issue form lists the boxes again.
  const [boxesChanged, setBoxesChanged] = useState(0);
  const rightsView: InboxView = isLine ? 'issued' : 'held';
  const [rightsState, setRightsState] = useState<StateFilter>('all');
  const [rightsOrder, setRightsOrder] = useState<ChangeOrder>('desc');
  const inbox = useReleaseInbox({ receives, rightsView, rightsState, rightsOrder });
  const lookup = useOfferLookup(inbox.addLookedUp);
  const [panel, setPanel] = useState<Panel>();
  const draft = useFormDraft({ to: '', reason: '' });

  const { run, busyKey, done, setDone, fail, clear, feedback, cancel } = useAction({
    reload: async () => {
      await inbox.load();
      setBoxesChanged((n) => n + 1);
    },
  });

  const tools: ReleaseTools = {
    act: (key, label, action, success) =>
      run(key, label, action, {
        done: success,
        after: () => {
          setPanel(undefined);
          draft.reset();
        },
      }),
    busy: busyKey,
    open: (next) => {
      cancel();
      clear();
      draft.reset();
      setPanel(next);
    },
    number: (row: ReleaseRow) => row.containerNumber ?? t('page.visitOf', { visit: row.visitRef }),
    party: (id: string) => partyLabel(directory, id),
  };

  const { state } = inbox;
  if (state.status === 'loading')
    return (
      <div className="page">
        <PageHeading title={t('page.title')} />
        <Loading label={t('page.loading')} />
      </div>
    );
  if (state.status === 'error')
    return (
      <div className="page">
        <PageHeading title={t('page.title')} />
        <Notice tone="error" title={t('page.failed')}>
          <p>{state.message}</p>
          <Button onClick={() => void inbox.load()}>{t('page.tryAgain')}</Button>
        </Notice>
      </div>
    );

  const inboxOffers = new Set(state.offers.items.map((item) => item.visitRef));
  // The inbox lists every offer awaiting the organisation; one looked up by reference joins it until it is answered.
  const offers: ReleaseRow[] = [
    ...state.offers.items,
    ...state.lookedUp.filter((row) => !inboxOffers.has(row.visitRef)),
  ].filter((row) => row.release.offer?.to === orgId && !row.release.revoked);
  const rights = state.rights.items;

  async function issued(message: string) {
    clear();
    setDone(message);
    await inbox.load();
    setBoxesChanged((n) => n + 1);
  }

  return (
    <div className="page">
      <PageHeading title={t('page.title')} />
      <p className="muted">{t('page.intro')}</p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {feedback}

      {mayAnnounce ? <AnnounceForm onAnnounced={() => setBoxesChanged((n) => n + 1)} /> : null}
      {mayIssue ? (
        <IssueReleaseForm
          directory={directory}
          reloadDirectory={reloadDirectory}
          released={new Set(rights.map((row) => row.visitRef))}
          refresh={boxesChanged}
          onIssued={(message) => void issued(message)}
        />
      ) : null}

      {receives ? (
        <OffersCard
          offers={offers}
          nextCursor={state.offers.nextCursor}
          more={inbox.more === 'offers'}
          onShowMore={() => void inbox.showMore('offers', fail)}
          lookup={lookup}
          names={names}
          tools={tools}
        />
      ) : null}

      <RightsCard
        rights={rights}
        nextCursor={state.rights.nextCursor}
        more={inbox.more === 'rights'}
        onShowMore={() => void inbox.showMore('rights', fail)}
        orgId={orgId}
        directory={directory}
        may={may}
        tools={tools}
        stateFilter={rightsState}
        onStateFilter={setRightsState}
        view={rightsView}
        order={rightsOrder}
        onOrder={setRightsOrder}
        bulk={(kind, visitRefs, reason, after) =>
          run(
            `bulk:${kind}`,
            kind === 'block' ? t('bulk.stepUpBlock') : t('bulk.stepUpRevoke'),
            () =>
              kind === 'block'
                ? releaseActions.blockMany(visitRefs, reason)
                : releaseActions.revokeMany(visitRefs, reason),
            {
              done: ({ results }) => {
                const changed = results.filter((result) => result.outcome === 'changed').length;
                const refused = results.length - changed;
                if (refused > 0) return t('bulk.some', { count: changed, refused });
                return kind === 'block'
                  ? t('bulk.blocked', { count: changed })
                  : t('bulk.revoked', { count: changed });
              },
              after,
            },
          )
        }
      />

      {panel && panel.kind !== 'book' ? (
        <ReleasePanel
          panel={panel}
          draft={draft}
          directory={directory}
          reloadDirectory={reloadDirectory}
          orgId={orgId}
          tools={tools}
          fail={fail}
          onCancel={() => setPanel(undefined)}
        />
      ) : null}

      {panel?.kind === 'book' ? (
        <BookingPanel
          key={panel.row.visitRef}
          visitRef={panel.row.visitRef}
          containerNumber={tools.number(panel.row)}
          onClose={() => setPanel(undefined)}
        />
      ) : null}
    </div>
  );
}
