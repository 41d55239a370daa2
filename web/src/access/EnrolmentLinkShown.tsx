import { localDateTime } from '../clock.js';
import { CopyButton } from '../qr.js';
import type { EnrolmentLink } from './admin-api.js';

/** A one-time enrolment link, shown once for the administrator to hand over. */
export function EnrolmentLinkShown({ link }: { link: EnrolmentLink }) {
  return (
    <div className="admin-secret">
      <p>
        One-time enrolment link (expires {localDateTime(link.expiresAt)}). Hand it to the person only; it is
        not shown again.
      </p>
      <code className="hash" data-testid="enrolment-link">
        {link.url}
      </code>
      <CopyButton text={link.url} label="Copy link" />
    </div>
  );
}
