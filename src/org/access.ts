// Who a person is in the unit, for the access rules every feature applies: written once here.
import type { Org } from './org.js';

type People = Pick<Org, 'reception_office' | 'finance' | 'principal' | 'departments'>;

/** A person's name as the org file gives it; their id when the org file does not know them. */
export const nameOf = (org: Pick<Org, 'person'>, id: string): string => org.person(id)?.name ?? id;

/** 接待办: its director or one of its staff. */
export const isOffice = (org: People, id: string): boolean => id === org.reception_office.director || org.reception_office.staff.includes(id);

/** 财务: a finance auditor. */
export const isFinance = (org: People, id: string): boolean => org.finance.includes(id);

/** 主要负责人, the principal leader, where the org file names one. */
export const isPrincipal = (org: People, id: string): boolean => id === org.principal;

/** 分管领导: the leader who supervises a department. */
export const isSupervisor = (org: People, id: string): boolean => org.departments.some((d) => d.supervisor === id);

/** The unit's leaders: the principal and the supervising leaders. */
export const isLeader = (org: People, id: string): boolean => isPrincipal(org, id) || isSupervisor(org, id);
