import { useState } from 'react';
import { ApiError, messageOf } from '../../api-errors';
import type { FormEvent } from 'react';
import type { Order } from '../../api';
import { callService } from '../../api';
import { Problem } from '../../components/problem';
import { formatPrice } from '../../format';
import type { OrderForm, OrderFormLine, PricedProduct } from '../../order-form';
import { EMPTY_LINE, emptyOrderForm, orderRequestOf, totalOf } from '../../order-form';
import { ProductPicker } from './product-picker';

/**
 * Places an order of one or more lines, each product found by name or id with its price, and the
 * total computed as the order service will; a repeated submission makes no second order.
 */
export function PlaceOrderForm({ onPlaced }: { onPlaced: (order: Order) => void }) {
  const [form, setForm] = useState<OrderForm>(emptyOrderForm);
  // Each picker keeps what was typed in it: a new key starts a line afresh.
  const [lineKeys, setLineKeys] = useState<number[]>([0]);
  // One key per submission: a second click, or a retry after a lost answer, makes no second order.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [problem, setProblem] = useState<string>();
  const [placing, setPlacing] = useState(false);
  const [placed, setPlaced] = useState<Order>();

  const change = (patch: Partial<OrderForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setIdempotencyKey(crypto.randomUUID()); // another request: another key
  };
  const changeLine = (index: number, patch: Partial<OrderFormLine>) => {
    setForm((current) => ({
      ...current,
      lines: current.lines.map((line, at) => (at === index ? { ...line, ...patch } : line)),
    }));
    setIdempotencyKey(crypto.randomUUID());
  };
  const addLine = () => {
    change({ lines: [...form.lines, { ...EMPTY_LINE }] });
    setLineKeys((keys) => [...keys, Math.max(...keys) + 1]);
  };

  /** After a 409 PRICE_CHANGED: the chosen products at their prices now, so the total shows it. */
  const refreshPrices = async () => {
    const lines = await Promise.all(
      form.lines.map(async (line) =>
        line.product
          ? {
              ...line,
              product: await callService<PricedProduct>(
                'order-service',
                `/api/prices/${encodeURIComponent(line.product.productId)}`,
              ),
            }
          : line,
      ),
    );
    change({ lines });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const outcome = orderRequestOf(form);
    if ('problem' in outcome) {
      setProblem(outcome.problem);
      return;
    }
    setPlacing(true);
    try {
      const order = await callService<Order>('order-service', '/api/orders', {
        method: 'POST',
        body: outcome.request,
        headers: { 'idempotency-key': idempotencyKey },
      });
      setPlaced(order);
      setIdempotencyKey(crypto.randomUUID());
      onPlaced(order);
    } catch (error) {
      setProblem(messageOf(error));
      if (error instanceof ApiError && error.code === 'PRICE_CHANGED') {
        await refreshPrices().catch(() => undefined);
      }
    } finally {
      setPlacing(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="place-order">
      <h2 id="place-order">Place an order</h2>
      <label>
        User
        <input value={form.userId} onChange={(event) => change({ userId: event.target.value })} />
      </label>
      {form.lines.map((line, index) => {
        const suffix = index === 0 ? '' : ` ${index + 1}`;
        return (
          <div className="line" key={lineKeys[index]}>
            <ProductPicker
              label={`Product${suffix}`}
              chosen={line.product}
              onChoose={(product) => changeLine(index, { product })}
            />
            <label>
              {`Quantity${suffix}`}
              <input
                type="number"
                min={1}
                step={1}
                value={line.quantity}
                onChange={(event) => changeLine(index, { quantity: event.target.value })}
              />
            </label>
          </div>
        );
      })}
      <button type="button" onClick={addLine}>
        Add line
      </button>
      <FormTotal lines={form.lines} />
      <ContactField field="email" form={form} change={change} />
      <ContactField field="phone" form={form} change={change} />
      <button type="submit" className="primary" disabled={placing}>
        Place order
      </button>
      <Problem text={problem} />
      {placed && !problem && (
        <p role="status" className="ok">
          Order <span className="mono">{placed.id}</span> placed.
        </p>
      )}
    </form>
  );
}

/** The total as the order service will compute it, from the prices shown. */
function FormTotal({ lines }: { lines: OrderFormLine[] }) {
  const total = totalOf(lines);
  return (
    <p className="total">
      Total:{' '}
      <output aria-label="Total">
        {'totalPrice' in total
          ? formatPrice(total.totalPrice, total.currency)
          : 'problem' in total
            ? total.problem
            : '–'}
      </output>
    </p>
  );
}

const CONTACT_FIELDS = {
  email: { label: 'Email', type: 'email', hint: 'Optional: the confirmation goes there.' },
  phone: { label: 'Phone', type: 'tel', hint: 'Optional, international form: +4915112345678.' },
} as const;

/** An optional way to reach the customer, with the hint that says what it is for. */
function ContactField({
  field,
  form,
  change,
}: {
  field: keyof typeof CONTACT_FIELDS;
  form: OrderForm;
  change: (patch: Partial<OrderForm>) => void;
}) {
  const { label, type, hint } = CONTACT_FIELDS[field];
  return (
    <>
      <label>
        {label}
        <input
          type={type}
          value={form[field]}
          onChange={(event) => change({ [field]: event.target.value })}
        />
      </label>
      <span className="hint">{hint}</span>
    </>
  );
}
