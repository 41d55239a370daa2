import { useTranslation } from 'react-i18next';
import { yourTime } from '../clock.js';
import { CopyButton } from '../qr.js';
import type { EnrolmentLink } from './admin-api.js';

/** A one-time enrolment link, shown once for the administrator to hand over. */
export function EnrolmentLinkShown({ link }: { link: EnrolmentLink }) {
  const { t } = useTranslation('access');
  return (
    <div className="admin-secret">
      <p>{t('link.shown', { when: yourTime(link.expiresAt) })}</p>
      <code className="hash" data-testid="enrolment-link">
        {link.url}
      </code>
      <CopyButton text={link.url} label={t('link.copy')} />
    </div>
  );
}
