/**
 * The release forms that open below the lists: offer the right on, block or revoke the release, deny an offer. They
 * share the one action form; the page's own notices say what happened and why a form was not sent.
 */
import { ActionForm } from '../forms/ActionForm.js';
import type { FormDraft, FormSpec } from '../forms/form-schema.js';
import { type Directory, PartyPicker } from './party-directory.js';
import { releaseActions } from './release-api.js';
import type { Panel, ReleaseTools } from './release-tools.js';

type PanelField = 'to' | 'reason';

interface ReleaseForm extends FormSpec<PanelField> {
  title: (box: string) => string;
  /** What the page says when the reason is left blank, where it must be given. */
  reasonMissing?: string;
}

const reasonField = (hint: string, required: boolean) =>
  ({
    kind: 'text',
    name: 'reason',
    label: required ? 'Reason' : 'Reason (optional)',
    hint,
    maxLength: 500,
    required,
    autoFocus: true,
  }) as const;

export const RELEASE_FORMS: Record<Exclude<Panel['kind'], 'book'>, ReleaseForm> = {
  offer: {
    policy: { role: 'release_desk', stepUp: () => 'offer the right' },
    title: (box) => `Offer the right to collect ${box}`,
    fields: [],
    submit: { label: 'Offer the right', busyLabel: 'Sending…' },
  },
  revoke: {
    policy: { permissions: ['release.revoke'], stepUp: () => 'revoke the release' },
    title: (box) => `Revoke the release of ${box}`,
    fields: [
      reasonField('Every holder downstream is cut off, and their pickup credentials stop working.', true),
    ],
    reasonMissing: 'Give a reason: everyone downstream is told.',
    submit: { label: 'Revoke', busyLabel: 'Sending…', variant: 'danger' },
  },
  block: {
    policy: { permissions: ['release.block'], stepUp: () => 'block the release' },
    title: (box) => `Block the release of ${box}`,
    fields: [
      reasonField('Every party in the chain is told; nobody can pass the right on or collect the box.', true),
    ],
    reasonMissing: 'Give a reason: every party in the chain is told.',
    submit: { label: 'Block the release', busyLabel: 'Sending…', variant: 'danger' },
  },
  deny: {
    policy: { permissions: ['release.accept', 'release.deny'], stepUp: () => 'deny the offer' },
    title: (box) => `Deny the right to collect ${box}`,
    fields: [reasonField('The sender sees it.', false)],
    submit: { label: 'Deny', busyLabel: 'Sending…' },
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
  const form = RELEASE_FORMS[panel.kind];
  const { visitRef } = panel.row;
  const box = number(panel.row);
  const label = form.policy.stepUp();
  const send = ({ to, reason }: Record<PanelField, string>) => {
    if (form.reasonMissing && !reason) return fail(form.reasonMissing);
    if (panel.kind === 'offer') {
      if (!to) return fail('Choose the forwarder or haulier to offer the right to.');
      void act(
        `offer:${visitRef}`,
        label,
        () => releaseActions.offer(visitRef, to),
        `The right to collect ${box} is offered to ${party(to)}. It moves when they accept.`,
      );
    } else if (panel.kind === 'block') {
      void act(
        `block:${visitRef}`,
        label,
        () => releaseActions.block(visitRef, reason),
        `The release of ${box} is blocked: no transfer and no pickup until you unblock it.`,
      );
    } else if (panel.kind === 'revoke') {
      void act(
        `revoke:${visitRef}`,
        label,
        () => releaseActions.revoke(visitRef, reason),
        `The release of ${box} is revoked. Every holder downstream is cut off and their pickup credentials are void.`,
      );
    } else {
      void act(
        `deny:${visitRef}`,
        label,
        () => releaseActions.deny(visitRef, reason || undefined),
        `You refused the right to collect ${box}. The sender keeps it.`,
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
            label="Offer to"
            hint="The forwarder or haulier who receives the right next; it moves when they accept."
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
