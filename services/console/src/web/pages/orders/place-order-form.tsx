import { useId, useState } from 'react';
import { messageOf } from '../../api-errors';
import type { FormEvent } from 'react';
import type { Order, Product } from '../../api';
import { callService } from '../../api';
import { Problem } from '../../components/problem';
import type { OrderForm } from '../../order-form';
import { EMPTY_LINE, emptyOrderForm, orderRequestOf } from '../../order-form';

/** Places an order of one or more lines; a repeated submission makes no second order. */
export function PlaceOrderForm({
  products,
  productsProblem,
  onPlaced,
}: {
  products: Product[];
  productsProblem: string | undefined;
  onPlaced: (order: Order) => void;
}) {
  const formId = useId();
  const [form, setForm] = useState<OrderForm>(emptyOrderForm);
  // One key per submission: a second click, or a retry after a lost answer, makes no second order.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [problem, setProblem] = useState<string>();
  const [placing, setPlacing] = useState(false);
  const [placed, setPlaced] = useState<Order>();

  const change = (patch: Partial<OrderForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    setIdempotencyKey(crypto.randomUUID()); // another request: another key
  };
  const changeLine = (index: number, patch: Partial<OrderForm['lines'][number]>) =>
    change({
      lines: form.lines.map((line, at) => (at === index ? { ...line, ...patch } : line)),
    });

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
        // The label stands beside its list, not around it: its name is then just "Product".
        const productField = `${formId}-product-${index}`;
        return (
          <div className="line" key={index}>
            <div className="field">
              <label htmlFor={productField}>{`Product${suffix}`}</label>
              <select
                id={productField}
                value={line.productId}
                onChange={(event) => changeLine(index, { productId: event.target.value })}
              >
                <option value="">Choose…</option>
                {products.map((product) => (
                  <option key={product.productId} value={product.productId}>
                    {`${product.name} (${product.productId}): ${product.available} available`}
                  </option>
                ))}
              </select>
            </div>
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
      <button type="button" onClick={() => change({ lines: [...form.lines, { ...EMPTY_LINE }] })}>
        Add line
      </button>
      <label>
        Total
        <input
          type="number"
          min={0}
          step="0.01"
          value={form.totalPrice}
          onChange={(event) => change({ totalPrice: event.target.value })}
        />
      </label>
      <ContactField field="email" form={form} change={change} />
      <ContactField field="phone" form={form} change={change} />
      <button type="submit" className="primary" disabled={placing}>
        Place order
      </button>
      <Problem text={problem ?? productsProblem} />
      {placed && !problem && (
        <p role="status" className="ok">
          Order <span className="mono">{placed.id}</span> placed.
        </p>
      )}
    </form>
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
