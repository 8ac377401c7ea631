import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type CombinedError, useClient, useQuery, useSubscription } from 'urql';
import { Link } from '../../app/router';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import type { ReturnReason } from '../../gql/graphql';
import { widgetFor } from '../../kinds';
import { bindingFor } from '../../kinds/keys';
import { ShortcutItems } from '../../kinds/ShortcutItems';
import { ErrorText } from '../../ui/ErrorText';
import { formatCountdown, formatMoney, formatTime } from '../../ui/format';
import { Markdown } from '../../ui/Markdown';
import { LeaseWarnings } from './live-documents';
import { PayloadView } from './PayloadView';
import { ReturnDialog } from './ReturnDialog';
import {
  type Lease,
  MyQualification,
  NextAssignment,
  ReturnAssignment,
  SubmitAssignment,
} from './task-documents';
import { useNow } from './useNow';

type Phase = 'loading' | 'ready' | 'expired' | 'none';

/** Warn this long before a lease ends (or a quarter of a short lease). */
const WARNING_MS = 60_000;

/**
 * The task screen: one lease at a time, the next one leased in the background while the worker
 * answers (so there is no wait between tasks), a countdown with a warning and an expiry message,
 * and every action on a key declared in one keymap and shown on screen.
 */
export function TaskScreen({ projectId }: { projectId: string }) {
  const { t, locale } = useI18n();
  const client = useClient();
  const now = useNow();
  const [phase, setPhase] = useState<Phase>('loading');
  const [lease, setLease] = useState<Lease | null>(null);
  const [answer, setAnswer] = useState<unknown>(null);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [apiError, setApiError] = useState<CombinedError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The "give back" dialog is open (Esc). */
  const [returning, setReturning] = useState(false);
  const [answered, setAnswered] = useState(0);
  const [saved, setSaved] = useState(0);
  const [shownAt, setShownAt] = useState(() => Date.now());
  const prefetched = useRef<Promise<Lease | null> | null>(null);
  const lastSave = useRef<Promise<unknown>>(Promise.resolve());
  const heading = useRef<HTMLHeadingElement>(null);
  const [qualification, refetchQualification] = useQuery({
    query: MyQualification,
    variables: { projectId },
    requestPolicy: 'network-only',
  });

  const leaseNext = useCallback(async (): Promise<Lease | null> => {
    const result = await client.mutation(NextAssignment, { projectId }).toPromise();
    if (result.error) throw result.error;
    return result.data?.nextAssignment ?? null;
  }, [client, projectId]);

  /**
   * Shows the prefetched lease (or leases one), skipping one that ran out while waiting. One move
   * at a time: two overlapping calls would both take the same prefetched lease and each lease
   * another, leaving the worker holding tasks the screen never shows.
   */
  const advancing = useRef<Promise<void> | null>(null);
  const advance = useCallback((): Promise<void> => {
    if (advancing.current) return advancing.current;
    const move = advanceOnce().finally(() => {
      advancing.current = null;
    });
    advancing.current = move;
    return move;
  }, [leaseNext]);

  const advanceOnce = async () => {
    setPhase('loading');
    setReturning(false);
    setProblem(null);
    try {
      let next = await (prefetched.current ?? leaseNext());
      prefetched.current = null;
      if (next && Date.parse(next.expiresAt) <= Date.now()) next = await leaseNext();
      setLease(next);
      setPhase(next ? 'ready' : 'none');
      if (next) {
        setAnswer(widgetFor(next.task?.labelSchema.kind ?? '')?.empty(next.task!) ?? null);
        setShownAt(Date.now());
        // Lease the next task only once the last answer is recorded: until then the server
        // may still count the worker as in training and serve the wrong pool (or nothing).
        prefetched.current = lastSave.current.then(leaseNext).catch(() => null);
      }
    } catch (error) {
      prefetched.current = null;
      setApiError(error as CombinedError);
      setPhase('none');
    }
  };

  useEffect(() => {
    void advance();
    return () => {
      // Leaving the screen gives back the task leased in advance, so others can take it.
      void prefetched.current?.then(next => {
        if (next) void client.mutation(ReturnAssignment, { id: next.id }).toPromise();
      });
      prefetched.current = null;
    };
  }, [advance, client]);

  useEffect(() => {
    if (phase === 'ready') heading.current?.focus();
  }, [lease, phase]);

  // The server's word on this lease (a subscription); the local countdown is the fallback.
  const [live] = useSubscription({ query: LeaseWarnings });
  const told =
    live.data?.leaseWarnings.assignmentId === lease?.id ? live.data?.leaseWarnings : null;
  const expiresAt = lease ? Date.parse(lease.expiresAt) : 0;
  const remaining = expiresAt - now;
  const leaseMs = lease ? expiresAt - Date.parse(lease.leasedAt) : 0;
  const warning =
    phase === 'ready' && (told != null || remaining <= Math.min(WARNING_MS, leaseMs / 4));
  useEffect(() => {
    if (phase === 'ready' && lease && (remaining <= 0 || told?.expired)) setPhase('expired');
  }, [phase, lease, remaining, told]);

  const task = lease?.task ?? null;
  const widget = task ? widgetFor(task.labelSchema.kind) : null;
  const shownByWidget = (task && widget?.shownFields?.(task)) || [];

  /**
   * Shows the next task at once and records the answer in the background: the worker never
   * waits for the server between tasks. A refused submission (e.g. LEASE_EXPIRED) is reported
   * on the next task; "saved" counts only what the server acknowledged.
   */
  const submit = useCallback(() => {
    if (!lease || !task || !widget) return;
    const invalid = widget.validate(answer, task);
    setProblem(invalid);
    if (invalid) return;
    setApiError(null);
    const input = {
      assignmentId: lease.id,
      answer: widget.toAnswer(answer, task),
      clientDurationMs: Math.max(0, Math.round(Date.now() - shownAt)),
    };
    setAnswered(count => count + 1);
    lastSave.current = client
      .mutation(SubmitAssignment, { input })
      .toPromise()
      .then(result => {
        if (result.error) {
          setApiError(result.error);
          return;
        }
        setSaved(count => count + 1);
        refetchQualification({ requestPolicy: 'network-only' });
      });
    void advance();
  }, [lease, task, widget, answer, client, shownAt, refetchQualification, advance]);

  const skip = useCallback(
    async (reason: ReturnReason) => {
      setReturning(false);
      if (!lease || busy) return;
      setBusy(true);
      await client.mutation(ReturnAssignment, { id: lease.id, reason }).toPromise();
      setBusy(false);
      await advance();
    },
    [lease, busy, client, advance],
  );
  const cancelReturn = useCallback(() => {
    setReturning(false);
    heading.current?.focus();
  }, []);

  const keymap = useMemo(() => {
    const keys: Array<{ key: string; description: string; run: () => void }> = [];
    // While the give-back dialog is open, its own keys are the only ones.
    if (phase === 'ready' && task && widget && !returning) {
      for (const binding of widget.keymap(task, t)) {
        keys.push({
          key: binding.key,
          description: binding.description,
          run: () => setAnswer((current: unknown) => binding.apply(current)),
        });
      }
      keys.push({ key: 'Enter', description: t('task.key.submit'), run: submit });
      keys.push({ key: 'Escape', description: t('task.key.skip'), run: () => setReturning(true) });
    }
    if (phase === 'expired') {
      keys.push({ key: 'Enter', description: t('task.key.next'), run: () => void advance() });
    }
    return keys;
  }, [phase, task, widget, t, submit, advance, returning]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const binding = bindingFor(keymap, event);
      if (!binding) return;
      event.preventDefault();
      binding.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keymap]);

  const q = qualification.data?.myQualification;
  return (
    <section className="task-screen">
      <p>
        <Link to="/">{t('task.back')}</Link>
      </p>
      {q && q.required > 0 && q.status !== 'PASSED' && q.status !== 'FAILED' && (
        <p className="notice" role="status">
          {t('qualification.progress', { answered: q.answered, required: q.required })}
          <progress max={q.required} value={q.answered} aria-hidden="true" />
        </p>
      )}
      {q && q.required > 0 && q.status === 'PASSED' && answered > 0 && (
        <p className="notice success" role="status">
          {t('qualification.passed')}
        </p>
      )}
      {q?.status === 'FAILED' && q.retryAfter && (
        <p className="notice danger" role="status">
          {t('qualification.failed', { time: formatTime(q.retryAfter, locale) })}
        </p>
      )}
      <ErrorText message={errorMessage(t, apiError)} />
      {phase === 'loading' && <p role="status">{t('task.loading')}</p>}
      {phase === 'none' && <p role="status">{t('task.noMore')}</p>}
      {phase === 'expired' && (
        <div className="notice danger" role="alert">
          <p>{t('task.leaseExpired')}</p>
          <button type="button" onClick={() => void advance()}>
            {t('task.nextTask')} <kbd>Enter</kbd>
          </button>
        </div>
      )}
      {phase === 'ready' && lease && task && (
        <article aria-labelledby="task-title">
          <h1 id="task-title" ref={heading} tabIndex={-1}>
            {task.projectName}
          </h1>
          <p className="task-meta">
            <span>{formatMoney(lease.rewardAmount, lease.currency, locale)}</span>
            {' · '}
            <span className={warning ? 'countdown warning' : 'countdown'} role="timer">
              {t('task.leaseLeft', { time: formatCountdown(remaining) })}
            </span>
            {' · '}
            <span>{t('task.answeredCount', { n: answered })}</span>
            {' · '}
            <span>{t('task.savedCount', { n: saved })}</span>
          </p>
          {warning && (
            <p className="notice warning" role="status">
              {t('task.leaseWarning')}
            </p>
          )}
          <details open>
            <summary>{t('task.instructions')}</summary>
            <Markdown source={task.instructions} />
          </details>
          {/* The payload fields the answer widget does not show itself (none: no heading). */}
          {Object.keys(task.payload).some(field => !shownByWidget.includes(field)) && (
            <>
              <h2>{t('task.item')}</h2>
              <PayloadView payload={task.payload} omit={shownByWidget} />
            </>
          )}
          {task.prelabel && (
            <p className="prelabel">
              {t('task.prelabel', {
                label:
                  task.labelSchema.labels.find(label => label.key === task.prelabel!.labelKey)
                    ?.displayName ?? task.prelabel.labelKey,
                confidence: Math.round(task.prelabel.confidence * 100),
              })}
            </p>
          )}
          <h2>{t('task.answer')}</h2>
          {widget ? (
            widget.render({ task, answer, onChange: setAnswer, t })
          ) : (
            <p>{t('kind.unsupported')}</p>
          )}
          {problem && <ErrorText message={t(problem)} />}
          <div className="actions">
            <button type="button" className="primary" onClick={submit}>
              {t('task.submit')} <kbd>Enter</kbd>
            </button>
            <button type="button" disabled={busy} onClick={() => setReturning(true)}>
              {t('task.skip')} <kbd>Esc</kbd>
            </button>
          </div>
        </article>
      )}
      {returning && phase === 'ready' && (
        <ReturnDialog onConfirm={reason => void skip(reason)} onCancel={cancelReturn} />
      )}
      {keymap.length > 0 && (
        <aside className="shortcuts" aria-labelledby="shortcuts-title">
          <h2 id="shortcuts-title">{t('task.shortcuts')}</h2>
          <ShortcutItems keymap={keymap} />
        </aside>
      )}
    </section>
  );
}
