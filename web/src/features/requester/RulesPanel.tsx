import { useState } from 'react';
import { useClient, useMutation } from 'urql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { TextField } from '../../ui/TextField';
import { CreateRule, DryRunRule } from './documents';
import { DEFAULT_THRESHOLDS, RULE_TEMPLATES, type RuleTemplate } from './rule-templates';

/** Quality rules from templates: dry-run against the project's history, then save. */
export function RulesPanel({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const client = useClient();
  const [template, setTemplate] = useState<RuleTemplate>('goldAccuracy');
  const [threshold, setThreshold] = useState(String(DEFAULT_THRESHOLDS.goldAccuracy));
  const [dryRun, setDryRun] = useState<{
    answers: number;
    prevented: number;
    workers: number;
  } | null>(null);
  const [dryRunError, setDryRunError] = useState('');
  const [saved, save] = useMutation(CreateRule);
  const rule = RULE_TEMPLATES[template](Number(threshold));
  /** A changed threshold voids the last dry-run (it was for the old one). */
  const changeThreshold = (value: string) => {
    setThreshold(value);
    setDryRun(null);
  };

  const runDry = async () => {
    const result = await client
      .query(DryRunRule, { projectId, rule }, { requestPolicy: 'network-only' })
      .toPromise();
    setDryRunError(errorMessage(t, result.error));
    const figures = result.data?.dryRunQualityRule;
    setDryRun(
      figures
        ? {
            answers: figures.answers,
            prevented: figures.answersPrevented,
            workers: figures.workersTouched,
          }
        : null,
    );
  };

  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">{t('console.rules.title')}</h2>
      <label>
        {t('console.rules.template')}
        <select
          value={template}
          onChange={e => {
            const next = e.target.value as RuleTemplate;
            setTemplate(next);
            setThreshold(String(DEFAULT_THRESHOLDS[next]));
            setDryRun(null);
          }}
        >
          {(Object.keys(RULE_TEMPLATES) as RuleTemplate[]).map(name => (
            <option key={name} value={name}>
              {t(`console.rules.${name}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <TextField
        label={t('console.rules.threshold')}
        type="number"
        step="0.05"
        value={threshold}
        onValue={changeThreshold}
      />
      <div className="actions">
        <button type="button" onClick={runDry}>
          {t('console.rules.dryRun')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={dryRun === null || saved.fetching}
          onClick={() => save({ projectId, rule })}
        >
          {t('console.rules.save')}
        </button>
      </div>
      {dryRun && (
        <p role="status">
          {t('console.rules.dryRunResult', {
            answers: dryRun.answers,
            prevented: dryRun.prevented,
            workers: dryRun.workers,
          })}
        </p>
      )}
      {saved.data && <p className="notice success">{t('console.rules.saved')}</p>}
      <ErrorText message={dryRunError || errorMessage(t, saved.error)} />
    </section>
  );
}
