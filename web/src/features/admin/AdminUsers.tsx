import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable, HiddenHeader } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { TextField } from '../../ui/TextField';
import { formatTime } from '../../ui/format';

const AdminUsersQuery = graphql(`
  query AdminUsers($search: String) {
    adminUsers(search: $search, first: 50) {
      id
      email
      displayName
      roles
      createdAt
      activeBlocks
    }
  }
`);

const UserBlocks = graphql(`
  query AdminUserBlocks($workerId: ID!) {
    workerBlocks(workerId: $workerId, activeOnly: true) {
      id
      reason
      projectId
      startsAt
      endsAt
    }
  }
`);

const BlockWorker = graphql(`
  mutation AdminBlockWorker($input: BlockWorkerInput!) {
    blockWorker(input: $input) {
      id
    }
  }
`);

const UnblockWorker = graphql(`
  mutation AdminUnblockWorker($blockId: ID!) {
    unblockWorker(blockId: $blockId) {
      id
    }
  }
`);

/** Users by email or name, with their roles; workers can be blocked and unblocked with a reason. */
export function AdminUsers() {
  const { t, locale } = useI18n();
  const [search, setSearch] = useState('');
  const [submitted, setSubmitted] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [{ data, error }, refetch] = useQuery({
    query: AdminUsersQuery,
    variables: { search: submitted },
  });

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(search.trim() || null);
  };

  return (
    <section>
      <h2>{t('admin.users')}</h2>
      <form className="inline" onSubmit={onSearch} role="search">
        <TextField label={t('admin.search')} value={search} onValue={setSearch} />
        <button type="submit">{t('admin.searchButton')}</button>
      </form>
      <ErrorText message={errorMessage(t, error)} />
      <DataTable
        rows={data?.adminUsers ?? []}
        rowKey={user => user.id}
        columns={[
          { header: t('auth.displayName'), rowHeader: true, cell: user => user.displayName },
          { header: t('auth.email'), cell: user => user.email },
          { header: t('admin.roles'), cell: user => user.roles.join(', ') },
          { header: t('admin.createdAt'), cell: user => formatTime(user.createdAt, locale) },
          { header: t('admin.activeBlocks'), cell: user => user.activeBlocks },
          {
            header: <HiddenHeader>{t('admin.manageBlocks')}</HiddenHeader>,
            cell: user =>
              user.roles.includes('WORKER') && (
                <button
                  type="button"
                  aria-expanded={selected === user.id}
                  aria-label={`${t('admin.manageBlocks')}: ${user.displayName}`}
                  onClick={() => setSelected(selected === user.id ? null : user.id)}
                >
                  {t('admin.manageBlocks')}
                </button>
              ),
          },
        ]}
      />
      {selected && (
        <WorkerBlocks
          workerId={selected}
          onChange={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
    </section>
  );
}

/** The blocks in force on one worker, each liftable, and a form to add one. */
function WorkerBlocks({ workerId, onChange }: { workerId: string; onChange: () => void }) {
  const { t, locale } = useI18n();
  const [reason, setReason] = useState('');
  const [{ data, error }, refetch] = useQuery({
    query: UserBlocks,
    variables: { workerId },
    requestPolicy: 'network-only',
  });
  const [blockResult, block] = useMutation(BlockWorker);
  const [unblockResult, unblock] = useMutation(UnblockWorker);
  const changed = () => {
    refetch({ requestPolicy: 'network-only' });
    onChange();
  };

  const onBlock = async (event: FormEvent) => {
    event.preventDefault();
    const result = await block({ input: { workerId, reason } });
    if (!result.error) {
      setReason('');
      changed();
    }
  };

  return (
    <section className="card" aria-labelledby="blocks-heading">
      <h3 id="blocks-heading">{t('admin.blocksOf')}</h3>
      <ErrorText message={errorMessage(t, error ?? blockResult.error ?? unblockResult.error)} />
      <ul>
        {data?.workerBlocks.map(entry => (
          <li key={entry.id}>
            {entry.reason} ·{' '}
            {entry.projectId
              ? t('blocks.scopeProject', { id: entry.projectId })
              : t('blocks.scopeAll')}{' '}
            · {formatTime(entry.startsAt, locale)}{' '}
            <button
              type="button"
              onClick={async () => {
                const result = await unblock({ blockId: entry.id });
                if (!result.error) changed();
              }}
            >
              {t('admin.unblock')}
            </button>
          </li>
        ))}
      </ul>
      <form className="inline" onSubmit={onBlock}>
        <TextField
          label={t('admin.blockReason')}
          required
          maxLength={2000}
          value={reason}
          onValue={setReason}
        />
        <button type="submit" className="primary" disabled={blockResult.fetching}>
          {t('admin.block')}
        </button>
      </form>
    </section>
  );
}
