import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatTime } from '../../ui/format';

const AuditLogQuery = graphql(`
  query AdminAuditLog {
    qualityAuditLog(limit: 200) {
      id
      action
      actorKind
      occurredAt
      projectId
      workerId
      reason
    }
  }
`);

/** The quality audit log, newest first. */
export function AdminAudit() {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: AuditLogQuery, requestPolicy: 'network-only' });
  return (
    <section>
      <h2>{t('admin.auditLog')}</h2>
      <ErrorText message={errorMessage(t, error)} />
      <DataTable
        rows={data?.qualityAuditLog ?? []}
        rowKey={entry => entry.id}
        columns={[
          { header: t('admin.occurredAt'), cell: entry => formatTime(entry.occurredAt, locale) },
          { header: t('admin.action'), cell: entry => entry.action },
          { header: t('admin.actor'), cell: entry => entry.actorKind },
          { header: t('admin.worker'), cell: entry => entry.workerId ?? '—' },
          { header: t('catalogue.project'), cell: entry => entry.projectId ?? '—' },
          { header: t('admin.reason'), cell: entry => entry.reason },
        ]}
      />
    </section>
  );
}
