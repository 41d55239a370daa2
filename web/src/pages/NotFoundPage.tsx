import { useTranslation } from 'react-i18next';
import { PageHeading } from '../components.js';
import { Link } from '../router.js';

export function NotFoundPage() {
  const { t } = useTranslation('pages');
  return (
    <div className="page">
      <PageHeading title={t('notFound.title')} />
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}
