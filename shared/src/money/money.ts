import Joi from 'joi';

/**
 * Amounts of money as the API and the events carry them: decimal numbers with at most two
 * decimals (`999.99`) in an ISO 4217 currency. Arithmetic is done in integer minor units (cents),
 * never on the decimals: 0.1 + 0.2 is 0.3 here, not 0.30000000000000004.
 */
export const MAX_AMOUNT = 1_000_000_000;

/** Every ISO 4217 code this Node.js knows (ICU's list), for validating `currency`. */
const ISO_4217_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An amount: a number ≥ 0 with at most two decimals (`convert: false` refuses `"1.00"`). */
export const amountSchema = Joi.number().strict().min(0).max(MAX_AMOUNT).precision(2).messages({
  'number.precision': '{#label} must have at most two decimals',
});

export const currencySchema = Joi.string()
  .length(3)
  .uppercase()
  .custom((code: string, helpers) =>
    ISO_4217_CODES.has(code) ? code : helpers.error('currency.unknown'),
  )
  .messages({ 'currency.unknown': '{#label} must be an ISO 4217 currency code, such as EUR' })
  .description('ISO 4217 code, such as EUR');

/** The amount in minor units: 999.99 → 99999. Exact for any amount with two decimals. */
export function toMinorUnits(amount: number): number {
  const minor = Math.round(amount * 100);
  if (!Number.isSafeInteger(minor) || Math.abs(minor / 100 - amount) > 1e-9) {
    throw new RangeError(`${amount} is not an amount with at most two decimals`);
  }
  return minor;
}

/** Minor units back to the decimal amount: 99999 → 999.99 (the double nearest to it). */
export function fromMinorUnits(minor: number): number {
  return minor / 100;
}
