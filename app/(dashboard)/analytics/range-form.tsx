import { IntentLink } from "@/components/ui/intent-link";

/** Period and range, kept in the URL so a view can be shared. */
export function RangeForm({ action, period, days, deployments, current }: { action: string; period: string; days: number; deployments: string[]; current?: string }) {
  return (
    <div className="card stack">
      <form className="form-inline" method="get" action={action} aria-label="Analytics range">
        <label className="field">
          Per
          <select className="input" name="period" defaultValue={period}>
            <option value="week">week (Monday, UTC)</option>
            <option value="month">month (UTC)</option>
          </select>
        </label>
        <label className="field">
          Range
          <select className="input" name="days" defaultValue={String(days)}>
            {[["28", "4 weeks"], ["91", "13 weeks"], ["182", "26 weeks"], ["365", "1 year"]].map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button className="button primary" type="submit">
          Show
        </button>
      </form>
      <nav className="row small" aria-label="Deployments">
        <IntentLink href={`/analytics?period=${period}&days=${days}`} aria-current={current ? undefined : "page"}>
          All deployments
        </IntentLink>
        {deployments.map((slug) => (
          <IntentLink key={slug} href={`/analytics/${slug}?period=${period}&days=${days}`} aria-current={current === slug ? "page" : undefined}>
            {slug}
          </IntentLink>
        ))}
      </nav>
    </div>
  );
}
