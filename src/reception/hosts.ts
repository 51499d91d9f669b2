// The 主陪 and 陪同 of a reception (docs/protocol.md): the office's choice when it made one, else the
// bot's proposal from the org file (对口、对等), recomputed from the current facts.
import { proposeHosts } from '../org/hosts.js';
import type { Org } from '../org/org.js';
import type { receptions } from '../db/schema/index.js';
import type { FormFields } from './form-fields.js';

type Reception = typeof receptions.$inferSelect;

export interface ReceptionHosts {
  chief: string;
  accompany: string[];
  reason: string;
  /** True when the reception office chose them. */
  byOffice: boolean;
}

/** The facts the hosts follow from; any form field may be absent. */
type Facts = Pick<Reception, 'department' | 'requester' | 'hosts'> & { form: FormFields };

export function proposalFor(org: Org, r: Facts) {
  const f = r.form;
  const accompanyCount = f.working_meal === '是' ? Math.max(1, Math.floor(Number(f.accompany_count ?? 0)) || 0) : 1;
  return proposeHosts(org, { department: r.department, requester: r.requester, leadRank: String(f.lead_rank ?? ''), accompanyCount });
}

export function hostsOf(org: Org, r: Facts): ReceptionHosts {
  if (r.hosts) {
    // A later change may lower the approved diners: the office's 主陪 stays, its 陪同 are cut to fit (R8).
    const f = r.form;
    const diners = f.working_meal === '是' ? Math.max(1, Math.floor(Number(f.accompany_count ?? 0)) || 0) : Infinity;
    return { chief: r.hosts.chief, accompany: r.hosts.accompany.slice(0, diners - 1), reason: `接待办指定（原建议：${proposalFor(org, r).reason}）`, byOffice: true };
  }
  return { ...proposalFor(org, r), byOffice: false };
}

/** "陈副主任（副主任）": a name with the title the org file gives. */
export function personLabel(org: Org, id: string): string {
  const p = org.person(id);
  if (!p) return id;
  return p.title ? `${p.name}（${p.title}）` : p.name;
}

/** The line the cards show: 拟安排主陪 … ；陪同 … */
export function hostsLine(org: Org, h: ReceptionHosts): { chief: string; reason: string; accompany: string[] } {
  return { chief: personLabel(org, h.chief), reason: h.reason, accompany: h.accompany.map((id) => personLabel(org, id)) };
}
