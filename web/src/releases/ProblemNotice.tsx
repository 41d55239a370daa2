import { useTranslation } from 'react-i18next';
import { Notice } from '../components.js';
import { messageOf } from '../errors.js';

/** Why the server refused a form, above its fields. */
export function ProblemNotice({ problem }: { problem: unknown }) {
  const { t } = useTranslation();
  if (problem === undefined) return null;
  return (
    <Notice tone="error" title={t('didNotWork')}>
      <p>{messageOf(problem)}</p>
    </Notice>
  );
}
