import { useRef, useState, type PointerEvent } from 'react';
import {
  boxesFrom,
  boxFromDrag,
  type ImageSize,
  imagePoint,
  nudgeBox,
  type Point,
  type Rect,
  resizeBox,
} from './box-geometry';
import {
  displayNameOf,
  keyListSetting,
  type KindWidget,
  optionKey,
  stringSetting,
  type WidgetKey,
  type WidgetProps,
  type WidgetTask,
} from './kind-widget';
import { colourOf, strokeOf } from './kind-colours';

/** A box with its class key, in original-image pixels. */
export interface LabelledBox extends Rect {
  readonly label: string;
}

/** The widget's state: the boxes, the one the keys act on, the class new boxes get. */
export interface BoxState {
  readonly boxes: readonly LabelledBox[];
  readonly selected: number | null;
  readonly nextClass: string;
}

const classes = (task: WidgetTask) => keyListSetting(task, 'classes');
const imageField = (task: WidgetTask) => stringSetting(task, 'imageField', 'image');
const widthField = (task: WidgetTask) => stringSetting(task, 'widthField', 'width');
const heightField = (task: WidgetTask) => stringSetting(task, 'heightField', 'height');

/** The image URL and its original size from the payload, or null when either is missing. */
function imageOf(task: WidgetTask): { url: string; size: ImageSize } | null {
  const url = task.payload?.[imageField(task)];
  const width = task.payload?.[widthField(task)];
  const height = task.payload?.[heightField(task)];
  if (typeof url !== 'string' || typeof width !== 'number' || typeof height !== 'number')
    return null;
  return width > 0 && height > 0 ? { url, size: { width, height } } : null;
}

/** `state` with its selected box replaced by `change(box)` (nothing when none is selected). */
function updateSelected(state: BoxState, change: (box: LabelledBox) => LabelledBox): BoxState {
  const { selected } = state;
  if (selected === null || !state.boxes[selected]) return state;
  return { ...state, boxes: state.boxes.map((box, i) => (i === selected ? change(box) : box)) };
}

/** `state` without box `index`; the selection moves to the box before it, if any. */
function deleteBox(state: BoxState, index: number | null): BoxState {
  if (index === null || !state.boxes[index]) return state;
  const boxes = state.boxes.filter((_, i) => i !== index);
  return { ...state, boxes, selected: boxes.length === 0 ? null : Math.max(0, index - 1) };
}

/** Selects the box `step` places after the selected one, wrapping around. */
function cycle(state: BoxState, step: number): BoxState {
  const n = state.boxes.length;
  if (n === 0) return state;
  const from = state.selected ?? (step > 0 ? -1 : 0);
  return { ...state, selected: (((from + step) % n) + n) % n };
}

/** A box's place and size as a worker reads it. */
const boxText = (box: Rect) => `${box.x}, ${box.y} · ${box.w} × ${box.h}`;

/**
 * The image in an SVG whose user units are the original image's pixels, so boxes drawn at any
 * display size are recorded in original pixels; boxes outlined in their class's colour with the
 * class name written on them, and below, the list of boxes with select and delete buttons.
 */
