/**
 * Checks an audit report against the contracts' views, read independently through ethers: every
 * line, tender, agreement, permit, application and programme the report rebuilt from events
 * must show the figures the views show, and the views' records must all be in the report.
 */
import { expect } from "chai";

import type { AuditReport } from "../../scripts/lib/audit/index.js";
import type { Suite } from "./scenario.js";

const TENDER_STATUS = ["none", "open", "open", "open", "awarded", "failed", "cancelled"];
const AGREEMENT_STATUS = ["none", "active", "completed", "terminated"];
const APPLICATION_STATUS = ["none", "pending", "approved", "rejected", "withdrawn"];

const byKey = (rows: AuditReport["lines"], key: string) => new Map(rows.map((r) => [String(r[key]), r]));

export async function expectReportMatchesViews(report: AuditReport, suite: Suite): Promise<void> {
  const { ledger, token, permits, escrow, subsidies, addresses } = suite;
  const at = { blockTag: report.block };

  // Lines, in the ledger's order.
  const count = Number(await ledger.lineCount(at));
  expect(report.lines.map((l) => l.lineId)).to.deep.equal(
    await Promise.all(Array.from({ length: count }, (_, i) => ledger.lineIdAt(i, at))),
  );
  for (const row of report.lines) {
    const lineId = String(row.lineId);
    const line = await ledger.getLine(lineId, at);
    expect(row, `line ${row.name}`).to.include({
      fiscalYear: Number(line.fiscalYear),
      label: line.label,
      appropriated: line.appropriated.toString(),
      committed: line.committed.toString(),
      spent: line.spent.toString(),
      available: (await ledger.available(lineId, at)).toString(),
      closed: line.closed,
    });
  }
  expect(report.ledger.balance).to.equal((await token.balanceOf(addresses.BudgetLedger, at)).toString());
  expect(report.ledger.unallocated).to.equal((await ledger.unallocated(at)).toString());

  // Tenders and bids.
  const tenders = byKey(report.tenders, "tenderId");
  expect(tenders.size).to.equal(Number(await escrow.tenderCount(at)));
  for (const [id, row] of tenders) {
    const t = await escrow.getTender(BigInt(id), at);
    expect(row, `tender ${id}`).to.include({
      lineId: t.lineId,
      specHash: t.specHash,
      maxPrice: t.maxPrice.toString(),
      bidDeadline: t.bidDeadline.toString(),
      revealDeadline: t.revealDeadline.toString(),
      status: TENDER_STATUS[Number(t.status)],
      agreementId: t.agreementId.toString(),
    });
  }
  for (const row of report.bids) {
    const bid = await escrow.getBid(BigInt(String(row.tenderId)), String(row.bidder), at);
    expect(row, `bid ${row.tenderId} ${row.bidder}`).to.include({
      bondHeld: bid.bond.toString(),
      revealed: bid.revealed,
      price: bid.revealed ? bid.price.toString() : null,
    });
  }

  // Agreements and milestones.
  const agreements = byKey(report.agreements, "agreementId");
  expect(agreements.size).to.equal(Number(await escrow.agreementCount(at)));
  for (const [id, row] of agreements) {
    const x = await escrow.getAgreement(BigInt(id), at);
    expect(row, `agreement ${id}`).to.include({
      tenderId: x.tenderId.toString(),
      contractor: x.contractor,
      price: x.price.toString(),
      status: AGREEMENT_STATUS[Number(x.status)],
      paid: x.paid.toString(),
      retentionHeld: x.retentionHeld.toString(),
    });
  }
  for (const row of report.milestones) {
    const m = await escrow.getMilestone(BigInt(String(row.agreementId)), BigInt(String(row.index)), at);
    expect(row.approvals, `milestone ${row.agreementId}/${row.index}`).to.equal(m.approvals.toString());
    if (row.paid !== null) expect(BigInt(String(row.paid)) + BigInt(String(row.retained))).to.equal(m.amount);
  }

  // Permits, applications, permit types.
  const [typeCount, applicationCount, permitCount] = await permits.counts(at);
  expect(report.permitTypes).to.have.length(Number(typeCount));
  expect(report.applications).to.have.length(Number(applicationCount));
  expect(report.permits).to.have.length(Number(permitCount));
  for (const row of report.permits) {
    const p = await permits.getPermit(BigInt(String(row.permitId)), at);
    expect(row, `permit ${row.permitId}`).to.include({
      typeId: p.typeId.toString(),
      holder: p.holder,
      applicationId: p.applicationId.toString(),
      documentHash: p.documentHash,
      issuedAt: Number(p.issuedAt),
      expiresAt: p.expiresAt.toString(),
      revoked: p.revoked,
      suspended: p.suspended,
    });
  }
  for (const row of report.applications) {
    const x = await permits.getApplication(BigInt(String(row.applicationId)), at);
    expect(row, `application ${row.applicationId}`).to.include({
      typeId: x.typeId.toString(),
      applicant: x.applicant,
      permitId: x.permitId.toString(),
      documentHash: x.documentHash,
      fee: x.fee.toString(),
      status: APPLICATION_STATUS[Number(x.status)],
      checksPassed: Number(x.checksPassed),
      checksBitmap: Number(x.checksBitmap),
      decidedAt: x.decidedAt === 0n ? null : Number(x.decidedAt),
    });
  }
  for (const row of report.permitTypes) {
    const t = await permits.getPermitType(BigInt(String(row.typeId)), at);
    expect(row, `permit type ${row.typeId}`).to.include({
      name: t.name,
      fee: t.fee.toString(),
      validity: t.validity.toString(),
      checkRoles: t.checkRoles.join(" "),
      recheckOnRenewal: t.recheckOnRenewal,
      active: t.active,
    });
  }

  // Programmes.
  const programmes = byKey(report.programmes, "programId");
  expect(programmes.size).to.equal(Number(await subsidies.programCount(at)));
  for (const [id, row] of programmes) {
    const p = await subsidies.getProgram(BigInt(id), at);
    expect(row, `programme ${id}`).to.include({
      kind: Number(p.kind) === 0 ? "roster" : "outcome",
      lineId: p.lineId,
      budget: p.budget.toString(),
      paid: p.paid.toString(),
      closed: p.closed,
      opensAt: p.opensAt.toString(),
      closesAt: p.closesAt.toString(),
      merkleRoot: p.merkleRoot,
      metadataHash: p.metadataHash,
    });
    if (!p.closed) expect(row.unclaimed).to.equal((await subsidies.remaining(BigInt(id), at)).toString());
  }

  // What each module holds: its balance, all of it explained by its open records.
  for (const m of report.modules) {
    const balance = await token.balanceOf(String(m.address), at);
    expect(m.balance, `${m.kind} balance`).to.equal(balance.toString());
    expect(BigInt(String(m.held)) + BigInt(String(m.directIn)) - BigInt(String(m.swept))).to.equal(balance);
  }
  expect(report.modules.map((m) => m.kind).sort()).to.deep.equal([
    "PermitRegistry",
    "ProcurementEscrow",
    "SubsidyDisbursement",
  ]);
}
