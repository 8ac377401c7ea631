/**
 * The admin audit report: one self-contained HTML file (inline CSS and SVG; no script, font,
 * image or stylesheet to fetch) that a person can open from disk, mail, or archive next to a
 * payout. A Content-Security-Policy meta tag forbids scripts and network loads, as a second
 * line of defence behind escaping every string of `AuditReportData` (user content: worker and
 * label names, rule names, reasons).
 *
 * Sections: summary header with key figures; workers' gold accuracy against volume (Wilson
 * intervals); task confidence histogram; agreement statistics (κ, α, AC1 with bootstrap
 * intervals); answers over time with rule actions marked; confusion heat maps (overall and per
 * top worker); workers with flags, blocks and the rule events that touched them; every worker.
 *
 * Pure and deterministic: the output depends only on `data` (the clock is `data.generatedAt`).
 */
import { wilsonInterval } from '../../modules/quality/algorithms/wilson-interval';
import type {
  AuditEstimate,
  AuditReportData,
  AuditRuleEvent,
  AuditWorker,
  AuditWorkerStatus,
} from './audit-report-data';
import { count, escapeHtml, fixed, humanDuration, percent, truncate, utc } from './html';
import {
  accuracyScatter,
  agreementChart,
  answersOverTimeChart,
  confidenceHistogram,
  confusionHeatmap,
  ScatterPoint,
  TimeMarker,
} from './svg-charts';

/** Default number of workers with their own confusion heat map. */
export const DEFAULT_TOP_WORKERS = 6;

/**
 * Renders the audit report as a complete HTML document (UTF-8). Throws RangeError when counts
 * are inconsistent (e.g. more right gold answers than gold answers).
 *
 * @example writeFileSync('audit.html', renderAuditReport(await quality.auditReportData(ctx, projectId)));
 */
