import en from '../../../web/src/i18n/console-kinds.en.json';
import zhCN from '../../../web/src/i18n/console-kinds.zh-CN.json';
import appEn from '../../../web/src/i18n/en.json';
import requesterEn from '../../../web/src/i18n/requester.en.json';

/** `{name}` placeholders of a message, sorted. */
const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();

describe("the console's task-kind strings (console-kinds.en.json, console-kinds.zh-CN.json)", () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [key, english] of Object.entries(en)) {
      const chinese = (zhCN as Record<string, string>)[key]!;
      expect({ key, empty: english.trim() === '' || chinese.trim() === '' }).toEqual({
        key,
        empty: false,
      });
      expect({ key, placeholders: placeholders(chinese) }).toEqual({
        key,
        placeholders: placeholders(english),
      });
    }
  });

  it('redefines no key of the other dictionaries (they are merged into one)', () => {
    const taken = new Set([...Object.keys(appEn), ...Object.keys(requesterEn)]);
    expect(Object.keys(en).filter(key => taken.has(key))).toEqual([]);
  });
});
