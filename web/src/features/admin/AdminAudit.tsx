import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
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
      <table>
        <thead>
          <tr>
            <th scope="col">{t('admin.occurredAt')}</th>
            <th scope="col">{t('admin.action')}</th>
            <th scope="col">{t('admin.actor')}</th>
            <th scope="col">{t('admin.worker')}</th>
            <th scope="col">{t('catalogue.project')}</th>
            <th scope="col">{t('admin.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {data?.qualityAuditLog.map(entry => (
            <tr key={entry.id}>
              <td>{formatTime(entry.occurredAt, locale)}</td>
              <td>{entry.action}</td>
              <td>{entry.actorKind}</td>
              <td>{entry.workerId ?? '—'}</td>
              <td>{entry.projectId ?? '—'}</td>
              <td>{entry.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
