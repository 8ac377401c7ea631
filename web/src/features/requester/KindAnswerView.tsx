import { Fragment, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import './console-kinds.css';
import { captionWidth, placeCaptions } from '../../kinds/caption-layout';
import { colourOf, strokeOf } from '../../kinds/kind-colours';
import { imageSizeOf, itemsOf, tokensOf } from './kind-form';
import './console-kinds-messages';

/** One answer to draw: whose (a pseudonym, "consensus", "gold") and its value (kind's shape). */
export interface AnswerLayer {
  readonly name: string;
  readonly value: Readonly<Record<string, unknown>> | null | undefined;
}

interface Schema {
  readonly kind: string;
  readonly labels: ReadonlyArray<{ key: string; displayName: string }>;
  readonly settings?: Readonly<Record<string, unknown>> | null;
}

interface Span {
  start: number;
  end: number;
  label: string;
}
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  score?: number;
}

const listOf = <T,>(value: Readonly<Record<string, unknown>> | null | undefined, name: string) =>
  (Array.isArray(value?.[name]) ? value![name] : []) as T[];

/**
 * Structured answers drawn for a person, read-only: spans shaded over the task's tokens (one line
 * per answer), boxes outlined over the image (one colour per answer when several are overlaid,
 * the class's colour for a single one; every box's name and owner captioned at a corner of its
 * own box with the captions kept apart, and listed, so colour is never the only cue), a rating
 * with its grade label, the preferred item of a pair.
 */
