/** A timestamp as a person reads it: local date and time to the second. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

/** A price with two decimals (products have no currency yet). */
export function formatPrice(value: number): string {
  return value.toFixed(2);
}
