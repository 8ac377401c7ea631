import {
  count,
  escapeHtml,
  mixColor,
  niceCeiling,
  niceTicks,
  percent,
  truncate,
  utc,
} from '../../../src/reports/audit/html';
import { timeTicks } from '../../../src/reports/audit/svg-charts';

describe('report html helpers', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml(42)).toBe('42');
  });

  it('truncates by characters, not UTF-16 units', () => {
    expect(truncate('🐶🐱🐭🐹', 3)).toBe('🐶🐱…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('formats numbers without locale and without NaN', () => {
    expect(count(1234567)).toBe('1\u2009234\u2009567');
    expect(percent(0.8123)).toBe('81.2%');
    expect(percent(NaN)).toBe('–');
    expect(utc(Date.UTC(2026, 2, 1, 14, 5))).toBe('2026-03-01 14:05');
    expect(utc(Date.UTC(2026, 2, 1, 14, 5), true)).toBe('2026-03-01');
  });

  it('picks round ticks and ceilings', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 435, 4)).toEqual([0, 200, 400]); // 435 / 4 ≈ 109 → steps of 200
    expect(niceTicks(0, 435, 5)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(0, 2, 4, true)).toEqual([0, 1, 2]);
    expect(niceCeiling(435)).toBe(600); // the top of the 0, 200, 400, 600 axis
    expect(niceCeiling(130)).toBe(150);
    expect(niceCeiling(578)).toBe(600);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(0)).toBe(1);
  });

  it('aligns time ticks to UTC midnights or hours', () => {
    const start = Date.UTC(2026, 2, 2, 8);
    const ticks = timeTicks(start, start + 14 * 86400_000);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every(t => t % 86400_000 === 0)).toBe(true);
    expect(timeTicks(start, start + 5 * 3600_000).every(t => t % 3600_000 === 0)).toBe(true);
  });

  it('mixes colours linearly and clamps', () => {
    expect(mixColor('#000000', '#ffffff', 0.5)).toBe('#808080');
    expect(mixColor('#000000', '#ffffff', 2)).toBe('#ffffff');
    expect(mixColor('#102030', '#ffffff', NaN)).toBe('#102030');
  });
});
