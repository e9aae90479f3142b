import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../api-errors';
import type { DeadLetter, ServiceName } from '../api';
import { callService } from '../api';
import { ColumnHeaders } from '../components/column-headers';
import { Problem } from '../components/problem';
import { formatTime } from '../format';
import { usePolling } from '../use-polling';

const SERVICES: ServiceName[] = ['order-service', 'inventory-service', 'notification-service'];
const REFRESH_MS = 2_000;

/** What a discard is about to remove, waiting for the person's yes. */
interface PendingDiscard {
  service: ServiceName;
  eventIds: string[];
}

/** The dead-letter queue of every service: replay or discard, one message or all of them. */
export function DeadLettersPage({ token }: { token: string }) {
  const [pendingDiscard, setPendingDiscard] = useState<PendingDiscard>();
  // Bumped after a discard, so that every table loads again at once.
  const [discards, setDiscards] = useState(0);

  return (
    <>
      <h1>Dead letters</h1>
      {!token && (
        <p className="hint">Enter the admin token above: dead letters are for operators only.</p>
      )}
      {SERVICES.map((service) => (
        <ServiceDeadLetters
          key={service}
          service={service}
          discards={discards}
          token={token}
          onDiscard={(eventIds) => setPendingDiscard({ service, eventIds })}
        />
      ))}
      {pendingDiscard && (
        <ConfirmDiscard
          discard={pendingDiscard}
          token={token}
          onDone={(discarded) => {
            setPendingDiscard(undefined);
            if (discarded) setDiscards((count) => count + 1);
          }}
        />
      )}
    </>
  );
}

function ServiceDeadLetters({
  service,
  token,
  discards,
  onDiscard,
}: {
  service: ServiceName;
  token: string;
  discards: number;
  onDiscard: (eventIds: string[]) => void;
}) {
  const load = useCallback(
    () =>
      token
        ? callService<{ items: DeadLetter[]; total: number }>(service, '/api/admin/dlq?limit=100', {
            token,
          })
        : Promise.resolve(undefined),
    [service, token],
  );
  const deadLetters = usePolling(load, REFRESH_MS);
  const [problem, setProblem] = useState<string>();
  const { refresh } = deadLetters;
  useEffect(() => {
    if (discards > 0) void refresh();
  }, [discards, refresh]);
  const items = deadLetters.data?.items ?? [];
  const headingId = `dlq-${service}`;

  const replay = async (eventIds?: string[]) => {
    setProblem(undefined);
    try {
      await callService(service, '/api/admin/dlq/replay', {
        method: 'POST',
        body: eventIds ? { eventIds } : {},
        token,
      });
    } catch (error) {
      setProblem(messageOf(error));
    }
    await deadLetters.refresh();
  };

  return (
    <section aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{service}</h2>
        <div className="actions">
          <button
            type="button"
            disabled={!token || items.length === 0}
            onClick={() => void replay()}
          >
            Replay all
          </button>
          <button
            type="button"
            disabled={!token || items.length === 0}
            onClick={() => onDiscard(items.map((item) => item.eventId))}
          >
            Discard all
          </button>
        </div>
      </div>
      <Problem text={deadLetters.error ?? problem} />
      <div className="table-wrap">
        <table aria-labelledby={headingId}>
          <ColumnHeaders
            names={['Event', 'Routing key', 'Error', 'Attempts', 'Failed at']}
            actions="Actions"
          />
          <tbody>
            {items.map((item) => (
              <tr key={item.eventId}>
                <td className="mono">{item.eventId}</td>
                <td>{item.routingKey}</td>
                <td>{item.error}</td>
                <td>{item.attempts}</td>
                <td>{formatTime(item.failedAt)}</td>
                <td className="actions">
                  <button type="button" onClick={() => void replay([item.eventId])}>
                    Replay
                  </button>
                  <button type="button" onClick={() => onDiscard([item.eventId])}>
                    Discard
                  </button>
                </td>
              </tr>
            ))}
            {items.length === 0 && (
              <tr>
                <td colSpan={6}>{token ? (deadLetters.data ? 'Empty.' : 'Loading…') : '—'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The in-page question before messages are removed for good. */
function ConfirmDiscard({
  discard,
  token,
  onDone,
}: {
  discard: PendingDiscard;
  token: string;
  onDone: (discarded: boolean) => void;
}) {
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState(false);
  const count = discard.eventIds.length;
  const confirm = async () => {
    setWorking(true);
    try {
      await callService(discard.service, '/api/admin/dlq/discard', {
        method: 'POST',
        body: { eventIds: discard.eventIds },
        token,
      });
      onDone(true);
    } catch (error) {
      setProblem(messageOf(error));
      setWorking(false);
    }
  };
  return (
    <div className="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="discard-title" className="dialog">
        <h2 id="discard-title">Discard {count === 1 ? 'this message' : `${count} messages`}?</h2>
        <p>
          {count === 1 ? 'It is' : 'They are'} removed from the {discard.service} dead-letter queue
          for good.
        </p>
        <Problem text={problem} />
        <div className="actions">
          <button
            type="button"
            className="danger"
            disabled={working}
            onClick={() => void confirm()}
          >
            Discard
          </button>
          <button type="button" autoFocus onClick={() => onDone(false)}>
            Keep
          </button>
        </div>
      </div>
    </div>
  );
}
