import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { RANKS } from '../rules/vocabulary.js';

const person = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  department: z.string().min(1),
  phone: z.coerce.string().optional(),
  /** 职级, in the request form's words (厅局级正职…): who may host whom (docs/protocol.md). */
  rank: z.enum(RANKS, { error: `expected a rank: one of ${RANKS.join(', ')}` }).optional(),
  /** 职务 as written on a place card: 主任, 副主任, 局长… */
  title: z.string().min(1).optional(),
});

const orgSchema = z.object({
  unit: z.string().min(1),
  people: z.array(person).min(1),
  departments: z
    .array(z.object({ name: z.string().min(1), head: z.string().min(1), supervisor: z.string().min(1) }))
    .min(1),
  reception_office: z.object({
    director: z.string().min(1),
    staff: z.array(z.string().min(1)).default([]),
    chat_id: z.string().min(1),
  }),
  finance: z.array(z.string().min(1)).min(1),
  principal: z.string().min(1).optional(),
});

export type Person = z.infer<typeof person>;
export type OrgFile = z.infer<typeof orgSchema>;

export interface Org extends OrgFile {
  person(id: string): Person | undefined;
  department(name: string): OrgFile['departments'][number] | undefined;
}

export class OrgError extends Error {
  readonly code = 'ORG_INVALID' as const;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`org file ${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses and checks an org file's text: every problem is reported at once. */
export function parseOrg(text: string, source = 'org'): Org {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new OrgError(source, [`not valid YAML: ${(err as Error).message}`]);
  }
  const parsed = orgSchema.safeParse(raw);
  if (!parsed.success) {
    throw new OrgError(
      source,
      parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
    );
  }
  const org = parsed.data;
  const problems: string[] = [];
  const byId = new Map<string, Person>();
  org.people.forEach((p, i) => {
    if (byId.has(p.id)) problems.push(`people[${i}].id: ${p.id} appears twice`);
    byId.set(p.id, p);
  });
  const known = (id: string, where: string) => {
    if (!byId.has(id)) problems.push(`${where}: unknown person ${id}`);
  };
  org.departments.forEach((d, i) => {
    known(d.head, `departments[${i}].head`);
    known(d.supervisor, `departments[${i}].supervisor`);
  });
  known(org.reception_office.director, 'reception_office.director');
  org.reception_office.staff.forEach((id, i) => known(id, `reception_office.staff[${i}]`));
  org.finance.forEach((id, i) => known(id, `finance[${i}]`));
  // 双次审核: the reception office audits first, finance second; one person cannot be both.
  const office = new Set([org.reception_office.director, ...org.reception_office.staff]);
  org.finance.forEach((id, i) => {
    if (office.has(id)) problems.push(`finance[${i}]: ${id} is also in reception_office; the two audits need different people`);
  });
  if (org.principal) known(org.principal, 'principal');
  if (problems.length) throw new OrgError(source, problems);

  const depts = new Map(org.departments.map((d) => [d.name, d]));
  return {
    ...org,
    person: (id) => byId.get(id),
    department: (name) => depts.get(name),
  };
}

export function loadOrg(file: string): Org {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new OrgError(file, [`cannot read: ${(err as Error).message}`]);
  }
  return parseOrg(text, file);
}

function formatPath(p: PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';
}
