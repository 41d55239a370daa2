/** Above the yard map, in one row so that the map starts high on the screen: find a container, and zoom. */
import { useTranslation } from 'react-i18next';
import { Button, Field } from '../components.js';

export function YardToolbar({
  query,
  onQueryChange,
  onSearch,
  searchFailed,
  zoom,
}: {
  query: string;
  onQueryChange: (query: string) => void;
  onSearch: () => void;
  /** Whether the last search found nothing: the field is then marked and described by the message. */
  searchFailed: boolean;
  zoom: (factor: number) => void;
}) {
  const { t } = useTranslation('yard');
  return (
    <div className="yard-toolbar">
      <form
        className="yard-search"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch();
        }}
      >
        <Field
          label={t('toolbar.find')}
          name="yard-container"
          value={query}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={searchFailed || undefined}
          aria-describedby={searchFailed ? 'yard-search-message' : undefined}
          onChange={(event) => onQueryChange(event.target.value)}
        />
        <Button type="submit">{t('toolbar.findButton')}</Button>
      </form>
      <div className="button-row">
        <Button aria-label={t('toolbar.zoomIn')} onClick={() => zoom(1.25)}>
          +
        </Button>
        <Button aria-label={t('toolbar.zoomOut')} onClick={() => zoom(0.8)}>
          −
        </Button>
      </div>
    </div>
  );
}
