import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from './router.js';

/**
 * The header's one search box (issue 14): a container number, bill of lading, booking, vessel call or truck plate.
 * It opens the search page, which goes straight to the box when the answer is one box, or lists the matches.
 */
export function ContainerSearch() {
  const { t } = useTranslation();
  const id = useId();
  const [value, setValue] = useState('');
  return (
    <search>
      <form
        className="header-search"
        onSubmit={(event) => {
          event.preventDefault();
          const query = value.trim();
          if (query) navigate(`/search?${new URLSearchParams({ q: query })}`);
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id={id}
          type="search"
          name="q"
          placeholder={t('search.placeholder')}
          title={t('search.placeholder')}
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="btn btn-quiet">
          {t('search.find')}
        </button>
      </form>
    </search>
  );
}
