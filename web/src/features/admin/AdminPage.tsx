import { Link } from '../../app/router';
import { useI18n } from '../../i18n/i18n';
import { AdminAudit } from './AdminAudit';
import { AdminMoney } from './AdminMoney';
import { AdminUsers } from './AdminUsers';

/** The admin pages: users, money (payouts, trial balance, reconciliation), audit log. */
export function AdminPage({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('nav.admin')}</h1>
      <nav aria-label={t('nav.admin')} className="subnav">
        <Link to="/admin">{t('admin.users')}</Link>
        <Link to="/admin/money">{t('admin.money')}</Link>
        <Link to="/admin/audit">{t('admin.auditLog')}</Link>
      </nav>
      {path === '/admin/money' ? (
        <AdminMoney />
      ) : path === '/admin/audit' ? (
        <AdminAudit />
      ) : (
        <AdminUsers />
      )}
    </section>
  );
}
