/**
 * The one form the console's actions share: a heading, what the action does, the inputs of its schema, why it
 * failed, and its buttons. Blank required fields are named under the field before anything is sent.
 */
import type { FormEvent, ReactNode } from 'react';
import { Button, Field, SelectField } from '../components.js';
import { i18next } from '../i18n/index.js';
import { checkDraft, type FieldSpec, type FormDraft, type FormSpec, type FormValues } from './form-schema.js';

export interface ActionFormProps<Name extends string, Subject> {
  spec: FormSpec<Name, Subject>;
  draft: FormDraft<Name>;
  title: string;
  /**
   * h2 for a panel of its own, h3 inside a card that has its heading already; none for a form that opens right
   * under the buttons of what it acts on, whose heading names it already.
   */
  headingLevel: 2 | 3 | 'none';
  headingId?: string;
  /**
   * How assistive technology names the form: by its title, by its heading (`headingId`), or not at all where the
   * section around it is named already.
   */
  named: 'by-title' | 'by-heading' | 'by-section';
  className: string;
  /** Leaves the browser's own check of `required` inputs on, for forms that rely on it. */
  browserValidation?: boolean;
  intro?: ReactNode;
  /** Wraps the inputs in a block of this class (a grid of fields, say). */
  fieldsClassName?: string;
  /** Inputs the schema cannot describe (a yard slot, a party from the directory), shown before its fields. */
  children?: ReactNode;
  /** What follows the inputs, before the buttons. */
  after?: ReactNode;
  /** The failure and step-up notices of the action, where the form shows them itself. */
  feedback?: ReactNode;
  busy: boolean;
  /** Checks beyond blank fields, by field name; the form is not sent while one of them fails. */
  validate?: (values: FormValues<Name>) => Partial<Record<string, string>>;
  onSubmit: (values: FormValues<Name>) => void;
  /** A form that can be closed has its buttons in a row with Cancel; one that stays open, its submit alone. */
  onCancel?: () => void;
}

function SchemaField<Name extends string>({
  field,
  draft,
}: {
  field: FieldSpec<Name>;
  draft: FormDraft<Name>;
}) {
  const { name, label, hint } = field;
  if (field.kind === 'select')
    return (
      <SelectField
        label={label}
        hint={hint}
        value={draft.values[name] || (field.fallback ?? '')}
        onChange={(value) => draft.set(name, value)}
        options={field.options}
      />
    );
  return (
    <Field
      label={label}
      hint={hint}
      type={field.type}
      value={draft.values[name]}
      onChange={(event) => draft.set(name, event.target.value)}
      error={draft.errors[name]}
      maxLength={field.maxLength}
      minLength={field.minLength}
      min={field.min}
      autoComplete={field.autoComplete}
      required={field.required}
      autoFocus={field.autoFocus}
    />
  );
}

export function ActionForm<Name extends string, Subject>({
  spec,
  draft,
  title,
  headingLevel,
  headingId,
  named,
  className,
  browserValidation = false,
  intro,
  fieldsClassName,
  children,
  after,
  feedback,
  busy,
  validate,
  onSubmit,
  onCancel,
}: ActionFormProps<Name, Subject>) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { values, blank } = checkDraft(spec.fields, draft.values);
    const errors = { ...validate?.(values), ...blank };
    draft.setErrors(errors);
    if (Object.values(errors).some(Boolean)) return;
    onSubmit(values);
  };
  const Heading = headingLevel === 2 ? 'h2' : headingLevel === 3 ? 'h3' : undefined;
  const inputs = (
    <>
      {children}
      {spec.fields.map((field) => (
        <SchemaField key={field.name} field={field} draft={draft} />
      ))}
    </>
  );
  const submitButton = (
    <Button
      type="submit"
      variant={spec.submit.variant ?? 'primary'}
      busy={busy}
      busyLabel={spec.submit.busyLabel}
    >
      {spec.submit.label}
    </Button>
  );
  return (
    <form
      className={className}
      onSubmit={submit}
      noValidate={!browserValidation || undefined}
      aria-label={named === 'by-title' ? title : undefined}
      aria-labelledby={named === 'by-heading' ? headingId : undefined}
    >
      {Heading ? <Heading id={headingId}>{title}</Heading> : null}
      {intro !== undefined ? <p className="muted">{intro}</p> : null}
      {fieldsClassName ? <div className={fieldsClassName}>{inputs}</div> : inputs}
      {after}
      {feedback}
      {onCancel ? (
        <div className="button-row">
          {submitButton}
          <Button variant="quiet" onClick={onCancel}>
            {i18next.t('cancel')}
          </Button>
        </div>
      ) : (
        submitButton
      )}
    </form>
  );
}
