/**
 * The confirmation code of the key this phone holds, computed here: the driver reads it out to his planner, who
 * types it to confirm, so a phone someone else set up in his name is never confirmed. Undefined until computed
 * for the key given, so a code of a former key is never shown.
 */
import { useEffect, useState } from 'react';
import { deviceConfirmationCode } from '../pickup-pass.js';

export function useConfirmationCode(publicKey: string | undefined): string | undefined {
  const [code, setCode] = useState<{ publicKey: string; code: string }>();
  useEffect(() => {
    if (publicKey === undefined) return;
    let live = true;
    deviceConfirmationCode(publicKey).then(
      (computed) => {
        if (live) setCode({ publicKey, code: computed });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [publicKey]);
  return code && code.publicKey === publicKey ? code.code : undefined;
}
