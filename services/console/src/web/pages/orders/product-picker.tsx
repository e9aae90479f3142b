import { useEffect, useId, useState } from 'react';
import { messageOf } from '../../api-errors';
import type { Page } from '../../api';
import { callService } from '../../api';
import { formatPrice } from '../../format';
import type { PricedProduct } from '../../order-form';

const SEARCH_DELAY_MS = 150;
const MATCHES_SHOWN = 8;

/**
 * Finds a product by part of its name or id in the order service's price list (what an order is
 * priced with), and shows the matches with their prices to choose from.
 */
export function ProductPicker({
  label,
  chosen,
  onChoose,
}: {
  label: string;
  chosen: PricedProduct | undefined;
  onChoose: (product: PricedProduct | undefined) => void;
}) {
  const fieldId = useId();
  const [text, setText] = useState(chosen ? describe(chosen) : '');
  const [matches, setMatches] = useState<PricedProduct[]>([]);
  const [problem, setProblem] = useState<string>();
  const searching = !chosen && text.trim() !== '';

  useEffect(() => {
    if (!searching) {
      setMatches([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      const query = new URLSearchParams({ search: text.trim(), limit: String(MATCHES_SHOWN) });
      callService<Page<PricedProduct>>('order-service', `/api/prices?${query.toString()}`).then(
        (page) => {
          if (!current) return;
          setMatches(page.items);
          setProblem(undefined);
        },
        (error: unknown) => current && setProblem(messageOf(error)),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, searching]);

  return (
    <div className="field picker">
      <label htmlFor={fieldId}>{label}</label>
      <input
        id={fieldId}
        value={text}
        placeholder="Type a name or an id"
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          if (chosen) onChoose(undefined);
        }}
      />
      {chosen && (
        <span className="hint">{`${formatPrice(chosen.price, chosen.currency)} each`}</span>
      )}
      {searching && (
        <ul className="matches" aria-label={`Products matching ${text.trim()}`}>
          {matches.map((product) => (
            <li key={product.productId}>
              <button
                type="button"
                onClick={() => {
                  setText(describe(product));
                  onChoose(product);
                }}
              >
                {`${describe(product)}: ${formatPrice(product.price, product.currency)}`}
              </button>
            </li>
          ))}
          {matches.length === 0 && <li className="hint">No product matches yet.</li>}
        </ul>
      )}
      {problem && <span className="problem">{problem}</span>}
    </div>
  );
}

function describe(product: PricedProduct): string {
  return `${product.name} (${product.productId})`;
}
