import {
  brokerUsers,
  ensureInfra,
  managementLoginStatus,
  permissionsOnRoot,
  rabbitmqctl,
} from '../support/infra-script';

/**
 * A new machine's broker knows only `guest`: the project's default login `user` / `password`
 * must be made by scripts/ensure-infra.sh with its default settings. Deleting `user` cuts the
 * connections of every test that uses it, so this file runs alone (the `serial` project), and
 * it leaves `user` as the script makes it.
 */
const DEFAULTS = {
  RABBITMQ_URL: 'amqp://user:password@127.0.0.1:5672',
  RABBITMQ_MANAGEMENT_PORT: '15672',
};

describe('when the broker has no user `user`', () => {
  it('then ensure-infra with the default settings makes it an administrator with every permission on /', async () => {
    if (brokerUsers().some((candidate) => candidate.user === 'user')) {
      rabbitmqctl('delete_user', 'user');
    }
    expect(brokerUsers().map((candidate) => candidate.user)).not.toContain('user');

    const run = await ensureInfra(['rabbitmq'], DEFAULTS);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain("'user' created (administrator, all permissions on /)");
    expect(brokerUsers().find((candidate) => candidate.user === 'user')?.tags).toContain(
      'administrator',
    );
    expect(permissionsOnRoot('user')).toMatchObject({ configure: '.*', write: '.*', read: '.*' });
    expect(await managementLoginStatus('user', 'password')).toBe(200);
  });
});
