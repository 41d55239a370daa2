/**
 * The release forms that open below the lists: offer the right on, block or revoke the release, deny an offer. They
 * share the one action form; the page's own notices say what happened and why a form was not sent.
 */
import { useTranslation } from 'react-i18next';
import { ActionForm } from '../forms/ActionForm.js';
import type { FormDraft, FormSpec } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { type Directory, PartyPicker } from './party-directory.js';
import { releaseActions } from './release-api.js';
import type { Panel, ReleaseTools } from './release-tools.js';

type PanelField = 'to' | 'reason';

interface ReleaseForm extends FormSpec<PanelField> {
  title: (box: string) => string;
  /** What the page says when the reason is left blank, where it must be given. */
  reasonMissing?: () => string;
}

const reasonField = (hint: () => string, required: boolean) =>
  ({
    kind: 'text',
    name: 'reason',
    get label() {
      return required ? i18next.t('releases:panel.reason') : i18next.t('releases:panel.reasonOptional');
    },
    get hint() {
      return hint();
    },
    maxLength: 500,
    required,
    autoFocus: true,
  }) as const;

const sending = () => i18next.t('releases:panel.sending');

export const RELEASE_FORMS: Record<Exclude<Panel['kind'], 'book'>, ReleaseForm> = {
  offer: {
    policy: { role: 'release_desk', stepUp: () => i18next.t('releases:panel.stepUpOffer') },
    title: (box) => i18next.t('releases:panel.offerTitle', { box }),
    fields: [],
    submit: {
      get label() {
        return i18next.t('releases:panel.offerSubmit');
      },
      get busyLabel() {
        return sending();
      },
    },
  },
  revoke: {
    policy: { permissions: ['release.revoke'], stepUp: () => i18next.t('releases:panel.stepUpRevoke') },
    title: (box) => i18next.t('releases:panel.revokeTitle', { box }),
    fields: [reasonField(() => i18next.t('releases:panel.revokeHint'), true)],
    reasonMissing: () => i18next.t('releases:panel.revokeMissing'),
    submit: {
      get label() {
        return i18next.t('releases:panel.revokeSubmit');
      },
      get busyLabel() {
        return sending();
      },
      variant: 'danger',
    },
  },
  block: {
    policy: { permissions: ['release.block'], stepUp: () => i18next.t('releases:panel.stepUpBlock') },
    title: (box) => i18next.t('releases:panel.blockTitle', { box }),
    fields: [reasonField(() => i18next.t('releases:panel.blockHint'), true)],
    reasonMissing: () => i18next.t('releases:panel.blockMissing'),
    submit: {
      get label() {
        return i18next.t('releases:panel.blockSubmit');
      },
      get busyLabel() {
        return sending();
      },
      variant: 'danger',
    },
  },
  deny: {
    policy: {
      permissions: ['release.accept', 'release.deny'],
      stepUp: () => i18next.t('releases:panel.stepUpDeny'),
    },
    title: (box) => i18next.t('releases:panel.denyTitle', { box }),
    fields: [reasonField(() => i18next.t('releases:panel.denyHint'), false)],
    submit: {
      get label() {
        return i18next.t('releases:panel.denySubmit');
      },
      get busyLabel() {
        return sending();
      },
    },
  },
};

export function ReleasePanel({
  panel,
  draft,
  directory,
  reloadDirectory,
  orgId,
  tools: { act, busy, number, party },
  fail,
  onCancel,
}: {
  panel: Exclude<Panel, { kind: 'book' }>;
  draft: FormDraft<PanelField>;
  directory: Directory;
  reloadDirectory: () => void;
  orgId: string;
  tools: ReleaseTools;
  fail: (sentence: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('releases');
  const form = RELEASE_FORMS[panel.kind];
  const { visitRef } = panel.row;
  const box = number(panel.row);
  const label = form.policy.stepUp();
  const send = ({ to, reason }: Record<PanelField, string>) => {
    if (form.reasonMissing && !reason) return fail(form.reasonMissing());
    if (panel.kind === 'offer') {
      if (!to) return fail(t('panel.chooseParty'));
      void act(
        `offer:${visitRef}`,
        label,
        () => releaseActions.offer(visitRef, to),
        t('panel.offered', { box, party: party(to) }),
      );
    } else if (panel.kind === 'block') {
      void act(
        `block:${visitRef}`,
        label,
        () => releaseActions.block(visitRef, reason),
        t('panel.blocked', { box }),
      );
    } else if (panel.kind === 'revoke') {
      void act(
        `revoke:${visitRef}`,
        label,
        () => releaseActions.revoke(visitRef, reason),
        t('panel.revoked', { box }),
      );
    } else {
      void act(
        `deny:${visitRef}`,
        label,
        () => releaseActions.deny(visitRef, reason || undefined),
        t('panel.denied', { box }),
      );
    }
  };
  return (
    <section className="card" aria-labelledby="panel-heading">
      <ActionForm
        spec={form}
        draft={draft}
        title={form.title(box)}
        headingLevel={2}
        headingId="panel-heading"
        named="by-section"
        className="stack"
        busy={busy !== undefined}
        onSubmit={send}
        onCancel={onCancel}
      >
        {panel.kind === 'offer' ? (
          <PartyPicker
            label={t('panel.offerTo')}
            hint={t('panel.offerToHint')}
            directory={directory}
            reload={reloadDirectory}
            value={draft.values.to}
            onChange={(to) => draft.set('to', to)}
            exclude={orgId}
            autoFocus
          />
        ) : null}
      </ActionForm>
    </section>
  );
}
