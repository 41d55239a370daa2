/** Finding an offer by the visit reference the sender passed on, for one the inbox does not list. */
import { type FormEvent, useState } from 'react';
import { Button, Field } from '../components.js';
import { isUnauthenticated, messageOf } from '../errors.js';
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
    if (!visitRef) return setLookupError('Enter the visit reference from the offer.');
    setLookingUp(true);
    try {
      const release = await findRelease(visitRef);
      if (!release) setLookupError(`There is no release of ${visitRef} that you may see.`);
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
  return (
    <form className="lookup" onSubmit={(event) => void lookup.findOffer(event)} noValidate>
      <Field
        label="Find an offer by visit reference"
        hint="Every offer to your organisation is listed below; look one up by its reference if you were sent it."
        value={lookup.lookup}
        onChange={(event) => lookup.setLookup(event.target.value)}
        error={lookup.lookupError}
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
      />
      <Button type="submit" busy={lookup.lookingUp} busyLabel="Looking…">
        Find offer
      </Button>
    </form>
  );
}
