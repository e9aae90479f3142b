// End-to-end tests run the built services: compile them first (incremental, so cheap when
// `npm test` has just built), then check the broker and the database are there.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const requireInfrastructure = require('../../shared/test/support/require-infrastructure');

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, '../..');
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  await requireInfrastructure();
};