export function renderAuditReport(data: AuditReportData): string {
  const title = `Quality audit · ${data.project.name}`;
  const body = [
    renderHeader(data),
    renderKeyFigures(data),
    renderAccuracySection(data),
    `<div class="grid two">${renderConfidenceSection(data)}${renderAgreementSection(data)}</div>`,
    renderTimeSection(data),
    renderConfusionSection(data),
    renderEventsSection(data),
    renderWorkersSection(data),
    renderFooter(data),
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="Quorum audit report">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function renderHeader(data: AuditReportData): string {
  const { project } = data;
  const meta = [
    `project <code>${escapeHtml(project.id)}</code>`,
    project.status ? escapeHtml(project.status.toLowerCase()) : null,
    `aggregation <b>${escapeHtml(project.aggregationMethod)}</b>`,
    project.confidenceTarget != null
      ? `confidence target <b>${escapeHtml(fixed(project.confidenceTarget))}</b>`
      : null,
    `generated ${escapeHtml(utc(data.generatedAt))} UTC`,
  ].filter(Boolean);
  const notes = (data.notes ?? []).map(n => `<li>${escapeHtml(n)}</li>`).join('');
  return `<header class="hero">
<div class="eyebrow">Quorum · quality audit</div>
<h1>${escapeHtml(project.name)}</h1>
<div class="meta">${meta.join('<span class="dot">·</span>')}</div>
${notes ? `<ul class="notes">${notes}</ul>` : ''}
</header>`;
}

function renderKeyFigures(data: AuditReportData): string {
  const { summary } = data;
  const blocked = data.workers.filter(w => w.status === 'BLOCKED').length;
  const flagged = data.workers.filter(w => w.status === 'FLAGGED').length;
  const confidences = [...data.taskConfidence].filter(Number.isFinite).sort((a, b) => a - b);
  const target = data.project.confidenceTarget ?? null;
  const medianConfidence =
    confidences.length === 0
      ? NaN
      : confidences.length % 2 === 1
        ? confidences[confidences.length >> 1]
        : (confidences[confidences.length / 2 - 1] + confidences[confidences.length / 2]) / 2;
  const reached =
    target === null
      ? NaN
      : confidences.filter(c => c >= target).length / (confidences.length || NaN);
  const accuracy = summary.consensusAccuracy
    ? wilsonInterval(summary.consensusAccuracy.correct, summary.consensusAccuracy.total)
    : null;
  const kappa = data.agreement?.fleissKappa;

  const cards = [
    card(
      'Tasks',
      count(summary.tasks),
      `${count(summary.completedTasks)} complete (${percent(summary.completedTasks / (summary.tasks || NaN), 0)}) · ${count(summary.goldTasks)} gold`,
      summary.tasks > 0 ? summary.completedTasks / summary.tasks : null,
    ),
    card(
      'Answers',
      count(summary.answers),
      `${fixed(summary.answers / (summary.tasks || NaN), 1)} per task${summary.excludedAnswers ? ` · ${count(summary.excludedAnswers)} excluded` : ''}`,
    ),
    card(
      'Workers',
      count(summary.workers),
      `<span class="badge blocked">${count(blocked)} blocked</span> <span class="badge flagged">${count(flagged)} flagged</span>`,
      null,
      true,
    ),
    card(
      'Consensus accuracy',
      accuracy ? percent(accuracy.value) : '–',
      accuracy && summary.consensusAccuracy
        ? `${count(accuracy.successes)} of ${count(accuracy.trials)} ${escapeHtml(summary.consensusAccuracy.basis)} · 95% CI ${percent(accuracy.lower)}–${percent(accuracy.upper)}`
        : 'no known answers to compare with',
      null,
      true,
    ),
    card(
      'Task confidence',
      fixed(medianConfidence, 3),
      target === null
        ? 'median posterior of the consensus'
        : `median · ${percent(reached, 0)} of tasks at or above ${fixed(target)}`,
    ),
    card(
      "Fleiss' κ",
      kappa ? fixed(kappa.value) : '–',
      kappa
        ? `${Math.round(kappa.level * 100)}% CI ${fixed(kappa.lower)} to ${fixed(kappa.upper)}`
        : 'not computed',
    ),
  ];
  return `<section class="kpis">${cards.join('')}</section>`;
}

/** A key-figure card; `detail` is escaped unless `detailIsHtml` (then built from escaped parts). */
function card(
  label: string,
  value: string,
  detail: string,
  progress: number | null = null,
  detailIsHtml = false,
): string {
  const bar =
    progress === null
      ? ''
      : `<svg class="progress" viewBox="0 0 100 5" preserveAspectRatio="none" aria-hidden="true"><rect width="100" height="5" fill="#e5e7eb"/><rect width="${(Math.min(1, Math.max(0, progress)) * 100).toFixed(1)}" height="5" fill="#16a34a"/></svg>`;
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${bar}<div class="detail">${detailIsHtml ? detail : escapeHtml(detail)}</div></div>`;
}

function renderAccuracySection(data: AuditReportData): string {
  const points: ScatterPoint[] = [];
  let withoutGold = 0;
  for (const w of data.workers) {
    if (w.gold.total === 0) {
      withoutGold++;
      continue;
    }
    const ci = wilsonInterval(w.gold.correct, w.gold.total);
    points.push({
      name: w.name,
      answers: w.answers,
      goldCorrect: w.gold.correct,
      goldTotal: w.gold.total,
      accuracy: ci.value,
      lower: ci.lower,
      upper: ci.upper,
      status: w.status,
    });
  }
  const chart = accuracyScatter(points, { threshold: data.thresholds?.goldAccuracy });
  return `<section class="panel">
<h2>Workers: gold accuracy against volume</h2>
<p class="lede">One dot per worker; the whisker is the 95% Wilson score interval of their gold accuracy, so a worker with few gold answers has a long whisker and little evidence either way.${withoutGold > 0 ? ` ${count(withoutGold)} worker${withoutGold === 1 ? '' : 's'} without gold answers not shown.` : ''}</p>
${legend()}
<div class="figure">${chart}</div>
</section>`;
}

function legend(): string {
  return `<div class="legend"><span><i class="dot-active"></i>active</span><span><i class="dot-flagged"></i>flagged</span><span><i class="dot-blocked"></i>blocked</span></div>`;
}

function renderConfidenceSection(data: AuditReportData): string {
  const target = data.project.confidenceTarget ?? null;
  const n = [...data.taskConfidence].filter(Number.isFinite).length;
  const below =
    target === null
      ? 0
      : [...data.taskConfidence].filter(c => Number.isFinite(c) && c < target).length;
  return `<section class="panel">
<h2>Task confidence</h2>
<p class="lede">Posterior probability of the consensus label of ${count(n)} tasks (gold tasks excluded).${target === null ? '' : ` ${count(below)} below the target of ${escapeHtml(fixed(target))}.`}</p>
<div class="figure">${confidenceHistogram(data.taskConfidence, { target })}</div>
</section>`;
}

function renderAgreementSection(data: AuditReportData): string {
  const a = data.agreement;
  if (!a) {
    return `<section class="panel"><h2>Agreement between workers</h2><p class="lede">Not computed for this report.</p></section>`;
  }
  const rows: { name: string; estimate: AuditEstimate }[] = [
    { name: 'Observed agreement Pₐ', estimate: a.observedAgreement },
    { name: "Fleiss' κ", estimate: a.fleissKappa },
    { name: "Krippendorff's α", estimate: a.krippendorffAlpha },
    { name: "Gwet's AC1", estimate: a.gwetAC1 },
  ];
  const level = Math.round(a.fleissKappa.level * 100);
  const table = rows
    .map(
      r =>
        `<tr><td>${escapeHtml(r.name)}</td><td class="num"><b>${escapeHtml(fixed(r.estimate.value, 3))}</b></td><td class="num">${escapeHtml(`${fixed(r.estimate.lower, 3)} to ${fixed(r.estimate.upper, 3)}`)}</td><td>${escapeHtml(landisKoch(r.estimate.value))}</td></tr>`,
    )
    .join('');
  return `<section class="panel">
<h2>Agreement between workers</h2>
<p class="lede">Chance-corrected agreement over ${count(a.pairableTasks)} tasks with two or more answers (of ${count(a.ratedTasks)} answered), with ${level}% bootstrap intervals over tasks.</p>
<div class="figure">${agreementChart(rows)}</div>
<table class="table compact"><thead><tr><th>Statistic</th><th class="num">Value</th><th class="num">${level}% CI</th><th>Reading</th></tr></thead><tbody>${table}</tbody></table>
</section>`;
}

/** The Landis and Koch (1977) reading of a κ-like value. */
function landisKoch(value: number): string {
  if (!Number.isFinite(value)) return 'undefined';
  if (value < 0) return 'poor';
  if (value < 0.2) return 'slight';
  if (value < 0.4) return 'fair';
  if (value < 0.6) return 'moderate';
  if (value < 0.8) return 'substantial';
  return 'almost perfect';
}

function renderTimeSection(data: AuditReportData): string {
  const markers: TimeMarker[] = data.ruleEvents.map(e => {
    const kinds = e.actions.map(a => a.kind);
    const kind = kinds.includes('BLOCK') ? 'BLOCK' : kinds.includes('FLAG') ? 'FLAG' : 'OTHER';
    const worker = data.workers.find(w => w.id === e.workerId);
    return {
      at: e.at,
      kind,
      label: `${describeActions(e)} ${worker ? worker.name : e.workerId} (${e.actor})`,
    };
  });
  const bucket = humanDuration(data.answersOverTime.bucketSeconds);
  return `<section class="panel">
<h2>Answers over time</h2>
<p class="lede">Answers per ${escapeHtml(bucket)} (UTC); triangles under the axis mark rule and admin actions.</p>
<div class="figure">${answersOverTimeChart(data.answersOverTime, markers)}</div>
</section>`;
}

function renderConfusionSection(data: AuditReportData): string {
  const labels = data.labels.map(l => l.displayName);
  const keys = data.labels.map(l => l.key);
  const topN = data.topWorkers ?? DEFAULT_TOP_WORKERS;
  const top = data.workers
    .filter(w => w.confusion)
    .slice()
    .sort((a, b) => b.answers - a.answers || compare(a.name, b.name))
    .slice(0, topN);
  const small = labels.length <= 6;
  const tiles = top
    .map(w => {
      const acc =
        w.gold.total > 0 ? `gold ${percent(w.gold.correct / w.gold.total, 0)}` : 'no gold';
      return `<figure class="tile"><figcaption><span class="name">${escapeHtml(truncate(w.name, 28))}</span>${statusBadge(w.status)}<span class="sub">${escapeHtml(`${count(w.answers)} answers · ${acc}`)}</span></figcaption>${confusionHeatmap(w.confusion!, labels, { cell: small ? 30 : 12, showLabels: small, shortLabels: keys, title: `Confusion matrix of ${w.name}` })}</figure>`;
    })
    .join('');
  return `<section class="panel">
<h2>Confusion matrices</h2>
<p class="lede">Rows: reference label (${escapeHtml(data.confusionReference)}); columns: the answer given; numbers are row percentages. Blue cells are right answers, orange cells confusions.</p>
<div class="confusion">
<figure class="overall"><figcaption><span class="name">All workers</span><span class="sub">${escapeHtml(count(data.summary.answers))} answers</span></figcaption>${confusionHeatmap(data.overallConfusion, labels, { shortLabels: keys, title: 'Overall confusion matrix' })}</figure>
<div class="tiles">${tiles || '<p class="lede">No per-worker matrices in this report.</p>'}</div>
</div>
</section>`;
}

function renderEventsSection(data: AuditReportData): string {
  const byWorker = new Map<string, AuditRuleEvent[]>();
  for (const e of data.ruleEvents) {
    const list = byWorker.get(e.workerId) ?? [];
    list.push(e);
    byWorker.set(e.workerId, list);
  }
  const known = new Map(data.workers.map(w => [w.id, w]));
  const ids = new Set<string>([
    ...data.workers.filter(w => w.status !== 'ACTIVE').map(w => w.id),
    ...byWorker.keys(),
  ]);
  const rank = { BLOCKED: 0, FLAGGED: 1, ACTIVE: 2 } as const;
  const latest = (id: string) => Math.max(-Infinity, ...(byWorker.get(id) ?? []).map(e => e.at));
  const rows = [...ids]
    .sort((a, b) => {
      const wa = known.get(a);
      const wb = known.get(b);
      return (
        rank[wa?.status ?? 'ACTIVE'] - rank[wb?.status ?? 'ACTIVE'] ||
        latest(b) - latest(a) ||
        compare(a, b)
      );
    })
    .map(id => {
      const w = known.get(id);
      const events = (byWorker.get(id) ?? []).slice().sort((a, b) => a.at - b.at);
      const eventList = events
        .map(
          e =>
            `<li><time>${escapeHtml(utc(e.at))}</time> <b>${escapeHtml(describeActions(e))}</b>${e.dryRun ? ' <span class="badge dry">dry-run</span>' : ''} <span class="actor">by ${escapeHtml(e.actorKind === 'RULE' ? `rule “${e.actor}”` : `${e.actorKind.toLowerCase()} ${e.actor}`)}</span><div class="reason">${escapeHtml(e.reason)}</div></li>`,
        )
        .join('');
      return `<tr><td>${workerCell(w, id)}</td><td>${statusBadge(w?.status ?? 'ACTIVE')}</td><td>${w ? goldCell(w) : '–'}</td><td class="num">${w ? escapeHtml(medianTime(w)) : '–'}</td><td><ul class="events">${eventList || '<li class="muted">no rule events</li>'}</ul></td></tr>`;
    });
  return `<section class="panel">
<h2>Flags, blocks and rule events</h2>
${
  rows.length === 0
    ? '<p class="lede">No worker is flagged or blocked, and no rule has acted.</p>'
    : `<table class="table"><thead><tr><th>Worker</th><th>Status</th><th>Gold accuracy</th><th class="num">Median time</th><th>Events</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}
</section>`;
}

function renderWorkersSection(data: AuditReportData): string {
  const rows = data.workers
    .slice()
    .sort((a, b) => b.answers - a.answers || compare(a.name, b.name))
    .map(w => {
      const agreement =
        w.consensus && w.consensus.total > 0 ? w.consensus.agreed / w.consensus.total : NaN;
      return `<tr><td>${workerCell(w, w.id)}</td><td>${statusBadge(w.status)}</td><td class="num">${escapeHtml(count(w.answers))}</td><td>${goldCell(w)}</td><td class="num">${escapeHtml(percent(agreement))}</td><td class="num">${escapeHtml(percent(w.modelAccuracy ?? NaN))}</td><td class="num">${escapeHtml(medianTime(w))}</td></tr>`;
    });
  return `<section class="panel">
<details${data.workers.length <= 25 ? ' open' : ''}>
<summary><h2>All workers (${escapeHtml(count(data.workers.length))})</h2></summary>
<table class="table"><thead><tr><th>Worker</th><th>Status</th><th class="num">Answers</th><th>Gold accuracy (95% CI)</th><th class="num">Agrees with consensus</th><th class="num">Model accuracy</th><th class="num">Median time</th></tr></thead><tbody>${rows.join('')}</tbody></table>
</details>
</section>`;
}

function renderFooter(data: AuditReportData): string {
  const ds = data.project.aggregationMethod.includes('dawid-skene')
    ? ' Consensus and model accuracy: Dawid &amp; Skene, JRSS C 28(1), 1979.'
    : '';
  return `<footer>
Gold accuracy intervals: Wilson score interval (E. B. Wilson, JASA 22(158), 1927). Agreement: Fleiss' κ (Psychological Bulletin 76(5), 1971), Krippendorff's α (2011), Gwet's AC1 (BJMSP 61, 2008), percentile bootstrap over tasks; bands after Landis &amp; Koch (Biometrics 33(1), 1977).${ds}
Times in UTC. Generated by Quorum; this file loads nothing from the network.
</footer>`;
}

function workerCell(w: AuditWorker | undefined, id: string): string {
  return w
    ? `<div class="who">${escapeHtml(truncate(w.name, 40))}</div><div class="id">${escapeHtml(truncate(id, 40))}</div>`
    : `<div class="who">${escapeHtml(truncate(id, 40))}</div>`;
}

/** Gold accuracy as a number plus a small meter showing the point and its interval. */
function goldCell(w: AuditWorker): string {
  if (w.gold.total === 0) return '<span class="muted">no gold</span>';
  const ci = wilsonInterval(w.gold.correct, w.gold.total);
  const left = (ci.lower * 100).toFixed(1);
  const width = ((ci.upper - ci.lower) * 100).toFixed(1);
  const point = (ci.value * 100).toFixed(1);
  return `<div class="acc"><span class="num">${escapeHtml(percent(ci.value))}</span><svg class="meter" viewBox="0 -2 100 12" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(`${w.gold.correct} of ${w.gold.total}; 95% CI ${percent(ci.lower)}–${percent(ci.upper)}`)}"><title>${escapeHtml(`${w.gold.correct} of ${w.gold.total}; 95% CI ${percent(ci.lower)}–${percent(ci.upper)}`)}</title><rect width="100" height="8" rx="4" fill="#f3f4f6"/><rect x="${left}" width="${width}" height="8" rx="4" fill="#bfdbfe"/><rect x="${point}" y="-2" width="3" height="12" transform="translate(-1.5 0)" fill="#1d4ed8"/></svg><span class="muted small">${escapeHtml(`${w.gold.correct}/${w.gold.total}`)}</span></div>`;
}

function medianTime(w: AuditWorker): string {
  return w.medianSeconds === null || !Number.isFinite(w.medianSeconds)
    ? '–'
    : `${fixed(w.medianSeconds, 1)} s`;
}

function statusBadge(status: AuditWorkerStatus): string {
  return `<span class="badge ${status.toLowerCase()}">${status.toLowerCase()}</span>`;
}

function describeActions(e: AuditRuleEvent): string {
  return e.actions
    .map(a => {
      const duration =
        'durationSeconds' in a && a.durationSeconds ? ` ${humanDuration(a.durationSeconds)}` : '';
      const scope = a.scope === 'GLOBAL' ? ' everywhere' : '';
      return `${a.kind.replace('_', ' ').toLowerCase()}${scope}${duration}`;
    })
    .join(', ');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report's one stylesheet; the web app's CSP allows exactly it (by hash) to embed the report. */
export const STYLES = `
*{box-sizing:border-box}
html{background:#f3f4f6}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans","DejaVu Sans",Arial,sans-serif;color:#111827;font-size:14px;line-height:1.45}
main{max-width:1200px;margin:0 auto;padding:28px 28px 40px}
h1{font-size:28px;margin:2px 0 6px;letter-spacing:-0.01em;overflow-wrap:anywhere}
h2{font-size:16px;margin:0 0 4px}
code{font-family:"DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:#eef2ff;padding:1px 5px;border-radius:4px;overflow-wrap:anywhere}
.hero{background:linear-gradient(135deg,#1e3a8a,#2563eb);color:#fff;border-radius:14px;padding:22px 26px;margin-bottom:18px;box-shadow:0 4px 14px rgba(30,58,138,.25)}
.hero .eyebrow{text-transform:uppercase;font-size:11px;letter-spacing:.12em;opacity:.8}
.hero .meta{opacity:.92;font-size:13px}
.hero .meta b{font-weight:600}
.hero code{background:rgba(255,255,255,.18);color:#fff}
.hero .dot{margin:0 8px;opacity:.6}
.hero .notes{margin:10px 0 0;padding-left:18px;font-size:12.5px;opacity:.9}
.kpis{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:12px;margin-bottom:18px}
.card{background:#fff;border-radius:12px;padding:14px 16px;box-shadow:0 1px 3px rgba(0,0,0,.07)}
.card .label{font-size:11.5px;text-transform:uppercase;letter-spacing:.06em;color:#6b7280}
.card .value{font-size:26px;font-weight:650;margin:2px 0 4px;font-variant-numeric:tabular-nums}
.card .detail{font-size:12px;color:#4b5563;overflow-wrap:anywhere}
.progress{display:block;width:100%;height:5px;border-radius:3px;overflow:hidden;margin:2px 0 6px}
.panel{background:#fff;border-radius:12px;padding:18px 20px;margin-bottom:18px;box-shadow:0 1px 3px rgba(0,0,0,.07)}
.grid.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.15fr);gap:18px}
.grid.two .panel{margin-bottom:18px}
.lede{color:#4b5563;margin:0 0 10px;font-size:13px}
.figure{overflow-x:auto}
svg.chart{max-width:100%;height:auto;display:block}
.legend{display:flex;gap:16px;font-size:12px;color:#4b5563;margin-bottom:4px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
.dot-active{background:#2563eb}.dot-flagged{background:#d97706}.dot-blocked{background:#dc2626}
.badge{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:999px;text-transform:lowercase;white-space:nowrap}
.badge.active{background:#dbeafe;color:#1e40af}
.badge.flagged{background:#fef3c7;color:#92400e}
.badge.blocked{background:#fee2e2;color:#991b1b}
.badge.dry{background:#e5e7eb;color:#374151}
.confusion{display:flex;gap:28px;align-items:flex-start;flex-wrap:wrap}
.confusion figure{margin:0}
.confusion figcaption{font-size:12.5px;margin-bottom:4px;display:flex;gap:6px;align-items:baseline;flex-wrap:wrap}
.confusion .name{font-weight:600;overflow-wrap:anywhere}
.confusion .sub{color:#6b7280;font-size:11.5px}
.tiles{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:14px 22px;flex:1;min-width:520px}
.table{width:100%;border-collapse:collapse;font-size:13px}
.table th{text-align:left;font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:#6b7280;border-bottom:1px solid #e5e7eb;padding:6px 8px;font-weight:600}
.table td{border-bottom:1px solid #f3f4f6;padding:7px 8px;vertical-align:top}
.table.compact{margin-top:8px;font-size:12.5px}
.table.compact td,.table.compact th{padding:4px 8px}
.table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.who{font-weight:600;overflow-wrap:anywhere;min-width:120px}
.id{font-size:11px;color:#9ca3af;font-family:"DejaVu Sans Mono",ui-monospace,monospace;overflow-wrap:anywhere}
.acc{display:flex;align-items:center;gap:8px;white-space:nowrap}
.acc .num{min-width:48px;text-align:right}
.meter{display:inline-block;width:110px;height:12px;vertical-align:middle}
.events{list-style:none;margin:0;padding:0}
.events li{margin-bottom:6px}
.events time{font-variant-numeric:tabular-nums;color:#374151;font-size:12px}
.events .actor{color:#6b7280;font-size:12px}
.events .reason{color:#4b5563;font-size:12px;overflow-wrap:anywhere}
.muted{color:#9ca3af}.small{font-size:11px}
details summary{cursor:pointer;list-style:none}
details summary h2{display:inline}
details summary::-webkit-details-marker{display:none}
details summary::before{content:"▸ ";color:#6b7280}
details[open] summary::before{content:"▾ "}
details[open] summary{margin-bottom:10px}
footer{color:#6b7280;font-size:11.5px;margin-top:8px;padding:0 4px}
@media (max-width:1000px){.kpis{grid-template-columns:repeat(3,minmax(0,1fr))}.grid.two{grid-template-columns:1fr}.tiles{min-width:0;grid-template-columns:repeat(2,minmax(0,1fr))}}
@media print{html{background:#fff}.panel,.card{box-shadow:none;border:1px solid #e5e7eb}}
`;