function BoxesView({ task, answer, onChange, t }: WidgetProps<BoxState>) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ from: Point; to: Point } | null>(null);
  const image = imageOf(task);
  if (!image) return <p>{t('kind.boxes.noImage')}</p>;
  const { size } = image;
  const types = classes(task);
  const nameOf = (key: string) => displayNameOf(task, key);
  const at = (event: PointerEvent) =>
    imagePoint(event.clientX, event.clientY, svg.current!.getBoundingClientRect(), size);
  const preview = drag ? boxFromDrag(drag.from, drag.to, size) : null;
  const fontSize = Math.max(size.width, size.height) / 40;

  const finish = (event: PointerEvent) => {
    if (!drag) return;
    const box = boxFromDrag(drag.from, at(event), size);
    setDrag(null);
    if (!box) return;
    onChange({
      ...answer,
      boxes: [...answer.boxes, { ...box, label: answer.nextClass }],
      selected: answer.boxes.length,
    });
  };

  return (
    <div className="boxes-widget">
      <p className="kind-help">{t('kind.boxes.help')}</p>
      <ul className="kind-legend" aria-label={t('kind.boxes.legend')}>
        {types.map((type, index) => (
          <li key={type} className={type === answer.nextClass ? 'current' : undefined}>
            <kbd>{optionKey(index)}</kbd>{' '}
            <span className="swatch" style={{ background: colourOf(index) }} aria-hidden="true" />{' '}
            {nameOf(type)}
          </li>
        ))}
      </ul>
      <p>{t('kind.boxes.nextClass', { label: nameOf(answer.nextClass) })}</p>
      <svg
        ref={svg}
        className="box-stage"
        viewBox={`0 0 ${size.width} ${size.height}`}
        // As wide as the page allows, but never taller than most of the window: all of the
        // image stays in view while drawing.
        style={{ maxWidth: `${(70 * size.width) / size.height}vh` }}
        role="img"
        aria-label={t('kind.boxes.image', { n: answer.boxes.length })}
        onPointerDown={event => {
          if (event.button !== 0) return;
          event.preventDefault();
          event.currentTarget.setPointerCapture(event.pointerId);
          const point = at(event);
          setDrag({ from: point, to: point });
        }}
        onPointerMove={event => {
          if (drag) setDrag({ ...drag, to: at(event) });
        }}
        onPointerUp={finish}
        onPointerCancel={() => setDrag(null)}
      >
        <image href={image.url} width={size.width} height={size.height} />
        {answer.boxes.map((box, index) => {
          const classIndex = types.indexOf(box.label);
          const chosen = index === answer.selected;
          const onRight = box.x + box.w / 2 > size.width / 2;
          return (
            <g key={index} className={chosen ? 'box selected' : 'box'}>
              <rect
                x={box.x}
                y={box.y}
                width={box.w}
                height={box.h}
                stroke={strokeOf(classIndex)}
                strokeDasharray={chosen ? '6 3' : undefined}
                onPointerDown={event => {
                  // Pressing on a box selects it instead of starting a new one.
                  event.stopPropagation();
                  onChange({ ...answer, selected: index });
                }}
              />
              {/* The name above the box, kept inside the image on the right half. */}
              <text
                x={onRight ? box.x + box.w : box.x}
                y={Math.max(fontSize, box.y - fontSize / 4)}
                fontSize={fontSize}
                textAnchor={onRight ? 'end' : 'start'}
              >
                {index + 1} {nameOf(box.label)}
              </text>
            </g>
          );
        })}
        {preview && (
          <rect
            className="box-preview"
            x={preview.x}
            y={preview.y}
            width={preview.w}
            height={preview.h}
          />
        )}
      </svg>
      <h3>{t('kind.boxes.list')}</h3>
      {answer.boxes.length === 0 ? (
        <p>{t('kind.boxes.none')}</p>
      ) : (
        <ol className="kind-items">
          {answer.boxes.map((box, index) => (
            <li key={index}>
              <button
                type="button"
                aria-pressed={index === answer.selected}
                onClick={() => onChange({ ...answer, selected: index })}
              >
                <span
                  className="swatch"
                  style={{ background: colourOf(types.indexOf(box.label)) }}
                  aria-hidden="true"
                />{' '}
                {t('kind.boxes.item', {
                  n: index + 1,
                  label: nameOf(box.label),
                  place: boxText(box),
                })}
              </button>{' '}
              <button type="button" onClick={() => onChange(deleteBox(answer, index))}>
                {t('kind.boxes.delete', { n: index + 1 })}
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * BOUNDING_BOXES: draw with the mouse; the selected box moves with the arrow keys (a pixel of
 * the original image per press) and grows or shrinks with Shift+arrows; a class's key sets the
 * selected box's class and that of the next boxes; [ and ] select the previous and next box;
 * Delete removes it. Records `{ boxes: [{ x, y, w, h, label }] }` in original-image pixels.
 */
export const boundingBoxes: KindWidget<BoxState> = {
  empty: task => ({ boxes: [], selected: null, nextClass: classes(task)[0] ?? '' }),
  fromValue: (value, task) => {
    const image = imageOf(task);
    return {
      boxes: image ? boxesFrom(value, image.size) : [],
      selected: null,
      nextClass: classes(task)[0] ?? '',
    };
  },
  render: props => <BoxesView {...props} />,
  keymap: (task, t) => {
    const image = imageOf(task);
    if (!image) return [];
    const { size } = image;
    const move = (key: string, dx: number, dy: number): WidgetKey<BoxState>[] => [
      {
        key,
        description: t(`kind.boxes.key.${key}` as 'kind.boxes.key.ArrowLeft'),
        apply: s => updateSelected(s, box => nudgeBox(box, dx, dy, size)),
      },
      {
        key: `Shift+${key}`,
        description: t(`kind.boxes.key.Shift+${key}` as 'kind.boxes.key.Shift+ArrowLeft'),
        apply: s => updateSelected(s, box => resizeBox(box, dx, dy, size)),
      },
    ];
    return [
      ...classes(task).map((type, index) => ({
        key: optionKey(index),
        description: t('kind.boxes.key.class', { label: displayNameOf(task, type) }),
        apply: (s: BoxState) => ({
          ...updateSelected(s, box => ({ ...box, label: type })),
          nextClass: type,
        }),
      })),
      ...move('ArrowLeft', -1, 0),
      ...move('ArrowRight', 1, 0),
      ...move('ArrowUp', 0, -1),
      ...move('ArrowDown', 0, 1),
      { key: '[', description: t('kind.boxes.key.previous'), apply: s => cycle(s, -1) },
      { key: ']', description: t('kind.boxes.key.next'), apply: s => cycle(s, 1) },
      {
        key: 'Delete',
        description: t('kind.boxes.key.delete'),
        apply: s => deleteBox(s, s.selected),
      },
      {
        key: 'Backspace',
        description: t('kind.boxes.key.delete'),
        apply: s => deleteBox(s, s.selected),
      },
    ];
  },
  validate: (_answer, task) => (imageOf(task) ? null : 'kind.boxes.noImage'),
  toAnswer: answer => ({
    value: { boxes: answer.boxes.map(({ x, y, w, h, label }) => ({ x, y, w, h, label })) },
  }),
  shownFields: task => [imageField(task), widthField(task), heightField(task)],
};
