/** The administration forms' schemas and who is offered them; each action is sensitive, so the server may ask for a step-up. */
import type { FormSpec } from '../forms/form-schema.js';
import { orgKindName } from '../terms.js';
import { ORG_KINDS } from './admin-api.js';

export const ADD_ORGANISATION: FormSpec<'orgId' | 'kind' | 'name' | 'code' | 'terminals'> = {
  policy: { permissions: ['org.manage'], stepUp: () => 'add the organisation' },
  fields: [
    { kind: 'text', name: 'orgId', label: 'Organisation id', required: true },
    {
      kind: 'select',
      name: 'kind',
      label: 'Kind',
      options: ORG_KINDS.map((k) => ({ value: k, label: orgKindName(k) })),
    },
    { kind: 'text', name: 'name', label: 'Name', required: true },
    { kind: 'text', name: 'code', label: 'Code', required: true, maxLength: 10 },
    { kind: 'text', name: 'terminals', label: 'Terminals', hint: 'Terminal operators only, comma-separated' },
  ],
  submit: { label: 'Add organisation', busyLabel: 'Adding…' },
};

/** The organisation's choices are the organisations loaded; nothing chosen means the first. */
export const ADD_USER: FormSpec<'orgId' | 'username' | 'displayName'> = {
  policy: { permissions: ['user.manage'], stepUp: () => 'add the user' },
  fields: [
    { kind: 'select', name: 'orgId', label: 'Organisation', options: [] },
    { kind: 'text', name: 'username', label: 'Username', required: true, minLength: 2 },
    { kind: 'text', name: 'displayName', label: 'Full name', required: true },
  ],
  submit: { label: 'Add user', busyLabel: 'Adding…' },
};

export const CREATE_TOKEN: FormSpec<'orgId' | 'permissions' | 'label' | 'expiresInDays'> = {
  policy: { permissions: ['token.manage'], stepUp: () => 'create the API token' },
  fields: [
    { kind: 'select', name: 'orgId', label: 'Organisation', options: [] },
    {
      kind: 'text',
      name: 'permissions',
      label: 'Permissions',
      required: true,
      hint: 'Comma-separated, e.g. visit.read, release.read',
    },
    { kind: 'text', name: 'label', label: 'Label' },
    { kind: 'text', name: 'expiresInDays', label: 'Valid for (days)', type: 'number', min: 1 },
  ],
  submit: { label: 'Create token', busyLabel: 'Creating…' },
};

/** The admin forms stay open under their tables, named by their headings, and keep the browser's own checks. */
export const ADMIN_FORM = {
  headingLevel: 3,
  named: 'by-heading',
  className: 'admin-form',
  browserValidation: true,
  fieldsClassName: 'admin-fields',
} as const;
