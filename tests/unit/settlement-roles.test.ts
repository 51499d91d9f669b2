import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { bundled } from '../../src/config.js';
import { auditors, secondSigners, type Loaded } from '../../src/settlement/settlement.js';
import { loadOrg, parseOrg } from '../../src/org/org.js';
import type { SettlementAudit } from '../../src/db/schema/index.js';

const org = loadOrg(bundled.org);
const settlement = (handler: string, department: string, witness: string | null = null, signers: string[] = [], audits: Pick<SettlementAudit, 'stage' | 'by' | 'decision'>[] = []) =>
  ({ r: { department }, s: { handler, witness, signatures: signers.map((by) => ({ by, role: 'second', hash: 'h', at: '' })), audits } }) as unknown as Loaded;

describe('who signs second and who audits a settlement', () => {
  it('has the department head sign second, or the witness the handler named', () => {
    expect(secondSigners(org, settlement('ou_staff1', '招商局'))).toEqual(['ou_head1']);
    expect(secondSigners(org, settlement('ou_staff1', '招商局', 'ou_staff2'))).toEqual(['ou_staff2']);
  });

  it('never has the handler sign second, even as department head', () => {
    expect(secondSigners(org, settlement('ou_head1', '招商局'))).toEqual([]);
  });

  it('gives the office audit to the director, unless the director handled or signed it', () => {
    expect(auditors(org, settlement('ou_staff1', '招商局', null, ['ou_staff1', 'ou_head1']), 'office')).toEqual(['ou_office1']);
    // 办公室 staff files: the director, as department head, signs second; the audit passes to the principal.
    expect(auditors(org, settlement('ou_office2', '办公室', null, ['ou_office2', 'ou_office1']), 'office')).toEqual(['ou_chief']);
    expect(auditors(org, settlement('ou_office1', '办公室', 'ou_staff1', ['ou_office1', 'ou_staff1']), 'office')).toEqual(['ou_office2']);
  });

  it('leaves finance with nobody when its only member signed, so that signature is refused', () => {
    expect(auditors(org, settlement('ou_staff1', '招商局', 'ou_fin1'), 'finance', ['ou_staff1', 'ou_fin1'])).toEqual([]);
  });

  it('never lets whoever passed the office audit audit for finance too', () => {
    // The principal audits for the office when the director and the staff handled or signed it; here the principal is also in finance.
    const both = parseOrg(fs.readFileSync(bundled.org, 'utf8').replace('finance: [ou_fin1]', 'finance: [ou_chief, ou_fin1]'), 'org');
    const l = (audits: Pick<SettlementAudit, 'stage' | 'by' | 'decision'>[]) => settlement('ou_office2', '办公室', null, ['ou_office2', 'ou_office1'], audits);
    expect(auditors(both, l([]), 'office')).toEqual(['ou_chief']);
    expect(auditors(both, l([{ stage: 'office', by: 'ou_chief', decision: 'pass' }]), 'finance')).toEqual(['ou_fin1']);
    // After a finance return and a new office pass by someone else, the principal may audit for finance again.
    expect(auditors(both, l([{ stage: 'office', by: 'ou_chief', decision: 'pass' }, { stage: 'finance', by: 'ou_fin1', decision: 'return' }]), 'finance')).toEqual(['ou_chief', 'ou_fin1']);
  });
});
