import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from './router.js';

/** The header's search by container number: opens the container page of its current visit. */
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
          const number = value.trim().toUpperCase().replace(/\s+/g, '');
          if (number) navigate(`/containers/${encodeURIComponent(number)}`);
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id={id}
          name="container"
          placeholder={t('search.label')}
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
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
