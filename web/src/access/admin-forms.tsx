/** The administration forms' schemas and who is offered them; each action is sensitive, so the server may ask for a step-up. */
import { Trans } from 'react-i18next';
import type { FormSpec } from '../forms/form-schema.js';
import { i18next } from '../i18n/index.js';
import { orgKindName } from '../terms.js';
import { ORG_KINDS } from './admin-api.js';

/** A word of the `access` namespace, read when the form renders, in the language of the moment. */
const t = (key: string) => String(i18next.t(`access:${key}` as never));

export const ADD_ORGANISATION: FormSpec<'orgId' | 'kind' | 'name' | 'code' | 'terminals'> = {
  policy: { permissions: ['org.manage'], stepUp: () => t('forms.stepUpOrg') },
  fields: [
    {
      kind: 'text',
      name: 'orgId',
      get label() {
        return t('forms.orgId');
      },
      required: true,
    },
    {
      kind: 'select',
      name: 'kind',
      get label() {
        return t('forms.kind');
      },
      get options() {
        return ORG_KINDS.map((k) => ({ value: k, label: orgKindName(k) }));
      },
    },
    {
      kind: 'text',
      name: 'name',
      get label() {
        return t('forms.name');
      },
      required: true,
    },
    {
      kind: 'text',
      name: 'code',
      get label() {
        return t('forms.code');
      },
      required: true,
      maxLength: 10,
    },
    {
      kind: 'text',
      name: 'terminals',
      get label() {
        return t('forms.terminals');
      },
      get hint() {
        return t('forms.terminalsHint');
      },
    },
  ],
  submit: {
    get label() {
      return t('forms.addOrg');
    },
    get busyLabel() {
      return t('forms.adding');
    },
  },
};

/** The organisation's choices are the organisations loaded; nothing chosen means the first. */
export const ADD_USER: FormSpec<'orgId' | 'username' | 'displayName'> = {
  policy: { permissions: ['user.manage'], stepUp: () => t('forms.stepUpUser') },
  fields: [
    {
      kind: 'select',
      name: 'orgId',
      get label() {
        return t('forms.organisation');
      },
      options: [],
    },
    {
      kind: 'text',
      name: 'username',
      get label() {
        return t('forms.username');
      },
      required: true,
      minLength: 2,
    },
    {
      kind: 'text',
      name: 'displayName',
      get label() {
        return t('forms.fullName');
      },
      required: true,
    },
  ],
  submit: {
    get label() {
      return t('forms.addUser');
    },
    get busyLabel() {
      return t('forms.adding');
    },
  },
};

export const CREATE_TOKEN: FormSpec<'orgId' | 'permissions' | 'label' | 'expiresInDays'> = {
  policy: { permissions: ['token.manage'], stepUp: () => t('forms.stepUpToken') },
  fields: [
    {
      kind: 'select',
      name: 'orgId',
      get label() {
        return t('forms.organisation');
      },
      options: [],
    },
    {
      kind: 'text',
      name: 'permissions',
      get label() {
        return t('forms.permissions');
      },
      required: true,
      // Permission names are the API's own words, which the administrator types: shown as code.
      hint: <Trans ns="access" i18nKey="forms.permissionsHint" components={{ code: <code /> }} />,
    },
    {
      kind: 'text',
      name: 'label',
      get label() {
        return t('forms.label');
      },
    },
    {
      kind: 'text',
      name: 'expiresInDays',
      get label() {
        return t('forms.validDays');
      },
      type: 'number',
      min: 1,
    },
  ],
  submit: {
    get label() {
      return t('forms.createToken');
    },
    get busyLabel() {
      return t('forms.creating');
    },
  },
};

/** The admin forms stay open under their tables, named by their headings, and keep the browser's own checks. */
export const ADMIN_FORM = {
  headingLevel: 3,
  named: 'by-heading',
  className: 'admin-form',
  browserValidation: true,
  fieldsClassName: 'admin-fields',
} as const;
