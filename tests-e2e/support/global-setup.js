// End-to-end tests run the built services and console: build them first (incremental, so
// cheap when `npm test` has just built), then check the broker and the database are there.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const requireInfrastructure = require('../../shared/test/support/require-infrastructure');

module.exports = async function globalSetup() {
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: 'inherit',
  });
  await requireInfrastructure();
};
