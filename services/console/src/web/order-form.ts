/** A product as the order service prices it (its price list, `GET /api/prices`). */
export interface PricedProduct {
  productId: string;
  name: string;
  price: number;
  currency: string;
}

/** One line of the order form: the product chosen (none yet), and the quantity as typed. */
export interface OrderFormLine {
  product?: PricedProduct;
  quantity: string;
}

export interface OrderForm {
  userId: string;
  lines: OrderFormLine[];
  email: string;
  phone: string;
}

export interface OrderRequest {
  userId: string;
  products: Array<{ productId: string; quantity: number }>;
  /** The total the form showed: the service refuses the order when its prices differ now. */
  totalPrice: number;
  contact?: { email?: string; phone?: string };
}

export const EMPTY_LINE: OrderFormLine = { quantity: '1' };

export function emptyOrderForm(): OrderForm {
  return { userId: '', lines: [{ ...EMPTY_LINE }], email: '', phone: '' };
}

/** What the form's lines cost, as the service will compute it: in minor units, then decimals. */
export type FormTotal =
  { totalPrice: number; currency: string } | { problem: string } | { empty: true };

export function totalOf(lines: OrderFormLine[]): FormTotal {
  const priced = lines.flatMap(({ product, quantity }) => {
    const units = Number(quantity);
    return product && Number.isInteger(units) && units > 0 ? [{ product, units }] : [];
  });
  if (priced.length === 0) return { empty: true };
  const currencies = [...new Set(priced.map(({ product }) => product.currency))];
  if (currencies.length > 1) {
    return {
      problem: `The products are priced in ${currencies.join(' and ')}: one currency an order.`,
    };
  }
  const minor = priced.reduce(
    (sum, { product, units }) => sum + units * Math.round(product.price * 100),
    0,
  );
  return { totalPrice: minor / 100, currency: currencies[0] };
}

/**
 * The body of `POST /api/orders` for what the form holds, or the first thing a person must fix.
 * The service checks everything again; this only spares a round trip for the obvious.
 */
export function orderRequestOf(form: OrderForm): { request: OrderRequest } | { problem: string } {
  const userId = form.userId.trim();
  if (!userId) return { problem: 'Enter a user.' };
  const products: OrderRequest['products'] = [];
  for (const [index, line] of form.lines.entries()) {
    const which = form.lines.length > 1 ? ` on line ${index + 1}` : '';
    if (!line.product) return { problem: `Choose a product${which}.` };
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) {
      return { problem: `The quantity${which} must be a whole number of at least 1.` };
    }
    products.push({ productId: line.product.productId, quantity });
  }
  const total = totalOf(form.lines);
  if ('problem' in total) return total;
  if ('empty' in total) return { problem: 'Choose a product.' };
  const email = form.email.trim();
  const phone = form.phone.trim();
  const contact = { ...(email && { email }), ...(phone && { phone }) };
  return {
    request: {
      userId,
      products,
      totalPrice: total.totalPrice,
      ...(Object.keys(contact).length > 0 && { contact }),
    },
  };
}
