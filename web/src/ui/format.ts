/** Minor units of `currency` as a localized amount (1234 usd → $12.34). */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(
    minor / 10 ** digits,
  );
}

/** A date-time in the reader's locale. */
export function formatTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale);
}

/** m:ss for a countdown (never negative). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
