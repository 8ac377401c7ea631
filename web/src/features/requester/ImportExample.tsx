import { type MessageKey, useI18n } from '../../i18n/i18n';
import { exampleJsonl, isChoiceKind } from './kind-form';
import './console-kinds-messages';

/**
 * What a task file of this kind looks like: two JSONL lines (an ordinary task and a gold one)
 * built from the project's own settings, so the field names and labels are the ones it checks,
 * and what the kind's CSV columns hold.
 */
export function ImportExample({
  kind,
  settings,
}: {
  kind: string;
  settings: Readonly<Record<string, unknown>> | null | undefined;
}) {
  const { t } = useI18n();
  if (isChoiceKind(kind)) return null;
  return (
    <details className="import-example" open>
      <summary>{t('console.kinds.import.example')}</summary>
      <p className="hint">{t(`console.kinds.import.help.${kind}` as MessageKey)}</p>
      <pre tabIndex={0} aria-label={t('console.kinds.import.exampleLines')}>
        {exampleJsonl(kind, settings ?? {}, t('console.wizard.sampleText'))}
      </pre>
    </details>
  );
}
