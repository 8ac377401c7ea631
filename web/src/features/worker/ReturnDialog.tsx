import { useEffect, useRef, useState } from 'react';
import type { ReturnReason } from '../../gql/graphql';
import { type MessageKey, useI18n } from '../../i18n/i18n';

/** The reasons offered, in the order of their number keys (1 = just skip). */
export const RETURN_REASONS: readonly ReturnReason[] = [
  'SKIPPED',
  'UNCLEAR_INSTRUCTIONS',
  'BROKEN_CONTENT',
  'UNSURE',
  'OFFENSIVE',
];

/**
 * "Give this task back?": opened by Esc on the task screen, worked from the keyboard alone
 * (1–5 pick a reason, Enter confirms, Esc goes back to the task). Its keys are taken in the
 * capture phase, so the task's own shortcuts (which also use digits) never see them.
 */
export function ReturnDialog({
  onConfirm,
  onCancel,
}: {
  onConfirm: (reason: ReturnReason) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [choice, setChoice] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const digit = Number(event.key);
      if (Number.isInteger(digit) && digit >= 1 && digit <= RETURN_REASONS.length) {
        setChoice(digit - 1);
      } else if (event.key === 'Enter') {
        // Enter on a focused button is that button's own click.
        if (event.target instanceof HTMLButtonElement) return;
        onConfirm(RETURN_REASONS[choice]!);
      } else if (event.key === 'Escape') {
        onCancel();
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [choice, onConfirm, onCancel]);

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="return-title"
        tabIndex={-1}
        ref={dialog}
      >
        <h2 id="return-title">{t('return.title')}</h2>
        <fieldset>
          <legend>{t('return.why')}</legend>
          {RETURN_REASONS.map((reason, index) => (
            <label key={reason} className="reason">
              <input
                type="radio"
                name="return-reason"
                value={reason}
                checked={choice === index}
                onChange={() => setChoice(index)}
              />{' '}
              <kbd>{index + 1}</kbd> {t(`return.reason.${reason}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => onConfirm(RETURN_REASONS[choice]!)}
          >
            {t('return.confirm')} <kbd>Enter</kbd>
          </button>
          <button type="button" onClick={onCancel}>
            {t('return.cancel')} <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
