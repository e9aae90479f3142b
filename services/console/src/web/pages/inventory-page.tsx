import { useCallback, useState } from 'react';
import { messageOf } from '../api-errors';
import type { FormEvent } from 'react';
import type { Product } from '../api';
import { callService } from '../api';
import { ColumnHeaders } from '../components/column-headers';
import { Problem } from '../components/problem';
import { usePolling } from '../use-polling';

interface Inventory {
  items: Product[];
  totalProducts: number;
  totalAvailable: number;
  totalReserved: number;
}

const REFRESH_MS = 1_000;

/** Stock, live; with the admin token, setting a product's stock and adding products. */
export function InventoryPage({ token }: { token: string }) {
  const loadInventory = useCallback(
    () => callService<Inventory>('inventory-service', '/api/inventory'),
    [],
  );
  const inventory = usePolling(loadInventory, REFRESH_MS);
  const [problem, setProblem] = useState<string>();

  /** Sets a product's available stock (creating it when new); true when it worked. */
  const setStock = async (productId: string, quantity: string, name?: string) => {
    setProblem(undefined);
    const units = Number(quantity);
    if (quantity.trim() === '' || !Number.isInteger(units) || units < 0) {
      setProblem(
        `The stock for ${productId || 'the product'} must be a whole number of at least 0.`,
      );
      return false;
    }
    try {
      await callService<Product>(
        'inventory-service',
        `/api/inventory/${encodeURIComponent(productId)}`,
        {
          method: 'POST',
          body: { quantity: units, ...(name && { name }) },
          token,
        },
      );
      await inventory.refresh();
      return true;
    } catch (error) {
      setProblem(messageOf(error));
      return false;
    }
  };

  const data = inventory.data;
  return (
    <>
      <h1>Inventory</h1>
      {!token && <p className="hint">Enter the admin token above to change stock.</p>}
      <Problem text={inventory.error ?? problem} />
      {data && (
        <p>
          {data.totalProducts} products, {data.totalAvailable} units available, {data.totalReserved}{' '}
          reserved.
        </p>
      )}
      <div className="table-wrap">
        <table>
          <ColumnHeaders names={['Product', 'Name', 'Available', 'Reserved']} actions="Set stock" />
          <tbody>
            {(data?.items ?? []).map((product) => (
              <tr key={product.productId}>
                <td className="mono">{product.productId}</td>
                <td>{product.name}</td>
                <td>{product.available}</td>
                <td>{product.reserved}</td>
                <td>
                  <SetStock product={product} disabled={!token} onSet={setStock} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddProduct disabled={!token} onAdd={setStock} />
    </>
  );
}

function SetStock({
  product,
  disabled,
  onSet,
}: {
  product: Product;
  disabled: boolean;
  onSet: (productId: string, quantity: string) => Promise<boolean>;
}) {
  const [quantity, setQuantity] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onSet(product.productId, quantity)) setQuantity('');
  };
  return (
    <form className="inline" onSubmit={(event) => void submit(event)}>
      <input
        type="number"
        min={0}
        step={1}
        aria-label={`New stock for ${product.productId}`}
        placeholder={String(product.available)}
        value={quantity}
        disabled={disabled}
        onChange={(event) => setQuantity(event.target.value)}
      />
      <button type="submit" disabled={disabled}>
        Set stock
      </button>
    </form>
  );
}

function AddProduct({
  disabled,
  onAdd,
}: {
  disabled: boolean;
  onAdd: (productId: string, quantity: string, name?: string) => Promise<boolean>;
}) {
  const [productId, setProductId] = useState('');
  const [name, setName] = useState('');
  const [stock, setStock] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onAdd(productId.trim(), stock, name.trim() || undefined)) {
      setProductId('');
      setName('');
      setStock('');
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