export function KindAnswerView({
  schema,
  payload,
  tokens,
  layers,
  caption,
}: {
  schema: Schema;
  payload: Readonly<Record<string, unknown>>;
  /** The task's tokens (spans), as the server counts them; computed from the payload if absent. */
  tokens?: readonly string[] | null;
  layers: readonly AnswerLayer[];
  caption: string;
}) {
  const { t } = useI18n();
  const settings = schema.settings ?? {};
  const nameOf = (key: string) =>
    schema.labels.find(label => label.key === key)?.displayName ?? key;

  switch (schema.kind) {
    case 'TEXT_SPANS': {
      const words = tokens ?? tokensOf(settings, payload) ?? [];
      const types = Array.isArray(settings.entityTypes) ? (settings.entityTypes as string[]) : [];
      const joined = settings.tokenization === 'CHARACTER';
      return (
        <figure className="kind-answers">
          <figcaption>{caption}</figcaption>
          {layers.map(layer => (
            <div key={layer.name} className="answer-line">
              <strong>{layer.name}</strong>
              <p className={joined ? 'span-line joined' : 'span-line'}>
                {spanPieces(words, listOf<Span>(layer.value, 'spans'), joined ? '' : ' ').map(
                  (piece, i, pieces) =>
                    piece.label === null ? (
                      <span key={i}>{piece.text}</span>
                    ) : (
                      <Fragment key={i}>
                        {/* Two entities side by side keep the space between their words. */}
                        {!joined && pieces[i - 1]?.label != null && ' '}
                        <mark
                          style={{ background: colourOf(types.indexOf(piece.label)) }}
                          data-label={piece.label}
                        >
                          {piece.text} <small>{nameOf(piece.label)}</small>
                        </mark>
                      </Fragment>
                    ),
                )}
              </p>
              {listOf<Span>(layer.value, 'spans').length === 0 && (
                <p className="hint">{t('console.kinds.answer.noSpans')}</p>
              )}
            </div>
          ))}
        </figure>
      );
    }
    case 'BOUNDING_BOXES': {
      const size = imageSizeOf(settings, payload);
      const field = typeof settings.imageField === 'string' ? settings.imageField : 'image';
      const url = payload[field];
      if (!size || typeof url !== 'string') return <p>{t('kind.boxes.noImage')}</p>;
      const classes = Array.isArray(settings.classes) ? (settings.classes as string[]) : [];
      return (
        <BoxAnswers
          url={url}
          size={size}
          classes={classes}
          layers={layers}
          caption={caption}
          nameOf={nameOf}
        />
      );
    }
    case 'RATING': {
      const min = Number(settings.min);
      const grades = Array.isArray(settings.labels) ? (settings.labels as string[]) : [];
      return (
        <figure className="kind-answers">
          <figcaption>{caption}</figcaption>
          <ul className="kind-items">
            {layers.map(layer => {
              const rating = layer.value?.rating;
              const grade = typeof rating === 'number' ? grades[rating - min] : undefined;
              return (
                <li key={layer.name}>
                  <strong>{layer.name}</strong>:{' '}
                  {typeof rating === 'number'
                    ? `${rating}${grade ? ` — ${nameOf(grade)}` : ''}`
                    : '—'}
                </li>
              );
            })}
          </ul>
        </figure>
      );
    }
    case 'PAIRWISE': {
      const items = itemsOf(settings, payload);
      const side = (id: unknown) =>
        items === null || typeof id !== 'string'
          ? ''
          : id === items[0]
            ? ` (${t('kind.pairwise.left')})`
            : id === items[1]
              ? ` (${t('kind.pairwise.right')})`
              : '';
      return (
        <figure className="kind-answers">
          <figcaption>{caption}</figcaption>
          <ul className="kind-items">
            {layers.map(layer => (
              <li key={layer.name}>
                <strong>{layer.name}</strong>:{' '}
                {typeof layer.value?.preferred === 'string'
                  ? t('console.kinds.answer.preferred', {
                      item: `${layer.value.preferred}${side(layer.value.preferred)}`,
                    })
                  : '—'}
              </li>
            ))}
          </ul>
        </figure>
      );
    }
    default:
      return null;
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Boxes answers over the image: outlines in one colour per answer (several answers) or per class
 * (one), each caption at a corner of its own box on a white backdrop edged in the box's colour,
 * kept off the other captions (kinds/caption-layout.ts): dark text on white reads on any photo,
 * and nearly coinciding boxes from several workers keep readable captions. The list below names
 * every box, so colour is never the only cue.
 */
function BoxAnswers({
  url,
  size,
  classes,
  layers,
  caption,
  nameOf,
}: {
  url: string;
  size: { width: number; height: number };
  classes: readonly string[];
  layers: readonly AnswerLayer[];
  caption: string;
  nameOf: (key: string) => string;
}) {
  const { t } = useI18n();
  const byLayer = layers.length > 1;
  const font = Math.max(size.width, size.height) / 40;
  const all = layers.flatMap((layer, l) =>
    listOf<Box>(layer.value, 'boxes').map((box, i) => ({ layer, l, box, i })),
  );
  const outline = (l: number, box: Box) =>
    byLayer ? strokeOf(l) : strokeOf(classes.indexOf(box.label));
  const pad = font / 4;
  const captions = all.map(({ layer, box }) =>
    byLayer ? `${layer.name}: ${nameOf(box.label)}` : nameOf(box.label),
  );
  // Widths are estimated for the first paint, then measured in the browser's own font, so a
  // backdrop holds its whole caption whatever font the system has.
  const svg = useRef<SVGSVGElement>(null);
  const [measured, setMeasured] = useState<{ key: string; widths: number[] } | null>(null);
  const captionsKey = `${font}\u0000${captions.join('\u0000')}`;
  useLayoutEffect(() => {
    const texts = svg.current?.querySelectorAll<SVGTextElement>('.caption text') ?? [];
    const widths = Array.from(texts, text => text.getComputedTextLength());
    if (measured?.key !== captionsKey || widths.some((w, n) => w !== measured.widths[n]))
      setMeasured({ key: captionsKey, widths });
  }, [captionsKey, measured]);
  const widthOf = (text: string, n: number) =>
    measured?.key === captionsKey && measured.widths[n] !== undefined
      ? measured.widths[n] + 2 * pad
      : captionWidth(text, font, pad);
  const places = placeCaptions(
    all.map(({ box }) => box),
    captions.map((text, n) => ({ width: widthOf(text, n), height: font * 1.4 })),
    size,
  );
  return (
    <figure className="kind-answers">
      <figcaption>{caption}</figcaption>
      <svg
        ref={svg}
        className="box-stage"
        viewBox={`0 0 ${size.width} ${size.height}`}
        style={{ maxWidth: `${(60 * size.width) / size.height}vh` }}
        role="img"
        aria-label={t('console.kinds.answer.boxesImage', { n: all.length })}
      >
        <image href={url} width={size.width} height={size.height} />
        {all.map(({ l, box, i }) => (
          <rect
            key={`${l}-${i}`}
            className="box"
            x={box.x}
            y={box.y}
            width={box.w}
            height={box.h}
            stroke={outline(l, box)}
            strokeDasharray={byLayer && l % 2 === 1 ? '6 3' : undefined}
          />
        ))}
        {/* Captions after every box, so no outline crosses a caption's backdrop. */}
        {all.map(({ l, i }, n) => {
          const place = places[n]!;
          return (
            <g key={`${l}-${i}`} className="caption">
              <rect
                x={place.x}
                y={place.y}
                width={place.width}
                height={place.height}
                stroke={outline(l, all[n]!.box)}
              />
              <text
                x={place.x + pad}
                y={place.y + place.height / 2}
                dominantBaseline="central"
                fontSize={font}
              >
                {captions[n]}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="kind-items">
        {layers.map((layer, l) => (
          <li key={layer.name}>
            {byLayer && (
              <>
                <span
                  className="swatch"
                  style={{ background: strokeOf(l) }}
                  aria-hidden="true"
                />{' '}
              </>
            )}
            <strong>{layer.name}</strong>:{' '}
            {listOf<Box>(layer.value, 'boxes')
              .map(
                box =>
                  t('console.kinds.answer.box', {
                    label: nameOf(box.label),
                    place: `${round(box.x)}, ${round(box.y)} · ${round(box.w)} × ${round(box.h)}`,
                  }) + (typeof box.score === 'number' ? ` (${box.score.toFixed(2)})` : ''),
              )
              .join('; ') || t('console.kinds.answer.noBoxes')}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/**
 * The tokens cut into runs: plain text between spans, and each span's tokens with its label.
 * Overlapping spans (when a schema allows them) show the first one; the rest stay in the
 * answer's list and exports.
 */
export function spanPieces(
  tokens: readonly string[],
  spans: readonly Span[],
  separator: string,
): Array<{ text: string; label: string | null }> {
  const owner: Array<Span | null> = tokens.map(() => null);
  for (const span of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    for (let i = Math.max(0, span.start); i < Math.min(span.end, tokens.length); i++) {
      owner[i] ??= span;
    }
  }
  const pieces: Array<{ text: string; label: string | null; span: Span | null }> = [];
  tokens.forEach((token, i) => {
    const last = pieces[pieces.length - 1];
    if (last && last.span === owner[i]) last.text += `${separator}${token}`;
    else {
      // The separator between runs goes with the plain text, so a highlight ends at its word.
      if (last && last.span === null) last.text += separator;
      const text = last && last.span !== null && owner[i] === null ? `${separator}${token}` : token;
      pieces.push({ text, label: owner[i]?.label ?? null, span: owner[i] ?? null });
    }
  });
  return pieces.map(({ text, label }) => ({ text, label }));
}
