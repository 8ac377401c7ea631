import type { CombinedError } from 'urql';
import { type MessageKey, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { TextField } from '../../ui/TextField';
import { type KindForm, type KindName, TOKENIZATIONS, type Tokenization } from './kind-form';
import './console-kinds-messages';

/**
 * The setting a refused schema names: `extensions.field` `labelSchema.settings.max` → `max`,
 * `labelSchema.settings.entityTypes[2]` → `entityTypes`, `labelSchema.labels` → `labels`; null
 * when the error is not a settings refusal (shown with the form's other errors instead).
 */
export function refusedSetting(error: CombinedError | undefined | null): string | null {
  const extensions = error?.graphQLErrors[0]?.extensions;
  if (extensions?.code !== 'BAD_USER_INPUT' || typeof extensions.field !== 'string') return null;
  const match = /(?:^|\.)labelSchema\.(?:settings\.)?(\w+)/.exec(extensions.field);
  return match ? match[1]! : null;
}

/** The message shown next to a refused setting (by its name: the server's codes are coarse). */
export function settingError(setting: string): MessageKey {
  const key = `console.kinds.error.${setting}`;
  return (
    (
      [
        'console.kinds.error.entityTypes',
        'console.kinds.error.classes',
        'console.kinds.error.labels',
        'console.kinds.error.tokenization',
        'console.kinds.error.textField',
        'console.kinds.error.tokensField',
        'console.kinds.error.imageField',
        'console.kinds.error.widthField',
        'console.kinds.error.heightField',
        'console.kinds.error.min',
        'console.kinds.error.max',
        'console.kinds.error.tolerance',
        'console.kinds.error.leftField',
        'console.kinds.error.rightField',
      ] as const
    ).find(known => known === key) ?? 'console.kinds.error.other'
  );
}

/**
 * The kind's own settings in the wizard (DESIGN.md "Task kinds", docs/kinds.md): the
 * tokenization and text fields of spans, the image fields of boxes, the rating scale, the two
 * item fields of a pair. A setting the server refused shows its message right under its input.
 */
export function KindSettingsForm({
  kind,
  form,
  onForm,
  refused,
}: {
  kind: KindName;
  form: KindForm;
  onForm: (change: Partial<KindForm>) => void;
  /** The setting the server refused (`refusedSetting`), if any. */
  refused: string | null;
}) {
  const { t } = useI18n();
  /** A text field of the settings, with the server's refusal of it under it. */
  const text = (name: keyof KindForm & string, label: MessageKey, extra: object = {}) => (
    <div key={name}>
      <TextField
        label={t(label)}
        value={String(form[name])}
        onValue={value => onForm({ [name]: value })}
        required
        aria-invalid={refused === name || undefined}
        aria-describedby={refused === name ? `setting-error-${name}` : undefined}
        {...extra}
      />
      {refused === name && (
        <div id={`setting-error-${name}`}>
          <ErrorText message={t(settingError(name))} />
        </div>
      )}
    </div>
  );
  const number = { type: 'number', step: 1 };
  /** The settings of a kind that only names payload fields: legend, help, one field each. */
  const fieldNames = (
    kindKey: 'boxes' | 'pairwise',
    fields: ReadonlyArray<readonly [keyof KindForm & string, MessageKey]>,
  ) => (
    <fieldset>
      <legend>{t(`console.kinds.${kindKey}.settings`)}</legend>
      <p className="hint">{t(`console.kinds.${kindKey}.help`)}</p>
      {fields.map(([name, label]) => text(name, label))}
    </fieldset>
  );

  switch (kind) {
    case 'TEXT_SPANS':
      return (
        <fieldset>
          <legend>{t('console.kinds.spans.settings')}</legend>
          <label>
            {t('console.kinds.spans.tokenization')}
            <select
              value={form.tokenization}
              onChange={e => onForm({ tokenization: e.target.value as Tokenization })}
              aria-describedby="tokenization-help"
            >
              {TOKENIZATIONS.map(name => (
                <option key={name} value={name}>
                  {t(`console.kinds.tokenization.${name}`)}
                </option>
              ))}
            </select>
          </label>
          <p className="hint" id="tokenization-help">
            {t(`console.kinds.tokenization.${form.tokenization}.help`)}
          </p>
          {refused === 'tokenization' && <ErrorText message={t(settingError('tokenization'))} />}
          {form.tokenization === 'PAYLOAD'
            ? text('tokensField', 'console.kinds.spans.tokensField')
            : text('textField', 'console.kinds.spans.textField')}
          <label>
            <input
              type="checkbox"
              checked={form.allowOverlap}
              onChange={e => onForm({ allowOverlap: e.target.checked })}
            />{' '}
            {t('console.kinds.spans.allowOverlap')}
          </label>
        </fieldset>
      );
    case 'BOUNDING_BOXES':
      return fieldNames('boxes', [
        ['imageField', 'console.kinds.boxes.imageField'],
        ['widthField', 'console.kinds.boxes.widthField'],
        ['heightField', 'console.kinds.boxes.heightField'],
      ]);
    case 'RATING':
      return (
        <fieldset>
          <legend>{t('console.kinds.rating.settings')}</legend>
          {text('min', 'console.kinds.rating.min', number)}
          {text('max', 'console.kinds.rating.max', number)}
          {text('tolerance', 'console.kinds.rating.tolerance', { ...number, min: 0 })}
          <p className="hint">{t('console.kinds.rating.help')}</p>
        </fieldset>
      );
    case 'PAIRWISE':
      return fieldNames('pairwise', [
        ['leftField', 'console.kinds.pairwise.leftField'],
        ['rightField', 'console.kinds.pairwise.rightField'],
      ]);
    default:
      return null;
  }
}
