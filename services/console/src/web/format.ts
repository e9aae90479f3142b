/** A timestamp as a person reads it: local date and time to the second. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

/** An amount with two decimals and its currency: `999.99 EUR`. */
export function formatPrice(value: number, currency: string): string {
  return `${value.toFixed(2)} ${currency}`;
}
