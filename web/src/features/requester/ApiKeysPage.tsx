import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatTime } from '../../ui/format';
import { TextField } from '../../ui/TextField';
import { ApiKeys, CreateApiKey, RevokeApiKey } from './documents';

/** API keys: create one (its secret shown once, with a copy button), list them, revoke. */
export function ApiKeysPage() {
  const { t, locale } = useI18n();
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [{ data, error }, reload] = useQuery({ query: ApiKeys });
  const [created, create] = useMutation(CreateApiKey);
  const [revoked, revoke] = useMutation(RevokeApiKey);
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const active = (data?.apiKeys ?? []).filter(key => !key.revokedAt);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({
      // Keys made here act as the requester (a worker's or admin's key is made over the API).
      input: { name, scopes: ['REQUESTER'] },
    });
    if (result.data) {
      setSecret(result.data.createApiKey.secret);
      setCopied(false);
      setName('');
      refresh();
    }
  };
  const copy = async () => {
    if (!secret) return;
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };

  return (
    <section>
      <h1>{t('console.keys.title')}</h1>
      <p className="hint">{t('console.keys.help')}</p>
      <form onSubmit={submit}>
        <TextField label={t('console.keys.name')} required value={name} onValue={setName} />
        <button type="submit" className="primary" disabled={created.fetching}>
          {t('console.keys.create')}
        </button>
      </form>
      {secret && (
        <div className="notice warning" role="status">
          <p>{t('console.keys.once')}</p>
          <p>
            <code className="secret" aria-label={t('console.keys.secret')}>
              {secret}
            </code>
          </p>
          <button type="button" onClick={copy}>
            {copied ? t('console.keys.copied') : t('console.keys.copy')}
          </button>{' '}
          <button type="button" onClick={() => setSecret(null)}>
            {t('console.keys.done')}
          </button>
        </div>
      )}
      <ErrorText message={errorMessage(t, error ?? created.error ?? revoked.error)} />
      <h2>{t('console.keys.list')}</h2>
      {data && active.length === 0 && <p>{t('console.keys.none')}</p>}
      <DataTable
        rows={active}
        rowKey={key => key.id}
        columns={[
          { header: t('console.keys.name'), cell: key => key.name, rowHeader: true },
          { header: t('console.keys.prefix'), cell: key => <code>{key.prefix}…</code> },
          { header: t('console.keys.scopes'), cell: key => key.scopes.join(', ') },
          { header: t('console.keys.created'), cell: key => formatTime(key.createdAt, locale) },
          {
            header: t('console.keys.lastUsed'),
            cell: key => (key.lastUsedAt ? formatTime(key.lastUsedAt, locale) : '—'),
          },
          {
            header: t('console.keys.actions'),
            cell: key => (
              <button
                type="button"
                onClick={async () => {
                  const result = await revoke({ id: key.id });
                  if (!result.error) refresh();
                }}
              >
                {t('console.keys.revoke', { name: key.name })}
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
