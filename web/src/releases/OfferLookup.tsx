/** Finding an offer by the visit reference the sender passed on, for one the inbox does not list. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Field } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
import { i18next } from '../i18n/index.js';
import { useSession } from '../session.js';
import { findRelease } from './release-api.js';

/** The lookup's state lives with the page, so what was typed survives the page's own reloads. */
export function useOfferLookup(onFound: (visitRef: string) => void) {
  const { signedOut } = useSession();
  const [lookup, setLookup] = useState('');
  const [lookupError, setLookupError] = useState<string>();
  const [lookingUp, setLookingUp] = useState(false);

  async function findOffer(event: FormEvent) {
    event.preventDefault();
    const visitRef = lookup.trim();
    setLookupError(undefined);
    if (!visitRef) return setLookupError(i18next.t('releases:lookup.enterRef'));
    setLookingUp(true);
    try {
      const release = await findRelease(visitRef);
      if (!release) setLookupError(i18next.t('releases:lookup.noRelease', { visit: visitRef }));
      else {
        onFound(visitRef);
        setLookup('');
      }
    } catch (error) {
      if (isUnauthenticated(error)) signedOut();
      else setLookupError(messageOf(error));
    } finally {
      setLookingUp(false);
    }
  }

  return { lookup, setLookup, lookupError, lookingUp, findOffer };
}

export function OfferLookup({ lookup }: { lookup: ReturnType<typeof useOfferLookup> }) {
  const { t } = useTranslation('releases');
  return (
    <form className="lookup" onSubmit={(event) => void lookup.findOffer(event)} noValidate>
      <Field
        label={t('lookup.label')}
        hint={t('lookup.hint')}
        value={lookup.lookup}
        onChange={(event) => lookup.setLookup(event.target.value)}
        error={lookup.lookupError}
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
      />
      <Button type="submit" busy={lookup.lookingUp} busyLabel={t('lookup.looking')}>
        {t('lookup.find')}
      </Button>
    </form>
  );
}
