/** The party directory: the forwarders and hauliers a release desk or planner names as the next party. */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ComboBox } from '../combo-box.js';
import { Button, Loading, Notice } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { useSession } from '../session.js';
import { orgKindName } from '../terms.js';
import { type Party, partyDirectory } from './release-api.js';

export type Directory =
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; parties: Party[] };

/** The party directory, loaded once when the session may read it; `reload` after an error. */
export function usePartyDirectory(enabled: boolean): { directory: Directory; reload: () => void } {
  const { signedOut } = useSession();
  const [directory, setDirectory] = useState<Directory>({ status: enabled ? 'loading' : 'off' });
  const load = useCallback(async () => {
    if (!enabled) return setDirectory({ status: 'off' });
    setDirectory({ status: 'loading' });
    try {
      setDirectory({ status: 'ready', parties: await partyDirectory() });
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setDirectory({ status: 'error', message: messageOf(error) });
    }
  }, [enabled, signedOut]);
  useEffect(() => {
    void load();
  }, [load]);
  return { directory, reload: () => void load() };
}

/** "Delta Transport (org-hau)" when the directory knows the organisation, its id otherwise. */
export function partyLabel(directory: Directory, orgId: string): string {
  const party = directory.status === 'ready' ? directory.parties.find((p) => p.orgId === orgId) : undefined;
  return party ? `${party.name} (${orgId})` : orgId;
}

const RELEASE_PARTY_KINDS: readonly Party['kind'][] = ['forwarder', 'haulier'];

/**
 * The next party, picked by name from the directory (forwarders and hauliers; never the caller's own organisation).
 * Shows the directory's loading and error states in place of the list.
 */
export function PartyPicker({
  label,
  hint,
  directory,
  reload,
  value,
  onChange,
  exclude,
  error,
  autoFocus,
}: {
  label: string;
  hint?: ReactNode;
  directory: Directory;
  reload: () => void;
  value: string;
  onChange: (orgId: string) => void;
  exclude?: string;
  error?: string | undefined;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation('releases');
  if (directory.status === 'off') return <p className="muted">{t('directory.off')}</p>;
  if (directory.status === 'loading') return <Loading label={t('directory.loading')} />;
  if (directory.status === 'error')
    return (
      <Notice tone="error" title={t('directory.failed')}>
        <p>{directory.message}</p>
        <Button onClick={reload}>{t('page.tryAgain')}</Button>
      </Notice>
    );
  const parties = directory.parties.filter(
    (party) => RELEASE_PARTY_KINDS.includes(party.kind) && party.orgId !== exclude,
  );
  if (parties.length === 0) return <p className="muted">{t('directory.none')}</p>;
  // A port has hundreds of forwarders and hauliers: a searchable picker, by name or code (issue 14).
  return (
    <ComboBox
      label={label}
      hint={hint}
      error={error}
      value={value}
      onChange={onChange}
      placeholder={t('directory.choose')}
      options={parties.map((party) => ({
        value: party.orgId,
        label: `${party.name} (${party.code}) — ${orgKindName(party.kind)}`,
      }))}
      {...(autoFocus ? { autoFocus } : {})}
    />
  );
}
