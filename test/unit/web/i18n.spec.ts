import { ErrorCode } from '../../../src/common/errors';
import en from '../../../web/src/i18n/en.json';
import zhCN from '../../../web/src/i18n/zh-CN.json';
import kindsEn from '../../../web/src/i18n/console-kinds.en.json';
import kindsZhCN from '../../../web/src/i18n/console-kinds.zh-CN.json';
import requesterEn from '../../../web/src/i18n/requester.en.json';

/** `{name}` placeholders of a message, sorted. */
const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();

describe('web app strings (en, zh-CN)', () => {
  it.each([
    ['en.json', en, zhCN],
    ['console-kinds.en.json', kindsEn, kindsZhCN],
  ])(
    '%s: has every key in both languages, none empty, with the same placeholders',
    (_, en, zhCN) => {
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
    },
  );

  it('console-kinds.en.json (merged into the others when the console loads) redefines none of their keys', () => {
    const taken = new Set([...Object.keys(en), ...Object.keys(requesterEn)]);
    expect(Object.keys(kindsEn).filter(key => taken.has(key))).toEqual([]);
  });

  it('maps only real API error codes (plus NETWORK and UNKNOWN) to messages', () => {
    const mapped = Object.keys(en)
      .filter(key => key.startsWith('error.'))
      .map(key => key.slice('error.'.length));
    const known = new Set<string>([...Object.values(ErrorCode), 'NETWORK', 'UNKNOWN']);
    expect(mapped.filter(code => !known.has(code))).toEqual([]);
    expect(mapped).toEqual(expect.arrayContaining(['LEASE_EXPIRED', 'UNKNOWN', 'NETWORK']));
  });
});
