/**
 * What the console's action forms are made of: the inputs a form asks for (its schema) and who is offered it (its
 * policy). {@link ActionForm} renders any of them, so a reason field or a submit button looks and behaves the same
 * on every page.
 */
import { type ReactNode, useState } from 'react';
import type { Session } from '../api.js';
import type { SelectOption } from '../components.js';
import { holds } from '../session.js';

interface FieldBase<Name extends string> {
  name: Name;
  label: string;
  hint?: ReactNode;
}

/** A single-line input: text unless `type` says otherwise. */
export interface TextFieldSpec<Name extends string = string> extends FieldBase<Name> {
  kind: 'text';
  type?: 'number' | 'datetime-local';
  /** The input's own `required` attribute, which assistive technology announces and browser validation checks. */
  required?: boolean;
  /** What the form says under the field when it is sent blank; nothing is sent until it is filled in. */
  missing?: string;
  maxLength?: number;
  minLength?: number;
  min?: number;
  autoComplete?: 'off';
  autoFocus?: boolean;
}

/** A native select of fixed choices. */
export interface SelectFieldSpec<Name extends string = string> extends FieldBase<Name> {
  kind: 'select';
  options: readonly SelectOption[];
  /** Shown and sent while the person has chosen nothing, for choices that load after the form does. */
  fallback?: string;
}

export type FieldSpec<Name extends string = string> = TextFieldSpec<Name> | SelectFieldSpec<Name>;

/**
 * Who is offered a form, following the server's policy table (the server checks every request again), and what a
 * passkey step-up names when the server asks for one: "To …, confirm with your passkey".
 */
export interface FormPolicy<Subject = void> {
  /** Any one of these permissions shows the form. */
  permissions?: readonly string[];
  /** Or this role, where the console offers a form by what someone does rather than by one permission. */
  role?: string;
  stepUp: (subject: Subject) => string;
}

/** Whether the session may be offered a form of this policy. */
export function allows(session: Session, policy: Pick<FormPolicy<never>, 'permissions' | 'role'>): boolean {
  if (policy.role !== undefined && !session.user.roles.includes(policy.role)) return false;
  return policy.permissions?.some((permission) => holds(session, permission)) ?? true;
}

/** One form's schema and policy, and the words of its submit button. */
export interface FormSpec<Name extends string, Subject = void> {
  policy: FormPolicy<Subject>;
  fields: readonly FieldSpec<Name>[];
  submit: { label: string; busyLabel: string; variant?: 'primary' | 'danger' };
}

export type FormValues<Name extends string> = Record<Name, string>;

/** What the person has typed into a form, and what is wrong with it, by field name. */
export interface FormDraft<Name extends string> {
  values: FormValues<Name>;
  errors: Partial<Record<string, string>>;
  set(name: Name, value: string): void;
  setErrors(errors: Partial<Record<string, string>>): void;
  /** Empties the form, or fills it with `next`. */
  reset(next?: Partial<FormValues<Name>>): void;
}

export function useFormDraft<Name extends string>(initial: FormValues<Name>): FormDraft<Name> {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  return {
    values,
    errors,
    set: (name, value) => setValues((current) => ({ ...current, [name]: value })),
    setErrors,
    reset: (next = {}) => setValues({ ...initial, ...next }),
  };
}

/**
 * The values as they are sent: trimmed, a select's fallback where nothing was chosen, and the sentence of every
 * field left blank that must not be.
 */
export function checkDraft<Name extends string>(
  fields: readonly FieldSpec<Name>[],
  values: FormValues<Name>,
): { values: FormValues<Name>; blank: Partial<Record<Name, string>> } {
  const sent = { ...values };
  const blank: Partial<Record<Name, string>> = {};
  for (const field of fields) {
    const value = (values[field.name] ?? '').trim();
    sent[field.name] = field.kind === 'select' ? value || (field.fallback ?? '') : value;
    if (field.kind === 'text' && field.missing && !value) blank[field.name] = field.missing;
  }
  return { values: sent, blank };
}

/** The spec with the choices of its select `name`, for choices known only once the page has loaded them. */
export function withChoices<Name extends string, Subject>(
  spec: FormSpec<Name, Subject>,
  name: Name,
  choices: { options: readonly SelectOption[]; fallback?: string },
): FormSpec<Name, Subject> {
  return {
    ...spec,
    fields: spec.fields.map((field) =>
      field.kind === 'select' && field.name === name ? { ...field, ...choices } : field,
    ),
  };
}

/** The spec without the field `name`, where the page shows that part itself. */
export function withoutField<Name extends string, Subject>(
  spec: FormSpec<Name, Subject>,
  name: Name,
): FormSpec<Name, Subject> {
  return { ...spec, fields: spec.fields.filter((field) => field.name !== name) };
}
