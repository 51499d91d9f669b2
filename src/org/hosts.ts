// Who hosts a visit (docs/protocol.md): 接待用餐原则上对口; 陪同人员与来宾在级别或身份上对等或稍低一点.
// From the lead guest's rank and the requesting department, the 主陪 is the first leader whose rank
// is the guest's or one step lower, the department's supervising leader (对口) before the others up
// to the principal (对等); the 陪同 follow within the number of accompanying diners the request gives.
import { RANKS, rankIndex } from '../rules/vocabulary.js';
import type { Org, Person } from './org.js';

export interface HostProposal {
  /** The 主陪's id. */
  chief: string;
  /** The other accompanying people's ids, most senior first (the 主陪 not among them). */
  accompany: string[];
  /** Why this 主陪, in the office's words: 对口分管领导；对等：厅局级 … */
  reason: string;
}

/** 厅局级正职 → 厅局级; 其他 stays. */
export const levelOf = (rank: string) => rank.replace(/[正副]职$/, '');

/** How a host's rank stands to the guest's: 对等 (the same level), 稍低一级 (one step lower), or undefined. */
function standing(host: Person | undefined, guestRank: string): string | undefined {
  if (!host?.rank || !(RANKS as readonly string[]).includes(guestRank)) return undefined;
  const step = rankIndex(host.rank) - rankIndex(guestRank);
  if (step < 0 || step > 1) return undefined;
  if (levelOf(host.rank) === levelOf(guestRank)) return `对等：${levelOf(host.rank)}`;
  return `稍低一级：${host.rank}`;
}

/** The leaders who may host: the department's supervising leader, the other supervising leaders, the principal. */
function leaders(org: Org, department: string): string[] {
  const own = org.department(department)?.supervisor;
  const ids = [own, ...org.departments.map((d) => d.supervisor), org.principal].filter((id): id is string => !!id);
  return [...new Set(ids)];
}

export function proposeHosts(org: Org, r: { department: string; requester: string; leadRank: string; accompanyCount: number }): HostProposal {
  const dept = org.department(r.department);
  const candidates = leaders(org, r.department);
  const own = dept?.supervisor;
  let chief: string | undefined;
  let reason = '';
  const ownStanding = own ? standing(org.person(own), r.leadRank) : undefined;
  if (own && ownStanding) {
    chief = own;
    reason = `对口分管领导；${ownStanding}`;
  } else {
    // 对等 before 稍低一级 among the others, in the org file's order (the principal last).
    const others = candidates.filter((id) => id !== own).map((id) => ({ id, s: standing(org.person(id), r.leadRank) }));
    const pick = others.find((o) => o.s?.startsWith('对等')) ?? others.find((o) => o.s);
    if (pick) {
      chief = pick.id;
      reason = pick.s!;
    }
  }
  if (!chief) {
    const ranked = candidates.filter((id) => org.person(id)?.rank);
    const senior = ranked.length && ranked.every((id) => rankIndex(org.person(id)!.rank!) > rankIndex(r.leadRank));
    if (senior && org.principal) {
      chief = org.principal;
      reason = '来宾职级高于本单位领导，由主要负责人出面';
    } else {
      chief = own ?? org.principal ?? dept?.head ?? r.requester;
      reason = own ? '对口分管领导' : '对口部门负责人';
    }
  }
  const rest = [own, dept?.head, org.reception_office.director, r.requester].filter((id): id is string => !!id && id !== chief);
  const accompany = [...new Set(rest)].slice(0, Math.max(0, r.accompanyCount - 1));
  return { chief, accompany, reason };
}
