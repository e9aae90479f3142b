/** What the order form holds: strings, as the inputs give them. */
export interface OrderFormLine {
  productId: string;
  quantity: string;
}

export interface OrderForm {
  userId: string;
  lines: OrderFormLine[];
  totalPrice: string;
  email: string;
  phone: string;
}

export interface OrderRequest {
  userId: string;
  products: Array<{ productId: string; quantity: number }>;
  totalPrice: number;
  contact?: { email?: string; phone?: string };
}

export const EMPTY_LINE: OrderFormLine = { productId: '', quantity: '1' };

export function emptyOrderForm(): OrderForm {
  return { userId: '', lines: [{ ...EMPTY_LINE }], totalPrice: '0', email: '', phone: '' };
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
    if (!line.productId) return { problem: `Choose a product${which}.` };
    const quantity = Number(line.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) {
      return { problem: `The quantity${which} must be a whole number of at least 1.` };
    }
    products.push({ productId: line.productId, quantity });
  }
  const totalPrice = Number(form.totalPrice);
  if (form.totalPrice.trim() === '' || !Number.isFinite(totalPrice) || totalPrice < 0) {
    return { problem: 'The total must be a number of at least 0.' };
  }
  const email = form.email.trim();
  const phone = form.phone.trim();
  const contact = { ...(email && { email }), ...(phone && { phone }) };
  return {
    request: {
      userId,
      products,
      totalPrice,
      ...(Object.keys(contact).length > 0 && { contact }),
    },
  };
}
