import { useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import type { ConsoleProjectData, MoneyPreview } from './console-types';
import { MoveProject } from './documents';

type Move = 'launch' | 'pause' | 'resume' | 'complete' | 'archive';

/** The moves each status allows (the API's lifecycle; anything else is refused there too). */
const MOVES: Record<string, Move[]> = {
  DRAFT: ['launch', 'archive'],
  ACTIVE: ['pause', 'complete'],
  PAUSED: ['resume', 'complete', 'archive'],
  COMPLETED: ['archive'],
  ARCHIVED: [],
};

/**
 * Launch, pause, resume, complete and archive, each confirmed after showing the money it moves:
 * launch and resume reserve escrow from the available balance, complete and archive release the
 * unspent escrow (minus what open answers may still earn), pause moves nothing.
 */
export function Lifecycle({
  project,
  preview,
  onDone,
}: {
  project: ConsoleProjectData;
  preview: MoneyPreview;
  onDone: () => void;
}) {
  const { t, locale } = useI18n();
  const [pending, setPending] = useState<Move | null>(null);
  const [{ error }, moveProject] = useMutation(MoveProject);
  const money = (amount: number) => formatMoney(amount, preview.currency, locale);

  const effect = (move: Move): string => {
    if (move === 'launch' || move === 'resume') {
      return t('console.lifecycle.reserves', {
        amount: money(preview.toReserve),
        available: money(preview.available),
      });
    }
    if (move === 'complete' || move === 'archive') {
      return t('console.lifecycle.releases', { amount: money(preview.toRelease) });
    }
    return t('console.lifecycle.noMoney');
  };

  const confirm = async (chosen: Move) => {
    const result = await moveProject({ id: project.id, [chosen]: true });
    setPending(null);
    if (!result.error) onDone();
  };

  return (
    <section className="card" aria-labelledby="lifecycle-title">
      <h2 id="lifecycle-title">{t('console.lifecycle.title')}</h2>
      <dl className="figures">
        <div>
          <dt>{t('console.money.available')}</dt>
          <dd>{money(preview.available)}</dd>
        </div>
        <div>
          <dt>{t('console.money.required')}</dt>
          <dd>{money(preview.required)}</dd>
        </div>
        <div>
          <dt>{t('console.money.escrow')}</dt>
          <dd>{money(preview.escrow)}</dd>
        </div>
      </dl>
      <div className="actions">
        {(MOVES[project.status] ?? []).map(move => (
          <button key={move} type="button" onClick={() => setPending(move)}>
            {t(`console.lifecycle.${move}` as MessageKey)}
          </button>
        ))}
      </div>
      {pending && (
        <div className="notice warning" role="alertdialog" aria-labelledby="confirm-move">
          <p id="confirm-move">
            {t('console.lifecycle.confirm', {
              move: t(`console.lifecycle.${pending}` as MessageKey),
            })}{' '}
            {effect(pending)}
          </p>
          <button type="button" className="primary" onClick={() => confirm(pending)}>
            {t('console.lifecycle.confirmButton', {
              move: t(`console.lifecycle.${pending}` as MessageKey),
            })}
          </button>{' '}
          <button type="button" onClick={() => setPending(null)}>
            {t('console.cancel')}
          </button>
        </div>
      )}
      <ErrorText message={errorMessage(t, error)} />
    </section>
  );
}
