import net from 'node:net';
// The driver's own connection class: the patch (patches/mongodb+*.patch) is in it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Connection } = require('mongodb/lib/cmap/connection') as {
  Connection: new (
    socket: net.Socket,
    options: Record<string, unknown>,
  ) => { command(ns: unknown, command: object, options: object): Promise<unknown> };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ns } = require('mongodb/lib/utils') as { ns: (namespace: string) => unknown };

/** A server that closes every connection at once, with a FIN, as a stopping server or proxy does. */
function closingServer(): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

it('when the server has closed the connection before a command is written, then the command fails at once instead of waiting for ever', async () => {
  const server = await closingServer();
  try {
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    // Node destroys the socket after the FIN; the driver has not handled its `close` yet.
    await new Promise<void>((resolve) => socket.once('end', () => setImmediate(resolve)));
    expect(socket.destroyed).toBe(true);
    const connection = new Connection(socket, { id: 1, hostAddress: { toString: () => 'test' } });

    const outcome = await Promise.race([
      connection.command(ns('admin.$cmd'), { ping: 1 }, {}).then(
        () => 'answered',
        (error: Error) => error.name,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2_000)),
    ]);
    expect(outcome).toBe('MongoNetworkError');
  } finally {
    server.close();
  }
});
