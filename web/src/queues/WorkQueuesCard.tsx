import { useTranslation } from 'react-i18next';
import { intlLocale, useLanguage } from '../i18n/index.js';
import { Link } from '../router.js';
import type { WorkQueue } from './queue-api.js';
import type { QueueState } from './use-work-queues.js';

/** "3", or "999+" when more wait than the server counts, in the page's language. */
function shownNumber(queue: WorkQueue, locale: string): string {
  const number = new Intl.NumberFormat(locale).format(queue.count);
  return queue.more ? `${number}+` : number;
}

/**
 * What waits for the person (issue 14): one card per queue of their roles — "3 offers to accept" — each a link to
 * the list it counts, kept live by the queue stream.
 */
export function WorkQueuesCard({ state }: { state: QueueState }) {
  const { t } = useTranslation('pages');
  // Re-rendered when the language changes, so the numbers follow it.
  useLanguage();
  const locale = intlLocale();
  const { queues, connection } = state;
  if (queues !== undefined && queues.length === 0) return null;
  return (
    <section
      className="card card-wide"
      aria-labelledby="queues-heading"
      aria-busy={queues === undefined}
      data-testid="work-queues"
    >
      <h2 id="queues-heading">{t('home.queues.heading')}</h2>
      {queues === undefined ? (
        <p className="muted" role="status">
          {connection === 'dropped' ? t('home.queues.unavailable') : t('home.queues.loading')}
        </p>
      ) : (
        <>
          <ul className="queue-list">
            {queues.map((queue) => (
              <li key={queue.kind}>
                <Link
                  to={queue.link}
                  className={queue.count > 0 ? 'queue-card queue-card-waiting' : 'queue-card'}
                  data-queue={queue.kind}
                >
                  {t(`home.queues.${queue.kind}`, { count: queue.count, number: shownNumber(queue, locale) })}
                </Link>
              </li>
            ))}
          </ul>
          <p className="muted queue-connection" role="status">
            {connection === 'dropped' ? t('home.queues.stale') : t('home.queues.live')}
          </p>
        </>
      )}
    </section>
  );
}
