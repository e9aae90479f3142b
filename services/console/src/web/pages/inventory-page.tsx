import { useCallback, useState } from 'react';
import { messageOf } from '../api-errors';
import type { FormEvent } from 'react';
import type { Page, Product } from '../api';
import { callService } from '../api';
import { ColumnHeaders } from '../components/column-headers';
import { Problem } from '../components/problem';
import { formatPrice } from '../format';
import { usePolling } from '../use-polling';

const REFRESH_MS = 1_000;
const PAGE_SIZE = 20;

/** What an admin changes on a product; what is left out stays as it is. */
type Revision = { quantity?: number; price?: number; name?: string };

/**
 * The catalogue, live, a page at a time and searchable by name or id; with the admin token,
 * setting a product's stock or price, and adding products.
 */
export function InventoryPage({ token }: { token: string }) {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const loadInventory = useCallback(() => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (search.trim()) query.set('search', search.trim());
    return callService<Page<Product>>('inventory-service', `/api/inventory?${query.toString()}`);
  }, [search, offset]);
  const inventory = usePolling(loadInventory, REFRESH_MS);
  const [problem, setProblem] = useState<string>();

  /** Sends a product's revision (POST creates or sets stock, PATCH revises); true when it worked. */
  const save = async (productId: string, revision: Revision, method: 'POST' | 'PATCH') => {
    setProblem(undefined);
    try {
      await callService<Product>(
        'inventory-service',
        `/api/inventory/${encodeURIComponent(productId)}`,
        { method, body: revision, token },
      );
      await inventory.refresh();
      return true;
    } catch (error) {
      setProblem(messageOf(error));
      return false;
    }
  };
  const reviseOne = (productId: string, field: 'quantity' | 'price', text: string) => {
    const value = parseField(field, text);
    if (typeof value === 'string') {
      setProblem(`${productId}: ${value}`);
      return Promise.resolve(false);
    }
    return save(productId, { [field]: value }, 'PATCH');
  };

  const data = inventory.data;
  const total = data?.total ?? 0;
  return (
    <>
      <h1>Inventory</h1>
      {!token && <p className="hint">Enter the admin token above to change stock and prices.</p>}
      <Problem text={inventory.error ?? problem} />
      <label className="search">
        Find a product
        <input
          type="search"
          value={search}
          placeholder="Part of a name or an id"
          onChange={(event) => {
            setSearch(event.target.value);
            setOffset(0);
          }}
        />
      </label>
      {data && (
        <p aria-live="polite">
          {total === 0
            ? 'No product matches.'
            : `Products ${offset + 1}–${offset + data.items.length} of ${total}${data.totalIsExact === false ? '+' : ''}.`}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <ColumnHeaders
            names={['Product', 'Name', 'Price', 'Available', 'Reserved']}
            actions="Set stock or price"
          />
          <tbody>
            {(data?.items ?? []).map((product) => (
              <tr key={product.productId}>
                <td className="mono">{product.productId}</td>
                <td>{product.name}</td>
                <td>{formatPrice(product.price, product.currency)}</td>
                <td>{product.available}</td>
                <td>{product.reserved}</td>
                <td>
                  <InlineSetter
                    what="stock"
                    product={product}
                    placeholder={String(product.available)}
                    disabled={!token}
                    onSet={(text) => reviseOne(product.productId, 'quantity', text)}
                  />
                  <InlineSetter
                    what="price"
                    product={product}
                    placeholder={product.price.toFixed(2)}
                    disabled={!token}
                    onSet={(text) => reviseOne(product.productId, 'price', text)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages of products">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={offset + PAGE_SIZE >= total}
          onClick={() => setOffset(offset + PAGE_SIZE)}
        >
          Next page
        </button>
      </nav>
      <AddProduct
        disabled={!token}
        onAdd={(productId, revision) => save(productId, revision, 'POST')}
        onProblem={setProblem}
      />
    </>
  );
}

/** A field's value, or what is wrong with the text typed for it. */
function parseField(field: 'quantity' | 'price', text: string): number | string {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    return `the ${field === 'quantity' ? 'stock' : 'price'} must be a number of at least 0.`;
  }
  if (field === 'quantity' && !Number.isInteger(value)) return 'the stock must be a whole number.';
  if (field === 'price' && Math.round(value * 100) / 100 !== value) {
    return 'the price has at most two decimals.';
  }
  return value;
}

function InlineSetter({
  what,
  product,
  placeholder,
  disabled,
  onSet,
}: {
  what: 'stock' | 'price';
  product: Product;
  placeholder: string;
  disabled: boolean;
  onSet: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onSet(text)) setText('');
  };
  return (
    <form className="inline" onSubmit={(event) => void submit(event)}>
      <input
        type="number"
        min={0}
        step={what === 'stock' ? 1 : 0.01}
        aria-label={`New ${what} for ${product.productId}`}
        placeholder={placeholder}
        value={text}
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" disabled={disabled}>
        {`Set ${what}`}
      </button>
    </form>
  );
}

function AddProduct({
  disabled,
  onAdd,
  onProblem,
}: {
  disabled: boolean;
  onAdd: (productId: string, revision: Revision) => Promise<boolean>;
  onProblem: (problem: string) => void;
}) {
  const [productId, setProductId] = useState('');
  const [name, setName] = useState('');
  const [stock, setStock] = useState('');
  const [price, setPrice] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const quantity = parseField('quantity', stock);
    const unitPrice = parseField('price', price);
    const wrong = [quantity, unitPrice].find((value) => typeof value === 'string');
    if (wrong !== undefined) {
      onProblem(`${productId || 'The product'}: ${wrong}`);
      return;
    }
    const revision = {
      quantity: quantity as number,
      price: unitPrice as number,
      ...(name.trim() && { name: name.trim() }),
    };
    if (await onAdd(productId.trim(), revision)) {
      setProductId('');
      setName('');
      setStock('');
      setPrice('');
    }
  };
  return (
    <form className="card" aria-labelledby="add-product" onSubmit={(event) => void submit(event)}>
      <h2 id="add-product">Add a product</h2>
      <label>
        Product id
        <input
          value={productId}
          disabled={disabled}
          required
          onChange={(event) => setProductId(event.target.value)}
        />
      </label>
      <label>
        Name
        <input value={name} disabled={disabled} onChange={(event) => setName(event.target.value)} />
      </label>
      <label>
        Price
        <input
          type="number"
          min={0}
          step="0.01"
          value={price}
          disabled={disabled}
          required
          onChange={(event) => setPrice(event.target.value)}
        />
      </label>
      <label>
        Stock
        <input
          type="number"
          min={0}
          step={1}
          value={stock}
          disabled={disabled}
          required
          onChange={(event) => setStock(event.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={disabled}>
        Add product
      </button>
    </form>
  );
}
