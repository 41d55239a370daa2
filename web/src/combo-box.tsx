/**
 * A searchable picker for lists that can hold hundreds of rows (issue 14: a release's box was one of 94 options in a
 * drop-down). It follows the WAI-ARIA 1.2 combobox pattern with a list popup
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): a text input with role `combobox` that owns a `listbox`, the
 * option under the keyboard named by `aria-activedescendant` while focus stays in the input. Keys: Down and Up move
 * through the matches (Down opens the list), Enter chooses, Escape closes the list and then clears the text, Home and
 * End stay in the text. Typing narrows the list to the options whose words contain every typed word, spaces and
 * dashes ignored; at most `maxShown` are listed, and a polite live region says how many match.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ComboOption {
  readonly value: string;
  /** What the input shows once chosen, and what typing is matched against. */
  readonly label: string;
  /** More words matched against, not shown (a visit reference, a username). */
  readonly keywords?: string;
}

const compact = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-./]+/g, '');

/** The options whose label or keywords contain every word of `text`, in their order. */
export function matchingOptions(options: readonly ComboOption[], text: string): ComboOption[] {
  const words = text.trim().split(/\s+/).filter(Boolean).map(compact);
  if (words.length === 0) return [...options];
  return options.filter((option) => {
    const haystack = compact(`${option.label} ${option.keywords ?? ''}`);
    return words.every((word) => haystack.includes(word));
  });
}

export function ComboBox({
  label,
  hint,
  error,
  options,
  value,
  onChange,
  placeholder,
  maxShown = 50,
  autoFocus,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  options: readonly ComboOption[];
  /** The chosen option's value; '' for none. */
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  maxShown?: number;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const listId = `${id}-list`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const input = useRef<HTMLInputElement>(null);
  const chosen = options.find((option) => option.value === value);
  const [text, setText] = useState(chosen?.label ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  // The text follows the choice when it changes from outside (a reset after the form was sent).
  useEffect(() => {
    if (value === '') setText((current) => (options.some((o) => o.label === current) ? '' : current));
    else if (chosen) setText(chosen.label);
  }, [value, chosen, options]);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const matches = useMemo(() => matchingOptions(options, text), [options, text]);
  const shown = matches.slice(0, maxShown);
  const activeIndex = Math.min(active, Math.max(shown.length - 1, 0));
  const optionId = (index: number) => `${id}-option-${index}`;

  function choose(option: ComboOption) {
    setText(option.label);
    setOpen(false);
    onChange(option.value);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) setOpen(true);
        else setActive((activeIndex + 1) % Math.max(shown.length, 1));
        return;
      case 'ArrowUp':
        event.preventDefault();
        if (!open) setOpen(true);
        else setActive((activeIndex - 1 + shown.length) % Math.max(shown.length, 1));
        return;
      case 'Enter':
        if (open && shown[activeIndex]) {
          event.preventDefault();
          choose(shown[activeIndex]);
        }
        return;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else if (text) {
          event.preventDefault();
          setText('');
          onChange('');
        }
        return;
      default:
    }
  }

  const status =
    matches.length === 0
      ? t('combo.none')
      : matches.length > shown.length
        ? t('combo.some', { count: matches.length, shown: shown.length })
        : t('combo.all', { count: matches.length });

  return (
    <div className={['field', 'combo', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && shown.length > 0 ? optionId(activeIndex) : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
          if (value !== '') onChange('');
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
      <div id={listId} role="listbox" aria-label={label} className="combo-list" hidden={!open}>
        {shown.map((option, index) => (
          <div
            key={option.value}
            id={optionId(index)}
            role="option"
            // Reached with aria-activedescendant while focus stays in the input, never by Tab.
            tabIndex={-1}
            aria-selected={index === activeIndex}
            className={index === activeIndex ? 'combo-option combo-option-active' : 'combo-option'}
            // Chosen on mouse down, before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(option);
            }}
          >
            {option.label}
          </div>
        ))}
      </div>
      <p className={open ? 'field-hint' : 'visually-hidden'} aria-live="polite">
        {open ? status : ''}
      </p>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
