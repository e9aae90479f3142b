// Asks a server, in its own protocol, whether it is the one the scripts expect: an open port
// proves nothing (another program may hold it). Used by scripts/ensure-infra.sh.
//
//   node scripts/lib/probe.js amqp AMQP_URL       an AMQP handshake with the URL's login
//   node scripts/lib/probe.js mongodb MONGO_URL   a MongoDB `ping`
//
// Prints one word, then a detail where there is one, and exits 0 whatever it found:
//   ok        the server answered in its protocol (and accepted the login)
//   refused   an AMQP broker answered but refused the login or the virtual host
//   none      nothing listens there (connection refused)
//   foreign   something listens there but does not speak the protocol
'use strict';

const TIMEOUT_MS = 5000;

function isConnectionRefused(error) {
  for (let e = error; e; e = e.cause) {
    if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e.message))) return true;
  }
  return false;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} answer within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probeAmqp(url) {
  const amqp = require('amqplib');
  try {
    const connection = await withTimeout(amqp.connect(url, { timeout: TIMEOUT_MS }), 'AMQP');
    await connection.close();
    return 'ok';
  } catch (error) {
    if (isConnectionRefused(error)) return 'none';
    const message = String(error.message);
    // 403 ACCESS_REFUSED: wrong login; 530 NOT_ALLOWED: no access to the virtual host.
    if (/ACCESS.REFUSED|403|NOT.ALLOWED|530/.test(message)) return `refused ${message}`;
    return `foreign ${message}`;
  }
}

async function probeMongodb(url) {
  const { MongoClient } = require('mongodb');
  const client = new MongoClient(url, {
    directConnection: true,
    serverSelectionTimeoutMS: TIMEOUT_MS,
    connectTimeoutMS: TIMEOUT_MS,
  });
  try {
    const reply = await withTimeout(client.db('admin').command({ ping: 1 }), 'MongoDB');
    return reply.ok === 1 ? 'ok' : `foreign ping answered ${JSON.stringify(reply)}`;
  } catch (error) {
    return isConnectionRefused(error) ? 'none' : `foreign ${error.message}`;
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

const probes = { amqp: probeAmqp, mongodb: probeMongodb };
const [kind, url] = process.argv.slice(2);
if (!probes[kind] || !url) {
  console.error('usage: node scripts/lib/probe.js amqp|mongodb URL');
  process.exit(2);
}
probes[kind](url).then(
  (verdict) => {
    console.log(verdict.replace(/\s+/g, ' ').trim());
    process.exit(0);
  },
  (error) => {
    console.log(`foreign ${error.message}`);
    process.exit(0);
  },
);
